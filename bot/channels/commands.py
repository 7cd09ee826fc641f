"""Commands as people type them, the same on every text channel.

`/status`, `/status@FrontDeskBot` and `/status 42` are all the command "status" (Telegram adds
the bot's name in groups; people add words after a command). A slash followed by a space, or
text that merely contains a slash, is not a command.
"""

from __future__ import annotations


def command_of(text: str) -> str | None:
    """`/status@FrontDeskBot now` -> "status"; None when `text` is not a command."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
