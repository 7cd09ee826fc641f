"""A real python-telegram-bot Application over a fake Bot API, fed offline `Update`s.

The updates are the JSON payloads of tests/data/telegram (changed per test), parsed with
`Update.de_json` and handed to `Application.process_update`; replies go through PTB's real
request code to httpx's MockTransport. The front desk is real: SQLite file, minimal KB.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.request import HTTPXRequest

from bot.app import FrontDesk, build_frontdesk
from bot.channels.telegram import build_application
from bot.channels.telegram.application import TelegramApp
from bot.channels.telegram.delivery import Delivery
from bot.clock import ManualClock
from bot.config import Settings, settings_from_mapping
from tests.bot.channels.telegram.fake_api import FakeBotApi

DATA = Path(__file__).parents[3] / "data"
PAYLOADS = DATA / "telegram"
MINIMAL_KB = DATA / "kb" / "minimal"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
UNIT_GROUPS = {"nic": -100, "jwc": -200, "frontdesk": -300}
ADMIN = 999


def telegram_settings(folder: Path, **conversation: bool) -> Settings:
    """A SQLite file in `folder`, the minimal KB (lexical matching), a token, the groups."""
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL_KB)
    return replace(
        settings,
        database_url=f"sqlite:///{folder / 'telegram.db'}",
        matching=replace(settings.matching, embeddings=False),
        telegram=replace(settings.telegram, token="123:TEST", unit_groups=UNIT_GROUPS),
        admins=(f"telegram:{ADMIN}",),
        conversation=replace(settings.conversation, **conversation),
    )


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """The payload file `name`, changed: text/data/caption, chat_id, user_id, reply_to, …"""
    update: dict[str, Any] = copy.deepcopy(
        json.loads((PAYLOADS / f"{name}.json").read_text("utf-8"))
    )
    body = update.get("message") or update.get("edited_message") or update["callback_query"]
    for key, value in changes.items():
        if key == "reply_to":
            body["reply_to_message"]["message_id"] = value
        elif key == "chat_id":
            body.get("message", body)["chat"]["id"] = value
            if "reply_to_message" in body:
                body["reply_to_message"]["chat"]["id"] = value
        elif key == "user_id":
            body["from"]["id"] = value
            if "chat" in body and body["chat"]["type"] == "private":
                body["chat"]["id"] = value
        elif key == "message_id":
            body.get("message", body)["message_id"] = value
        elif key == "language_code":
            body["from"]["language_code"] = value
        else:
            body[key] = value
    return update


@dataclass
class TelegramWorld:
    """The bot under test, its fake Bot API, the front desk behind it and a movable clock."""

    folder: Path
    settings: Settings
    clock: ManualClock
    api: FakeBotApi
    desk: FrontDesk
    application: TelegramApp
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    async def send(self, name: str, *, update_id: int | None = None, **changes: Any) -> None:
        """Feed the payload `name` (changed as `payload` does) through the Application."""
        update = payload(name, **changes)
        update["update_id"] = update_id if update_id is not None else next(self.update_ids)
        await self.application.process_update(Update.de_json(update, self.application.bot))

    async def deliver(self) -> int:
        """Run the outbox delivery job once."""
        delivery: Delivery = self.application.bot_data["delivery"]
        return await delivery.deliver(self.application.bot)

    async def restart(self) -> None:
        """A new process: a fresh FrontDesk and Application on the same database."""
        await self.application.shutdown()
        self.desk.close()
        self.desk = build_frontdesk(self.settings, clock=self.clock, cache_dir=self.folder)
        self.application = _application(self.desk, self.settings, self.api)
        await self.application.initialize()

    async def ticket_in_group(self, question: str = "补考时间") -> Any:
        """A student asks, is not helped, opens ticket #1; returns its card in 教务处's group."""
        await self.send("private_text", text=question)
        await self.send("private_callback", data=self.api.buttons(4242)["没解决，转人工"])
        await self.deliver()
        return self.api.to(UNIT_GROUPS["jwc"])[-1]


def _application(desk: FrontDesk, settings: Settings, api: FakeBotApi) -> TelegramApp:
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api.handle)})
    return build_application(desk, settings, request=request)


@asynccontextmanager
async def running_world(folder: Path, **conversation: bool) -> AsyncIterator[TelegramWorld]:
    """A world in `folder`; `conversation` changes ConversationSettings (e.g. signatures)."""
    clock = ManualClock(START)
    settings = telegram_settings(folder, **conversation)
    desk = build_frontdesk(settings, clock=clock, cache_dir=folder)
    api = FakeBotApi()
    application = _application(desk, settings, api)
    await application.initialize()
    world = TelegramWorld(folder, settings, clock, api, desk, application)
    try:
        yield world
    finally:
        await world.application.shutdown()
        world.desk.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[TelegramWorld]:
    async with running_world(tmp_path) as running:
        yield running
