"""Staff in their unit groups: cards, buttons, reasons, replies, /queue — offline updates."""

from __future__ import annotations

import json
from pathlib import Path

from bot.tickets.model import Actor, TicketStatus
from tests.bot.channels.telegram.conftest import ADMIN, UNIT_GROUPS, TelegramWorld, running_world

STUDENT, STAFF = 4242, 777
JWC_GROUP, NIC_GROUP, FRONT_GROUP = UNIT_GROUPS["jwc"], UNIT_GROUPS["nic"], UNIT_GROUPS["frontdesk"]
JWC_STAFF = Actor("staff", "telegram:778", "李老师", frozenset({"jwc"}))


async def test_the_card_shows_question_first_unit_deadline_and_buttons(
    world: TelegramWorld,
) -> None:
    card = await world.ticket_in_group()
    assert "#1" in card.text
    assert "补考时间" in card.text
    assert "首接：教务处" in card.text
    assert "2026-11-24 10:00" in card.text
    assert set(card.buttons) == {
        "受理 claim",
        "转办 transfer",
        "退回 return",
        "复杂 complex",
        "办结 resolve",
    }
    assert "小明" not in card.text  # the student's identity only if config says so


async def test_reply_to_the_card_reaches_the_student_signed_with_the_unit(
    world: TelegramWorld,
) -> None:
    card = await world.ticket_in_group()
    await world.send("group_reply", reply_to=card.message_id, text="下学期第一周补考")
    assert "已转达给学生" in world.api.last(JWC_GROUP).text
    await world.deliver()
    relayed = world.api.last(STUDENT).text
    assert "【教务处】" in relayed
    assert "下学期第一周补考" in relayed
    assert "王老师" not in relayed  # signed with the unit only, by default
    assert world.desk.tickets.get(1).responded_at is not None


async def test_the_whole_thread_replies_to_follow_ups_and_resolution(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("private_text", text="具体哪天？")
    await world.deliver()
    follow_up = world.api.last(JWC_GROUP)
    await world.send("group_reply", reply_to=follow_up.message_id, text="3月2日")
    await world.deliver()
    assert "3月2日" in world.api.texts(STUDENT)
    await world.send("group_callback", data=card.buttons["办结 resolve"])
    assert "已由王老师办结" in world.api.last(JWC_GROUP).text
    await world.deliver()
    assert "已办结" in world.api.texts(STUDENT)
    rating = world.api.last(STUDENT)
    assert "5 ★★★★★" in rating.buttons
    await world.send("private_callback", data=rating.buttons["5 ★★★★★"])
    assert "感谢评价" in world.api.texts(STUDENT)
    assert world.desk.tickets.get(1).rating == 5


async def test_claim(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["受理 claim"])
    assert "已由王老师受理" in world.api.last(JWC_GROUP).text
    ticket = world.desk.tickets.get(1)
    assert ticket.status is TicketStatus.IN_PROGRESS
    assert ticket.claimed_by == f"telegram:{STAFF}"


async def test_transfer_asks_unit_then_reason_and_the_other_group_gets_the_card(
    world: TelegramWorld,
) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["转办 transfer"])
    choose = world.api.last(JWC_GROUP)
    assert "教务处" not in choose.buttons  # not to itself
    await world.send(
        "group_callback", data=choose.buttons["网络信息中心"], message_id=choose.message_id
    )
    prompt = world.api.last(JWC_GROUP)
    assert "原因" in prompt.text
    assert json.loads(prompt.params["reply_markup"])["force_reply"] is True
    (mention,) = json.loads(prompt.params["entities"])
    assert mention["type"] == "text_mention"
    assert mention["user"]["id"] == STAFF
    await world.send("group_reply", reply_to=prompt.message_id, text="是网络问题")
    assert "已转给网络信息中心" in world.api.last(JWC_GROUP).text
    await world.deliver()
    moved = world.api.to(NIC_GROUP)[-1]
    assert "由教务处转来" in moved.text
    assert "是网络问题" in moved.text
    assert "办结 resolve" in moved.buttons
    assert "已转交" in world.api.texts(STUDENT)
    assert world.desk.tickets.get(1).unit == "nic"
    # A second reply to the same prompt does nothing more.
    await world.send("group_reply", reply_to=prompt.message_id, text="再说一次")
    assert world.desk.tickets.get(1).unit == "nic"


async def test_return_as_misrouted_goes_to_the_front_desk_group(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["退回 return"])
    prompt = world.api.last(JWC_GROUP)
    await world.send("group_reply", reply_to=prompt.message_id, text="不归教务处管")
    await world.deliver()
    returned = world.api.last(FRONT_GROUP)
    assert "不归教务处管" in returned.text
    assert "转办 transfer" in returned.buttons
    assert world.desk.tickets.get(1).status is TicketStatus.RETURNED


async def test_mark_complex_with_the_default_or_a_committed_date(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["复杂 complex"])
    assert "复杂问题" in world.api.last(JWC_GROUP).text
    assert world.desk.tickets.get(1).complexity == "complex"
    await world.send(
        "group_reply", reply_to=card.message_id, text="/complex 2026-12-15 需要学院会签"
    )
    assert world.desk.tickets.get(1).resolve_by.date().isoformat() == "2026-12-15"
    await world.send("group_reply", reply_to=card.message_id, text="/complex 下周")
    assert "日期格式" in world.api.last(JWC_GROUP).text


async def test_ask_the_student_for_information(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_reply", reply_to=card.message_id, text="/ask 请告诉我们学号")
    assert world.desk.tickets.get(1).status is TicketStatus.WAITING_STUDENT
    await world.deliver()
    assert "请告诉我们学号" in world.api.last(STUDENT).text


async def test_queue_lists_the_units_open_tickets_with_time_left(world: TelegramWorld) -> None:
    await world.ticket_in_group()
    await world.send("group_command")
    queue = world.api.last(JWC_GROUP).text
    assert "教务处待办 1 件" in queue
    assert "#1 答复还剩 1 天" in queue
    await world.send("group_command", chat_id=NIC_GROUP)
    assert "网络信息中心没有待办问题" in world.api.last(NIC_GROUP).text
    # Handed on and not yet accepted, the ticket stays in the giver's queue, marked so.
    world.desk.tickets.transfer(1, JWC_STAFF, "nic", "网络相关")
    await world.send("group_command")
    assert "#1 答复还剩 1 天（已转网络信息中心，待受理）" in world.api.last(JWC_GROUP).text
    await world.send("group_command", chat_id=NIC_GROUP)
    assert "网络信息中心待办 1 件" in world.api.last(NIC_GROUP).text
    assert "待受理" not in world.api.last(NIC_GROUP).text


async def test_a_student_pressing_a_staff_button_or_command_is_refused(
    world: TelegramWorld,
) -> None:
    card = await world.ticket_in_group()
    await world.send("private_callback", data=card.buttons["办结 resolve"])
    assert "仅限部门工作人员" in world.api.last(STUDENT).text
    await world.send("private_text", text="/queue")
    assert "仅限部门工作人员" in world.api.last(STUDENT).text
    assert world.desk.tickets.get(1).is_open


async def test_staff_of_another_unit_cannot_act(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["办结 resolve"], chat_id=NIC_GROUP)
    assert "不能处理" in world.api.last(NIC_GROUP).text
    assert world.desk.tickets.get(1).is_open


async def test_a_group_the_bot_does_not_serve_is_refused(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["办结 resolve"], chat_id=-999)
    assert "仅限部门工作人员" in world.api.last(-999).text
    await world.send("group_reply", reply_to=card.message_id, text="随便说说", chat_id=-999)
    assert world.desk.tickets.get(1).is_open
    assert world.desk.tickets.get(1).responded_at is None


async def test_an_admin_may_act_from_any_group(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send(
        "group_callback", data=card.buttons["办结 resolve"], chat_id=FRONT_GROUP, user_id=ADMIN
    )
    assert world.desk.tickets.get(1).status is TicketStatus.RESOLVED


async def test_non_text_replies_and_chatter_are_not_relayed(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_photo_reply", reply_to=card.message_id)
    assert "只能转达文字" in world.api.last(JWC_GROUP).text
    await world.send("group_reply", reply_to=12345, text="和同事聊天")
    await world.send("group_edited", reply_to=card.message_id)
    await world.deliver()
    assert "和同事聊天" not in world.api.texts(STUDENT)
    assert "改过的答复" not in world.api.texts(STUDENT)


async def test_acting_on_a_resolved_ticket_says_so(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_callback", data=card.buttons["办结 resolve"])
    await world.send("group_reply", reply_to=card.message_id, text="补充一句")
    assert "已办结" in world.api.last(JWC_GROUP).text
    await world.send("group_callback", data=card.buttons["受理 claim"])
    assert "已结束" in world.api.last(JWC_GROUP).text


async def test_staff_names_and_student_identity_when_config_says_so(tmp_path: Path) -> None:
    async with running_world(tmp_path, sign_with_staff_name=True, show_student_identity=True) as w:
        card = await w.ticket_in_group()
        assert "小明" in card.text
        await w.send("group_reply", reply_to=card.message_id, text="收到")
        await w.deliver()
        assert "教务处 王老师" in w.api.last(STUDENT).text


async def test_a_redelivered_staff_reply_is_relayed_once(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    for _ in range(2):
        await world.send("group_reply", reply_to=card.message_id, text="只发一次", update_id=31)
    await world.deliver()
    assert world.api.texts(STUDENT).count("只发一次") == 1


async def test_a_restart_between_reply_and_delivery_loses_nothing(world: TelegramWorld) -> None:
    card = await world.ticket_in_group()
    await world.send("group_reply", reply_to=card.message_id, text="重启前写下的答复")
    await world.restart()  # the reply is in the outbox, not yet sent
    await world.deliver()
    assert "重启前写下的答复" in world.api.texts(STUDENT)
    # The new process still knows which ticket the card belongs to.
    await world.send("group_reply", reply_to=card.message_id, text="重启后的答复")
    await world.deliver()
    assert "重启后的答复" in world.api.texts(STUDENT)


async def test_help_in_a_group_and_the_id_of_a_group_not_yet_configured(
    world: TelegramWorld,
) -> None:
    await world.send("group_command", text="/help")
    assert "/queue" in world.api.last(JWC_GROUP).text
    await world.send("group_command", text="/queue", chat_id=-4321)
    assert "群 ID：-4321" in world.api.last(-4321).text
