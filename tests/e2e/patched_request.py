"""The start-up wrapper that makes telegram-test-api 4.2.1 answer what PTB 22 expects.

Used only by the tests and the demo, as the bot's HTTP layer; each answer is mended on its
way in, for the emulator's known gaps:
- `getMe` lacks `is_bot`;
- `sendMessage` results carry `date` in milliseconds, no `from`, and `chat.type` "private"
  even for groups;
- callback-query updates lack `chat_instance`;
- `editMessageText` / `editMessageReplyMarkup` / `answerCallbackQuery` return null;
- methods it lacks (setMyCommands, sendChatAction, forwardMessage, …) answer HTTP 500 with a
  body that is no Bot API error: turned into one (400), so the bot's own handling of a failed
  optional call is what runs.
`getUpdates` ignoring `offset`/`timeout` needs no mending: it hands out each update once, and
the bot polls it often (`poll_interval`).
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import HTTPXRequest, RequestData

BOT_USER = {"id": 666, "is_bot": True, "first_name": "Test First name", "username": "TestNameBot"}
_NULL_IS_TRUE = frozenset({"editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"})


class EmulatorRequest(HTTPXRequest):
    """PTB's HTTPXRequest, with the emulator's answers repaired."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(
            url,
            method,
            request_data=request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        try:
            body = json.loads(payload)
        except ValueError:
            return code, payload
        if not isinstance(body, dict):
            return code, payload
        if code >= 500 and "ok" not in body:
            description = str(body.get("message", "method not supported by the emulator"))
            error = {"ok": False, "error_code": 400, "description": description}
            return 400, json.dumps(error).encode()
        if not body.get("ok"):
            return code, payload
        body["result"] = mend(url.rsplit("/", 1)[-1], body.get("result"))
        return code, json.dumps(body).encode()


def mend(endpoint: str, result: Any) -> Any:
    """The result of Bot API method `endpoint` as the real Bot API would give it."""
    if endpoint == "getMe":
        return {**BOT_USER, **(result or {}), "is_bot": True}
    if endpoint == "sendMessage" and isinstance(result, dict):
        return _message(result)
    if endpoint in _NULL_IS_TRUE and result is None:
        return True
    if endpoint == "getUpdates" and isinstance(result, list):
        return [_update(update) for update in result]
    return result


def _message(message: dict[str, Any]) -> dict[str, Any]:
    fixed = dict(message)
    date = fixed.get("date")
    fixed["date"] = date // 1000 if isinstance(date, int) and date > 10**11 else date or 0
    fixed.setdefault("from", BOT_USER)
    chat = dict(fixed.get("chat") or {})
    chat_id = int(chat.get("id") or fixed.get("chat_id") or 0)
    chat["id"] = chat_id
    chat["type"] = "private" if chat_id > 0 else "supergroup"  # groups have negative ids
    if chat["type"] != "private":
        chat.pop("first_name", None)
        chat.setdefault("title", f"group {chat_id}")
    fixed["chat"] = chat
    return fixed


def _update(update: dict[str, Any]) -> dict[str, Any]:
    query = update.get("callback_query")
    if isinstance(query, dict):
        query = {**query, "chat_instance": query.get("chat_instance") or f"emu-{query.get('id')}"}
        if isinstance(query.get("message"), dict):
            query["message"] = _message(query["message"])
        return {**update, "callback_query": query}
    message = update.get("message")
    if isinstance(message, dict):
        date = message.get("date")
        if isinstance(date, int) and date > 10**11:
            return {**update, "message": {**message, "date": date // 1000}}
    return update
