"""End-to-end harness: the telegram-test-api emulator, the real bot polling it, the user side.

The emulator runs as a Node process on 127.0.0.1; the bot is the real python-telegram-bot
Application of `bot.channels.telegram`, pointed at it with `base_url`, long polling, with the
outbox job delivering notifications. Students and staff are driven through the emulator's
client API (/sendMessage, /sendCallback, /getUpdatesHistory).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from bot.app import FrontDesk, build_frontdesk
from bot.channels.telegram import build_application
from bot.channels.telegram.handlers import set_commands
from bot.clock import SystemClock
from tests.e2e.patched_request import EmulatorRequest
from tests.support.tickets import MINIMAL_KB, service_settings

ROOT = Path(__file__).parents[2]
EMULATOR = ROOT / "node_modules" / "telegram-test-api"
UNIT_GROUPS = {"nic": -100, "jwc": -200, "frontdesk": -300}
_tokens = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def emulator_process(port: int | None = None) -> Iterator[str]:
    """Run telegram-test-api on 127.0.0.1 (a free port by default); yields its base URL."""
    node = shutil.which("node")
    if node is None or not EMULATOR.is_dir():
        raise EmulatorMissing("Node.js and `npm ci` (telegram-test-api) are needed")
    port = port or _free_port()
    process = subprocess.Popen(
        [node, str(Path(__file__).with_name("emulator.js")), str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready"):
        process.kill()
        raise EmulatorMissing(f"the emulator did not start: {line}{process.stdout.read()}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


class EmulatorMissing(RuntimeError):
    """The emulator cannot run here (no Node.js, or `npm ci` was not run)."""


@dataclass
class Person:
    """A Telegram user as the emulator knows them."""

    id: int
    first_name: str
    language_code: str = "zh-hans"

    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


@dataclass
class Chats:
    """The user side: send as a student or staff member, read what the bot sent."""

    base: str
    token: str
    http: httpx.AsyncClient
    seen: set[int] = field(default_factory=set)

    async def say(
        self,
        person: Person,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> None:
        chat = chat_id if chat_id is not None else person.id
        message: dict[str, Any] = {
            "botToken": self.token,
            "from": person.user(),
            "chat": _chat(chat, person),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        if reply_to is not None:
            message["reply_to_message"] = _as_message(reply_to)
        response = await self.http.post(f"{self.base}/sendMessage", json=message)
        response.raise_for_status()

    async def press(self, person: Person, shown: dict[str, Any], label: str) -> None:
        """Press the button `label` under the bot message `shown`."""
        data = buttons(shown)[label]
        query = {
            "botToken": self.token,
            "from": person.user(),
            "message": _as_message(shown),
            "data": data,
        }
        response = await self.http.post(f"{self.base}/sendCallback", json=query)
        response.raise_for_status()

    async def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        response = await self.http.post(
            f"{self.base}/getUpdatesHistory", json={"token": self.token}
        )
        response.raise_for_status()
        found = []
        for item in response.json()["result"]:
            message = item.get("message") or {}
            if "chat_id" in message and str(message["chat_id"]) == str(chat_id):
                found.append({**message, "message_id": item["messageId"]})
        return found

    async def wait_for(
        self, chat_id: int, predicate: Callable[[dict[str, Any]], bool], within: float = 15.0
    ) -> dict[str, Any]:
        """The first not-yet-seen bot message in `chat_id` that satisfies `predicate`."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for message in await self.bot_messages(chat_id):
                if message["message_id"] not in self.seen and predicate(message):
                    self.seen.add(message["message_id"])
                    return message
            await asyncio.sleep(0.05)
        shown = [m.get("text", "")[:60] for m in await self.bot_messages(chat_id)]
        raise AssertionError(f"no matching bot message in chat {chat_id}; saw {shown}")

    async def wait_text(self, chat_id: int, fragment: str, within: float = 15.0) -> dict[str, Any]:
        return await self.wait_for(chat_id, lambda m: fragment in m.get("text", ""), within)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {
        button["text"]: button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
    }


def _chat(chat_id: int, person: Person) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": person.first_name}
    return {"id": chat_id, "type": "supergroup", "title": f"group {chat_id}"}


def _as_message(message: dict[str, Any]) -> dict[str, Any]:
    chat_id = int(message.get("chat_id") or message.get("chat", {}).get("id"))
    return {
        "message_id": message["message_id"],
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        "from": {"id": 666, "is_bot": True, "first_name": "Test First name"},
        "text": message.get("text", ""),
    }


@dataclass
class RunningBot:
    """The real bot polling the emulator; `restart()` stops it and starts a new process-like
    instance on the same database."""

    emulator: str
    token: str
    database_url: str
    kb_dir: Path = MINIMAL_KB
    frontdesk: FrontDesk | None = None
    application: Any = None

    async def start(self) -> None:
        settings = service_settings(self.database_url)
        settings = replace(
            settings,
            kb_dir=self.kb_dir,
            matching=replace(settings.matching, embeddings=False),
            telegram=replace(
                settings.telegram,
                token=self.token,
                base_url=f"{self.emulator}/bot",
                poll_interval=0.05,
                unit_groups=UNIT_GROUPS,
            ),
        )
        self.frontdesk = build_frontdesk(settings, clock=SystemClock())
        self.application = build_application(
            self.frontdesk, settings, request=EmulatorRequest(), delivery_seconds=0.1
        )
        await self.application.initialize()
        # The emulator lacks setMyCommands: the optional call fails, is logged, and the bot runs.
        await set_commands(self.application)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0.05, timeout=0)

    async def stop(self) -> None:
        if self.application is not None:
            await self.application.updater.stop()
            await self.application.stop()
            await self.application.shutdown()
        if self.frontdesk is not None:
            self.frontdesk.close()
        self.application = None
        self.frontdesk = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


def new_token() -> str:
    """A bot token of its own per run, so runs never see each other's messages."""
    return f"{next(_tokens)}{os.getpid()}:E2E"
