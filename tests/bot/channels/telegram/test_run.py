"""`run_telegram` as `frontdesk run` calls it: long polling, and the webhook behind the ASGI app."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from telegram.request import HTTPXRequest

from bot.app import build_frontdesk
from bot.channels.telegram import run_telegram
from bot.channels.web import TELEGRAM_SECRET_HEADER
from bot.clock import SystemClock
from bot.config import Settings
from tests.bot.channels.telegram.conftest import payload, telegram_settings
from tests.bot.channels.telegram.fake_api import FakeBotApi

STUDENT = 4242


async def _until(condition: Callable[[], bool], within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _running(
    settings: Settings,
    api: FakeBotApi,
    folder: Path,
    body: Callable[[], Awaitable[None]],
    **options: object,
) -> None:
    """Run the bot as shipped (over the fake Bot API) while `body` plays, then stop it."""
    desk = build_frontdesk(settings, clock=SystemClock(), cache_dir=folder)
    stop = asyncio.Event()
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api.handle)})
    running = asyncio.create_task(
        run_telegram(desk, settings, stop=stop, request=request, **options)  # type: ignore[arg-type]
    )
    try:
        await body()
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        desk.close()


async def test_long_polling_answers_and_stops(tmp_path: Path) -> None:
    api = FakeBotApi(pending_updates=[payload("private_text", text="缓考怎么申请")])
    api.fail("setMyCommands", 500, "Internal Server Error")  # optional: logged, not fatal

    async def body() -> None:
        await _until(lambda: "缓考申请" in api.texts(STUDENT))

    await _running(telegram_settings(tmp_path), api, tmp_path, body)
    assert api.called("getUpdates")
    assert api.called("setMyCommands")


async def test_the_webhook_takes_updates_with_the_secret_only(tmp_path: Path) -> None:
    settings = telegram_settings(tmp_path)
    settings = replace(settings, telegram=replace(settings.telegram, webhook_secret="s3cret"))
    api = FakeBotApi()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"

    async def body() -> None:
        await _until(lambda: bool(api.called("setWebhook")))
        (hook,) = api.called("setWebhook")
        assert hook["url"] == "https://bot.example.edu/telegram/webhook"
        assert hook["secret_token"] == "s3cret"
        update = payload("private_text", text="缓考怎么申请")
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=update, headers={TELEGRAM_SECRET_HEADER: "x"})
            assert wrong.status_code == 403
            right = await client.post(url, json=update, headers={TELEGRAM_SECRET_HEADER: "s3cret"})
            assert right.status_code == 200
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.json() == {"ok": True}
        await _until(lambda: "缓考申请" in api.texts(STUDENT))

    await _running(
        settings,
        api,
        tmp_path,
        body,
        webhook_url="https://bot.example.edu/telegram/webhook",
        listen="127.0.0.1",
        port=port,
    )
    assert api.texts(STUDENT).count("缓考申请") == 1
    assert not api.called("getUpdates")


async def test_webhook_mode_needs_a_secret(tmp_path: Path) -> None:
    settings = telegram_settings(tmp_path)
    desk = build_frontdesk(settings, clock=SystemClock(), cache_dir=tmp_path)
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        await run_telegram(desk, settings, webhook_url="https://bot.example.edu/hook")
    desk.close()


def test_no_token_no_bot(tmp_path: Path) -> None:
    from bot.channels.telegram import build_application

    settings = telegram_settings(tmp_path)
    settings = replace(settings, telegram=replace(settings.telegram, token=None))
    desk = build_frontdesk(settings, clock=SystemClock(), cache_dir=tmp_path)
    with pytest.raises(ValueError, match="FRONTDESK_TELEGRAM_TOKEN"):
        build_application(desk, settings)
    desk.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
