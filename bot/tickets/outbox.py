"""The neutral outbox: notifications written with the change that causes them, sent by channels.

A channel claims what it can deliver (its students' chats, the staff chats of units it serves),
sends it and marks each one sent or failed. Claiming marks rows `sending` in the same
transaction, under row locks on PostgreSQL (SKIP LOCKED), so two bot processes never deliver
the same notification twice.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.tables import OutboxRow

# A claim older than this was made by a process that died before sending; it is retried.
STALE_CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Notification:
    """One message to deliver: to a student's chat or to a unit's staff chat."""

    id: int
    recipient: str  # "student" or "unit"
    channel: str | None
    address: str
    ticket_id: int | None
    kind: str
    text: str
    attempts: int = 0


class Outbox:
    """Pending notifications in the database."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def claim(
        self, channel: str, *, units: Collection[str] = (), limit: int = 100
    ) -> list[Notification]:
        """Claim pending notifications for `channel`'s students and for the staff of `units`."""
        wanted = col(OutboxRow.channel) == channel
        if units:
            wanted = wanted | (
                (col(OutboxRow.recipient) == "unit") & col(OutboxRow.address).in_(list(units))
            )
        return self._claim(wanted, limit)

    def claim_for_address(self, channel: str, address: str) -> list[Notification]:
        """Claim the pending notifications of one student chat."""
        where = (col(OutboxRow.channel) == channel) & (col(OutboxRow.address) == address)
        return self._claim(where, 100)

    def claim_for_units(self, units: Collection[str], limit: int = 100) -> list[Notification]:
        """Claim pending notifications addressed to the staff of `units`."""
        where = (col(OutboxRow.recipient) == "unit") & col(OutboxRow.address).in_(list(units))
        return self._claim(where, limit)

    def mark_sent(self, notification_id: int) -> None:
        self._set(notification_id, status="sent", sent_at=self._clock.now())

    def mark_failed(self, notification_id: int, error: str, *, retry: bool = True) -> None:
        """Record a failed send; it is tried again later unless it failed too often."""
        with self._database.session() as session:
            row = session.get(OutboxRow, notification_id)
            if row is None:
                return
            row.error = error[:2000]
            row.status = "pending" if retry and row.attempts < MAX_ATTEMPTS else "failed"
            session.add(row)

    def pending(self, *, unit: str | None = None) -> list[Notification]:
        """Notifications not yet delivered (for the CLI and for tests), oldest first."""
        with self._database.session() as session:
            statement = select(OutboxRow).where(col(OutboxRow.status) != "sent")
            if unit is not None:
                statement = statement.where(
                    (col(OutboxRow.recipient) == "unit") & (col(OutboxRow.address) == unit)
                )
            rows = session.exec(statement.order_by(col(OutboxRow.id))).all()
            return [_notification(row) for row in rows]

    def _claim(self, where: object, limit: int) -> list[Notification]:
        now = self._clock.now()
        ready = (col(OutboxRow.status) == "pending") | (
            (col(OutboxRow.status) == "sending") & (col(OutboxRow.claimed_at) < now - STALE_CLAIM)
        )
        with self._database.session() as session:
            rows = session.exec(
                select(OutboxRow)
                .where(ready, where)  # type: ignore[arg-type]
                .order_by(col(OutboxRow.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                row.status = "sending"
                row.claimed_at = now
                row.attempts += 1
                session.add(row)
            return [_notification(row) for row in rows]

    def _set(self, notification_id: int, **values: object) -> None:
        with self._database.session() as session:
            session.execute(
                update(OutboxRow).where(col(OutboxRow.id) == notification_id).values(**values)
            )


def _notification(row: OutboxRow) -> Notification:
    assert row.id is not None
    return Notification(
        id=row.id,
        recipient=row.recipient,
        channel=row.channel,
        address=row.address,
        ticket_id=row.ticket_id,
        kind=row.kind,
        text=row.text,
        attempts=row.attempts,
    )
