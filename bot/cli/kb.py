"""`frontdesk kb check` (and `kb eval`): what admins run after editing the KB files."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.context import CliContext
from bot.cli.kb_eval import add_eval_parser
from bot.kb.check import check_kb, format_report
from bot.matching.factory import build_matcher


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = sub.add_parser("kb", help="check and evaluate the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    check = kb_sub.add_parser(
        "check", help="validate the KB files, run their regression questions, list ambiguities"
    )
    check.add_argument("--kb", type=Path, help="knowledge-base folder (default: config kb.dir)")
    check.add_argument("--lexical", action="store_true", help="match without the embedding model")
    check.set_defaults(handler=run_check)
    add_eval_parser(kb_sub)


def run_check(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print every problem with file:line; exit 1 on errors or failed regression questions."""
    settings = ctx.settings
    if args.lexical:
        from dataclasses import replace

        settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    report = check_kb(
        settings.kb_dir,
        lambda kb: build_matcher(kb, settings, ctx.cache_dir).match,
        settings.frontdesk_unit,
    )
    ctx.say(format_report(report))
    return 0 if report.ok else 1
