"""Telegram -> Incoming and Reply -> Telegram, from offline updates; no bot, no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Update

from bot.channels.telegram.payloads import CallbackPayloads
from bot.channels.telegram.translate import (
    CALLBACK_LIMIT,
    MESSAGE_LIMIT,
    chunks,
    grid,
    incoming,
    render,
)
from bot.clock import ManualClock
from bot.conversation.messages import Button, Incoming, Reply
from bot.storage.channel_state import ConversationStates
from bot.storage.database import Database
from tests.bot.channels.telegram.conftest import START, payload


def translated(name: str, **changes: object) -> Incoming | None:
    return incoming(Update.de_json(payload(name, **changes), None))


@pytest.mark.parametrize(
    ("name", "changes", "kind", "text", "detail"),
    [
        ("private_text", {"text": "校园网连不上"}, "text", "校园网连不上", None),
        ("private_text", {"text": "/status"}, "command", "status", None),
        ("private_text", {"text": "/Start@frontdesk_bot hello"}, "command", "start", None),
        ("private_text", {"text": "/ 空格"}, "text", "/ 空格", None),
        (
            "private_callback",
            {"data": "fb:y:jwc-makeup-exam"},
            "choice",
            "fb:y:jwc-makeup-exam",
            None,
        ),
        ("private_sticker", {}, "unsupported", "", "贴纸"),
        ("private_photo", {}, "unsupported", "", "图片"),
        ("private_voice", {}, "unsupported", "", "voice messages"),
        ("private_edited", {}, "unsupported", "", "修改消息"),
    ],
)
def test_updates_become_neutral_incoming_messages(
    name: str, changes: dict[str, object], kind: str, text: str, detail: str | None
) -> None:
    message = translated(name, **changes)
    assert message is not None
    assert (message.kind, message.text, message.detail) == (kind, text, detail)
    assert message.channel == "telegram"
    assert message.user_id == message.chat_id  # a private chat's id is the user's


def test_the_student_identity_and_language_come_along() -> None:
    message = translated("private_command_en")
    assert message == Incoming(
        channel="telegram",
        user_id="4343",
        chat_id="4343",
        kind="command",
        text="start",
        language="en",
        display_name="Anna",
    )


def test_long_texts_are_split_at_line_breaks() -> None:
    text = "\n".join(f"第{i}行：" + "很长的内容" * 30 for i in range(60))
    pieces = chunks(text)
    assert len(pieces) > 1
    assert all(len(piece) <= MESSAGE_LIMIT for piece in pieces)
    assert "\n".join(pieces) == text  # nothing lost, nothing torn mid-line
    assert all(piece.startswith("第") for piece in pieces)


def test_a_text_without_line_breaks_is_split_at_spaces_else_hard() -> None:
    words = " ".join(["word"] * 2000)
    assert all(len(p) <= MESSAGE_LIMIT and not p.startswith(" ") for p in chunks(words))
    solid = "字" * (MESSAGE_LIMIT * 2 + 10)
    assert [len(p) for p in chunks(solid)] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 10]
    assert chunks("") == ["…"]


def test_buttons_go_under_the_last_piece_with_payloads_as_callback_data() -> None:
    reply = Reply("段落\n" * 3000, (Button("已解决", "fb:y:x"), Button("没解决", "fb:n:x")))
    messages = render(reply)
    assert len(messages) > 1
    assert all(markup is None for _, markup in messages[:-1])
    markup = messages[-1][1]
    assert markup is not None
    keys = [[key.to_dict() for key in row] for row in markup.inline_keyboard]
    assert keys == [
        [{"text": "已解决", "callback_data": "fb:y:x"}],
        [{"text": "没解决", "callback_data": "fb:n:x"}],
    ]


def test_markup_characters_are_sent_literally_in_plain_text() -> None:
    ((text, _),) = render(Reply("*粗体* _x_ <b>1</b> [链接](http://a)"))
    assert text == "*粗体* _x_ <b>1</b> [链接](http://a)"


def test_an_overlong_payload_is_refused_without_a_shortener() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        grid([[Button("x", "pick:" + "e" * 80)]])


def test_long_payloads_are_stored_and_restored_across_restarts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    database = Database(url)
    database.migrate()
    long = "fb:n:" + "nic-a-very-long-entry-id-that-some-kb-tool-generated-" * 2
    short = CallbackPayloads(ConversationStates(database, ManualClock(START))).shorten(long)
    assert len(short.encode()) <= CALLBACK_LIMIT
    assert short.startswith("h:")
    database.dispose()
    again = Database(url)
    payloads = CallbackPayloads(ConversationStates(again, ManualClock(START)))
    assert payloads.restore(short) == long
    assert payloads.restore("fb:y:x") == "fb:y:x"
    assert payloads.restore("h:unknown") == ""
    again.dispose()
