"""Rates per unit and overall: what admins put in the weekly report.

- response rate: responded by `respond_by`, among tickets whose response was due by now;
- on-time resolution rate: resolved by `resolve_by`, among tickets due by now;
- resolution rate: resolved, among tickets (withdrawn ones excluded);
- satisfaction rate: ratings of 4–5 among rated tickets;
plus the median time to first response and how many are overdue now. Units are ranked like a
league table; a rate with nothing to measure is shown as "—", never as 0 %.
"""

from __future__ import annotations

import csv
import statistics
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.tickets.model import Ticket, TicketStatus


@dataclass(frozen=True)
class UnitRates:
    unit: str
    name: str
    tickets: int
    response_rate: float | None
    on_time_resolution_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    rated: int
    median_first_response: timedelta | None
    overdue_now: int


@dataclass(frozen=True)
class Report:
    since: datetime | None
    until: datetime | None
    generated: datetime
    units: tuple[UnitRates, ...]  # ranked, best first
    overall: UnitRates


def rates(unit: str, name: str, tickets: Iterable[Ticket], now: datetime) -> UnitRates:
    """The rates of one group of tickets at `now`."""
    live = [t for t in tickets if t.status is not TicketStatus.CANCELLED]
    response_due = [t for t in live if t.respond_by <= now or t.responded_at is not None]
    responded_on_time = [
        t for t in response_due if t.responded_at is not None and t.responded_at <= t.respond_by
    ]
    resolution_due = [t for t in live if t.resolve_by <= now or t.resolved_at is not None]
    resolved_on_time = [
        t for t in resolution_due if t.resolved_at is not None and t.resolved_at <= t.resolve_by
    ]
    resolved = [t for t in live if t.status is TicketStatus.RESOLVED]
    rated = [t for t in live if t.rating is not None]
    waits = [t.responded_at - t.opened_at for t in live if t.responded_at is not None]
    overdue = [t for t in live if t.is_open and _overdue(t, now)]
    return UnitRates(
        unit=unit,
        name=name,
        tickets=len(live),
        response_rate=_share(len(responded_on_time), len(response_due)),
        on_time_resolution_rate=_share(len(resolved_on_time), len(resolution_due)),
        resolution_rate=_share(len(resolved), len(live)),
        satisfaction_rate=_share(sum(1 for t in rated if (t.rating or 0) >= 4), len(rated)),
        rated=len(rated),
        median_first_response=_median(waits),
        overdue_now=len(overdue),
    )


def build_report(
    tickets: Iterable[Ticket],
    now: datetime,
    unit_names: Mapping[str, str],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Report:
    """Per-unit rates (ranked) and the overall row. Tickets count for the unit owning them."""
    items = list(tickets)
    by_unit: dict[str, list[Ticket]] = {}
    for ticket in items:
        by_unit.setdefault(ticket.unit, []).append(ticket)
    units = [rates(u, unit_names.get(u, u), group, now) for u, group in by_unit.items()]
    units.sort(key=_league_key)
    overall = rates("ALL", "全校 / overall", items, now)
    return Report(since, until, now, tuple(units), overall)


def _league_key(row: UnitRates) -> tuple[float, float, float, int, str]:
    # Higher is better; a rate with nothing to measure ranks below any measured one.
    def value(rate: float | None) -> float:
        return -1.0 if rate is None else rate

    return (
        -value(row.on_time_resolution_rate),
        -value(row.response_rate),
        -value(row.satisfaction_rate),
        row.overdue_now,
        row.unit,
    )


def _overdue(ticket: Ticket, now: datetime) -> bool:
    if ticket.responded_at is None:
        return now > ticket.respond_by
    if ticket.status is TicketStatus.WAITING_STUDENT:
        return False  # the resolution clock is paused
    return now > ticket.resolve_by


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    seconds = statistics.median(value.total_seconds() for value in values)
    return timedelta(seconds=seconds)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- output --------------------------------------------------------------------------------

_COLUMNS_ZH = (
    "排名",
    "单位",
    "问题数",
    "响应率",
    "按时办结率",
    "办结率",
    "满意率",
    "首次响应中位",
    "当前超时",
)
_COLUMNS_EN = (
    "#",
    "unit",
    "tickets",
    "response",
    "on-time",
    "resolved",
    "satisfied",
    "median 1st resp",
    "overdue",
)


def format_report(report: Report, language: str = "zh") -> str:
    """An aligned text table (CJK-width aware), league order, overall last."""
    header = _COLUMNS_ZH if language == "zh" else _COLUMNS_EN
    rows = [list(header)]
    for rank, row in enumerate(report.units, start=1):
        rows.append(_cells(str(rank), row))
    rows.append(_cells("", report.overall))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    period = _period(report, language)
    lines.append(period)
    for number, cells in enumerate(rows):
        lines.append("  ".join(_pad(c, widths[i], i) for i, c in enumerate(cells)).rstrip())
        if number == 0 or number == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_csv(report: Report, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow(
            [
                "rank",
                "unit",
                "name",
                "tickets",
                "response_rate",
                "on_time_resolution_rate",
                "resolution_rate",
                "satisfaction_rate",
                "rated",
                "median_first_response_hours",
                "overdue_now",
            ]
        )
        for rank, row in enumerate([*report.units, report.overall], start=1):
            median = row.median_first_response
            writer.writerow(
                [
                    rank if row.unit != "ALL" else "",
                    row.unit,
                    row.name,
                    row.tickets,
                    _csv_rate(row.response_rate),
                    _csv_rate(row.on_time_resolution_rate),
                    _csv_rate(row.resolution_rate),
                    _csv_rate(row.satisfaction_rate),
                    row.rated,
                    "" if median is None else f"{median.total_seconds() / 3600:.2f}",
                    row.overdue_now,
                ]
            )


def _cells(rank: str, row: UnitRates) -> list[str]:
    return [
        rank,
        row.name,
        str(row.tickets),
        _pct(row.response_rate),
        _pct(row.on_time_resolution_rate),
        _pct(row.resolution_rate),
        _pct(row.satisfaction_rate),
        _duration(row.median_first_response),
        str(row.overdue_now),
    ]


def _period(report: Report, language: str) -> str:
    def day(when: datetime | None) -> str:
        return "…" if when is None else f"{when:%Y-%m-%d}"

    made = f"{report.generated:%Y-%m-%d %H:%M} UTC"
    if language == "zh":
        return f"统计区间：{day(report.since)} 至 {day(report.until)}（生成于 {made}）"
    return f"Period: {day(report.since)} to {day(report.until)} (generated {made})"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _csv_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}h{mins:02d}m"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, column: int) -> str:
    gap = " " * (width - _width(text))
    return text + gap if column == 1 else gap + text
