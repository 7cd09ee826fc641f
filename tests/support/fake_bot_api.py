"""A fake Bot API for httpx's MockTransport: answers like Telegram and records what is sent."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

BOT_USER = {"id": 1, "is_bot": True, "first_name": "FrontDesk", "username": "frontdesk_bot"}


@dataclass
class FakeBotApi:
    """Answers Bot API calls like Telegram would and records every message the bot sends."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    fail_methods: set[str] = field(default_factory=set)
    pending_updates: list[dict[str, Any]] = field(default_factory=list)  # for getUpdates
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def handle(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        self.calls.append(method)
        params = _params(request)
        if method in self.fail_methods:
            return httpx.Response(500, json={"ok": False, "error_code": 500, "description": "fail"})
        if method == "getMe":
            return _ok(BOT_USER)
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            message = {
                "message_id": next(self.ids),
                "date": 1795312800,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            markup = params.get("reply_markup")
            if isinstance(markup, str):
                markup = json.loads(markup)
            self.sent.append(
                {
                    "chat_id": chat_id,
                    "text": params.get("text", ""),
                    "markup": markup,
                    "message_id": message["message_id"],
                }
            )
            return _ok(message)
        if method == "getUpdates":
            updates, self.pending_updates = self.pending_updates, []
            return _ok(updates)
        return _ok(True)

    def to(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["chat_id"] == chat_id]

    def texts(self, chat_id: int) -> str:
        return "\n".join(m["text"] for m in self.to(chat_id))

    def buttons(self, chat_id: int) -> dict[str, str]:
        found: dict[str, str] = {}
        for message in self.to(chat_id):
            for row in (message["markup"] or {}).get("inline_keyboard", []):
                for button in row:
                    found[button["text"]] = button["callback_data"]
        return found


def _params(request: httpx.Request) -> dict[str, Any]:
    body = request.content.decode() if request.content else ""
    if not body:
        return {}
    if request.headers.get("content-type", "").startswith("application/json"):
        loaded: dict[str, Any] = json.loads(body)
        return loaded
    return dict(httpx.QueryParams(body))


def _ok(result: object) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": result})
