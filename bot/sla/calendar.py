"""How deadline hours are counted: natural hours (the policy's default) or office hours.

A unit on the working-hours clock counts only its office hours on working days in the
university's timezone: weekends and Chinese public holidays are off, make-up workdays (调休)
are on — `chinese_calendar` knows which is which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import SlaSettings

_LONGEST_SEARCH_DAYS = 400  # more than any run of holidays; guards against an empty calendar


class Calendar(Protocol):
    """Adds counted hours to a moment, and counts the hours between two moments."""

    def add(self, start: datetime, hours: float) -> datetime: ...

    def hours_between(self, start: datetime, end: datetime) -> float: ...


class NaturalCalendar:
    """Every hour counts: 24 h after Friday 18:00 is Saturday 18:00."""

    def add(self, start: datetime, hours: float) -> datetime:
        return start + timedelta(hours=hours)

    def hours_between(self, start: datetime, end: datetime) -> float:
        return (end - start).total_seconds() / 3600


def chinese_workday(day: date) -> bool:
    """Working day by the State Council's calendar; Monday to Friday outside its known years."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


class WorkingCalendar:
    """Only office hours on working days count (e.g. 08:30–12:00 and 14:00–17:30)."""

    def __init__(
        self,
        working_hours: tuple[tuple[time, time], ...],
        timezone: str,
        is_workday: Callable[[date], bool] | None = None,
    ) -> None:
        if not working_hours or any(start >= end for start, end in working_hours):
            raise ValueError(f"working hours must be non-empty start<end spans: {working_hours}")
        self._spans = tuple(sorted(working_hours))
        self._zone = ZoneInfo(timezone)
        self._is_workday = is_workday or chinese_workday

    def add(self, start: datetime, hours: float) -> datetime:
        if hours < 0:
            return self._subtract(start, -hours)
        left = timedelta(hours=hours)
        local = start.astimezone(self._zone)
        day = local.date()
        for _ in range(_LONGEST_SEARCH_DAYS):
            for begin, finish in self._windows(day):
                if finish <= local:
                    continue
                begin = max(begin, local)
                if finish - begin >= left:
                    return (begin + left).astimezone(UTC)
                left -= finish - begin
            day += timedelta(days=1)
        raise ValueError("no working hours within a year; check the working-hours calendar")

    def hours_between(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        first = start.astimezone(self._zone)
        last = end.astimezone(self._zone)
        total = timedelta()
        day = first.date()
        while day <= last.date():
            for begin, finish in self._windows(day):
                overlap = min(finish, last) - max(begin, first)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def _subtract(self, end: datetime, hours: float) -> datetime:
        left = timedelta(hours=hours)
        local = end.astimezone(self._zone)
        day = local.date()
        for _ in range(_LONGEST_SEARCH_DAYS):
            for begin, finish in reversed(self._windows(day)):
                if begin >= local:
                    continue
                finish = min(finish, local)
                if finish - begin >= left:
                    return (finish - left).astimezone(UTC)
                left -= finish - begin
            day -= timedelta(days=1)
        raise ValueError("no working hours within a year; check the working-hours calendar")

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self._is_workday(day):
            return []
        return [
            (
                datetime.combine(day, begin, tzinfo=self._zone),
                datetime.combine(day, finish, tzinfo=self._zone),
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
        return self._calendars[chosen]
