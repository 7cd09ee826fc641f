"""The terminal channel: typed lines become the same neutral messages Telegram's become."""

from __future__ import annotations

import io

import pytest

from bot.channels.terminal import TerminalChat
from bot.conversation.messages import Button, Incoming, Reply

OFFER = Reply(
    "您是想问？", (Button("校园卡丢了怎么补办？", "pick:card-replace"), Button("都不是", "none"))
)


def run_lines(*lines: str) -> tuple[list[Incoming], str]:
    """Feed `lines` to a terminal chat whose every reply offers two buttons."""
    seen: list[Incoming] = []

    def handle(incoming: Incoming) -> list[Reply]:
        seen.append(incoming)
        return [OFFER]

    out = io.StringIO()
    chat = TerminalChat(
        handle,
        list,
        user_id="alice",
        stdin=io.StringIO("".join(f"{x}\n" for x in lines)),
        stdout=out,
    )
    assert chat.run() == 0
    return seen[1:], out.getvalue()  # the first is the /start the chat begins with


@pytest.mark.parametrize(
    ("line", "kind", "text"),
    [
        ("/status", "command", "status"),
        # Words after a command are the command still, as on Telegram: not a follow-up message
        # added to the student's open ticket.
        ("/status 42", "command", "status"),
        ("/Help me", "command", "help"),
        ("/rate 5", "command", "rate"),
        ("/ 你好", "text", "/ 你好"),
        ("校园卡/饭卡丢了", "text", "校园卡/饭卡丢了"),
        ("1", "choice", "pick:card-replace"),
        ("2", "choice", "none"),
        # A number no button has is what the student typed.
        ("3", "text", "3"),
        ("", "text", ""),
    ],
)
def test_a_typed_line_becomes(line: str, kind: str, text: str) -> None:
    (incoming,), _ = run_lines(line)
    assert (incoming.kind, incoming.text) == (kind, text)
    assert (incoming.channel, incoming.user_id) == ("terminal", "alice")


def test_quit_words_end_the_chat_and_the_rest_is_not_read() -> None:
    seen, out = run_lines("校园卡丢了", "/quit", "不该读到")
    assert [i.text for i in seen] == ["校园卡丢了"]
    assert "[1] 校园卡丢了怎么补办？" in out
