"""Neutral messages exchanged between channels and the core.

A channel translates its platform payload into `Incoming` and renders each `Reply`; nothing
platform-specific crosses this boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

IncomingKind = Literal["text", "choice", "command", "unsupported"]


@dataclass(frozen=True)
class Button:
    """A choice offered to the user; `payload` comes back as `Incoming(kind="choice")`."""

    label: str
    payload: str


@dataclass(frozen=True)
class Incoming:
    """One thing a student did: wrote text, pressed a button, sent a command or a sticker."""

    channel: str  # "terminal", "telegram", "wechat"
    user_id: str  # stable per channel; the core keys conversations by (channel, user_id)
    chat_id: str  # where replies and later notifications go
    kind: IncomingKind
    text: str = ""  # the text, the command name without "/" (e.g. "status"), or the payload
    language: str | None = None  # IETF tag from the platform, e.g. "zh-hans", "en"
    display_name: str | None = None
    # For `unsupported`: what it was ("sticker", "photo", "voice", "edited", …).
    detail: str | None = None


@dataclass(frozen=True)
class Reply:
    """Text for the student, optionally with buttons. Plain text: channels escape it."""

    text: str
    buttons: tuple[Button, ...] = ()
