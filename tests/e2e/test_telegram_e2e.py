"""End to end through the Telegram Bot API emulator: students, staff groups, restarts."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Chats, Person, RunningBot, buttons

pytestmark = pytest.mark.e2e

STUDENT = Person(4242, "小明")
STAFF_JWC = Person(777, "李老师")
STAFF_NIC = Person(778, "王老师")
JWC_GROUP, NIC_GROUP, FRONT_GROUP = -200, -100, -300


async def _ticket_for_makeup_exam(chats: Chats) -> dict[str, object]:
    """The student asks, is not helped by the guide, and gets ticket #1; returns the card."""
    await chats.say(STUDENT, "补考时间")
    await chats.wait_text(STUDENT.id, "补考安排在下学期")
    ask = await chats.wait_for(STUDENT.id, lambda m: "没解决，转人工" in buttons(m))
    await chats.press(STUDENT, ask, "没解决，转人工")
    await chats.wait_text(STUDENT.id, "#1")
    return await chats.wait_text(JWC_GROUP, "#1")


async def test_answer_and_solved(running: tuple[RunningBot, Chats]) -> None:
    _, chats = running
    await chats.say(STUDENT, "缓考怎么申请")
    await chats.wait_text(STUDENT.id, "缓考申请")
    ask = await chats.wait_for(STUDENT.id, lambda m: "已解决" in buttons(m))
    await chats.press(STUDENT, ask, "已解决")
    await chats.wait_text(STUDENT.id, "很高兴")


async def test_suggestion_choice(running: tuple[RunningBot, Chats]) -> None:
    _, chats = running
    await chats.say(STUDENT, "考试")
    offer = await chats.wait_for(STUDENT.id, lambda m: "都不是，转人工" in buttons(m))
    choice = next(label for label in buttons(offer) if "补考" in label)
    await chats.press(STUDENT, offer, choice)
    await chats.wait_text(STUDENT.id, "补考安排在下学期")


async def test_ticket_round_trip_between_student_and_staff_group(
    running: tuple[RunningBot, Chats],
) -> None:
    _, chats = running
    card = await _ticket_for_makeup_exam(chats)
    assert set(buttons(card)) >= {"受理 claim", "转办 transfer", "办结 resolve"}
    await chats.say(STAFF_JWC, "补考在下学期第一周", chat_id=JWC_GROUP, reply_to=card)
    await chats.wait_text(STUDENT.id, "补考在下学期第一周")
    await chats.say(STUDENT, "具体哪天？")
    follow_up = await chats.wait_text(JWC_GROUP, "具体哪天")
    await chats.say(STAFF_JWC, "3月2日", chat_id=JWC_GROUP, reply_to=follow_up)
    await chats.wait_text(STUDENT.id, "3月2日")
    await chats.press(STAFF_JWC, card, "办结 resolve")
    await chats.wait_text(STUDENT.id, "已办结")
    rating = await chats.wait_for(STUDENT.id, lambda m: "5 ★★★★★" in buttons(m))
    await chats.press(STUDENT, rating, "5 ★★★★★")
    await chats.wait_text(STUDENT.id, "感谢评价")


async def test_transfer_to_another_units_group(running: tuple[RunningBot, Chats]) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    await chats.press(STAFF_JWC, card, "转办 transfer")
    choose = await chats.wait_for(JWC_GROUP, lambda m: "网络信息中心" in buttons(m))
    await chats.press(STAFF_JWC, choose, "网络信息中心")
    prompt = await chats.wait_text(JWC_GROUP, "原因")
    await chats.say(STAFF_JWC, "其实是网络问题", chat_id=JWC_GROUP, reply_to=prompt)
    moved = await chats.wait_text(NIC_GROUP, "其实是网络问题")
    assert "教务处" in moved["text"]
    await chats.wait_text(STUDENT.id, "转交")
    assert bot.frontdesk is not None
    assert bot.frontdesk.tickets.get(1).unit == "nic"


async def test_return_as_misrouted(running: tuple[RunningBot, Chats]) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    await chats.press(STAFF_JWC, card, "退回 return")
    prompt = await chats.wait_text(JWC_GROUP, "原因")
    await chats.say(STAFF_JWC, "不是教务问题", chat_id=JWC_GROUP, reply_to=prompt)
    await chats.wait_text(FRONT_GROUP, "不是教务问题")
    assert bot.frontdesk is not None
    assert bot.frontdesk.tickets.get(1).unit == "frontdesk"


async def test_a_student_pressing_a_staff_button_is_refused(
    running: tuple[RunningBot, Chats],
) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    # The student replays the card's resolve button from their own chat.
    forged = {**card, "chat_id": STUDENT.id}
    await chats.press(STUDENT, forged, "办结 resolve")
    await chats.wait_text(STUDENT.id, "仅限部门工作人员")
    assert bot.frontdesk is not None
    assert bot.frontdesk.tickets.get(1).is_open


async def test_a_restart_in_the_middle(running: tuple[RunningBot, Chats]) -> None:
    bot, chats = running
    card = await _ticket_for_makeup_exam(chats)
    await bot.restart()
    await chats.say(STAFF_JWC, "重启后也能答复", chat_id=JWC_GROUP, reply_to=card)
    await chats.wait_text(STUDENT.id, "重启后也能答复")
    await chats.say(STUDENT, "/status")
    await chats.wait_text(STUDENT.id, "办理中")
