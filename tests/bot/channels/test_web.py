"""The shared webhook ASGI app: the secret decides, the body reaches the channel."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from telegram import Bot, Update
from telegram.ext import ApplicationBuilder

from bot.channels.telegram.webhook import receiver
from bot.channels.web import TELEGRAM_SECRET_HEADER, create_web_app, telegram_route

UPDATE = json.loads(
    (Path(__file__).parents[2] / "data" / "telegram" / "private_text.json").read_text("utf-8")
)


class Received:
    """A channel's receiver that keeps what it gets; ValueError for non-updates."""

    def __init__(self) -> None:
        self.bodies: list[object] = []

    async def __call__(self, body: object) -> None:
        if not isinstance(body, dict):
            raise ValueError("not an update")
        self.bodies.append(body)


async def _post(app: Starlette, headers: dict[str, str], body: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        return await client.post("/telegram/webhook", content=body, headers=headers)


async def test_the_right_secret_hands_the_body_over() -> None:
    received = Received()
    app = create_web_app([telegram_route("s3cret", received)])
    response = await _post(app, {TELEGRAM_SECRET_HEADER: "s3cret"}, json.dumps(UPDATE).encode())
    assert response.status_code == 200
    assert received.bodies == [UPDATE]


@pytest.mark.parametrize("headers", [{TELEGRAM_SECRET_HEADER: "guess"}, {}])
async def test_a_wrong_or_missing_secret_is_403(headers: dict[str, str]) -> None:
    received = Received()
    app = create_web_app([telegram_route("s3cret", received)])
    response = await _post(app, headers, json.dumps(UPDATE).encode())
    assert response.status_code == 403
    assert received.bodies == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"])
async def test_a_body_that_is_no_update_is_400(body: bytes) -> None:
    app = create_web_app([telegram_route("s3cret", Received())])
    response = await _post(app, {TELEGRAM_SECRET_HEADER: "s3cret"}, body)
    assert response.status_code == 400


def test_a_telegram_route_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        telegram_route("", Received())


async def test_health() -> None:
    transport = httpx.ASGITransport(app=create_web_app([]))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        assert (await client.get("/healthz")).json() == {"ok": True}


async def test_the_telegram_receiver_queues_updates_for_the_application() -> None:
    application = ApplicationBuilder().bot(Bot("1:WEBHOOK")).updater(None).build()
    receive = receiver(application)
    await receive(UPDATE)
    update = application.update_queue.get_nowait()
    assert isinstance(update, Update)
    assert update.update_id == UPDATE["update_id"]
    junks: list[object] = [[1], {"message": {}}, {"update_id": 1, "message": {"text": "x"}}]
    for junk in junks:
        with pytest.raises(ValueError, match="not a Telegram update"):
            await receive(junk)
    assert application.update_queue.empty()
