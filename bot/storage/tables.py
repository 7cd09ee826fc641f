"""The database tables (SQLModel). Datetimes are timezone-aware and stored as UTC.

Column changes need an Alembic migration in `bot/storage/migrations/versions`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class TicketRow(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_student", "student_channel", "student_user_id"),
        Index("ix_tickets_unit_status", "unit", "status"),
        # A unit's queue also holds what it handed on and still answers for.
        Index("ix_tickets_accountable_status", "accountable_unit", "status"),
        Index("ix_tickets_opened_at", "opened_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(max_length=20)
    question: str = Field(sa_column=Column(Text, nullable=False))
    unit: str = Field(max_length=40)
    first_unit: str = Field(max_length=40)
    accountable_unit: str = Field(max_length=40)
    entry_id: str | None = Field(default=None, max_length=120)
    complexity: str = Field(default="general", max_length=10)
    student_channel: str = Field(max_length=20)
    student_user_id: str = Field(max_length=120)
    student_chat_id: str = Field(max_length=120)
    student_name: str = Field(default="", max_length=200)
    student_language: str = Field(default="zh", max_length=5)
    opened_at: datetime
    respond_by: datetime
    resolve_by: datetime
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    waiting_since: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=120)
    rating: int | None = None
    rating_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rated_at: datetime | None = None
    reopen_count: int = 0


class TicketEventRow(SQLModel, table=True):
    __tablename__ = "ticket_events"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    at: datetime
    kind: str = Field(max_length=40)
    actor_kind: str = Field(max_length=10)
    actor_id: str = Field(max_length=120)
    actor_name: str = Field(default="", max_length=200)
    unit: str | None = Field(default=None, max_length=40)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class TicketMessageRow(SQLModel, table=True):
    __tablename__ = "ticket_messages"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    at: datetime
    author_kind: str = Field(max_length=10)
    author_id: str = Field(max_length=120)
    author_name: str = Field(default="", max_length=200)
    to_student: bool = False
    text: str = Field(sa_column=Column(Text, nullable=False))


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "channel", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime
    recipient: str = Field(max_length=10)  # "student", "unit" or "admins"
    channel: str | None = Field(default=None, max_length=20)  # the student's channel
    address: str = Field(max_length=120)  # the student's chat id, or the unit id
    ticket_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SlaNoticeRow(SQLModel, table=True):
    """A notice a ticket needs (warning, breach 督办, reminder 催办, follow-up 回访) and when.

    Planned with the ticket on every change, so the sweeper reads only notices whose time
    has come: those between its watermark (`sla_sweeps`) and now. Rows at or below the
    watermark are the record of what was handled; they are never planned again. The unit and
    the student's chat are copied in at planning time, so sending needs no other table.
    Times are epoch seconds: integers compare and add alike on every database.
    """

    __tablename__ = "sla_notices"
    __table_args__ = (
        UniqueConstraint("ticket_id", "key", name="uq_sla_notices_ticket_key"),
        Index("ix_sla_notices_due_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int
    key: str = Field(max_length=60)
    kind: str = Field(max_length=20)
    clause: str = Field(max_length=10)
    hours: float = 0
    due_at: int
    deadline: int
    unit: str = Field(max_length=40)
    accountable_unit: str = Field(max_length=40)
    student_channel: str = Field(max_length=20)
    student_chat_id: str = Field(max_length=120)
    student_language: str = Field(default="zh", max_length=5)


class SlaSweepRow(SQLModel, table=True):
    """The sweeper's watermark: every notice due at or before `swept_to` has been handled.

    One row, locked by the sweeping process, so two sweepers never handle a notice twice.
    """

    __tablename__ = "sla_sweeps"

    id: int = Field(default=1, primary_key=True)
    swept_to: int = 0  # epoch seconds


class ConversationStateRow(SQLModel, table=True):
    __tablename__ = "conversation_states"

    channel: str = Field(primary_key=True, max_length=20)
    user_id: str = Field(primary_key=True, max_length=120)
    state: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime


class MessageLinkRow(SQLModel, table=True):
    """Which ticket a message shown in a chat belongs to, so a reply to it finds the ticket."""

    __tablename__ = "message_links"

    channel: str = Field(primary_key=True, max_length=20)
    chat_id: str = Field(primary_key=True, max_length=120)
    message_id: str = Field(primary_key=True, max_length=120)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    created_at: datetime


class ProcessedUpdateRow(SQLModel, table=True):
    """Updates already handled, so a redelivered update does nothing twice."""

    __tablename__ = "processed_updates"

    channel: str = Field(primary_key=True, max_length=20)
    update_id: str = Field(primary_key=True, max_length=120)
    at: datetime
