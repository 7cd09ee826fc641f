"""How outbox notifications look to a student: the text and, where a choice follows, buttons.

Every channel renders student notifications through this, so the rating buttons after a
resolution are the same on Telegram and in the terminal, and their payloads reach the core.
"""

from __future__ import annotations

from bot.conversation.messages import Button, Reply
from bot.conversation.texts import Language
from bot.tickets.outbox import Notification

_RATE_KINDS = {"rate_request", "rating_followup"}
_STARS = {1: "1 ★", 2: "2 ★★", 3: "3 ★★★", 4: "4 ★★★★", 5: "5 ★★★★★"}


def student_reply(notification: Notification, language: Language = "zh") -> Reply:
    """The reply a student sees for `notification` (rating buttons where one is asked)."""
    if notification.kind in _RATE_KINDS and notification.ticket_id is not None:
        buttons = tuple(
            Button(_STARS[score], f"rate:{notification.ticket_id}:{score}") for score in _STARS
        )
        return Reply(notification.text, buttons)
    return Reply(notification.text)
