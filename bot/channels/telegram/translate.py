"""Telegram <-> neutral messages. Telegram types stop here; the core never sees them.

Replies are sent as plain text (no parse mode), so markup characters a student or the KB
writes arrive literally and nothing needs escaping; long texts are split at line breaks under
Telegram's 4,096-character limit, and the buttons go with the last piece.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.channels.commands import command_of
from bot.conversation.messages import Button, Incoming, IncomingKind, Reply

CHANNEL = "telegram"
MESSAGE_LIMIT = 4096  # characters Telegram allows in one text message
CALLBACK_LIMIT = 64  # bytes Telegram allows in callback_data

Shorten = Callable[[str], str]  # makes a payload fit CALLBACK_LIMIT (see payloads.py)

# What a student sent that is not text: (Message attribute, Chinese name, English name).
_UNSUPPORTED = (
    ("sticker", "贴纸", "stickers"),
    ("photo", "图片", "photos"),
    ("voice", "语音", "voice messages"),
    ("video", "视频", "videos"),
    ("video_note", "视频消息", "video messages"),
    ("audio", "音频", "audio"),
    ("document", "文件", "files"),
    ("animation", "动图", "GIFs"),
    ("location", "位置", "locations"),
    ("contact", "名片", "contacts"),
    ("poll", "投票", "polls"),
    ("dice", "骰子", "dice"),
)
_EDITED = ("修改消息", "edited messages")
_OTHER = ("此类消息", "this kind of message")


def incoming(update: Update) -> Incoming | None:
    """What a student did in a private chat, or None if the update is nothing of the sort."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return None
    english = (user.language_code or "").lower().startswith("en")

    def make(kind: IncomingKind, text: str = "", detail: tuple[str, str] | None = None) -> Incoming:
        return Incoming(
            channel=CHANNEL,
            user_id=str(user.id),
            chat_id=str(chat.id),
            kind=kind,
            text=text,
            language=user.language_code,
            display_name=user.full_name,
            detail=None if detail is None else detail[1 if english else 0],
        )

    if update.callback_query is not None:
        return make("choice", update.callback_query.data or "")
    if update.edited_message is not None:
        return make("unsupported", detail=_EDITED)
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        command = command_of(message.text)
        return make("command", command) if command else make("text", message.text)
    return make("unsupported", detail=_what(message))


def _what(message: Message) -> tuple[str, str]:
    for attribute, chinese, english in _UNSUPPORTED:
        if getattr(message, attribute, None):
            return chinese, english
    return _OTHER


def keyboard(
    buttons: Sequence[Button], shorten: Shorten | None = None
) -> InlineKeyboardMarkup | None:
    """One button per row (labels are often whole questions)."""
    return grid([(button,) for button in buttons], shorten)


def grid(
    rows: Sequence[Sequence[Button]], shorten: Shorten | None = None
) -> InlineKeyboardMarkup | None:
    """Rows of buttons; each payload becomes callback_data (shortened if it is too long)."""
    fit = shorten or _must_fit
    keys = [
        [InlineKeyboardButton(b.label, callback_data=fit(b.payload)) for b in row] for row in rows
    ]
    keys = [row for row in keys if row]
    return InlineKeyboardMarkup(keys) if keys else None


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at line breaks (else spaces) where
    one is in the second half of the piece, so no line is torn apart needlessly."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit + 1)
        if cut < limit // 2:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut + 1 :] if text[cut : cut + 1] in ("\n", " ") else text[cut:]
    pieces.append(text)
    return [piece for piece in pieces if piece.strip()] or ["…"]


def render(
    reply: Reply, shorten: Shorten | None = None
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages to send for one reply: text pieces, the buttons under the last one."""
    parts = chunks(reply.text)
    markup = keyboard(reply.buttons, shorten)
    return [
        (part, markup if number == len(parts) - 1 else None) for number, part in enumerate(parts)
    ]


def _must_fit(payload: str) -> str:
    if len(payload.encode("utf-8")) > CALLBACK_LIMIT:
        raise ValueError(f"button payload over {CALLBACK_LIMIT} bytes: {payload[:20]}…")
    return payload
