"""Tickets in the database: rows to domain values and back, one unit of work per operation.

The service does all its changes to a ticket — the ticket row, its history, its messages and
the notifications they cause — inside one `TicketTransaction`, so they land together or not at
all (a crash never leaves a staff reply without its notification).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast, get_args

from sqlalchemy import ColumnElement, and_, case, delete, or_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.sla.schedule import Planned
from bot.storage.database import Database
from bot.storage.tables import (
    OutboxRow,
    SlaNoticeRow,
    SlaSweepRow,
    TicketEventRow,
    TicketMessageRow,
    TicketRow,
)
from bot.tickets.errors import TicketNotFound
from bot.tickets.model import (
    OPEN_STATUSES,
    Actor,
    ActorKind,
    StudentRef,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
)

_OPEN_VALUES = [status.value for status in OPEN_STATUSES]


# What the SLA needs of a ticket as of a change: notices with their keys and times.
Planner = Callable[[Ticket, datetime], Sequence[Planned]]


class TicketTransaction:
    """Reads and writes of one operation, committed together."""

    def __init__(self, session: Session, now: datetime, planner: Planner | None) -> None:
        self._session = session
        self._now = now
        self._planner = planner

    def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket:
        statement = select(TicketRow).where(col(TicketRow.id) == ticket_id)
        if for_update:
            # Row lock on PostgreSQL so two staff acting at once serialise; ignored by SQLite.
            statement = statement.with_for_update()
        row = self._session.exec(statement).first()
        if row is None:
            raise TicketNotFound(f"没有找到问题 #{ticket_id}（No question #{ticket_id}）")
        return _ticket(row)

    def add(self, ticket: Ticket) -> Ticket:
        """Insert a new ticket (its `id` is ignored) and return it with the assigned id."""
        row = TicketRow.model_validate({**_row_values(ticket), "id": None})
        self._session.add(row)
        self._session.flush()
        added = _ticket(row)
        self._reschedule(added)
        return added

    def save(self, ticket: Ticket) -> None:
        """Write `ticket` back; the sweeper looks at it again on its next pass."""
        row = self._session.get(TicketRow, ticket.id)
        if row is None:
            raise TicketNotFound(f"没有找到问题 {ticket.number}")
        for name, value in _row_values(ticket).items():
            setattr(row, name, value)
        self._session.add(row)
        self._reschedule(ticket)

    def _reschedule(self, ticket: Ticket) -> None:
        """Replace the ticket's planned SLA notices by what its new state needs.

        Notices at or below the sweeper's watermark were handled already: they stay, and a
        key among them is never planned again. A notice whose time has passed is planned for
        now, so a sweep that is under way cannot pass it by unseen.
        """
        if self._planner is None:
            return
        table = SlaNoticeRow.__table__  # type: ignore[attr-defined]
        swept_to = (
            self._session.exec(select(SlaSweepRow.swept_to).where(col(SlaSweepRow.id) == 1)).first()
            or 0
        )
        self._session.execute(
            delete(table).where(table.c.ticket_id == ticket.id, table.c.due_at > swept_to)
        )
        now = int(self._now.timestamp())
        rows = [
            {
                "ticket_id": ticket.id,
                "key": planned.key,
                "kind": planned.kind,
                "clause": planned.clause,
                "hours": planned.hours,
                "due_at": max(int(planned.due_at.timestamp()), now, swept_to + 1),
                "deadline": int(planned.deadline.timestamp()),
                "unit": ticket.unit,
                "accountable_unit": ticket.accountable_unit,
                "student_channel": ticket.student.channel,
                "student_chat_id": ticket.student.chat_id,
                "student_language": ticket.student.language,
            }
            for planned in self._planner(ticket, self._now)
        ]
        if rows:
            dialect = self._session.get_bind().dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            statement = insert(table).on_conflict_do_nothing(index_elements=["ticket_id", "key"])
            self._session.execute(statement, rows)

    def event(
        self, ticket_id: int, kind: str, actor: Actor, *, unit: str | None = None, detail: str = ""
    ) -> None:
        self._session.add(
            TicketEventRow(
                ticket_id=ticket_id,
                at=self._now,
                kind=kind,
                actor_kind=actor.kind,
                actor_id=actor.id,
                actor_name=actor.name,
                unit=unit,
                detail=detail,
            )
        )

    def message(self, ticket_id: int, author: Actor, text: str, *, to_student: bool) -> None:
        self._session.add(
            TicketMessageRow(
                ticket_id=ticket_id,
                at=self._now,
                author_kind=author.kind,
                author_id=author.id,
                author_name=author.name,
                to_student=to_student,
                text=text,
            )
        )

    def notify_student(self, ticket: Ticket, kind: str, text: str) -> None:
        self._session.add(
            OutboxRow(
                created_at=self._now,
                recipient="student",
                channel=ticket.student.channel,
                address=ticket.student.chat_id,
                ticket_id=ticket.id,
                kind=kind,
                text=text,
            )
        )

    def notify_unit(self, unit: str, ticket_id: int | None, kind: str, text: str) -> None:
        self._session.add(
            OutboxRow(
                created_at=self._now,
                recipient="unit",
                channel=None,
                address=unit,
                ticket_id=ticket_id,
                kind=kind,
                text=text,
            )
        )


class SqlTicketStore:
    """Tickets, their history and messages in the database.

    With a `planner`, every write of a ticket also rewrites its planned SLA notices.
    """

    def __init__(self, database: Database, planner: Planner | None = None) -> None:
        self._database = database
        self._planner = planner

    @contextmanager
    def transaction(self, now: datetime) -> Iterator[TicketTransaction]:
        with self._database.session() as session:
            yield TicketTransaction(session, now, self._planner)

    def get(self, ticket_id: int) -> Ticket:
        with self._database.session() as session:
            row = session.get(TicketRow, ticket_id)
            if row is None:
                raise TicketNotFound(f"没有找到问题 #{ticket_id}（No question #{ticket_id}）")
            return _ticket(row)

    def for_student(self, channel: str, user_id: str, *, open_only: bool) -> list[Ticket]:
        where = [
            col(TicketRow.student_channel) == channel,
            col(TicketRow.student_user_id) == user_id,
        ]
        if open_only:
            where.append(col(TicketRow.status).in_(_OPEN_VALUES))
        return self._select(and_(*where), order=col(TicketRow.id))

    def queue(self, unit: str | None) -> list[Ticket]:
        """Open tickets of `unit` (or of every unit), the most urgent first: by the deadline
        that runs now (the response one until a response, then the resolution one). A unit's
        queue also holds what it handed on and still answers for until the receiver accepts."""
        where: list[ColumnElement[bool]] = [col(TicketRow.status).in_(_OPEN_VALUES)]
        if unit is not None:
            where.append(or_(col(TicketRow.unit) == unit, col(TicketRow.accountable_unit) == unit))
        running = case(
            (col(TicketRow.responded_at).is_(None), col(TicketRow.respond_by)),
            else_=col(TicketRow.resolve_by),
        )
        return self._select(and_(*where), order=(running, col(TicketRow.id)))

    def search(
        self, *, since: datetime | None, until: datetime | None, unit: str | None
    ) -> list[Ticket]:
        """Tickets opened in [since, until) (either end open), of one unit or all."""
        where: list[ColumnElement[bool]] = []
        if since is not None:
            where.append(col(TicketRow.opened_at) >= since)
        if until is not None:
            where.append(col(TicketRow.opened_at) < until)
        if unit is not None:
            where.append(col(TicketRow.unit) == unit)
        return self._select(and_(True, *where), order=col(TicketRow.id))

    def history(self, ticket_id: int) -> list[TicketEvent]:
        with self._database.session() as session:
            rows = session.exec(
                select(TicketEventRow)
                .where(col(TicketEventRow.ticket_id) == ticket_id)
                .order_by(col(TicketEventRow.id))
            ).all()
            return [
                TicketEvent(
                    ticket_id=row.ticket_id,
                    at=row.at,
                    kind=row.kind,
                    actor=Actor(_actor_kind(row.actor_kind), row.actor_id, row.actor_name),
                    unit=row.unit,
                    detail=row.detail,
                )
                for row in rows
            ]

    def messages(self, ticket_id: int) -> list[TicketMessage]:
        with self._database.session() as session:
            rows = session.exec(
                select(TicketMessageRow)
                .where(col(TicketMessageRow.ticket_id) == ticket_id)
                .order_by(col(TicketMessageRow.id))
            ).all()
            return [
                TicketMessage(
                    ticket_id=row.ticket_id,
                    at=row.at,
                    author=Actor(_actor_kind(row.author_kind), row.author_id, row.author_name),
                    text=row.text,
                    to_student=row.to_student,
                )
                for row in rows
            ]

    def _select(self, where: ColumnElement[bool], *, order: Any) -> list[Ticket]:
        with self._database.session() as session:
            orders = order if isinstance(order, tuple) else (order,)
            rows = session.exec(select(TicketRow).where(where).order_by(*orders)).all()
            return [_ticket(row) for row in rows]


def _actor_kind(value: str) -> ActorKind:
    for kind in get_args(ActorKind):
        if kind == value:
            return cast(ActorKind, kind)
    return "system"


def _ticket(row: TicketRow) -> Ticket:
    assert row.id is not None
    return Ticket(
        id=row.id,
        status=TicketStatus(row.status),
        question=row.question,
        unit=row.unit,
        first_unit=row.first_unit,
        accountable_unit=row.accountable_unit,
        student=StudentRef(
            channel=row.student_channel,
            user_id=row.student_user_id,
            chat_id=row.student_chat_id,
            display_name=row.student_name,
            language="en" if row.student_language == "en" else "zh",
        ),
        opened_at=row.opened_at,
        respond_by=row.respond_by,
        resolve_by=row.resolve_by,
        entry_id=row.entry_id,
        complexity="complex" if row.complexity == "complex" else "general",
        responded_at=row.responded_at,
        resolved_at=row.resolved_at,
        waiting_since=row.waiting_since,
        claimed_by=row.claimed_by,
        rating=row.rating,
        rating_comment=row.rating_comment,
        rated_at=row.rated_at,
        reopen_count=row.reopen_count,
    )


def _row_values(ticket: Ticket) -> dict[str, object]:
    return {
        "id": ticket.id,
        "status": ticket.status.value,
        "question": ticket.question,
        "unit": ticket.unit,
        "first_unit": ticket.first_unit,
        "accountable_unit": ticket.accountable_unit,
        "entry_id": ticket.entry_id,
        "complexity": ticket.complexity,
        "student_channel": ticket.student.channel,
        "student_user_id": ticket.student.user_id,
        "student_chat_id": ticket.student.chat_id,
        "student_name": ticket.student.display_name,
        "student_language": ticket.student.language,
        "opened_at": ticket.opened_at,
        "respond_by": ticket.respond_by,
        "resolve_by": ticket.resolve_by,
        "responded_at": ticket.responded_at,
        "resolved_at": ticket.resolved_at,
        "waiting_since": ticket.waiting_since,
        "claimed_by": ticket.claimed_by,
        "rating": ticket.rating,
        "rating_comment": ticket.rating_comment,
        "rated_at": ticket.rated_at,
        "reopen_count": ticket.reopen_count,
    }
