"""`frontdesk report`: per-unit rates of the 24-hour promise, as a table, a CSV and a chart.

Dates on the command line are local days in `sla.timezone` (what an admin means by "November");
`Period` turns them into the UTC range the ticket store is queried with.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.context import CliContext
from bot.sla.report import Period, build_report, format_report, write_csv

DEFAULT_DAYS = 30


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser(
        "report", help="per-unit response, on-time, resolution and satisfaction rates"
    )
    report.add_argument(
        "--since", type=_day, help=f"first day, YYYY-MM-DD (default: {DEFAULT_DAYS} days back)"
    )
    report.add_argument("--until", type=_day, help="last day, inclusive (default: today)")
    report.add_argument("--unit", help="only this unit (its id, e.g. nic)")
    report.add_argument("--csv", type=Path, metavar="FILE", help="also write the table as CSV")
    report.add_argument("--chart", type=Path, metavar="FILE", help="also draw it as a PNG")
    report.add_argument("--lang", choices=["zh", "en"], default="zh", help="table language")
    report.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print the league table for the period; write the CSV and the chart when asked."""
    timezone = ctx.settings.sla.timezone
    now = ctx.clock.now()
    last: date = args.until or now.astimezone(ZoneInfo(timezone)).date()
    if args.since is not None and args.since > last:
        return ctx.fail(f"frontdesk report: --since {args.since} is after --until {last}")
    period = (
        Period(args.since, last, timezone)
        if args.since is not None
        else Period.last_days(last, DEFAULT_DAYS, timezone)
    )
    frontdesk = ctx.frontdesk()
    kb = frontdesk.kb.kb
    if args.unit and args.unit not in kb.units:
        known = ", ".join(sorted(kb.units))
        return ctx.fail(f"frontdesk report: unknown unit {args.unit!r} (known: {known})")
    tickets = frontdesk.tickets.search(since=period.since, until=period.until, unit=args.unit)
    names = {unit: kb.unit_name(unit, args.lang) for unit in {t.unit for t in tickets}}
    report = build_report(tickets, now, names, period, scope=args.unit)
    ctx.say(format_report(report, args.lang))
    try:
        if args.csv:
            write_csv(report, args.csv)
            ctx.say(f"CSV: {args.csv}")
        if args.chart:
            from bot.sla.chart import write_chart  # matplotlib loads only for a chart

            write_chart(report, args.chart)
            ctx.say(f"chart: {args.chart}")
    except OSError as error:
        return ctx.fail(f"frontdesk report: cannot write {error.filename}: {error.strerror}")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error
