"""Which SLA notifications a ticket will need, planned whenever the ticket changes.

Pure: the store hands in the ticket's fields and "now"; the sweeper later sends what comes due.
Each notice has a key that names it for good (`respond:warn:4`, `resolve:breach@<deadline>`…),
so a key handled once is never planned again. Resolution keys carry their deadline, so a moved
deadline (a committed date, a pause while the student was asked) gets warnings of its own.

The response clock alerts until someone responds; after that the resolution clock does (both
at once would only double the noise). A ticket waiting on the student has its resolution clock
paused. Warnings are only planned before their deadline — past it, the breach says it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from bot.config import SlaSettings
from bot.sla.calendar import Calendar

if TYPE_CHECKING:  # the ticket model imports nothing from here; only the planner reads it
    from bot.tickets.model import Ticket

NoticeKind = Literal["warn", "breach", "remind", "rating_followup"]
Clause = Literal["respond", "resolve", "rating"]

_OPEN = {"open", "in_progress", "waiting_student", "returned"}


@dataclass(frozen=True)
class SlaView:
    """The fields of a ticket the schedule depends on."""

    status: str
    respond_by: datetime
    resolve_by: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    rating: int | None
    reopen_count: int


@dataclass(frozen=True)
class Planned:
    """A notice a ticket will need, stored in `sla_schedule` until the sweeper sends it."""

    key: str
    kind: NoticeKind
    clause: Clause
    due_at: datetime
    deadline: datetime
    hours: float = 0


def plan(view: SlaView, now: datetime, sla: SlaSettings, calendar: Calendar) -> list[Planned]:
    """Every notice the ticket may still need, as of a change at `now`.

    Written whenever the ticket changes, so the sweeper only has to read what has come due.
    Notices already sent are planned again harmlessly: their keys are recorded as sent.
    """
    planned: list[Planned] = []
    if view.status in _OPEN:
        if view.responded_at is None:
            planned += _clause_plan("respond", view.respond_by, "", now, sla, calendar)
        elif view.status != "waiting_student":
            tag = f"@{int(view.resolve_by.timestamp())}"
            planned += _clause_plan("resolve", view.resolve_by, tag, now, sla, calendar)
    elif view.status == "resolved" and view.rating is None and view.resolved_at is not None:
        at = view.resolved_at + timedelta(hours=sla.rating_followup_hours)
        key = f"rating:followup:{view.reopen_count}"
        planned.append(Planned(key, "rating_followup", "rating", at, at))
    return planned


def _clause_plan(
    clause: Literal["respond", "resolve"],
    deadline: datetime,
    tag: str,
    now: datetime,
    sla: SlaSettings,
    calendar: Calendar,
) -> list[Planned]:
    planned: list[Planned] = []
    if now < deadline:
        for hours in sorted(sla.warn_before_hours, reverse=True):
            at = calendar.add(deadline, -hours)
            planned.append(
                Planned(f"{clause}:warn:{hours:g}{tag}", "warn", clause, at, deadline, hours)
            )
    planned.append(Planned(f"{clause}:breach{tag}", "breach", clause, deadline, deadline))
    reminder = next_reminder(clause, deadline, tag, now, sla)
    if reminder is not None:
        planned.append(reminder)
    return planned


def next_reminder(
    clause: Clause,
    deadline: datetime,
    tag: str,
    now: datetime,
    sla: SlaSettings,
    *,
    after_sending: bool = False,
) -> Planned | None:
    """The reminder (催办) to plan at `now`: every interval past the deadline. The latest one
    already reached (a sweeper that was down sends one, not all), else the first; right after
    sending one (`after_sending`), the next one strictly later."""
    interval = timedelta(hours=sla.remind_every_hours)
    if interval <= timedelta(0):
        return None
    reached = int((now - deadline) / interval) if now > deadline else 0
    count = reached + 1 if after_sending else max(1, reached)
    at = deadline + count * interval
    return Planned(f"{clause}:remind:{count}{tag}", "remind", clause, at, deadline, count)


class SlaPlanner:
    """Plans a ticket's SLA notices with its unit's calendar (the store calls it on writes)."""

    def __init__(self, sla: SlaSettings, calendar_for_unit: Callable[[str], Calendar]) -> None:
        self._sla = sla
        self._calendar_for_unit = calendar_for_unit

    def __call__(self, ticket: Ticket, now: datetime) -> list[Planned]:
        view = SlaView(
            ticket.status.value,
            ticket.respond_by,
            ticket.resolve_by,
            ticket.responded_at,
            ticket.resolved_at,
            ticket.rating,
            ticket.reopen_count,
        )
        return plan(view, now, self._sla, self._calendar_for_unit(ticket.unit))
