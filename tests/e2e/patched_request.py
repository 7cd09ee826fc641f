"""The start-up wrapper that makes telegram-test-api 4.2.1 speak what PTB 22 expects.

The emulator differs from the real Bot API in ways PTB rejects; this request class (used only
by the tests) mends each answer on its way in:
- `getMe` lacks `is_bot`;
- `sendMessage` results carry `date` in milliseconds, no `from`, and `chat.type` "private"
  even for groups;
- callback-query updates lack `chat_instance` (and their message may lack a date);
- `editMessageText` / `editMessageReplyMarkup` return null;
- methods it lacks (setMyCommands, sendChatAction, …) answer HTTP 500 with a non-API body:
  turned into a proper API error so the bot's error handling is what gets exercised.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import HTTPXRequest, RequestData

BOT_USER = {"id": 666, "is_bot": True, "first_name": "Test First name", "username": "TestNameBot"}


class EmulatorRequest(HTTPXRequest):
    """HTTPXRequest whose responses are repaired for the emulator's known gaps."""

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
        endpoint = url.rsplit("/", 1)[-1]
        try:
            body = json.loads(payload)
        except ValueError:
            return code, payload
        if code >= 500 and "ok" not in body:
            description = str(body.get("message", "unsupported method"))
            error = {"ok": False, "error_code": 400, "description": description}
            return 400, json.dumps(error).encode()
        if not isinstance(body, dict) or not body.get("ok"):
            return code, payload
        body["result"] = _mend(endpoint, body.get("result"))
        return code, json.dumps(body).encode()


def _mend(endpoint: str, result: Any) -> Any:
    if endpoint == "getMe":
        return {**BOT_USER, **(result or {}), "is_bot": True}
    if endpoint == "sendMessage" and isinstance(result, dict):
        return _message(result)
    if endpoint in {"editMessageText", "editMessageReplyMarkup"} and result is None:
        return True
    if endpoint == "getUpdates" and isinstance(result, list):
        return [_update(update) for update in result]
    return result


def _message(message: dict[str, Any]) -> dict[str, Any]:
    fixed = dict(message)
    if isinstance(fixed.get("date"), int) and fixed["date"] > 10**11:
        fixed["date"] //= 1000  # milliseconds -> seconds
    fixed.setdefault("date", 0)
    fixed.setdefault("from", BOT_USER)
    chat = dict(fixed.get("chat") or {"id": fixed.get("chat_id")})
    chat_id = int(chat.get("id") or fixed.get("chat_id") or 0)
    chat["id"] = chat_id
    chat["type"] = "private" if chat_id > 0 else "supergroup"
    fixed["chat"] = chat
    return fixed


def _update(update: dict[str, Any]) -> dict[str, Any]:
    query = update.get("callback_query")
    if isinstance(query, dict):
        query = dict(query)
        query.setdefault("chat_instance", f"emulator-{query.get('id')}")
        if isinstance(query.get("message"), dict):
            query["message"] = _message(query["message"])
        update = {**update, "callback_query": query}
    message = update.get("message")
    date = message.get("date") if isinstance(message, dict) else None
    if isinstance(message, dict) and isinstance(date, int) and date > 10**11:
        update = {**update, "message": {**message, "date": date // 1000}}
    return update
