"""Shared by bot tests: a ticket service on a real database (SQLite and PostgreSQL), a clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from bot.storage.database import Database
from bot.tickets.service import TicketService
from tests.support.tickets import START, ticket_service


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def service(database: Database, clock: ManualClock) -> TicketService:
    return ticket_service(database, clock)
