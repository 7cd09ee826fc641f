"""Telegram <-> neutral messages. Telegram types stop here; the core never sees them.

Replies are sent as plain text (no parse mode), so markup characters a student or the KB
writes arrive literally and nothing needs escaping; long texts are split at line breaks under
Telegram's 4,096-character limit.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.conversation.messages import Button, Incoming, IncomingKind, Reply

CHANNEL = "telegram"
MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64  # bytes Telegram allows in callback_data

_UNSUPPORTED = (
    ("sticker", "sticker"),
    ("photo", "photo"),
    ("voice", "voice message"),
    ("video", "video"),
    ("video_note", "video message"),
    ("audio", "audio"),
    ("document", "file"),
    ("animation", "GIF"),
    ("location", "location"),
    ("contact", "contact"),
    ("poll", "poll"),
    ("dice", "dice"),
)


def incoming(update: Update) -> Incoming | None:
    """The student's action in a private chat, or None if the update is nothing of the sort."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return None

    def make(kind: IncomingKind, text: str = "", detail: str | None = None) -> Incoming:
        return Incoming(
            channel=CHANNEL,
            user_id=str(user.id),
            chat_id=str(chat.id),
            kind=kind,
            text=text,
            language=user.language_code,
            display_name=user.full_name,
            detail=detail,
        )

    if update.callback_query is not None:
        return make("choice", update.callback_query.data or "")
    if update.edited_message is not None:
        return make("unsupported", detail="edited message")
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        text = message.text
        if text.startswith("/") and len(text) > 1:
            command = text[1:].split(maxsplit=1)[0]
            return make("command", command)
        return make("text", text)
    return make("unsupported", detail=_what(message))


def _what(message: Message) -> str:
    for attribute, name in _UNSUPPORTED:
        if getattr(message, attribute, None):
            return name
    return "this kind of message"


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One button per row (labels are often whole questions)."""
    if not buttons:
        return None
    rows = [[InlineKeyboardButton(b.label[:64], callback_data=_fit(b.payload))] for b in buttons]
    return InlineKeyboardMarkup(rows)


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` in pieces under `limit`, cut at line breaks (or spaces) where possible."""
    text = text or " "
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return [piece for piece in pieces if piece.strip()] or [" "]


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Messages to send for one reply; the buttons go with the last piece."""
    parts = chunks(reply.text)
    return [
        (part, keyboard(reply.buttons) if number == len(parts) - 1 else None)
        for number, part in enumerate(parts)
    ]


def _fit(payload: str) -> str:
    encoded = payload.encode("utf-8")
    if len(encoded) <= CALLBACK_LIMIT:
        return payload
    return encoded[:CALLBACK_LIMIT].decode("utf-8", errors="ignore")
