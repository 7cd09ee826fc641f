"""Webhook updates into the bot: JSON from the shared web app -> `Update` -> the update queue."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.channels.web import Receive


def receiver(application: Application[Any, Any, Any, Any, Any, Any]) -> Receive:
    """What the web app calls with each decoded webhook body."""

    async def receive(payload: object) -> None:
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            raise ValueError("not a Telegram update")
        try:
            update = Update.de_json(payload, application.bot)
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a Telegram update: {error}") from error
        await application.update_queue.put(update)

    return receive
