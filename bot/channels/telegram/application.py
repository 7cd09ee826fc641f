"""All wiring of the Telegram `Application` in one place: handlers, jobs, rate limits, base URL."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.app import FrontDesk
from bot.channels.telegram.delivery import Delivery
from bot.channels.telegram.handlers import TelegramFrontDesk
from bot.config import Settings

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    frontdesk: FrontDesk,
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    delivery_seconds: float = 1.0,
    housekeeping_seconds: float = 60.0,
    flood_limits: bool = True,
) -> TelegramApp:
    """The bot for `frontdesk`. `request` replaces the HTTP layer (tests, the emulator);
    `flood_limits=False` only to measure the bot's own speed (Telegram would answer 429)."""
    telegram = settings.telegram
    if not telegram.token:
        raise ValueError("FRONTDESK_TELEGRAM_TOKEN is not set")
    # The builder's type changes with each option (PTB's generics); Any keeps the chain simple.
    builder: Any = ApplicationBuilder().token(telegram.token).base_url(telegram.base_url)
    if flood_limits:  # Telegram's limits (30 messages/s, 20/min per group), retrying on 429
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: TelegramApp = builder.build()
    _check_groups(frontdesk, telegram.unit_groups)

    desk = TelegramFrontDesk(frontdesk, telegram.unit_groups)
    delivery = Delivery(frontdesk, telegram.unit_groups, desk.payloads)
    application.bot_data["frontdesk"] = desk
    application.bot_data["delivery"] = delivery
    groups, private = filters.ChatType.GROUPS, filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, desk.once), group=-1)
    application.add_handler(CallbackQueryHandler(desk.button))
    application.add_handler(MessageHandler(groups & filters.UpdateType.MESSAGE, desk.group_message))
    application.add_handler(MessageHandler(private, desk.private))
    application.add_error_handler(desk.error)

    async def deliver(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hand the outbox's pending notifications to their chats' senders."""
        delivery.claim(context.bot)

    async def housekeeping(_context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pick up KB edits and sweep the SLA clock (warnings, escalations, reminders)."""
        frontdesk.housekeeping()

    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    jobs.run_repeating(deliver, interval=delivery_seconds, first=0.1, name="deliver")
    jobs.run_repeating(housekeeping, interval=housekeeping_seconds, first=1, name="housekeeping")
    return application


def _check_groups(frontdesk: FrontDesk, unit_groups: Mapping[str, int]) -> None:
    """Warn at start-up about mapping mistakes that would leave tickets undelivered."""
    units = set(frontdesk.kb.kb.units)
    for unit in sorted(set(unit_groups) - units):
        log.warning("unit_groups names unit %r, which kb/units.toml does not have", unit)
    for unit in sorted(units - set(unit_groups)):
        log.warning("unit %r has no Telegram group: its tickets wait in the outbox", unit)
