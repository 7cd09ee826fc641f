"""A real python-telegram-bot Application over a fake Bot API (httpx MockTransport).

The bot's own code paths (handlers, PTB's request and parsing) all run; only the HTTP
transport is swapped, as httpx's MockTransport is made for. No network is touched.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import CallbackContext
from telegram.request import HTTPXRequest

from bot.app import FrontDesk, build_frontdesk
from bot.channels.telegram import build_application
from bot.channels.telegram.handlers import TelegramFrontDesk
from bot.clock import ManualClock
from bot.config import Settings
from tests.support.fake_bot_api import FakeBotApi
from tests.support.tickets import MINIMAL_KB, START, service_settings

PAYLOADS = Path(__file__).parents[3] / "data" / "telegram"
UNIT_GROUPS = {"nic": -100, "jwc": -200, "frontdesk": -300}


@dataclass
class TelegramWorld:
    desk: FrontDesk
    api: FakeBotApi
    application: Any
    bot_desk: TelegramFrontDesk
    clock: ManualClock
    next_update: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    async def send(self, name: str, *, update_id: int | None = None, **changes: Any) -> None:
        """Feed a payload file, with `text`, `data`, `reply_to` etc. changed, through PTB."""
        payload = copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text("utf-8")))
        payload["update_id"] = update_id if update_id is not None else next(self.next_update)
        body = payload.get("message") or payload.get("edited_message") or payload["callback_query"]
        for key, value in changes.items():
            if key == "reply_to":
                body["reply_to_message"]["message_id"] = value
            elif key == "chat_id":
                target = body.get("message", body)
                target["chat"]["id"] = value
            elif key == "user_id":
                body["from"]["id"] = value
            else:
                body[key] = value
        await self.application.process_update(Update.de_json(payload, self.application.bot))

    async def deliver(self) -> None:
        await self.bot_desk.deliver(CallbackContext(self.application))


def telegram_settings(folder: Path) -> Settings:
    """A SQLite file in `folder`, the minimal KB (lexical), a token and the unit groups."""
    settings = service_settings(f"sqlite:///{folder / 'tg.db'}")
    return replace(
        settings,
        kb_dir=MINIMAL_KB,
        matching=replace(settings.matching, embeddings=False),
        telegram=replace(settings.telegram, token="123:TEST", unit_groups=UNIT_GROUPS),
        admins=("telegram:999",),
    )


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[TelegramWorld]:
    clock = ManualClock(START)
    settings = telegram_settings(tmp_path)
    desk = build_frontdesk(settings, clock=clock, cache_dir=tmp_path)
    api = FakeBotApi()
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api.handle)})
    application = build_application(desk, settings, request=request)
    async with application:
        yield TelegramWorld(desk, api, application, application.bot_data["frontdesk"], clock)
    desk.close()
