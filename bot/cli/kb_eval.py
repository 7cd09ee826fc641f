"""`frontdesk kb eval FILE`: how the matcher does on a labelled question file."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from bot.cli.context import CliContext
from bot.kb.evaluate import LabelError, evaluate, format_evaluation, read_labelled
from bot.kb.live import LiveKB
from bot.matching.factory import build_matcher


def add_eval_parser(kb_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = kb_sub.add_parser(
        "eval", help="top-1/top-3, direct answers, wrong answers on a labelled JSONL file"
    )
    run.add_argument("file", type=Path, help='JSON Lines: {"question", "entry", "unit", "kind"}')
    run.add_argument("--kb", type=Path, help="knowledge-base folder (default: config kb.dir)")
    run.add_argument("--lexical", action="store_true", help="match without the embedding model")
    run.add_argument("--failures", type=int, default=40, help="how many failures to list")
    run.set_defaults(handler=run_eval)


def run_eval(args: argparse.Namespace, ctx: CliContext) -> int:
    settings = ctx.settings
    if args.lexical:
        settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    try:
        cases = read_labelled(args.file)
    except (OSError, LabelError) as error:
        return ctx.fail(f"frontdesk kb eval: {error}")
    live = LiveKB(settings.kb_dir, lambda kb: build_matcher(kb, settings, ctx.cache_dir), ctx.clock)
    unknown = sorted({c.entry for c in cases if c.entry and c.entry not in live.kb.by_id})
    if unknown:
        ctx.say(
            f"warning: {len(unknown)} labelled entries are not in the KB: {', '.join(unknown[:10])}"
        )
    ctx.say(format_evaluation(evaluate(cases, live.match), show_failures=args.failures))
    return 0
