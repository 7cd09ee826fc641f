"""Wiring the Telegram `Application`: handlers, the outbox job, rate limiting, base URL."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.app import FrontDesk
from bot.channels.telegram.handlers import TelegramFrontDesk
from bot.config import Settings

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
    """The bot for `frontdesk`; `request` lets tests and emulators replace the HTTP layer.

    `flood_limits=False` only for measuring the bot's own speed: without the limiter a busy
    bot gets 429s from Telegram.
    """
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
    desk = TelegramFrontDesk(frontdesk, telegram.unit_groups)
    application.bot_data["frontdesk"] = desk
    groups = filters.ChatType.GROUPS
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, desk.once), group=-1)
    application.add_handler(CallbackQueryHandler(desk.button))
    application.add_handler(MessageHandler(groups & ~filters.UpdateType.EDITED, desk.group_message))
    application.add_handler(MessageHandler(private, desk.private))
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    job_queue.run_repeating(desk.deliver, interval=delivery_seconds, first=0.2)
    job_queue.run_repeating(desk.housekeeping, interval=housekeeping_seconds, first=5)
    return application
