"""`frontdesk report`: per-unit rates of the 24-hour promise, as a table, CSV and chart."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.context import CliContext
from bot.sla.report import build_report, format_report, write_csv


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser(
        "report", help="per-unit response/on-time/resolution/satisfaction rates"
    )
    report.add_argument("--since", type=_day, help="first day, YYYY-MM-DD (default: 30 days ago)")
    report.add_argument("--until", type=_day, help="last day, YYYY-MM-DD (default: today)")
    report.add_argument("--unit", help="only this unit")
    report.add_argument("--csv", type=Path, help="also write the table as CSV")
    report.add_argument("--chart", type=Path, help="also draw the league table as a PNG")
    report.add_argument("--lang", choices=["zh", "en"], default="zh")
    report.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    zone = ZoneInfo(ctx.settings.sla.timezone)
    now = ctx.clock.now()
    today = now.astimezone(zone).date()
    last: date = args.until or today
    first: date = args.since or (last - timedelta(days=29))
    if first > last:
        return ctx.fail(f"--since {first} is after --until {last}")
    since = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    frontdesk = ctx.frontdesk()
    kb = frontdesk.kb.kb
    if args.unit and args.unit not in kb.units:
        return ctx.fail(f"unknown unit {args.unit!r} (known: {', '.join(kb.units)})")
    tickets = frontdesk.tickets.search(since=since, until=until, unit=args.unit)
    names = {unit.id: unit.name for unit in kb.units.values()}
    report = build_report(
        tickets,
        now,
        names,
        since=since.astimezone(zone),
        until=(until - timedelta(seconds=1)).astimezone(zone),
    )
    ctx.say(format_report(report, args.lang))
    if args.csv:
        write_csv(report, args.csv)
        ctx.say(f"CSV: {args.csv}")
    if args.chart:
        from bot.sla.chart import write_chart  # matplotlib only when a chart is asked for

        write_chart(report, args.chart)
        ctx.say(f"chart: {args.chart}")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error
