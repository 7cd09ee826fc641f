"""Students in private chats, through the real Application, from offline updates."""

from __future__ import annotations

import pytest

from tests.bot.channels.telegram.conftest import UNIT_GROUPS, TelegramWorld

STUDENT, ANNA = 4242, 4343
JWC_GROUP = UNIT_GROUPS["jwc"]


async def test_start_and_help_follow_the_users_language(world: TelegramWorld) -> None:
    await world.send("private_command_en")
    assert "first-ask front desk" in world.api.texts(ANNA)
    await world.send("private_text", text="/start")
    assert "首问首接" in world.api.texts(STUDENT)
    await world.send("private_text", text="/help")
    assert "用法" in world.api.texts(STUDENT)


async def test_an_answer_then_solved(world: TelegramWorld) -> None:
    await world.send("private_text", text="缓考怎么申请")
    assert "缓考申请" in world.api.texts(STUDENT)
    buttons = world.api.buttons(STUDENT)
    assert set(buttons) >= {"已解决", "没解决，转人工"}
    await world.send("private_callback", data=buttons["已解决"])
    assert "很高兴" in world.api.texts(STUDENT)
    # The spent buttons are removed from the message they were under.
    (edit,) = world.api.called("editMessageReplyMarkup")
    assert edit["message_id"] == "900"


async def test_did_you_mean_offers_candidates_and_none_of_these(world: TelegramWorld) -> None:
    await world.send("private_text", text="没参加考试")
    buttons = world.api.buttons(STUDENT)
    assert "都不是，转人工" in buttons
    choice = next(label for label in buttons if "补考" in label)
    await world.send("private_callback", data=buttons[choice])
    assert "补考安排在下学期" in world.api.texts(STUDENT)


async def test_a_routed_question_gets_number_unit_and_deadline(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    told = world.api.last(STUDENT).text
    assert "#1" in told
    assert "教务处" in told
    assert "11月24日 10:00" in told  # 24 hours, Beijing time


async def test_status_lists_open_tickets_with_time_left(world: TelegramWorld) -> None:
    await world.ticket_in_group()
    await world.send("private_text", text="/status")
    status = world.api.last(STUDENT)
    assert "#1" in status.text
    assert "还剩" in status.text
    assert "撤回 #1" in status.buttons


async def test_a_follow_up_goes_to_the_tickets_group(world: TelegramWorld) -> None:
    await world.ticket_in_group()
    await world.send("private_text", text="我是大二的，挂了高数")
    assert "已补充到问题 #1" in world.api.texts(STUDENT)
    await world.deliver()
    follow_up = world.api.last(JWC_GROUP)
    assert "我是大二的，挂了高数" in follow_up.text
    assert (
        world.desk.message_links.ticket_for("telegram", str(JWC_GROUP), str(follow_up.message_id))
        == 1
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("private_sticker", "贴纸"),
        ("private_photo", "图片"),
        ("private_edited", "修改消息"),
    ],
)
async def test_stickers_photos_and_edits_get_a_clear_reply(
    world: TelegramWorld, name: str, expected: str
) -> None:
    await world.send(name)
    assert expected in world.api.texts(STUDENT)
    assert "文字" in world.api.texts(STUDENT)


async def test_a_voice_message_from_an_english_speaker(world: TelegramWorld) -> None:
    await world.send("private_voice")
    assert "voice messages" in world.api.texts(ANNA)


async def test_a_long_answer_is_split_with_buttons_on_the_last_piece(
    world: TelegramWorld,
) -> None:
    long_question = "校园网连不上" + "，真的很着急" * 1000
    await world.send("private_text", text=long_question)
    # Answered or offered as choices (the matcher's call): either way the student hands it over.
    buttons = world.api.buttons(STUDENT)
    handover = buttons.get("没解决，转人工") or buttons["都不是，转人工"]
    await world.send("private_callback", data=handover)
    await world.deliver()
    pieces = world.api.to(UNIT_GROUPS["nic"])
    assert len(pieces) >= 2
    assert all(len(piece.text) <= 4096 for piece in pieces)
    assert pieces[-1].buttons
    assert not pieces[0].buttons


async def test_a_redelivered_update_is_handled_once(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间", update_id=77)
    await world.send("private_text", text="补考时间", update_id=77)
    assert world.api.texts(STUDENT).count("补考安排在下学期") == 1


async def test_a_pressed_button_is_handled_once_even_if_redelivered(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    press = world.api.buttons(STUDENT)["没解决，转人工"]
    await world.send("private_callback", data=press, update_id=88)
    await world.send("private_callback", data=press, update_id=88)
    assert len(world.desk.tickets.for_student("telegram", str(STUDENT))) == 1


async def test_a_failing_button_answer_or_edit_does_not_stop_the_choice(
    world: TelegramWorld,
) -> None:
    world.api.fail("answerCallbackQuery", 400, "Bad Request: query is too old")
    world.api.fail("editMessageReplyMarkup", 400, "Bad Request: message can't be edited")
    await world.send("private_text", text="缓考怎么申请")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["已解决"])
    assert "很高兴" in world.api.texts(STUDENT)


async def test_an_internal_failure_is_logged_and_the_student_told(
    world: TelegramWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_message: object) -> list[object]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(world.desk.conversation, "handle", broken)
    await world.send("private_text", text="补考时间")
    assert "稍后再试" in world.api.texts(STUDENT)
    assert "database went away" in caplog.text
