"""The webhook ASGI app: the secret decides, the update reaches the bot's queue."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from bot.channels.web import SECRET_HEADER, create_web_app

PAYLOAD = json.loads(
    (Path(__file__).parents[2] / "data" / "telegram" / "private_text.json").read_text("utf-8")
)


class _Application:
    """Just what the web app touches of a PTB Application: its bot and its update queue."""

    def __init__(self) -> None:
        from telegram import Bot

        self.bot = Bot("1:WEBHOOK")
        self.update_queue: asyncio.Queue[Any] = asyncio.Queue()


async def _post(app: Any, headers: dict[str, str], body: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        return await client.post("/telegram/webhook", content=body, headers=headers)


async def test_the_right_secret_queues_the_update() -> None:
    application = _Application()
    app = create_web_app(application, "s3cret")
    response = await _post(app, {SECRET_HEADER: "s3cret"}, json.dumps(PAYLOAD).encode())
    assert response.status_code == 200
    update = application.update_queue.get_nowait()
    assert update.update_id == PAYLOAD["update_id"]
    assert update.message.text == "你好"


async def test_a_wrong_or_missing_secret_is_403_and_queues_nothing() -> None:
    application = _Application()
    app = create_web_app(application, "s3cret")
    for headers in ({SECRET_HEADER: "guess"}, {}):
        response = await _post(app, headers, json.dumps(PAYLOAD).encode())
        assert response.status_code == 403
    assert application.update_queue.empty()


async def test_a_malformed_body_is_400() -> None:
    app = create_web_app(_Application(), "s3cret")
    response = await _post(app, {SECRET_HEADER: "s3cret"}, b"{not json")
    assert response.status_code == 400


async def test_health() -> None:
    transport = httpx.ASGITransport(app=create_web_app(_Application(), "x"))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        assert (await client.get("/healthz")).json() == {"ok": True}
