"""Test support: the people and the settings ticket tests use."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import Clock
from bot.config import Settings, settings_from_mapping
from bot.kb.loader import load_kb
from bot.sla.calendar import NaturalCalendar
from bot.sla.schedule import SlaPlanner
from bot.sla.sweeper import Sweeper
from bot.storage.database import Database
from bot.tickets.model import Actor, StudentRef
from bot.tickets.outbox import Outbox
from bot.tickets.service import TicketService
from bot.tickets.store import SqlTicketStore

MINIMAL_KB = Path(__file__).parents[1] / "data" / "kb" / "minimal"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing

STUDENT = StudentRef("terminal", "s1", "s1", "小张", "zh")
OTHER_STUDENT = StudentRef("terminal", "s2", "s2", "小李", "en")
NIC = Actor("staff", "terminal:wang", "王老师", frozenset({"nic"}))
JWC = Actor("staff", "terminal:li", "李老师", frozenset({"jwc"}))
FRONT = Actor("staff", "terminal:desk", "前台", frozenset({"frontdesk"}))
ADMIN = Actor("admin", "terminal:admin", "管理员")


def service_settings(database_url: str) -> Settings:
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL_KB)
    return replace(settings, database_url=database_url)


def ticket_service(database: Database, clock: Clock) -> TicketService:
    """The ticket service on `database` with the minimal KB's units and natural hours."""
    kb = load_kb(MINIMAL_KB)
    settings = service_settings(database.url)
    return TicketService(
        SqlTicketStore(database, SlaPlanner(settings.sla, lambda _unit: NaturalCalendar())),
        Outbox(database, clock),
        clock,
        settings,
        units=lambda: kb.units,
        calendar_for_unit=lambda _unit: NaturalCalendar(),
    )


def sweeper(database: Database, clock: Clock) -> Sweeper:
    """The SLA sweeper for the same world as `ticket_service`."""
    kb = load_kb(MINIMAL_KB)
    return Sweeper(
        database,
        service_settings(database.url),
        clock,
        calendar_for_unit=lambda _unit: NaturalCalendar(),
        unit_names=lambda: {u.id: u.name for u in kb.units.values()},
    )
