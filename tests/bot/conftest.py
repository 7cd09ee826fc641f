"""Shared by bot tests: a ticket service on a real database (SQLite and PostgreSQL), a clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from bot.kb.loader import load_kb
from bot.sla.calendar import NaturalCalendar
from bot.storage.database import Database
from bot.tickets.outbox import Outbox
from bot.tickets.service import TicketService
from bot.tickets.store import SqlTicketStore
from tests.support.tickets import MINIMAL_KB, START, service_settings


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
    kb = load_kb(MINIMAL_KB)
    return TicketService(
        SqlTicketStore(database),
        Outbox(database, clock),
        clock,
        service_settings(database.url),
        units=lambda: kb.units,
        calendar_for_unit=lambda _unit: NaturalCalendar(),
    )
