"""`frontdesk`: the command line. Each sub-command lives in its own module with `register()`."""

from __future__ import annotations

import argparse
import importlib
import io
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from bot.cli.context import CliContext
from bot.clock import Clock, SystemClock
from bot.config import ConfigError, load_settings
from bot.kb.problems import KBLoadError

# Sub-command modules, in the order `frontdesk --help` lists them.
COMMAND_MODULES = (
    "bot.cli.run",
    "bot.cli.chat",
    "bot.cli.ask",
    "bot.cli.kb",
    "bot.cli.tickets",
    "bot.cli.sla",
    "bot.cli.report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description="Front Desk: a university's first-ask front desk (首问首接 · 接诉即办).",
    )
    parser.add_argument("--config", type=Path, help="config file (default: ./config.toml)")
    parser.add_argument("--database", help="database URL (overrides config and env)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; everything external (env, clock, streams) can be handed in by tests."""
    environ = os.environ if environ is None else environ
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stderr,
    )
    # What an admin waits on at a first start (embedding a new KB takes about a minute) is
    # said without -v.
    logging.getLogger("bot.matching.embeddings").setLevel(
        logging.DEBUG if args.verbose else logging.INFO
    )
    if not getattr(args, "handler", None):
        parser.print_help(stdout)
        return 2
    try:
        settings = load_settings(args.config, environ, kb_dir=getattr(args, "kb", None))
    except ConfigError as error:
        print(f"frontdesk: configuration error: {error}", file=stderr)
        return 2
    if args.database:
        from dataclasses import replace

        settings = replace(settings, database_url=args.database)
    cache = environ.get("FRONTDESK_CACHE_DIR")
    context = CliContext(
        settings=settings,
        environ=environ,
        clock=clock or SystemClock(),
        stdin=stdin or _standard_input(),
        stdout=stdout,
        stderr=stderr,
        cache_dir=Path(cache) if cache else Path(".cache") / "frontdesk",
    )
    try:
        code: int = args.handler(args, context)
        return code
    except KBLoadError as error:
        print("frontdesk: the knowledge base has errors:", file=stderr)
        for problem in error.problems:
            if problem.severity == "error":
                print(f"  {problem}", file=stderr)
        print("Run `frontdesk kb check` for details.", file=stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        context.close()


def _standard_input() -> TextIO:
    """sys.stdin, with bytes that are not text in its encoding read as U+FFFD: a stray byte in a
    pasted line must cost that character, not the rest of a batch (or a ticket the database
    cannot store)."""
    stream = sys.stdin
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="replace")
    return stream
