"""Which SLA notices a ticket needs, planned at a moment of its life: a table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import SlaSettings
from bot.sla.calendar import NaturalCalendar
from bot.sla.schedule import SlaView, next_reminder, plan

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
RESPONDED = {"responded_at": OPENED}
RESOLVED = view("resolved", responded_at=OPENED, resolved_at=OPENED)


@pytest.mark.parametrize(
    ("ticket", "hours_after_opening", "planned"),
    [
        (
            view(),
            0,
            [
                ("respond:warn:4", 20),
                ("respond:warn:1", 23),
                ("respond:breach", 24),
                ("respond:remind:1", 28),
            ],
        ),
        # Past the deadline: no warnings; the breach, and the latest reminder reached.
        (view(), 30, [("respond:breach", 24), ("respond:remind:1", 28)]),
        (view(), 37, [("respond:breach", 24), ("respond:remind:3", 36)]),
        # Responded: the resolution clock takes over, its keys tagged with its deadline.
        (
            view("in_progress", **RESPONDED),
            21,
            [
                (f"resolve:warn:4{TAG}", 20),
                (f"resolve:warn:1{TAG}", 23),
                (f"resolve:breach{TAG}", 24),
                (f"resolve:remind:1{TAG}", 28),
            ],
        ),
        # Waiting on the student: the resolution clock is paused, nothing planned.
        (view("waiting_student", **RESPONDED), 25, []),
        # Resolved: one follow-up (回访) 24 h later, unless rated.
        (RESOLVED, 10, [("rating:followup:0", 24)]),
        (view("resolved", responded_at=OPENED, resolved_at=OPENED, rating=5), 10, []),
        (view("cancelled"), 10, []),
    ],
)
def test_planned_notices(
    ticket: SlaView, hours_after_opening: float, planned: list[tuple[str, float]]
) -> None:
    now = OPENED + timedelta(hours=hours_after_opening)
    notices = plan(ticket, now, SLA, NaturalCalendar())
    assert [(n.key, (n.due_at - OPENED) / timedelta(hours=1)) for n in notices] == planned
    assert all(n.due_at < n.deadline for n in notices if n.kind == "warn")


def test_the_next_reminder_after_one_was_sent() -> None:
    sent_at = OPENED + timedelta(hours=28)
    following = next_reminder("respond", DUE, "", sent_at, SLA, after_sending=True)
    assert following is not None
    assert (following.key, following.due_at) == ("respond:remind:2", DUE + timedelta(hours=8))
    assert next_reminder("respond", DUE, "", sent_at, SlaSettings(remind_every_hours=0)) is None
