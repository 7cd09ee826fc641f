"""The Telegram channel from offline updates through the real PTB Application."""

from __future__ import annotations

import pytest

from bot.channels.telegram.translate import chunks
from tests.bot.channels.telegram.conftest import TelegramWorld

STUDENT = 4242
JWC_GROUP = -200
NIC_GROUP = -100
FRONT_GROUP = -300


async def test_answer_then_solved(world: TelegramWorld) -> None:
    await world.send("private_text", text="缓考怎么申请")
    assert "缓考申请" in world.api.texts(STUDENT)
    buttons = world.api.buttons(STUDENT)
    assert set(buttons) >= {"已解决", "没解决，转人工"}
    await world.send("private_callback", data=buttons["已解决"])
    assert "很高兴" in world.api.texts(STUDENT)


async def test_suggestions_are_buttons_and_a_choice_answers(world: TelegramWorld) -> None:
    await world.send("private_text", text="考试")
    buttons = world.api.buttons(STUDENT)
    assert "都不是，转人工" in buttons
    choice = next(label for label in buttons if "补考" in label)
    await world.send("private_callback", data=buttons[choice])
    assert "补考安排在下学期" in world.api.texts(STUDENT)


async def test_ticket_card_staff_reply_follow_up_and_resolution(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    assert "#1" in world.api.texts(STUDENT)
    await world.deliver()
    (card,) = world.api.to(JWC_GROUP)
    assert "#1" in card["text"]
    assert card["markup"] is not None
    # Staff reply to the card; the student gets it, signed with the unit.
    await world.send("group_reply", reply_to=card["message_id"], text="下学期第一周补考")
    await world.deliver()
    assert "【教务处】" in world.api.texts(STUDENT)
    assert "下学期第一周补考" in world.api.texts(STUDENT)
    # The student's follow-up reaches the group, and a reply to that reaches the student.
    await world.send("private_text", text="具体哪天？")
    await world.deliver()
    follow_up = world.api.to(JWC_GROUP)[-1]
    assert "具体哪天" in follow_up["text"]
    await world.send("group_reply", reply_to=follow_up["message_id"], text="3月2日")
    await world.deliver()
    assert "3月2日" in world.api.texts(STUDENT)
    await world.send("group_callback", data="st:done:1")
    await world.deliver()
    assert "已办结" in world.api.texts(STUDENT)
    assert "5 ★★★★★" in world.api.buttons(STUDENT)


async def test_transfer_goes_to_the_other_units_group_with_a_reason(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    await world.deliver()
    await world.send("group_callback", data="st:xfer:1")
    targets = world.api.buttons(JWC_GROUP)
    assert "网络信息中心" in targets
    await world.send("group_callback", data=targets["网络信息中心"])
    prompt = world.api.to(JWC_GROUP)[-1]
    assert "原因" in prompt["text"]
    await world.send("group_reply", reply_to=prompt["message_id"], text="是网络问题")
    await world.deliver()
    assert "由教务处转来" in world.api.texts(NIC_GROUP)
    assert "是网络问题" in world.api.texts(NIC_GROUP)
    assert world.desk.tickets.get(1).unit == "nic"


async def test_return_as_misrouted_reaches_the_front_desk(world: TelegramWorld) -> None:
    await world.send("private_text", text="食堂的红烧肉太咸了，网信中心管吗")
    await world.deliver()
    card = world.api.to(NIC_GROUP)[0]
    await world.send("group_callback", data="st:ret:1", chat_id=NIC_GROUP)
    prompt = world.api.to(NIC_GROUP)[-1]
    await world.send(
        "group_reply", reply_to=prompt["message_id"], text="不归我们管", chat_id=NIC_GROUP
    )
    await world.deliver()
    assert card["message_id"]
    assert "不归我们管" in world.api.texts(FRONT_GROUP)
    assert world.desk.tickets.get(1).unit == "frontdesk"


async def test_a_student_pressing_a_staff_button_is_refused(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    await world.send("private_callback", data="st:done:1")
    assert "仅限部门工作人员" in world.api.texts(STUDENT)
    await world.send("private_text", text="/queue")
    assert world.api.texts(STUDENT).count("仅限部门工作人员") == 2
    assert world.desk.tickets.get(1).is_open


async def test_staff_of_another_unit_cannot_act(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    await world.send("group_callback", data="st:done:1", chat_id=NIC_GROUP)
    assert "不能处理" in world.api.texts(NIC_GROUP)
    assert world.desk.tickets.get(1).is_open


async def test_a_redelivered_update_is_handled_once(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间", update_id=77)
    await world.send("private_text", text="补考时间", update_id=77)
    assert world.api.texts(STUDENT).count("补考安排在下学期") == 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("private_sticker", "sticker"), ("private_edited", "edited message")],
)
async def test_stickers_and_edits_get_a_clear_reply(
    world: TelegramWorld, payload: str, expected: str
) -> None:
    await world.send(payload)
    assert expected in world.api.texts(STUDENT)


async def test_queue_lists_the_units_open_tickets(world: TelegramWorld) -> None:
    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    await world.send("group_command")
    assert "#1 答复还剩 1 天" in world.api.texts(JWC_GROUP)


async def test_a_failing_command_menu_does_not_stop_the_bot(world: TelegramWorld) -> None:
    world.api.fail_methods.add("setMyCommands")
    from bot.channels.telegram.handlers import set_commands

    await set_commands(world.application)  # logged, not raised
    await world.send("private_text", text="补考时间")
    assert "补考安排在下学期" in world.api.texts(STUDENT)


def test_long_texts_are_split_at_line_breaks() -> None:
    text = "\n".join(f"第{i}行：" + "很长的内容" * 30 for i in range(60))
    pieces = chunks(text)
    assert len(pieces) > 1
    assert all(len(piece) <= 4096 for piece in pieces)
    assert "\n".join(pieces) == text
    assert all(piece.startswith("第") for piece in pieces)


async def test_a_restart_in_the_middle_loses_nothing(
    world: TelegramWorld, tmp_path: object
) -> None:
    from dataclasses import replace

    import httpx
    from telegram.request import HTTPXRequest

    from bot.app import build_frontdesk
    from bot.channels.telegram import build_application

    await world.send("private_text", text="补考时间")
    await world.send("private_callback", data=world.api.buttons(STUDENT)["没解决，转人工"])
    await world.deliver()
    card = world.api.to(JWC_GROUP)[0]
    # A new process: same database, a fresh Application and FrontDesk.
    settings = world.desk.settings
    desk = build_frontdesk(replace(settings), clock=world.clock)
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(world.api.handle)})
    application = build_application(desk, settings, request=request)
    async with application:
        world.application, world.bot_desk = application, application.bot_data["frontdesk"]
        await world.send("group_reply", reply_to=card["message_id"], text="重启后的答复")
        await world.deliver()
    desk.close()
    assert "重启后的答复" in world.api.texts(STUDENT)
    assert world.api.texts(STUDENT).count("#1") >= 2


async def test_run_telegram_polls_answers_and_stops(tmp_path: object) -> None:
    """`frontdesk run` with a token: the polling loop as shipped, over the fake Bot API."""
    import asyncio
    import json
    from pathlib import Path

    import httpx
    from telegram.request import HTTPXRequest

    from bot.app import build_frontdesk
    from bot.channels.telegram import run_telegram
    from bot.clock import SystemClock
    from tests.bot.channels.telegram.conftest import PAYLOADS, telegram_settings
    from tests.support.fake_bot_api import FakeBotApi

    update = json.loads((PAYLOADS / "private_text.json").read_text("utf-8"))
    update["message"]["text"] = "缓考怎么申请"
    api = FakeBotApi(pending_updates=[update])
    settings = telegram_settings(Path(str(tmp_path)))
    desk = build_frontdesk(settings, clock=SystemClock(), cache_dir=Path(str(tmp_path)))
    stop = asyncio.Event()
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(api.handle)})
    running = asyncio.create_task(run_telegram(desk, settings, stop=stop, request=request))
    for _ in range(200):
        if "缓考申请" in api.texts(STUDENT):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, timeout=10)
    desk.close()
    assert "缓考申请" in api.texts(STUDENT)
    assert "getUpdates" in api.calls
    assert "setMyCommands" in api.calls
