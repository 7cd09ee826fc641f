"""Whole student dialogues through the conversation core, as tables.

Each step is one thing the student (or staff, through the ticket service) does, with text the
student must then see. Buttons are pressed by their label, as a person would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import FrontDesk, build_frontdesk
from bot.clock import ManualClock
from bot.conversation.engine import _language
from bot.conversation.messages import Incoming
from bot.tickets.model import Actor
from tests.bot.conversation.conftest import desk_settings
from tests.support.dialogue import Student


@dataclass(frozen=True)
class Step:
    action: str  # say | press | command | sticker | staff_reply | ask_student | resolve | wait
    value: str = ""
    expect: tuple[str, ...] = ()  # substrings the student sees
    buttons: tuple[str, ...] = ()  # labels the student is offered
    absent: tuple[str, ...] = ()  # substrings that must not appear, in text or on a button


def say(
    text: str, *expect: str, buttons: tuple[str, ...] = (), absent: tuple[str, ...] = ()
) -> Step:
    return Step("say", text, expect, buttons, absent)


def press(label: str, *expect: str, buttons: tuple[str, ...] = ()) -> Step:
    return Step("press", label, expect, buttons)


NIC_STAFF = Actor(kind="staff", id="terminal:wang", name="王老师", units=frozenset({"nic"}))
JWC_STAFF = Actor(kind="staff", id="terminal:li", name="李老师", units=frozenset({"jwc"}))

DIALOGUES: dict[str, list[Step]] = {
    "answer, then solved": [
        say("缓考怎么申请", "缓考申请", buttons=("已解决", "没解决，转人工")),
        press("已解决", "很高兴帮到您"),
    ],
    "answer, not solved, a ticket for the entry's unit": [
        say("补考时间", "补考安排在下学期"),
        press("没解决，转人工", "已为您登记问题 #1", "【教务处】", "24 小时内答复"),
        Step("command", "status", ("#1", "教务处", "待受理", "还剩 1 天")),
    ],
    "did you mean, then a choice": [
        # Only the likely guides: the Wi-Fi one, a 0.1 % candidate, is not a choice.
        say(
            "没参加考试",
            "您是想问",
            buttons=("生病了期末考试能申请缓考吗？", "都不是，转人工"),
            absent=("校园无线网连不上怎么办？",),
        ),
        press("考试挂科了什么时候补考？", "补考安排在下学期"),
    ],
    "did you mean, none of these": [
        say("没参加考试", "您是想问"),
        press("都不是，转人工", "已为您登记问题 #1"),
    ],
    "out of scope goes to the front desk": [
        say("食堂今天的红烧肉太咸了", "已为您登记问题 #1", "【学生事务服务中心】"),
    ],
    "a unit named in the question gets the ticket": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "【网络信息中心】"),
    ],
    "staff reply reaches the student; follow-up reaches staff; resolve asks for a rating": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("staff_reply", "请告诉我机房门牌号", ("网络信息中心", "请告诉我机房门牌号")),
        say("理科楼 302", "已补充到问题 #1"),
        Step("resolve", "已修好", ("已修好",)),
        press("5 ★★★★★", "感谢评价（5 分）"),
        say("修得很快，谢谢", "您的意见已记录"),
    ],
    "meta intents": [
        say("你好", "您好"),
        say("帮助", "用法"),
        say("谢谢", "不客气"),
        Step("command", "status", ("没有待处理的问题",)),
        say("转人工", "请用一两句话描述"),
        say("我的学籍信息有错误", "已为您登记问题 #1"),
    ],
    "English in, English out": [
        say("hello", "Hi!"),
        say(
            "the canteen food is too salty",
            "registered as #1",
            "Student Service Center",
            "response within 24 hours",
            absent=("学生事务服务中心",),
        ),
        Step("command", "status", ("#1", "waiting for the office", "left")),
    ],
    "bad input loses nothing": [
        say("   ", "没有收到文字内容"),
        Step("sticker", "sticker", ("只能读文字消息",)),
        Step("command", "frobnicate", ("没有 /frobnicate 这个命令",)),
        say("<b>缓考</b>怎么*申请*？", "缓考申请"),
        say("🙂🙂🙂", "已为您登记问题 #1"),
        # The open ticket takes the rest of what the student writes, in full.
        say("宿舍" * 2000, "已补充到问题 #1"),
    ],
    "a stale button is refused politely": [
        Step("press", "pick:jwc-makeup-exam", ("选项已经过期",)),
        Step("press", "rate:99:5", ("#99",)),
    ],
    "staff asks for information; the answer goes to the ticket and resumes it": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("ask_student", "请提供机房门牌号", ("需要您补充信息", "请提供机房门牌号")),
        Step("command", "status", ("等待您补充信息",)),
        say("理科楼 302", "已补充到问题 #1"),
        Step("command", "status", ("办理中",)),
    ],
    "withdraw from the status list": [
        say("食堂今天的红烧肉太咸了", "#1"),
        Step("command", "status", ("#1",), buttons=("撤回 #1",)),
        press("撤回 #1", "已撤回"),
        Step("command", "status", ("没有",)),
    ],
    "reopen a resolved ticket that was not really solved": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("resolve", "已修好", ("已办结", "请为问题 #1"), buttons=("5 ★★★★★",)),
        Step("command", "status", ("已办结",), buttons=("重新打开 #1",)),
        press("重新打开 #1", "重新打开"),
        Step("command", "status", ("办理中",)),
    ],
    "a rating follow-up comes once when nobody rated": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("resolve", "已修好", ("已办结",)),
        Step("wait", "25", ("回访", "#1"), buttons=("1 ★",)),
        Step("wait", "25", (), absent=("回访",)),
    ],
    "someone else's ticket is refused": [
        Step("press", "withdraw:1", ("#1",)),
        Step("press", "reopen:abc", ("过期",)),
    ],
    "another unit's question while a ticket is open is answered; one tap adds it to the ticket": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        say(
            "缓考怎么申请",
            "缓考申请",
            buttons=("已解决", "没解决，转人工", "这是对问题 #1 的补充"),
            absent=("已补充到问题 #1",),
        ),
        press("这是对问题 #1 的补充", "已补充到问题 #1"),
        # The ticket still takes what follows.
        say("理科楼 302", "已补充到问题 #1"),
    ],
    "a question for the ticket's own unit stays a follow-up": [
        say("补考时间", "补考安排在下学期"),
        press("没解决，转人工", "已为您登记问题 #1", "【教务处】"),
        say("缓考怎么申请", "已补充到问题 #1", absent=("这是对问题",)),
    ],
    "what the student writes after staff asked for information goes to the ticket": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("ask_student", "您还有什么别的问题吗？", ("需要您补充信息",)),
        say("缓考怎么申请", "已补充到问题 #1", absent=("这是对问题",)),
    ],
    "a short answer to staff's question is an answer, not a cancel or a thank-you": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("ask_student", "需要我们派人上门吗？", ("需要您补充信息",)),
        say("不用了", "已补充到问题 #1", absent=("没有需要取消的操作",)),
        Step("command", "status", ("办理中",)),
        say("谢谢", "不客气"),
    ],
    "after a rating, a question the guide answers is answered, not kept as a comment": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("resolve", "已修好", ("已办结",)),
        press("4 ★★★★", "感谢评价（4 分）"),
        say("缓考怎么申请", "缓考申请", absent=("您的意见已记录",)),
    ],
    "after a rating and a command, what the student writes is a new question": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        Step("resolve", "已修好", ("已办结",)),
        press("4 ★★★★", "感谢评价（4 分）"),
        Step("command", "status", ("已办结",)),
        say("食堂今天的红烧肉太咸了", "已为您登记问题 #2", absent=("您的意见已记录",)),
    ],
    "English naming a Chinese system is answered in English": [
        say(
            "Hello, I cannot log in to 一网通办, the system is down since this morning",
            "#1",
            absent=("已为您登记",),
        ),
    ],
    "Chinese with English words in it is answered in Chinese": [
        say("我的wifi password忘了，机房打印机也卡纸了，网信中心能帮忙吗", "您是想问"),
    ],
    "the add-to-ticket button is gone once the student moved on": [
        say("网信中心的老师能帮我看看机房打印机卡纸吗", "#1"),
        say("缓考怎么申请", "缓考申请"),
        press("已解决", "很高兴帮到您"),
        Step("press", "add:1", ("选项已经过期",)),
        say("理科楼 302", "已补充到问题 #1"),
    ],
    "cancel drops the offer": [
        say("没参加考试", "您是想问"),
        say("取消", "已取消"),
        say("取消", "没有需要取消的操作"),
    ],
}


def _run(desk: FrontDesk, clock: ManualClock, steps: list[Step]) -> None:
    student = Student(desk)
    for number, step in enumerate(steps, start=1):
        if step.action == "say":
            student.say(step.value)
        elif step.action == "press":
            student.press(step.value)
        elif step.action == "command":
            student.command(step.value)
        elif step.action == "sticker":
            student.send_unsupported(step.value)
        elif step.action == "wait":
            clock.advance(hours=float(step.value))
            desk.housekeeping()  # what the running bot does every minute
            student.notifications()
        else:
            ticket = desk.tickets.for_student("terminal", student.user_id)[0]
            staff = NIC_STAFF if ticket.unit == "nic" else JWC_STAFF
            if step.action == "staff_reply":
                desk.tickets.reply(ticket.id, staff, step.value)
            elif step.action == "ask_student":
                desk.tickets.ask_student(ticket.id, staff, step.value)
            else:
                desk.tickets.resolve(ticket.id, staff, step.value)
            student.notifications()
        where = f"step {number} {step.action} {step.value[:30]!r}"
        for expected in step.expect:
            assert expected in student.text, f"{where}: {expected!r} not in {student.text!r}"
        for unwanted in step.absent:
            seen = [student.text, *student.buttons]
            assert not any(unwanted in part for part in seen), f"{where}: {unwanted!r} in {seen}"
        for label in step.buttons:
            assert label in student.buttons, f"{where}: no button {label!r} in {student.buttons}"


@pytest.mark.parametrize("name", list(DIALOGUES))
def test_dialogue(desk: FrontDesk, clock: ManualClock, name: str) -> None:
    _run(desk, clock, DIALOGUES[name])


def test_nobody_adds_a_message_to_another_students_ticket(desk: FrontDesk) -> None:
    owner, other = Student(desk, "owner"), Student(desk, "other")
    owner.say("网信中心的老师能帮我看看机房打印机卡纸吗")
    other.say("食堂今天的红烧肉太咸了")
    other.say("缓考怎么申请")  # answered, with a button that adds it to the other's own ticket
    assert "这是对问题 #2 的补充" in other.buttons
    other.press("add:1")  # the owner's ticket, by a forged or stale payload
    assert "选项已经过期" in other.text
    first = "网信中心的老师能帮我看看机房打印机卡纸吗"
    assert [m.text for m in desk.tickets.messages(1)] == [first]
    other.say("缓考怎么申请")
    other.press("这是对问题 #2 的补充")
    assert "已补充到问题 #2" in other.text
    assert [m.text for m in desk.tickets.messages(2)] == ["食堂今天的红烧肉太咸了", "缓考怎么申请"]


@pytest.mark.parametrize(
    ("clock_kind", "hours", "promise", "deadline"),
    [
        # Opened Friday 16:00 in Beijing (2026-11-27).
        ("natural", 24, "学校承诺 24 小时内答复", "11月28日 16:00"),
        # 7 office hours a day: 1.5 on Friday, 7 each Monday to Wednesday, 1.5 on Thursday.
        (
            "working",
            24,
            "学校承诺 24 个工作小时内答复（按办公时间计，节假日顺延）",
            "12月3日 10:00",
        ),
        ("natural", 48, "学校承诺 48 小时内答复", "11月29日 16:00"),
    ],
)
def test_the_promise_says_the_hours_and_clock_the_deadline_is_counted_in(
    tmp_path: Path, clock_kind: str, hours: float, promise: str, deadline: str
) -> None:
    settings = desk_settings(f"sqlite:///{tmp_path / 'desk.db'}")
    sla = replace(settings.sla, clock=clock_kind, respond_hours=hours)
    clock = ManualClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    desk = build_frontdesk(replace(settings, sla=sla), clock=clock, cache_dir=tmp_path)
    try:
        student = Student(desk)
        student.say("网信中心的老师能帮我看看机房打印机卡纸吗")
        assert promise in student.text
        assert f"最迟 {deadline}" in student.text
    finally:
        desk.close()


@pytest.mark.parametrize(
    ("before", "text", "language"),
    [
        ("zh", "I lost my 校园卡", "en"),
        ("zh", "Where is the 图书馆?", "en"),
        ("zh", "How to get 在读证明", "en"),
        ("en", "vpn连不上", "zh"),
        ("en", "校园卡lost了", "zh"),
        ("en", "我的wifi password忘了怎么办", "zh"),
        ("zh", "ok好的", "zh"),  # a tie keeps the language as it was
        ("en", "ok好的", "en"),
        ("en", "12345", "en"),
    ],
)
def test_the_reply_language_follows_the_script_that_carries_the_message(
    before: str, text: str, language: str
) -> None:
    incoming = Incoming("terminal", "s1", "s1", "text", text)
    assert _language(incoming, before, fresh=False) == language


def test_a_follow_up_on_the_tickets_own_topic_stays_on_it_after_a_transfer(
    desk: FrontDesk,
) -> None:
    student = Student(desk)
    student.say("校园无线网连不上怎么办")
    student.press("没解决，转人工")
    assert "已为您登记问题 #1" in student.text
    desk.tickets.transfer(1, NIC_STAFF, "jwc", "请教务处一起看")
    student.say("校园无线网还是连不上怎么办")
    assert "已补充到问题 #1" in student.text
    assert [m.text for m in desk.tickets.messages(1)][-1] == "校园无线网还是连不上怎么办"


def test_a_comment_on_the_rated_tickets_own_topic_is_kept_as_a_comment(
    desk: FrontDesk,
) -> None:
    student = Student(desk)
    student.say("校园无线网连不上怎么办")
    student.press("没解决，转人工")
    desk.tickets.resolve(1, NIC_STAFF, "已重置")
    student.notifications()
    student.press("2 ★★")
    student.say("校园无线网还是连不上，重启也没用")
    assert "您的意见已记录" in student.text
    assert desk.tickets.get(1).rating_comment == "校园无线网还是连不上，重启也没用"


def test_the_add_button_adds_the_message_its_answer_was_for(desk: FrontDesk) -> None:
    student = Student(desk)
    student.say("网信中心的老师能帮我看看机房打印机卡纸吗")
    student.say("缓考怎么申请")
    first = student.seen
    student.say("补考什么时候考")
    assert "这是对问题 #1 的补充" in student.buttons
    student.seen = first  # the student scrolls up and taps the first answer's button
    student.press("这是对问题 #1 的补充")
    assert "选项已经过期" in student.text
    student.say("补考什么时候考")
    student.press("这是对问题 #1 的补充")
    assert "已补充到问题 #1" in student.text
    assert [m.text for m in desk.tickets.messages(1)][1:] == ["补考什么时候考"]
