"""A fake Bot API for httpx's MockTransport: answers like Telegram and records what the bot did.

Only the HTTP transport of the real python-telegram-bot stack is replaced, so PTB's request
building and response parsing run as in production; nothing touches the network.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

BOT_USER = {"id": 1, "is_bot": True, "first_name": "FrontDesk", "username": "frontdesk_bot"}
DATE = 1795312800


@dataclass
class Sent:
    """One message the bot sent."""

    chat_id: int
    message_id: int
    text: str
    markup: dict[str, Any] | None
    params: dict[str, Any]

    @property
    def buttons(self) -> dict[str, str]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return {button["text"]: button["callback_data"] for row in rows for button in row}


@dataclass
class FakeBotApi:
    """Answers Bot API calls and records sent messages, edits and every method called."""

    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_methods: dict[str, dict[str, Any]] = field(default_factory=dict)  # method -> error
    fail_chats: dict[int, dict[str, Any]] = field(default_factory=dict)  # sendMessage to a chat
    held_chats: dict[int, asyncio.Event] = field(default_factory=dict)  # sends wait for these
    pending_updates: list[dict[str, Any]] = field(default_factory=list)  # for getUpdates
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        params = _params(request)
        self.calls.append((method, params))
        failure = self.fail_methods.get(method)
        if failure is not None:
            return httpx.Response(failure["error_code"], json=failure)
        if method == "getMe":
            return _ok(BOT_USER)
        if method == "sendMessage":
            gate = self.held_chats.get(int(params["chat_id"]))
            if gate is not None:
                await gate.wait()
            error = self.fail_chats.get(int(params["chat_id"]))
            if error is not None:
                return httpx.Response(error["error_code"], json=error)
            return _ok(self._send(params))
        if method == "getUpdates":
            updates, self.pending_updates = self.pending_updates, []
            return _ok(updates)
        return _ok(True)

    def fail(
        self,
        method: str,
        code: int = 400,
        description: str = "Bad Request: nope",
        **parameters: object,
    ) -> None:
        """Answer `method` with this Bot API error from now on (`parameters`: e.g.
        migrate_to_chat_id, retry_after)."""
        self.fail_methods[method] = _error(code, description, parameters)

    def fail_chat(self, chat_id: int, code: int, description: str, **parameters: object) -> None:
        """Answer every sendMessage to `chat_id` with this error (`fail_chats.clear()` heals it)."""
        self.fail_chats[chat_id] = _error(code, description, parameters)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def to(self, chat_id: int) -> list[Sent]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def texts(self, chat_id: int) -> str:
        return "\n".join(message.text for message in self.to(chat_id))

    def last(self, chat_id: int) -> Sent:
        return self.to(chat_id)[-1]

    def buttons(self, chat_id: int) -> dict[str, str]:
        """Every button shown in `chat_id` so far, label -> callback data."""
        found: dict[str, str] = {}
        for message in self.to(chat_id):
            found.update(message.buttons)
        return found

    def _send(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        message_id = next(self.ids)
        text = str(params.get("text", ""))
        self.sent.append(Sent(chat_id, message_id, text, markup, params))
        chat_type = "private" if chat_id > 0 else "supergroup"
        return {
            "message_id": message_id,
            "date": DATE,
            "chat": {"id": chat_id, "type": chat_type},
            "from": BOT_USER,
            "text": text,
        }


def _params(request: httpx.Request) -> dict[str, Any]:
    body = request.content.decode() if request.content else ""
    if not body:
        return {}
    if request.headers.get("content-type", "").startswith("application/json"):
        loaded: dict[str, Any] = json.loads(body)
        return loaded
    return dict(httpx.QueryParams(body))


def _error(code: int, description: str, parameters: dict[str, object]) -> dict[str, Any]:
    error: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        error["parameters"] = parameters
    return error


def _ok(result: object) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": result})
