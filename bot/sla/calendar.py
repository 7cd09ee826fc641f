"""How deadline hours are counted: natural hours (the policy's default) or office hours.

A unit on the working-hours clock counts only its office hours on working days in the
university's timezone: weekends and Chinese public holidays are off, make-up workdays (调休)
are on — `chinese_calendar` knows which is which. Both calendars take and return UTC-aware
datetimes, because that is what the database stores; local time only matters inside
`WorkingCalendar`, where "08:30 on a workday" is a local notion.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import SlaSettings

log = logging.getLogger(__name__)

# Longer than any run of days off in any year; stops an always-closed calendar from looping.
_LONGEST_SEARCH_DAYS = 400
_NO_TIME = timedelta()


class Calendar(Protocol):
    """Adds counted hours to a moment, and counts the hours between two moments."""

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` counted hours after `start` (before it, if `hours` < 0)."""
        ...

    def hours_between(self, start: datetime, end: datetime) -> float:
        """Counted hours in [start, end]; 0 if `end` is not after `start`."""
        ...


class NaturalCalendar:
    """Every hour counts: 24 h after Friday 18:00 is Saturday 18:00 (the policy as written)."""

    def add(self, start: datetime, hours: float) -> datetime:
        _check_aware(start)
        _check_finite(hours)
        return (start + timedelta(hours=hours)).astimezone(UTC)

    def hours_between(self, start: datetime, end: datetime) -> float:
        _check_aware(start)
        _check_aware(end)
        return max(0.0, (end - start).total_seconds() / 3600)


def chinese_workday(day: date) -> bool:
    """Working day by the State Council's calendar; Monday to Friday outside its known years.

    `chinese_calendar` only ships the years the State Council has published, so a deadline in
    a year it does not know yet falls back to the plain week instead of failing the ticket.
    """
    import chinese_calendar  # imported late: natural-clock deployments never need it

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        unknown_year(day.year)
        return day.weekday() < 5


@cache
def unknown_year(year: int) -> None:
    """Say once per year that its holidays are unknown: deadlines over New Year or the Spring
    Festival will count those days as working days until the package is upgraded."""
    log.warning(
        "chinese_calendar has no holidays for %d: working-hours deadlines count Monday to"
        " Friday that year until the package is upgraded (scripts/pin.sh)",
        year,
    )


class WorkingCalendar:
    """Only office hours on working days count (e.g. 08:30–12:00 and 14:00–17:30).

    A ticket opened at night starts its clock at the next opening; the lunch break, nights,
    weekends and holidays do not count; a make-up Saturday or Sunday does. Office windows are
    turned into UTC before any arithmetic, so a timezone with daylight saving stays correct.
    """

    def __init__(
        self,
        working_hours: tuple[tuple[time, time], ...],
        timezone: str,
        is_workday: Callable[[date], bool] | None = None,
    ) -> None:
        spans = tuple(sorted(working_hours))
        if not spans or any(start >= end for start, end in spans):
            raise ValueError(f"working hours must be non-empty start<end spans: {working_hours}")
        if any(earlier[1] > later[0] for earlier, later in itertools.pairwise(spans)):
            raise ValueError(f"working hours must not overlap: {working_hours}")
        self._spans = spans
        self._zone = ZoneInfo(timezone)
        self._is_workday = is_workday or chinese_workday

    def add(self, start: datetime, hours: float) -> datetime:
        _check_aware(start)
        _check_finite(hours)
        if hours == 0:
            return start.astimezone(UTC)
        if hours < 0:
            return self._subtract(start.astimezone(UTC), timedelta(hours=-hours))
        left = timedelta(hours=hours)
        moment = start.astimezone(UTC)
        day = moment.astimezone(self._zone).date()
        for _ in range(_LONGEST_SEARCH_DAYS):
            for begin, finish in self._windows(day):
                if finish <= moment:
                    continue
                begin = max(begin, moment)
                if finish - begin >= left:
                    return begin + left
                left -= finish - begin
            day += timedelta(days=1)
        raise ValueError("no working hours within a year; check the working-day calendar")

    def hours_between(self, start: datetime, end: datetime) -> float:
        _check_aware(start)
        _check_aware(end)
        first, last = start.astimezone(UTC), end.astimezone(UTC)
        if last <= first:
            return 0.0
        total = _NO_TIME
        day = first.astimezone(self._zone).date()
        last_day = last.astimezone(self._zone).date()
        while day <= last_day:
            for begin, finish in self._windows(day):
                total += max(_NO_TIME, min(finish, last) - max(begin, first))
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def _subtract(self, end: datetime, left: timedelta) -> datetime:
        """Count backwards from `end`: "4 office hours before the deadline" for warnings."""
        day = end.astimezone(self._zone).date()
        for _ in range(_LONGEST_SEARCH_DAYS):
            for begin, finish in reversed(self._windows(day)):
                if begin >= end:
                    continue
                finish = min(finish, end)
                if finish - begin >= left:
                    return finish - left
                left -= finish - begin
            day -= timedelta(days=1)
        raise ValueError("no working hours within a year; check the working-day calendar")

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's office windows as UTC intervals, in order; none on a day off."""
        if not self._is_workday(day):
            return []
        return [
            (
                datetime.combine(day, begin, tzinfo=self._zone).astimezone(UTC),
                datetime.combine(day, finish, tzinfo=self._zone).astimezone(UTC),
            )
            for begin, finish in self._spans
        ]


def calendar_for(sla: SlaSettings, clock: str = "") -> Calendar:
    """The calendar for `clock` ("natural"/"working"), or the SLA settings' default."""
    if (clock or sla.clock) == "working":
        return WorkingCalendar(sla.working_hours, sla.timezone)
    return NaturalCalendar()


class UnitCalendars:
    """Each unit's calendar: the policy default (config) unless the unit chose its own."""

    def __init__(self, sla: SlaSettings, unit_clocks: Callable[[], Mapping[str, str]]) -> None:
        self._sla = sla
        self._unit_clocks = unit_clocks
        self._calendars = {kind: calendar_for(sla, kind) for kind in ("natural", "working")}

    def __call__(self, unit: str) -> Calendar:
        chosen = self._unit_clocks().get(unit) or self._sla.clock
        return self._calendars.get(chosen) or self._calendars[self._sla.clock]


def _check_aware(moment: datetime) -> None:
    # A naive datetime would silently be read as the server's local time: refuse it instead.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"deadline arithmetic needs a timezone-aware datetime, got {moment!r}")


def _check_finite(hours: float) -> None:
    if not math.isfinite(hours):
        raise ValueError(f"hours must be a finite number, got {hours!r}")
