"""End-to-end harness: the telegram-test-api emulator, the shipped bot polling it, the user side.

The emulator (npm telegram-test-api 4.2.1) runs as a Node process on 127.0.0.1. The bot is
`bot.channels.telegram.run_telegram` as `frontdesk run` starts it — the real python-telegram-bot
Application, long polling `base_url` "http://127.0.0.1:PORT/bot", the outbox job delivering —
with only its HTTP layer wrapped (patched_request.py) to mend the emulator's gaps. Students
and staff act through the emulator's client API (/sendMessage, /sendCallback) and read what the
bot sent with /getUpdatesHistory.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from bot.app import FrontDesk, build_frontdesk
from bot.channels.telegram import run_telegram
from bot.clock import SystemClock
from bot.config import Settings, settings_from_mapping
from tests.e2e.patched_request import BOT_USER, EmulatorRequest

ROOT = Path(__file__).parents[2]
EMULATOR = ROOT / "node_modules" / "telegram-test-api"
MINIMAL_KB = ROOT / "tests" / "data" / "kb" / "minimal"
UNIT_GROUPS = {"nic": -100, "jwc": -200, "frontdesk": -300}
POLL_SECONDS = 0.05  # the emulator answers getUpdates at once (no long poll): poll often
_tokens = itertools.count(1)


class EmulatorMissing(RuntimeError):
    """The emulator cannot run here (no Node.js, or `npm ci` was not run)."""


@contextmanager
def emulator_process(port: int | None = None) -> Iterator[str]:
    """Run telegram-test-api on 127.0.0.1 (a free port by default); yields its base URL."""
    node = shutil.which("node")
    if node is None or not EMULATOR.is_dir():
        raise EmulatorMissing("the emulator needs Node.js and `npm ci` (telegram-test-api)")
    port = port or free_port()
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
        output = line + process.stdout.read()
        process.stdout.close()
        raise EmulatorMissing(f"the emulator did not start: {output}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def new_token() -> str:
    """A bot token of its own per run, so runs on one emulator never see each other."""
    return f"{next(_tokens)}{os.getpid()}:E2E"


def e2e_settings(
    emulator: str,
    token: str,
    database_url: str,
    kb_dir: Path,
    unit_groups: Mapping[str, int] = UNIT_GROUPS,
) -> Settings:
    """Settings of a bot on the emulator: its base URL, the unit groups, lexical matching."""
    settings = settings_from_mapping({}, {}, kb_dir=kb_dir)
    return replace(
        settings,
        database_url=database_url,
        matching=replace(settings.matching, embeddings=False),
        telegram=replace(
            settings.telegram,
            token=token,
            base_url=f"{emulator}/bot",
            poll_interval=POLL_SECONDS,
            unit_groups=dict(unit_groups),
        ),
    )


@dataclass
class RunningBot:
    """The shipped bot (`run_telegram`) polling the emulator; `restart()` stops it and starts a
    new one, as a new process would, on the same database."""

    settings: Settings
    frontdesk: FrontDesk | None = None
    _stop: asyncio.Event | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def token(self) -> str:
        return self.settings.telegram.token or ""

    @property
    def desk(self) -> FrontDesk:
        assert self.frontdesk is not None, "the bot is not running"
        return self.frontdesk

    async def start(self) -> None:
        self.frontdesk = build_frontdesk(self.settings, clock=SystemClock())
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            run_telegram(
                self.frontdesk,
                self.settings,
                stop=self._stop,
                request=EmulatorRequest(),
                delivery_seconds=0.1,
            )
        )

    async def stop(self) -> None:
        if self._stop is not None and self._task is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, timeout=15)
        if self.frontdesk is not None:
            self.frontdesk.close()
        self.frontdesk, self._stop, self._task = None, None, None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@dataclass
class Person:
    """A Telegram user as the emulator's client API sends them."""

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
    """The user side: write and press buttons as a student or staff member; read the bot."""

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
        """`person` writes `text` in their private chat, or in the group `chat_id`."""
        chat = chat_id if chat_id is not None else person.id
        message: dict[str, Any] = {
            "botToken": self.token,
            "from": person.user(),
            "chat": _chat(chat, person),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = _as_message(reply_to)
        response = await self.http.post(f"{self.base}/sendMessage", json=message)
        response.raise_for_status()

    async def press(self, person: Person, shown: dict[str, Any], label: str) -> None:
        """`person` presses the button `label` under the bot's message `shown`."""
        query = {
            "botToken": self.token,
            "from": person.user(),
            "message": _as_message(shown),
            "data": buttons(shown)[label],
        }
        response = await self.http.post(f"{self.base}/sendCallback", json=query)
        response.raise_for_status()

    async def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Everything the bot sent to `chat_id`, oldest first."""
        response = await self.http.post(
            f"{self.base}/getUpdatesHistory", json={"token": self.token}
        )
        response.raise_for_status()
        found = []
        for item in response.json()["result"]:
            message = item.get("message") or {}
            if str(message.get("chat_id", "")) == str(chat_id):
                found.append({**message, "message_id": item["messageId"]})
        return found

    async def wait_for(
        self, chat_id: int, predicate: Callable[[dict[str, Any]], bool], within: float = 15.0
    ) -> dict[str, Any]:
        """The first bot message in `chat_id`, not returned before, that satisfies `predicate`."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for message in await self.bot_messages(chat_id):
                if message["message_id"] not in self.seen and predicate(message):
                    self.seen.add(message["message_id"])
                    return message
            await asyncio.sleep(0.02)
        shown = [m.get("text", "")[:60] for m in await self.bot_messages(chat_id)]
        raise AssertionError(f"no such bot message in chat {chat_id}; it has: {shown}")

    async def wait_text(self, chat_id: int, fragment: str, within: float = 15.0) -> dict[str, Any]:
        return await self.wait_for(chat_id, lambda m: fragment in m.get("text", ""), within)

    async def wait_button(self, chat_id: int, label: str, within: float = 15.0) -> dict[str, Any]:
        return await self.wait_for(chat_id, lambda m: label in buttons(m), within)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The inline buttons under a bot message, label -> callback data."""
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
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
    """A bot message from the history, as Telegram would embed it in an update."""
    chat_id = int(message["chat_id"])
    return {
        "message_id": message["message_id"],
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        "from": BOT_USER,
        "text": message.get("text", ""),
    }
