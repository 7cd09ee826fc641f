"""Which SLA notices are due when: a table over the life of one ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import SlaSettings
from bot.sla.calendar import NaturalCalendar
from bot.sla.schedule import SlaView, schedule

OPENED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DUE = OPENED + timedelta(hours=24)
SLA = SlaSettings()


def view(status: str = "open", **changes: object) -> SlaView:
    fields: dict[str, object] = {
        "status": status,
        "respond_by": DUE,
        "resolve_by": DUE,
        "responded_at": None,
        "resolved_at": None,
        "rating": None,
        "reopen_count": 0,
    }
    fields.update(changes)
    return SlaView(**fields)  # type: ignore[arg-type]


TAG = f"@{int(DUE.timestamp())}"
RESOLVED = view("resolved", responded_at=OPENED, resolved_at=OPENED)


@pytest.mark.parametrize(
    ("ticket", "hours_after_opening", "due_keys", "next_in_hours"),
    [
        (view(), 0, [], 20),
        (view(), 19.9, [], 20),
        (view(), 20, ["respond:warn:4"], 23),
        (view(), 23.5, ["respond:warn:1"], 24),
        (view(), 24, ["respond:breach"], 28),
        (view(), 27.9, ["respond:breach"], 28),
        (view(), 28, ["respond:breach", "respond:remind:1"], 32),
        (view(), 36.5, ["respond:breach", "respond:remind:3"], 40),
        # responded: the resolution clock takes over, tagged with its deadline
        (view("in_progress", responded_at=OPENED), 20, [f"resolve:warn:4{TAG}"], 23),
        (view("in_progress", responded_at=OPENED), 25, [f"resolve:breach{TAG}"], 28),
        # waiting on the student: resolution paused, nothing due, nothing to wait for
        (view("waiting_student", responded_at=OPENED), 25, [], None),
        # resolved: a rating follow-up 24 h after resolution, unless rated
        (RESOLVED, 10, [], 24),
        (
            view("resolved", responded_at=OPENED, resolved_at=OPENED),
            24,
            ["rating:followup:0"],
            None,
        ),
        (view("resolved", responded_at=OPENED, resolved_at=OPENED, rating=5), 30, [], None),
        (view("cancelled"), 30, [], None),
    ],
)
def test_due_notices_over_a_tickets_life(
    ticket: SlaView, hours_after_opening: float, due_keys: list[str], next_in_hours: float | None
) -> None:
    now = OPENED + timedelta(hours=hours_after_opening)
    plan = schedule(ticket, now, SLA, NaturalCalendar())
    assert [notice.key for notice in plan.due] == due_keys
    expected_next = None if next_in_hours is None else OPENED + timedelta(hours=next_in_hours)
    assert plan.next_at == expected_next
    assert all(notice.due_at <= now for notice in plan.due)
    assert all(n.due_at < n.deadline for n in plan.due if n.kind == "warn")
