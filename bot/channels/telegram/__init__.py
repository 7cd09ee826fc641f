"""The Telegram channel (python-telegram-bot v22): students in private chats, staff in groups."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram.request import BaseRequest

from bot.app import FrontDesk
from bot.channels.telegram.application import TelegramApp, build_application
from bot.channels.telegram.delivery import Delivery
from bot.channels.telegram.handlers import set_commands
from bot.channels.telegram.webhook import receiver
from bot.config import Settings

log = logging.getLogger(__name__)

__all__ = ["build_application", "run_telegram"]

_UPDATES = ["message", "edited_message", "callback_query"]  # all the bot handles


async def run_telegram(
    frontdesk: FrontDesk,
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    stop: asyncio.Event | None = None,
    request: BaseRequest | None = None,
    delivery_seconds: float = 1.0,
) -> None:
    """Run until SIGINT/SIGTERM (or until `stop` is set): long polling, or a webhook served by
    the shared ASGI app. `request` replaces the HTTP layer and `delivery_seconds` sets how
    often the outbox is sent (tests, the emulator)."""
    if webhook_url is not None and not settings.telegram.webhook_secret:
        raise ValueError("webhook mode needs FRONTDESK_TELEGRAM_WEBHOOK_SECRET")
    application = build_application(
        frontdesk, settings, request=request, delivery_seconds=delivery_seconds
    )
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with application:
        await set_commands(application)
        await application.start()
        try:
            if webhook_url is None:
                await _poll(application, settings, stop)
            else:
                await _serve_webhook(application, settings, webhook_url, listen, port, stop)
        finally:
            await application.stop()  # handles what was already received, then returns
            delivery: Delivery = application.bot_data["delivery"]
            await delivery.close()  # what could not be sent yet stays in the outbox


async def _poll(application: TelegramApp, settings: Settings, stop: asyncio.Event) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("the Application was built without an Updater")
    await updater.start_polling(
        poll_interval=settings.telegram.poll_interval, allowed_updates=_UPDATES
    )
    log.info("Telegram: long polling %s", settings.telegram.base_url)
    try:
        await stop.wait()
    finally:
        await updater.stop()


async def _serve_webhook(
    application: TelegramApp,
    settings: Settings,
    url: str,
    listen: str,
    port: int,
    stop: asyncio.Event,
) -> None:
    import uvicorn

    from bot.channels.web import create_web_app, telegram_route

    secret = settings.telegram.webhook_secret or ""
    app = create_web_app([telegram_route(secret, receiver(application))])
    server = uvicorn.Server(uvicorn.Config(app, host=listen, port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    # Telegram is told the URL only once the server is listening; uvicorn offers just a flag.
    while not server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if serving.done():
        await serving  # it failed to start (e.g. the port is taken): raise that
        raise RuntimeError(f"the webhook server did not start on {listen}:{port}")
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=_UPDATES)
    log.info("Telegram: webhook %s, listening on %s:%s", url, listen, port)
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        server.should_exit = True
        await serving
