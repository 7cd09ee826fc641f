"""The composition root: the one place where settings, clock, storage, KB, matcher, tickets and
the conversation core are wired together. Channels and the CLI receive the built `FrontDesk`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversation.engine import Conversation
from bot.kb.live import LiveKB
from bot.matching.factory import build_matcher
from bot.sla.calendar import UnitCalendars
from bot.sla.schedule import SlaPlanner
from bot.sla.sweeper import Sweeper
from bot.storage.channel_state import ConversationStates, MessageLinks, ProcessedUpdates
from bot.storage.database import Database
from bot.tickets.outbox import Outbox
from bot.tickets.service import TicketService
from bot.tickets.store import SqlTicketStore

log = logging.getLogger(__name__)


@dataclass
class FrontDesk:
    """Everything a channel or a CLI command needs, built once."""

    settings: Settings
    clock: Clock
    database: Database
    kb: LiveKB
    tickets: TicketService
    outbox: Outbox
    conversation: Conversation
    states: ConversationStates
    message_links: MessageLinks
    processed_updates: ProcessedUpdates
    sweeper: Sweeper

    def housekeeping(self) -> None:
        """What a running bot does every minute: pick up KB edits and sweep the SLA clock."""
        self.kb.reload_if_changed()
        self.sweeper.sweep()

    def close(self) -> None:
        self.database.dispose()


def build_frontdesk(
    settings: Settings,
    *,
    clock: Clock | None = None,
    cache_dir: Path | None = None,
    migrate: bool = True,
) -> FrontDesk:
    """Build the application; applies database migrations first unless told not to."""
    clock = clock or SystemClock()
    database = Database(settings.database_url)
    if migrate:
        database.migrate()
    live_kb = LiveKB(
        settings.kb_dir,
        lambda kb: build_matcher(kb, settings, cache_dir),
        clock,
    )
    outbox = Outbox(database, clock)
    calendars = UnitCalendars(
        settings.sla, lambda: {u.id: u.clock for u in live_kb.kb.units.values() if u.clock}
    )
    tickets = TicketService(
        SqlTicketStore(database, SlaPlanner(settings.sla, calendars)),
        outbox,
        clock,
        settings,
        units=lambda: live_kb.kb.units,
        calendar_for_unit=calendars,
    )
    sweeper = Sweeper(
        database,
        settings,
        clock,
        calendar_for_unit=calendars,
        unit_names=lambda: {unit.id: unit.name for unit in live_kb.kb.units.values()},
        supervisors=lambda: {u.id: u.supervisor for u in live_kb.kb.units.values() if u.supervisor},
    )
    states = ConversationStates(database, clock)
    conversation = Conversation(live_kb, tickets, states, settings, clock)
    return FrontDesk(
        settings=settings,
        clock=clock,
        database=database,
        kb=live_kb,
        tickets=tickets,
        outbox=outbox,
        conversation=conversation,
        states=states,
        message_links=MessageLinks(database, clock),
        processed_updates=ProcessedUpdates(database, clock),
        sweeper=sweeper,
    )
