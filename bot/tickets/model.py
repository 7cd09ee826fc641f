"""The ticket domain as values: who asked, who acts, the ticket, its events and messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Language = Literal["zh", "en"]
ActorKind = Literal["student", "staff", "admin", "system"]


class TicketStatus(enum.Enum):
    OPEN = "open"  # waiting for the owning unit to take it
    IN_PROGRESS = "in_progress"  # claimed (accepted) by the owning unit
    WAITING_STUDENT = "waiting_student"  # staff asked the student for information
    RETURNED = "returned"  # sent back as misrouted; the front desk re-dispatches it
    RESOLVED = "resolved"
    CANCELLED = "cancelled"  # withdrawn by the student

    @property
    def is_open(self) -> bool:
        return self not in (TicketStatus.RESOLVED, TicketStatus.CANCELLED)


OPEN_STATUSES = tuple(status for status in TicketStatus if status.is_open)


@dataclass(frozen=True)
class StudentRef:
    """The student as a channel knows them: where to answer and in which language."""

    channel: str
    user_id: str
    chat_id: str
    display_name: str = ""
    language: Language = "zh"


@dataclass(frozen=True)
class Actor:
    """Whoever acts on a ticket: a student, a unit's staff member, an admin or the bot itself."""

    kind: ActorKind
    id: str
    name: str = ""
    units: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Ticket:
    """A ticket as stored; deadlines are UTC and never move on a transfer."""

    id: int
    status: TicketStatus
    question: str
    unit: str  # the unit that owns it now
    first_unit: str  # the unit that first received it (首接)
    accountable_unit: str  # answerable for it: the previous owner until the new one accepts
    student: StudentRef
    opened_at: datetime
    respond_by: datetime
    resolve_by: datetime
    entry_id: str | None = None
    complexity: Literal["general", "complex"] = "general"
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    waiting_since: datetime | None = None
    claimed_by: str | None = None
    rating: int | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
    reopen_count: int = 0

    @property
    def number(self) -> str:
        return f"#{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status.is_open


@dataclass(frozen=True)
class TicketEvent:
    """One entry of a ticket's history: who did what, when and why."""

    ticket_id: int
    at: datetime
    kind: str
    actor: Actor
    unit: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class TicketMessage:
    """A message in the ticket's thread, from the student or from staff."""

    ticket_id: int
    at: datetime
    author: Actor
    text: str
    to_student: bool = field(default=False)
