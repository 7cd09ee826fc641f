"""Rates per unit and overall: what admins put in the weekly or monthly report.

Every rate only counts what can already be judged, so a unit is never punished for a ticket
whose deadline has not come yet, and never praised for one that is quietly late:

- response rate: responded by `respond_by`, among tickets responded to or past `respond_by`;
- on-time resolution rate: resolved by `resolve_by`, among tickets resolved or past
  `resolve_by` (a ticket waiting on the student is not due: its resolution clock is paused);
- resolution rate: resolved, among all tickets of the period;
- satisfaction rate: ratings of 4–5 among rated tickets;
plus the median time to first response and how many tickets are overdue right now.

Tickets withdrawn by the student (CANCELLED) are left out: there was nothing left to answer.
A ticket counts for the unit that owns it now, since a transfer keeps the deadlines and the
owner is the one answerable for them. Units are ranked like a league table; a rate with
nothing to measure is None (shown as "-"), never 0 %, so a quiet unit is not shamed.
Everything here is a pure function of the tickets, `now` and the period: no database, no clock.
"""

from __future__ import annotations

import csv
import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from bot.tickets.model import Ticket, TicketStatus

ReportLanguage = Literal["zh", "en"]
OVERALL = "ALL"  # the unit id of the overall row (in the CSV and `UnitRates.unit`)
_OVERALL_NAMES = {"zh": "全校", "en": "Overall"}
# The same row when the report covers one unit: its total, not the whole university's.
_TOTAL_NAMES = {"zh": "合计", "en": "Total"}
_NO_RATE = "-"  # ASCII on purpose: "—" is East-Asian "ambiguous" width and breaks alignment


@dataclass(frozen=True)
class Period:
    """Local calendar days `first`..`last` (inclusive) in `timezone`.

    Admins think in local days ("November"), the database stores UTC: this is the one place
    that turns the one into the other, so the CLI query and the report agree on the edges.
    """

    first: date
    last: date
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"the period starts ({self.first}) after it ends ({self.last})")

    @classmethod
    def last_days(cls, today: date, days: int, timezone: str) -> Period:
        """The `days` local days ending with `today` (30 → the default report)."""
        return cls(today - timedelta(days=days - 1), today, timezone)

    @property
    def since(self) -> datetime:
        """The first instant of the period, in UTC."""
        return _local_midnight(self.first, self.timezone)

    @property
    def until(self) -> datetime:
        """The first instant after the period, in UTC (exclusive, as `search` expects)."""
        return _local_midnight(self.last + timedelta(days=1), self.timezone)

    def contains(self, moment: datetime) -> bool:
        return self.since <= moment < self.until

    def label(self) -> str:
        return f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"


@dataclass(frozen=True)
class UnitRates:
    """One row of the league table: the counts, and the rates derived from them.

    The counts are stored and the rates computed, so a row can never disagree with itself
    and the CSV carries what is needed to re-check (or re-aggregate) every rate.
    """

    unit: str
    name: str
    tickets: int
    response_due: int  # responded, or past respond_by
    responded_on_time: int
    resolution_due: int  # resolved, or past resolve_by and not waiting on the student
    resolved: int
    resolved_on_time: int
    rated: int
    satisfied: int  # rated 4 or 5
    median_first_response: timedelta | None
    overdue_now: int

    @property
    def response_rate(self) -> float | None:
        return _share(self.responded_on_time, self.response_due)

    @property
    def on_time_resolution_rate(self) -> float | None:
        return _share(self.resolved_on_time, self.resolution_due)

    @property
    def resolution_rate(self) -> float | None:
        return _share(self.resolved, self.tickets)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.satisfied, self.rated)


@dataclass(frozen=True)
class Report:
    generated: datetime  # `now`, UTC
    period: Period | None  # None: every ticket handed in
    units: tuple[UnitRates, ...]  # ranked, best first
    overall: UnitRates
    scope: str | None = None  # the one unit reported on, if the tickets were only its own

    def total_name(self, language: str) -> str:
        return _total_name(self.scope, language)


def rates(unit: str, name: str, tickets: Iterable[Ticket], now: datetime) -> UnitRates:
    """The counts of one group of tickets, judged at `now`."""
    live = [t for t in tickets if t.status is not TicketStatus.CANCELLED]
    response_due = [t for t in live if t.responded_at is not None or t.respond_by <= now]
    done = [t for t in live if _is_resolved(t)]
    resolution_due = [
        t
        for t in live
        if _is_resolved(t) or (t.resolve_by <= now and t.status is not TicketStatus.WAITING_STUDENT)
    ]
    rated = [t.rating for t in live if t.rating is not None]
    waits = [t.responded_at - t.opened_at for t in live if t.responded_at is not None]
    return UnitRates(
        unit=unit,
        name=name,
        tickets=len(live),
        response_due=len(response_due),
        responded_on_time=sum(
            1 for t in response_due if t.responded_at is not None and t.responded_at <= t.respond_by
        ),
        resolution_due=len(resolution_due),
        resolved=len(done),
        resolved_on_time=sum(
            1 for t in done if t.resolved_at is not None and t.resolved_at <= t.resolve_by
        ),
        rated=len(rated),
        satisfied=sum(1 for rating in rated if rating >= 4),
        median_first_response=_median(waits),
        overdue_now=sum(1 for t in live if is_overdue(t, now)),
    )


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """Open and past the deadline that matters now: the response one until staff respond."""
    if not ticket.is_open:
        return False
    if ticket.responded_at is None:
        return now > ticket.respond_by
    if ticket.status is TicketStatus.WAITING_STUDENT:
        return False  # the resolution clock is paused while the student owes an answer
    return now > ticket.resolve_by


def build_report(
    tickets: Iterable[Ticket],
    now: datetime,
    unit_names: Mapping[str, str],
    period: Period | None = None,
    scope: str | None = None,
) -> Report:
    """Per-unit rates, ranked best first, and the overall row.

    With a period, only tickets opened in it count — the same rule as the store's `search`,
    repeated here so the report is right whatever list it is handed.
    """
    items = [t for t in tickets if period is None or period.contains(t.opened_at)]
    by_unit: dict[str, list[Ticket]] = {}
    for ticket in items:
        by_unit.setdefault(ticket.unit, []).append(ticket)
    units = sorted(
        (rates(unit, unit_names.get(unit, unit), group, now) for unit, group in by_unit.items()),
        key=_league_key,
    )
    overall = rates(OVERALL, _total_name(scope, "zh"), items, now)
    return Report(now, period, tuple(units), overall, scope)


def _total_name(scope: str | None, language: str) -> str:
    """The last row's name: the university's total, or the one reported unit's."""
    names = _OVERALL_NAMES if scope is None else _TOTAL_NAMES
    return names["en" if language == "en" else "zh"]


def _league_key(row: UnitRates) -> tuple[float, float, float, int, str]:
    # Higher rates rank first; a rate with nothing to measure ranks below any measured one
    # (-1 is below every real rate). Ties: fewer overdue tickets first, then the unit id, so
    # the order is stable from one week to the next.
    def worst_if_none(rate: float | None) -> float:
        return -1.0 if rate is None else rate

    return (
        -worst_if_none(row.on_time_resolution_rate),
        -worst_if_none(row.response_rate),
        -worst_if_none(row.satisfaction_rate),
        row.overdue_now,
        row.unit,
    )


def _is_resolved(ticket: Ticket) -> bool:
    # A reopened ticket is back in progress with resolved_at cleared: it is not resolved.
    return ticket.status is TicketStatus.RESOLVED and ticket.resolved_at is not None


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(value.total_seconds() for value in values))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


# -- output ----------------------------------------------------------------------------------

_HEADERS: dict[str, tuple[str, ...]] = {
    "zh": (
        "排名",
        "单位",
        "问题数",
        "响应率",
        "按时办结率",
        "办结率",
        "满意率",
        "首次响应中位",
        "当前超时",
    ),
    "en": (
        "#",
        "Unit",
        "Tickets",
        "Responded",
        "On time",
        "Resolved",
        "Satisfied",
        "Median 1st reply",
        "Overdue",
    ),
}
_LEFT_ALIGNED = {1}  # the unit name; every other column is a number, right-aligned

_CSV_HEADER = (
    "rank",
    "unit",
    "name",
    "period_first",
    "period_last",
    "tickets",
    "response_due",
    "responded_on_time",
    "response_rate",
    "resolution_due",
    "resolved",
    "resolved_on_time",
    "on_time_resolution_rate",
    "resolution_rate",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "median_first_response_hours",
    "overdue_now",
)


def format_report(report: Report, language: ReportLanguage | str = "zh") -> str:
    """An aligned text table for the terminal: league order, the overall row last.

    Column widths count display cells (a Chinese character takes two), so unit names like
    网络信息中心 line up with ASCII ones.
    """
    lang = "en" if language == "en" else "zh"
    header = _HEADERS[lang]
    body = [_cells(str(rank), row) for rank, row in enumerate(report.units, start=1)]
    total = _cells("", report.overall, name=report.total_name(lang))
    table = [list(header), *body, total]
    widths = [max(display_width(cells[i]) for cells in table) for i in range(len(header))]
    rule = "  ".join("-" * width for width in widths)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(cell, widths[i], i in _LEFT_ALIGNED) for i, cell in enumerate(cells))

    lines = [_title(report, lang), "", line(header), rule]
    if body:
        lines += [line(cells) for cells in body]
    else:
        lines.append("（本期没有问题）" if lang == "zh" else "(no tickets in this period)")
    lines += [rule, line(total)]
    return "\n".join(text.rstrip() for text in lines)


def write_csv(report: Report, path: Path) -> None:
    """The league table with every count behind the rates, for Excel and further analysis."""
    first = "" if report.period is None else report.period.first.isoformat()
    last = "" if report.period is None else report.period.last.isoformat()
    # utf-8-sig: the BOM makes Excel read the Chinese unit names as UTF-8.
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(_CSV_HEADER)
        ranked = [(str(rank), row) for rank, row in enumerate(report.units, start=1)]
        for rank, row in [*ranked, ("", report.overall)]:
            median = row.median_first_response
            writer.writerow(
                [
                    rank,
                    row.unit,
                    row.name,
                    first,
                    last,
                    row.tickets,
                    row.response_due,
                    row.responded_on_time,
                    _csv_rate(row.response_rate),
                    row.resolution_due,
                    row.resolved,
                    row.resolved_on_time,
                    _csv_rate(row.on_time_resolution_rate),
                    _csv_rate(row.resolution_rate),
                    row.rated,
                    row.satisfied,
                    _csv_rate(row.satisfaction_rate),
                    "" if median is None else f"{median.total_seconds() / 3600:.2f}",
                    row.overdue_now,
                ]
            )


def period_title(report: Report, language: ReportLanguage | str = "zh") -> str:
    """ "接诉即办 2025-11-01 – 2025-11-30": the headline shared by the table and the chart."""
    span = "全部" if language == "zh" else "all time"
    if report.period is not None:
        span = report.period.label()
    return f"接诉即办 {span}" if language == "zh" else f"Front Desk rates {span}"


def display_width(text: str) -> int:
    """Terminal cells `text` takes: wide and full-width characters (CJK) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def format_rate(rate: float | None) -> str:
    return _NO_RATE if rate is None else f"{rate:.1%}"


def _title(report: Report, lang: str) -> str:
    zone = report.period.timezone if report.period is not None else "UTC"
    made = f"{report.generated.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"
    if lang == "zh":
        return f"{period_title(report, lang)}（生成于 {made}）"
    return f"{period_title(report, lang)} (generated {made})"


def _cells(rank: str, row: UnitRates, name: str | None = None) -> list[str]:
    return [
        rank,
        row.name if name is None else name,
        str(row.tickets),
        format_rate(row.response_rate),
        format_rate(row.on_time_resolution_rate),
        format_rate(row.resolution_rate),
        format_rate(row.satisfaction_rate),
        _duration(row.median_first_response),
        str(row.overdue_now),
    ]


def _csv_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


def _duration(value: timedelta | None) -> str:
    if value is None:
        return _NO_RATE
    hours, minutes = divmod(int(value.total_seconds() // 60), 60)
    return f"{hours}h{minutes:02d}m"


def _pad(text: str, width: int, left: bool) -> str:
    gap = " " * (width - display_width(text))
    return text + gap if left else gap + text
