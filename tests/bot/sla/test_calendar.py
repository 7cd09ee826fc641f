"""Deadline clocks: natural hours, and office hours across weekends, holidays and 调休 days.

Office hours here are the config default, 08:30–12:00 and 14:00–17:30: 7 counted hours a day.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import SlaSettings
from bot.sla.calendar import (
    NaturalCalendar,
    WorkingCalendar,
    calendar_for,
    chinese_workday,
    unknown_year,
)

BEIJING = ZoneInfo("Asia/Shanghai")
HOURS = ((time(8, 30), time(12)), (time(14), time(17, 30)))  # 7 counted hours a day
WORKING = WorkingCalendar(HOURS, "Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "hours", "deadline"),
    [
        # Within a day, and over the lunch break (12:00–14:00 does not count).
        ("2025-11-24 09:00", 2, "2025-11-24 11:00"),
        ("2025-11-24 11:00", 2, "2025-11-24 15:00"),
        ("2025-11-24 12:30", 1, "2025-11-24 15:00"),
        ("2025-11-24 11:30", 0.5, "2025-11-24 12:00"),  # ends right at the lunch break
        # Started outside office hours: the clock starts at the next opening.
        ("2025-11-24 07:00", 1, "2025-11-24 09:30"),
        ("2025-11-24 20:00", 1, "2025-11-25 09:30"),
        ("2025-11-24 17:30", 1, "2025-11-25 09:30"),  # at closing time
        # Friday afternoon -> Monday: the weekend does not count.
        ("2025-11-21 16:30", 3, "2025-11-24 10:30"),
        ("2025-11-22 10:00", 1, "2025-11-24 09:30"),  # opened on a Saturday
        # 24 counted hours = 3 days and 3 hours of office time.
        ("2025-11-24 08:30", 24, "2025-11-27 11:30"),
        # National Day 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up workdays.
        ("2025-09-30 16:30", 2, "2025-10-09 09:30"),
        ("2025-10-03 10:00", 1, "2025-10-09 09:30"),  # opened in the holiday
        ("2025-09-27 10:00", 1, "2025-09-28 09:30"),  # Saturday -> make-up Sunday
        ("2025-10-10 17:00", 1, "2025-10-11 09:00"),  # Friday -> make-up Saturday
        # Zero hours is the start itself, even outside office hours.
        ("2025-11-22 10:00", 0, "2025-11-22 10:00"),
    ],
)
def test_working_hours_deadlines(start: str, hours: float, deadline: str) -> None:
    assert WORKING.add(local(start), hours) == local(deadline)


@pytest.mark.parametrize(
    ("deadline", "hours_before", "warning"),
    [
        ("2025-11-24 15:00", 4, "2025-11-24 09:00"),  # back over the lunch break
        ("2025-11-24 09:00", 1, "2025-11-21 17:00"),  # Monday morning -> Friday afternoon
        ("2025-10-09 09:30", 2, "2025-09-30 16:30"),  # back across the holiday
        ("2025-09-29 09:00", 1, "2025-09-28 17:00"),  # back onto the make-up Sunday
        ("2025-11-24 20:00", 1, "2025-11-24 16:30"),  # from the evening: last office hour
        ("2025-11-23 12:00", 0.5, "2025-11-21 17:00"),  # from a Sunday
    ],
)
def test_counting_backwards_for_warnings(deadline: str, hours_before: float, warning: str) -> None:
    assert WORKING.add(local(deadline), -hours_before) == local(warning)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2025-11-21 16:30", "2025-11-24 10:30", 3),  # over a weekend
        ("2025-10-01 09:00", "2025-10-08 18:00", 0),  # National Day: nothing counts
        ("2025-09-28 00:00", "2025-09-29 00:00", 7),  # make-up Sunday: a full office day
        ("2025-11-24 12:00", "2025-11-24 14:00", 0),  # the lunch break
        ("2025-11-24 11:00", "2025-11-24 15:00", 2),  # across the lunch break
        ("2025-11-24 15:00", "2025-11-24 10:00", 0),  # end before start
        ("2025-11-24 00:00", "2025-12-01 00:00", 35),  # a plain week: 5 × 7 h
    ],
)
def test_hours_between_counts_only_office_time(start: str, end: str, hours: float) -> None:
    assert WORKING.hours_between(local(start), local(end)) == hours


def test_natural_hours_and_the_settings_choice() -> None:
    start = datetime(2025, 11, 21, 10, tzinfo=UTC)
    natural = NaturalCalendar()
    assert natural.add(start, 24) == start + timedelta(hours=24)
    assert natural.add(start, -4) == start - timedelta(hours=4)
    assert natural.add(start.astimezone(BEIJING), 1).tzinfo is UTC
    assert natural.hours_between(start, start + timedelta(hours=30)) == 30
    assert natural.hours_between(start, start - timedelta(hours=1)) == 0
    assert isinstance(calendar_for(SlaSettings()), NaturalCalendar)
    assert isinstance(calendar_for(SlaSettings(clock="working")), WorkingCalendar)
    assert isinstance(calendar_for(SlaSettings(), "working"), WorkingCalendar)


def test_results_are_utc_whatever_zone_comes_in() -> None:
    deadline = WORKING.add(datetime(2025, 11, 24, 9, tzinfo=BEIJING), 2)
    assert deadline.tzinfo is UTC
    assert deadline == local("2025-11-24 11:00")


def test_years_chinese_calendar_does_not_know_fall_back_to_monday_to_friday(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 2031-10-01 is a Wednesday; without published holidays it is an ordinary working day.
    unknown_year.cache_clear()  # other tests (hypothesis draws years) may have asked already
    with caplog.at_level(logging.WARNING, logger="bot.sla.calendar"):
        assert chinese_workday(date(2031, 10, 1))
        assert not chinese_workday(date(2031, 10, 4))  # Saturday
        assert WORKING.add(local("2031-10-03 17:00"), 1) == local("2031-10-06 09:00")
    # An admin hears it, once for the year, not once per day asked about.
    said = [r.getMessage() for r in caplog.records]
    assert len([m for m in said if "no holidays for 2031" in m]) == 1


def test_the_working_day_rule_can_be_injected() -> None:
    every_day = WorkingCalendar(HOURS, "Asia/Shanghai", is_workday=lambda _day: True)
    assert every_day.add(local("2025-10-01 17:00"), 1) == local("2025-10-02 09:00")
    never = WorkingCalendar(HOURS, "Asia/Shanghai", is_workday=lambda _day: False)
    with pytest.raises(ValueError, match="no working hours"):
        never.add(local("2025-10-01 17:00"), 1)


def test_counted_hours_are_real_hours_across_a_clock_change() -> None:
    # Berlin skips 02:00–03:00 on 2025-03-30: a 00:00–06:00 shift that night lasts 5 hours.
    night = WorkingCalendar(((time(0), time(6)),), "Europe/Berlin", is_workday=lambda _d: True)
    berlin = ZoneInfo("Europe/Berlin")
    midnight = datetime(2025, 3, 30, tzinfo=berlin)
    assert night.hours_between(midnight, datetime(2025, 3, 30, 6, tzinfo=berlin)) == 5
    assert night.add(midnight, 5) == datetime(2025, 3, 30, 6, tzinfo=berlin)


@pytest.mark.parametrize(
    "spans",
    [
        ((time(12), time(9)),),  # ends before it starts
        (),  # no office hours at all
        ((time(8), time(12)), (time(11), time(15))),  # overlapping: hours would count twice
    ],
)
def test_bad_working_hours_are_refused(spans: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError, match="working hours"):
        WorkingCalendar(spans, "Asia/Shanghai")


@pytest.mark.parametrize("calendar", [NaturalCalendar(), WORKING])
def test_naive_times_and_endless_hours_are_refused(
    calendar: NaturalCalendar | WorkingCalendar,
) -> None:
    # A naive time would be read as the server's local time: a silent, hours-wide error.
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add(datetime(2025, 11, 24, 9), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.hours_between(datetime(2025, 11, 24, 9), datetime(2025, 11, 24, 10, tzinfo=UTC))
    with pytest.raises(ValueError, match="finite"):
        calendar.add(datetime(2025, 11, 24, 9, tzinfo=UTC), math.inf)


MOMENTS = st.datetimes(
    min_value=datetime(2024, 12, 1), max_value=datetime(2026, 12, 1), timezones=st.just(UTC)
)
HOUR_COUNTS = st.floats(min_value=0.01, max_value=80, allow_nan=False)


@given(start=MOMENTS, hours=HOUR_COUNTS)
def test_adding_then_counting_gives_the_hours_back(start: datetime, hours: float) -> None:
    deadline = WORKING.add(start, hours)
    assert deadline > start
    assert WORKING.hours_between(start, deadline) == pytest.approx(hours, abs=1e-5)


@given(end=MOMENTS, hours=HOUR_COUNTS)
def test_counting_back_then_counting_gives_the_hours_back(end: datetime, hours: float) -> None:
    warning = WORKING.add(end, -hours)
    assert warning < end
    assert WORKING.hours_between(warning, end) == pytest.approx(hours, abs=1e-5)


@given(start=MOMENTS, hours=HOUR_COUNTS)
def test_a_deadline_always_falls_in_office_hours_on_a_working_day(
    start: datetime, hours: float
) -> None:
    deadline = WORKING.add(start, hours).astimezone(BEIJING)
    assert chinese_workday(deadline.date())
    assert any(begin < deadline.time() <= end for begin, end in HOURS)


@given(start=MOMENTS, first=HOUR_COUNTS, second=HOUR_COUNTS)
def test_adding_in_two_steps_is_adding_once(start: datetime, first: float, second: float) -> None:
    # The pause shift relies on this: resolve_by + waited hours is one longer deadline.
    in_two = WORKING.add(WORKING.add(start, first), second)
    assert abs((in_two - WORKING.add(start, first + second)).total_seconds()) < 0.01


def test_units_choose_their_clock_the_rest_follow_config() -> None:
    from bot.sla.calendar import UnitCalendars

    calendars = UnitCalendars(SlaSettings(), lambda: {"jwc": "working"})
    assert isinstance(calendars("jwc"), WorkingCalendar)
    assert isinstance(calendars("nic"), NaturalCalendar)
    everyone_working = UnitCalendars(SlaSettings(clock="working"), dict)
    assert isinstance(everyone_working("nic"), WorkingCalendar)


def test_a_working_hours_unit_gets_office_hour_deadlines(tmp_path: object) -> None:
    from pathlib import Path

    from bot.app import build_frontdesk
    from bot.clock import ManualClock
    from bot.tickets.model import StudentRef
    from tests.support.tickets import MINIMAL_KB, service_settings

    folder = Path(str(tmp_path))
    kb = folder / "kb"
    kb.mkdir()
    for source in MINIMAL_KB.glob("*.toml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "units.toml":
            text = text.replace('name = "教务处"', 'name = "教务处"\nclock = "working"')
        (kb / source.name).write_text(text, encoding="utf-8")
    from dataclasses import replace

    settings = replace(
        service_settings(f"sqlite:///{folder / 'fd.db'}"),
        kb_dir=kb,
    )
    settings = replace(settings, matching=replace(settings.matching, embeddings=False))
    friday_evening = local("2025-11-21 18:00")
    desk = build_frontdesk(settings, clock=ManualClock(friday_evening), cache_dir=folder)
    student = StudentRef("terminal", "s", "s")
    jwc = desk.tickets.open(student, "成绩", "jwc")
    nic = desk.tickets.open(student, "网络", "nic")
    desk.close()
    assert jwc.respond_by == WORKING.add(friday_evening, 24)  # Monday 08:30 + 24 office hours
    assert jwc.respond_by == local("2025-11-27 11:30")
    assert nic.respond_by == friday_evening + timedelta(hours=24)
