"""What channels keep between updates: dialogue states, message-to-ticket links, seen updates.

All in the database, so a restart of the bot (or a second process) loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.tables import ConversationStateRow, MessageLinkRow, ProcessedUpdateRow


class ConversationStates:
    """Per-student dialogue state (JSON), the `StateStore` of the conversation core."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def get(self, channel: str, user_id: str) -> Mapping[str, Any] | None:
        with self._database.session() as session:
            row = session.get(ConversationStateRow, (channel, user_id))
            if row is None:
                return None
            loaded: Mapping[str, Any] = json.loads(row.state)
            return loaded

    def put(self, channel: str, user_id: str, state: dict[str, Any]) -> None:
        text = json.dumps(state, ensure_ascii=False, sort_keys=True)
        with self._database.session() as session:
            row = session.get(ConversationStateRow, (channel, user_id))
            if row is None:
                row = ConversationStateRow(
                    channel=channel, user_id=user_id, state=text, updated_at=self._clock.now()
                )
            else:
                row.state = text
                row.updated_at = self._clock.now()
            session.add(row)


class MessageLinks:
    """Which ticket a chat message belongs to; a staff reply to it is routed by this, not text."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def link(self, channel: str, chat_id: str, message_id: str, ticket_id: int) -> None:
        with self._database.session() as session:
            existing = session.get(MessageLinkRow, (channel, chat_id, message_id))
            if existing is None:
                session.add(
                    MessageLinkRow(
                        channel=channel,
                        chat_id=chat_id,
                        message_id=message_id,
                        ticket_id=ticket_id,
                        created_at=self._clock.now(),
                    )
                )

    def ticket_for(self, channel: str, chat_id: str, message_id: str) -> int | None:
        with self._database.session() as session:
            row = session.get(MessageLinkRow, (channel, chat_id, message_id))
            return row.ticket_id if row else None

    def messages_of(self, channel: str, ticket_id: int) -> list[tuple[str, str]]:
        """(chat id, message id) of every linked message of a ticket, oldest first."""
        with self._database.session() as session:
            rows = session.exec(
                select(MessageLinkRow)
                .where(col(MessageLinkRow.channel) == channel)
                .where(col(MessageLinkRow.ticket_id) == ticket_id)
                .order_by(col(MessageLinkRow.created_at))
            ).all()
            return [(row.chat_id, row.message_id) for row in rows]


class ProcessedUpdates:
    """Remembers handled update ids so a redelivered update is handled once."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def first_time(self, channel: str, update_id: str) -> bool:
        """Record `update_id`; False if it was recorded before (by this or another process)."""
        try:
            with self._database.session() as session:
                session.add(
                    ProcessedUpdateRow(channel=channel, update_id=update_id, at=self._clock.now())
                )
        except IntegrityError:
            return False
        return True
