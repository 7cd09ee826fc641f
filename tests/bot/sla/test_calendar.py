"""Deadline clocks: natural hours, and office hours across weekends, holidays and 调休 days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import SlaSettings
from bot.sla.calendar import NaturalCalendar, WorkingCalendar, calendar_for

BEIJING = ZoneInfo("Asia/Shanghai")
HOURS = ((time(8, 30), time(12)), (time(14), time(17, 30)))  # 7 counted hours a day
WORKING = WorkingCalendar(HOURS, "Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "hours", "deadline"),
    [
        # Within a day, and over the lunch break.
        ("2025-11-24 09:00", 2, "2025-11-24 11:00"),
        ("2025-11-24 11:00", 2, "2025-11-24 15:00"),
        # Started outside office hours: the clock starts at the next opening.
        ("2025-11-24 07:00", 1, "2025-11-24 09:30"),
        ("2025-11-24 20:00", 1, "2025-11-25 09:30"),
        # Friday afternoon -> Monday: the weekend does not count.
        ("2025-11-21 16:30", 3, "2025-11-24 10:30"),
        # 24 counted hours = 3 days and 3 hours of office time.
        ("2025-11-24 08:30", 24, "2025-11-27 11:30"),
        # National Day 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up workdays.
        ("2025-09-30 16:30", 2, "2025-10-09 09:30"),
        ("2025-09-27 10:00", 1, "2025-09-28 09:30"),
        ("2025-10-10 17:00", 1, "2025-10-11 09:00"),
    ],
)
def test_working_hours_deadlines(start: str, hours: float, deadline: str) -> None:
    assert WORKING.add(local(start), hours) == local(deadline)


@pytest.mark.parametrize(
    ("deadline", "hours_before", "warning"),
    [
        ("2025-11-24 15:00", 4, "2025-11-24 09:00"),
        ("2025-11-24 09:00", 1, "2025-11-21 17:00"),  # Monday morning -> Friday afternoon
        ("2025-10-09 09:30", 2, "2025-09-30 16:30"),  # back across the holiday
    ],
)
def test_counting_backwards_for_warnings(deadline: str, hours_before: float, warning: str) -> None:
    assert WORKING.add(local(deadline), -hours_before) == local(warning)


def test_hours_between_counts_only_office_time() -> None:
    assert WORKING.hours_between(local("2025-11-21 16:30"), local("2025-11-24 10:30")) == 3
    assert WORKING.hours_between(local("2025-10-01 09:00"), local("2025-10-08 18:00")) == 0
    assert WORKING.hours_between(local("2025-11-24 12:00"), local("2025-11-24 14:00")) == 0
    assert WORKING.hours_between(local("2025-11-24 15:00"), local("2025-11-24 10:00")) == 0


def test_natural_hours_and_the_settings_choice() -> None:
    start = datetime(2025, 11, 21, 10, tzinfo=UTC)
    natural = NaturalCalendar()
    assert natural.add(start, 24) == start + timedelta(hours=24)
    assert natural.hours_between(start, start + timedelta(hours=30)) == 30
    assert isinstance(calendar_for(SlaSettings()), NaturalCalendar)
    assert isinstance(calendar_for(SlaSettings(clock="working")), WorkingCalendar)


def test_bad_working_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="working hours"):
        WorkingCalendar(((time(12), time(9)),), "Asia/Shanghai")


@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2025, 12, 20), timezones=st.just(UTC)
    ),
    hours=st.floats(min_value=0.25, max_value=60),
)
def test_adding_then_counting_gives_the_hours_back(start: datetime, hours: float) -> None:
    deadline = WORKING.add(start, hours)
    assert deadline > start
    assert WORKING.hours_between(start, deadline) == pytest.approx(hours, abs=1e-6)


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
