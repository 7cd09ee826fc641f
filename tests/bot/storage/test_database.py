"""Migrations and repositories on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import bot.storage.tables  # noqa: F401  (the models the migrations must match)
from bot.clock import ManualClock
from bot.storage.channel_state import ConversationStates, MessageLinks, ProcessedUpdates
from bot.storage.database import Database

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_migrations_build_exactly_the_models_and_run_twice(database_url: str) -> None:
    database = Database(database_url)
    database.migrate()
    database.migrate()  # every start runs it; the second time does nothing
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = compare_metadata(context, SQLModel.metadata)
    assert drift == [], f"models and migrations differ: {drift}"
    database.dispose()


def test_conversation_state_round_trip_survives_a_new_process(database_url: str) -> None:
    clock = ManualClock(NOW)
    first = Database(database_url)
    first.migrate()
    ConversationStates(first, clock).put("telegram", "42", {"expecting": "question", "x": "缓考"})
    first.dispose()
    second = Database(database_url)
    states = ConversationStates(second, clock)
    assert states.get("telegram", "42") == {"expecting": "question", "x": "缓考"}
    assert states.get("telegram", "43") is None
    states.put("telegram", "42", {"expecting": "rating_comment"})
    assert states.get("telegram", "42") == {"expecting": "rating_comment"}
    second.dispose()


def test_processed_updates_are_seen_once(database_url: str) -> None:
    database = Database(database_url)
    database.migrate()
    seen = ProcessedUpdates(database, ManualClock(NOW))
    assert seen.first_time("telegram", "1001")
    assert not seen.first_time("telegram", "1001")
    assert seen.first_time("wechat", "1001")
    database.dispose()


def test_message_links_find_the_ticket_of_a_message(database_url: str) -> None:
    from tests.support.tickets import STUDENT, ticket_service

    database = Database(database_url)
    database.migrate()
    clock = ManualClock(NOW)

    service = ticket_service(database, clock)
    ticket = service.open(STUDENT, "问题", "nic")
    links = MessageLinks(database, clock)
    links.link("telegram", "-100", "7", ticket.id)
    links.link("telegram", "-100", "7", ticket.id)  # a redelivered send links once
    clock.advance(timedelta(minutes=1))
    links.link("telegram", "-200", "9", ticket.id)
    assert links.ticket_for("telegram", "-100", "7") == ticket.id
    assert links.ticket_for("telegram", "-100", "8") is None
    assert links.messages_of("telegram", ticket.id) == [("-100", "7"), ("-200", "9")]
    database.dispose()
