"""Button payloads that do not fit Telegram's 64-byte callback_data.

The core's payloads carry KB entry ids, which the KB contract does not limit in length. A
payload that is too long is sent as "h:" + a digest, and the digest -> payload pair is kept in
the database (so it survives a restart and works with several bot processes).
"""

from __future__ import annotations

import base64
import hashlib

from bot.channels.telegram.translate import CALLBACK_LIMIT
from bot.storage.channel_state import ConversationStates

PREFIX = "h:"
_STORE = "telegram-payload"  # a ConversationStates "channel" of its own


class CallbackPayloads:
    """Shortens long payloads on the way out and restores them on the way in."""

    def __init__(self, states: ConversationStates) -> None:
        self._states = states

    def shorten(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= CALLBACK_LIMIT and not payload.startswith(PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()[:18]
        key = base64.urlsafe_b64encode(digest).decode("ascii")
        self._states.put(_STORE, key, {"payload": payload})
        return PREFIX + key

    def restore(self, data: str) -> str:
        """The payload behind `data` (unchanged if it was never shortened; "" if unknown)."""
        if not data.startswith(PREFIX):
            return data
        stored = self._states.get(_STORE, data[len(PREFIX) :])
        return str(stored.get("payload", "")) if stored else ""
