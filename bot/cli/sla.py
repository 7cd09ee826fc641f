"""`frontdesk sla sweep`: one pass of the SLA sweeper, for cron or by hand."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.cli.context import CliContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sla = sub.add_parser("sla", help="the 24-hour promise: sweep for due warnings and breaches")
    ops = sla.add_subparsers(dest="op", metavar="OP", required=True)
    sweep = ops.add_parser("sweep", help="queue every warning, escalation and reminder now due")
    sweep.add_argument("--now", help="pretend it is this ISO time (for drills)")
    sweep.set_defaults(handler=sweep_once)


def sweep_once(args: argparse.Namespace, ctx: CliContext) -> int:
    now = ctx.clock.now()
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            return ctx.fail(f"--now: not an ISO time: {args.now!r}")
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
    result = ctx.frontdesk().sweeper.sweep(now)
    ctx.say(
        f"swept {result.due} due notice(s): {result.notices} sent, "
        f"{result.messages} message(s) queued"
    )
    return 0
