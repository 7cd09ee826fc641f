"""End to end through the Telegram Bot API emulator: students, staff groups, a restart."""

from __future__ import annotations

from typing import Any

import pytest

from bot.tickets.model import TicketStatus
from tests.e2e.harness import Chats, Person, RunningBot, buttons

pytestmark = pytest.mark.e2e

Running = tuple[RunningBot, Chats]
STUDENT = Person(4242, "小明")
STAFF_JWC = Person(777, "李老师")
STAFF_NIC = Person(778, "王老师")
FRONT_DESK_STAFF = Person(779, "赵老师")
JWC_GROUP, NIC_GROUP, FRONT_GROUP = -200, -100, -300


async def _ticket_for_makeup_exam(chats: Chats) -> dict[str, Any]:
    """The student asks, the guide does not help, ticket #1 opens; returns its card."""
    await chats.say(STUDENT, "补考时间")
    await chats.wait_text(STUDENT.id, "补考安排在下学期")
    ask = await chats.wait_button(STUDENT.id, "没解决，转人工")
    await chats.press(STUDENT, ask, "没解决，转人工")
    opened = await chats.wait_text(STUDENT.id, "#1")
    assert "教务处" in opened["text"]
    return await chats.wait_text(JWC_GROUP, "#1")


async def test_answer_and_solved(running: Running) -> None:
    _, chats = running
    await chats.say(STUDENT, "缓考怎么申请")
    await chats.wait_text(STUDENT.id, "缓考申请")
    ask = await chats.wait_button(STUDENT.id, "已解决")
    await chats.press(STUDENT, ask, "已解决")
    await chats.wait_text(STUDENT.id, "很高兴")


async def test_suggestion_choice(running: Running) -> None:
    _, chats = running
    await chats.say(STUDENT, "没参加考试")
    offer = await chats.wait_button(STUDENT.id, "都不是，转人工")
    choice = next(label for label in buttons(offer) if "补考" in label)
    await chats.press(STUDENT, offer, choice)
    await chats.wait_text(STUDENT.id, "补考安排在下学期")


async def test_ticket_staff_reply_follow_up_and_resolution(running: Running) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    assert set(buttons(card)) >= {"受理 claim", "转办 transfer", "退回 return", "办结 resolve"}
    await chats.say(STAFF_JWC, "补考在下学期第一周", chat_id=JWC_GROUP, reply_to=card)
    relayed = await chats.wait_text(STUDENT.id, "补考在下学期第一周")
    assert "【教务处】" in relayed["text"]
    await chats.say(STUDENT, "具体哪天？")
    follow_up = await chats.wait_text(JWC_GROUP, "具体哪天")
    await chats.say(STAFF_JWC, "3月2日", chat_id=JWC_GROUP, reply_to=follow_up)
    await chats.wait_text(STUDENT.id, "3月2日")
    await chats.press(STAFF_JWC, card, "办结 resolve")
    await chats.wait_text(JWC_GROUP, "办结")
    await chats.wait_text(STUDENT.id, "已办结")
    rating = await chats.wait_button(STUDENT.id, "5 ★★★★★")
    await chats.press(STUDENT, rating, "5 ★★★★★")
    await chats.wait_text(STUDENT.id, "感谢评价")
    assert bot.desk.tickets.get(1).rating == 5


async def test_transfer_to_another_units_group(running: Running) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    await chats.press(STAFF_JWC, card, "转办 transfer")
    choose = await chats.wait_button(JWC_GROUP, "网络信息中心")
    await chats.press(STAFF_JWC, choose, "网络信息中心")
    prompt = await chats.wait_text(JWC_GROUP, "原因")
    await chats.say(STAFF_JWC, "其实是网络问题", chat_id=JWC_GROUP, reply_to=prompt)
    moved = await chats.wait_text(NIC_GROUP, "其实是网络问题")
    assert "由教务处转来" in moved["text"]
    await chats.wait_text(STUDENT.id, "转交")
    # The receiving unit works the ticket from its own card.
    await chats.press(STAFF_NIC, moved, "受理 claim")
    await chats.wait_text(NIC_GROUP, "受理")
    await chats.say(STAFF_NIC, "请重启路由器", chat_id=NIC_GROUP, reply_to=moved)
    relayed = await chats.wait_text(STUDENT.id, "请重启路由器")
    assert "【网络信息中心】" in relayed["text"]
    ticket = bot.desk.tickets.get(1)
    assert (ticket.unit, ticket.accountable_unit) == ("nic", "nic")


async def test_return_as_misrouted(running: Running) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    await chats.press(STAFF_JWC, card, "退回 return")
    prompt = await chats.wait_text(JWC_GROUP, "原因")
    await chats.say(STAFF_JWC, "不是教务问题", chat_id=JWC_GROUP, reply_to=prompt)
    returned = await chats.wait_text(FRONT_GROUP, "不是教务问题")
    assert bot.desk.tickets.get(1).status is TicketStatus.RETURNED
    # The front desk re-dispatches it from the card it got.
    await chats.press(FRONT_DESK_STAFF, returned, "转办 transfer")
    choose = await chats.wait_button(FRONT_GROUP, "网络信息中心")
    await chats.press(FRONT_DESK_STAFF, choose, "网络信息中心")
    prompt = await chats.wait_text(FRONT_GROUP, "原因")
    await chats.say(FRONT_DESK_STAFF, "校园网问题", chat_id=FRONT_GROUP, reply_to=prompt)
    await chats.wait_text(NIC_GROUP, "校园网问题")
    assert bot.desk.tickets.get(1).unit == "nic"


async def test_a_student_pressing_a_staff_button_is_refused(running: Running) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    # The student replays the card's resolve button from their own chat, and tries /queue.
    forged = {**card, "chat_id": STUDENT.id}
    await chats.press(STUDENT, forged, "办结 resolve")
    await chats.wait_text(STUDENT.id, "仅限部门工作人员")
    await chats.say(STUDENT, "/queue")
    await chats.wait_text(STUDENT.id, "仅限部门工作人员")
    assert bot.desk.tickets.get(1).is_open


async def test_a_restart_in_the_middle(running: Running) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    await bot.stop()
    # While the bot is down, staff answer the card and the student writes again.
    await chats.say(STAFF_JWC, "停机时写的答复", chat_id=JWC_GROUP, reply_to=card)
    await chats.say(STUDENT, "停机时的补充")
    await bot.start()  # a new process on the same SQLite file
    await chats.wait_text(STUDENT.id, "停机时写的答复")
    follow_up = await chats.wait_text(JWC_GROUP, "停机时的补充")
    await bot.restart()
    await chats.say(STAFF_JWC, "重启后也能答复", chat_id=JWC_GROUP, reply_to=follow_up)
    await chats.wait_text(STUDENT.id, "重启后也能答复")
    await chats.say(STUDENT, "/status")
    await chats.wait_text(STUDENT.id, "办理中")
    assert len(bot.desk.tickets.for_student("telegram", str(STUDENT.id))) == 1
