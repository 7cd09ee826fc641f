"""The Telegram channel (python-telegram-bot v22): students in private chats, staff in groups."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram.request import BaseRequest

from bot.app import FrontDesk
from bot.channels.telegram.application import build_application
from bot.channels.telegram.handlers import set_commands
from bot.config import Settings

log = logging.getLogger(__name__)

__all__ = ["build_application", "run_telegram"]


async def run_telegram(
    frontdesk: FrontDesk,
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    stop: asyncio.Event | None = None,
    request: BaseRequest | None = None,
) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set): long polling, or a webhook served by the
    shared ASGI app. `request` replaces the HTTP layer (tests)."""
    application = build_application(frontdesk, settings, request=request)
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with application:
        await set_commands(application)
        await application.start()
        if webhook_url is None:
            updater = application.updater
            assert updater is not None
            await updater.start_polling(poll_interval=settings.telegram.poll_interval)
            log.info("Telegram: polling %s", settings.telegram.base_url)
            await stop.wait()
            await updater.stop()
        else:
            import uvicorn

            from bot.channels.web import create_web_app

            secret = settings.telegram.webhook_secret
            if not secret:
                raise ValueError("webhook mode needs FRONTDESK_TELEGRAM_WEBHOOK_SECRET")
            await application.bot.set_webhook(webhook_url, secret_token=secret)
            server = uvicorn.Server(
                uvicorn.Config(create_web_app(application, secret), host=listen, port=port)
            )
            serving = asyncio.create_task(server.serve())
            await stop.wait()
            server.should_exit = True
            await serving
        await application.stop()
