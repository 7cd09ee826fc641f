"""What counts as a command, the same on every text channel."""

from __future__ import annotations

import pytest

from bot.channels.commands import command_of


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/queue", "queue"),
        ("/Status", "status"),
        ("/status 42", "status"),
        ("/ask@frontdesk_bot 请补充材料", "ask"),
        ("/new@FrontDeskBot", "new"),
        ("hello /queue", None),
        ("/", None),
        ("/ 你好", None),
        ("", None),
        ("校园卡/饭卡丢了", None),
    ],
)
def test_command_words(text: str, command: str | None) -> None:
    assert command_of(text) == command
