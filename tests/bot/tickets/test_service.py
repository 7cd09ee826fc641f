"""The ticket lifecycle on real databases: deadlines, first-ask ownership, who may act, history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.tickets.errors import InvalidTransition, NotAllowed, TicketError, UnknownUnit
from bot.tickets.model import TicketStatus
from bot.tickets.service import TicketService
from tests.support.tickets import ADMIN, FRONT, JWC, NIC, OTHER_STUDENT, START, STUDENT

DAY = timedelta(hours=24)


def test_opening_sets_both_deadlines_24_hours_out_and_notifies_the_unit(
    service: TicketService,
) -> None:
    ticket = service.open(STUDENT, "宿舍网口没有信号", "nic")
    assert ticket.number == "#1"
    assert (ticket.status, ticket.unit, ticket.first_unit) == (TicketStatus.OPEN, "nic", "nic")
    assert ticket.respond_by == START + DAY
    assert ticket.resolve_by == START + DAY
    cards = service.outbox.pending(unit="nic")
    assert [c.kind for c in cards] == ["new_ticket"]
    assert "宿舍网口没有信号" in cards[0].text
    assert "首接：网络信息中心" in cards[0].text
    assert "小张" not in cards[0].text  # identity hidden unless config says otherwise


def test_complex_entry_gets_the_configured_resolution_date(service: TicketService) -> None:
    ticket = service.open(STUDENT, "转专业", "jwc", complexity="complex")
    assert ticket.respond_by == START + DAY
    assert ticket.resolve_by == START + 7 * DAY


def test_unknown_unit_falls_back_to_the_front_desk(service: TicketService) -> None:
    assert service.open(STUDENT, "问题", "no-such-unit").unit == "frontdesk"


def test_reply_meets_the_response_promise_and_reaches_the_student(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "密码忘了", "nic")
    clock.advance(hours=2)
    replied = service.reply(ticket.id, NIC, "请到一网通办找回")
    assert replied.responded_at == START + timedelta(hours=2)
    assert replied.status is TicketStatus.IN_PROGRESS
    to_student = [n for n in service.outbox.pending() if n.recipient == "student"]
    assert len(to_student) == 1
    assert to_student[0].address == "s1"
    assert "【网络信息中心】" in to_student[0].text
    assert "王老师" not in to_student[0].text  # signed with the unit only, by default


def test_transfer_keeps_deadlines_and_the_giver_accountable_until_accepted(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "成绩单", "nic")
    clock.advance(hours=3)
    moved = service.transfer(ticket.id, NIC, "jwc", "成绩单归教务处")
    assert (moved.unit, moved.accountable_unit, moved.first_unit) == ("jwc", "nic", "nic")
    assert (moved.respond_by, moved.resolve_by) == (ticket.respond_by, ticket.resolve_by)
    # The student reads the deadline as when they opened the ticket: in local time, said so.
    (told,) = [
        n for n in service.outbox.pending() if n.kind == "transferred" and n.recipient == "student"
    ]
    assert "答复时限不变：" in told.text
    assert "（北京时间）前" in told.text
    assert service.may_act(NIC, moved)
    assert service.may_act(JWC, moved)
    accepted = service.claim(ticket.id, JWC)
    assert accepted.accountable_unit == "jwc"
    assert accepted.status is TicketStatus.IN_PROGRESS
    assert not service.may_act(NIC, accepted)
    assert [n.kind for n in service.outbox.pending(unit="nic")][-1] == "accepted"
    kinds = [event.kind for event in service.history(ticket.id)]
    assert kinds == ["opened", "transferred", "claimed"]
    assert "成绩单归教务处" in service.history(ticket.id)[1].detail


def test_the_giver_stays_answerable_but_cannot_accept_or_refuse_for_the_receiver(
    service: TicketService,
) -> None:
    ticket = service.open(STUDENT, "成绩单", "nic")
    service.transfer(ticket.id, NIC, "jwc", "成绩单归教务处")
    moved = service.get(ticket.id)
    for act in (
        lambda: service.claim(ticket.id, NIC),
        lambda: service.return_misrouted(ticket.id, NIC, "不归我们"),
        lambda: service.mark_complex(ticket.id, NIC, resolve_by=START + 3 * DAY),
    ):
        with pytest.raises(NotAllowed, match="教务处"):
            act()
        assert service.get(ticket.id) == moved
    # It may still answer the student, in its own name, not the receiver's.
    service.reply(ticket.id, NIC, "已催教务处")
    (told,) = [n for n in service.outbox.pending() if n.kind == "staff_reply"]
    assert "网络信息中心" in told.text
    assert "教务处" not in told.text.replace("已催教务处", "")
    after = service.get(ticket.id)
    # Replying for another is not accepting: still waiting for the receiver, nic still on it.
    assert (after.accountable_unit, after.status) == ("nic", TicketStatus.OPEN)
    onward = service.transfer(ticket.id, JWC, "frontdesk", "请前台分派")  # jwc never accepted
    assert onward.accountable_unit == "nic"
    assert [t.id for t in service.queue("nic")] == [ticket.id]
    # The giver may close it (it answers for it), signed with its own name.
    service.resolve(ticket.id, NIC, "已解决")
    (closed,) = [n for n in service.outbox.pending() if n.kind == "resolved"]
    assert "（网络信息中心）" in closed.text


def test_return_as_misrouted_goes_to_the_front_desk_which_redispatches(
    service: TicketService,
) -> None:
    ticket = service.open(STUDENT, "食堂", "nic")
    returned = service.return_misrouted(ticket.id, NIC, "不是网络问题")
    assert (returned.unit, returned.status) == ("frontdesk", TicketStatus.RETURNED)
    assert any("不是网络问题" in n.text for n in service.outbox.pending(unit="frontdesk"))
    dispatched = service.transfer(ticket.id, FRONT, "jwc", "教务相关")
    assert (dispatched.unit, dispatched.accountable_unit) == ("jwc", "frontdesk")
    assert dispatched.respond_by == ticket.respond_by


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        (lambda s, t: s.reply(t, JWC, "hi"), NotAllowed),
        (lambda s, t: s.resolve(t, JWC), NotAllowed),
        (lambda s, t: s.transfer(t, NIC, "nowhere", "x"), UnknownUnit),
        (lambda s, t: s.transfer(t, NIC, "nic", "x"), InvalidTransition),
        (lambda s, t: s.transfer(t, NIC, "jwc", "  "), TicketError),
        (lambda s, t: s.return_misrouted(t, NIC, ""), TicketError),
        (lambda s, t: s.reply(t, NIC, "   "), TicketError),
        (lambda s, t: s.cancel(t, OTHER_STUDENT), NotAllowed),
        (lambda s, t: s.student_message(t, OTHER_STUDENT, "hi"), NotAllowed),
        (lambda s, t: s.rate(t, STUDENT, 5), InvalidTransition),
        (lambda s, t: s.rate(t, STUDENT, 9), TicketError),
    ],
)
def test_refusals_say_why_and_change_nothing(
    service: TicketService, operation: object, error: type[Exception]
) -> None:
    ticket = service.open(STUDENT, "问题", "nic")
    before = service.get(ticket.id)
    with pytest.raises(error) as raised:
        operation(service, ticket.id)  # type: ignore[operator]
    assert str(raised.value)
    assert service.get(ticket.id) == before
    assert [e.kind for e in service.history(ticket.id)] == ["opened"]


def test_admin_may_act_on_any_ticket(service: TicketService) -> None:
    ticket = service.open(STUDENT, "问题", "nic")
    assert service.resolve(ticket.id, ADMIN, "已处理").status is TicketStatus.RESOLVED


def test_waiting_on_the_student_pauses_only_the_resolution_clock(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "报销", "nic")
    clock.advance(hours=1)
    asked = service.ask_student(ticket.id, NIC, "请提供学号")
    assert asked.status is TicketStatus.WAITING_STUDENT
    assert asked.responded_at is not None
    clock.advance(hours=5)
    answered = service.student_message(ticket.id, STUDENT, "2024001")
    assert answered.status is TicketStatus.IN_PROGRESS
    assert answered.respond_by == ticket.respond_by
    assert answered.resolve_by == ticket.resolve_by + timedelta(hours=5)


def test_handing_on_a_ticket_that_waits_on_the_student_ends_the_wait(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "路灯坏了", "nic")
    clock.advance(hours=1)
    service.ask_student(ticket.id, NIC, "请提供楼号")
    clock.advance(hours=1)
    moved = service.transfer(ticket.id, NIC, "jwc", "不归网信")
    # A transfer never moves the student's clock; the wait ends with it.
    assert (moved.status, moved.waiting_since) == (TicketStatus.OPEN, None)
    assert (moved.respond_by, moved.resolve_by) == (ticket.respond_by, ticket.resolve_by)
    clock.advance(hours=24)
    service.student_message(ticket.id, STUDENT, "3号楼")
    clock.advance(hours=1)
    service.ask_student(ticket.id, JWC, "具体位置？")
    clock.advance(hours=1)
    answered = service.student_message(ticket.id, STUDENT, "东门")
    # Only the hour the second request waited, not the day since the first one.
    assert answered.resolve_by == ticket.resolve_by + timedelta(hours=1)
    clock.advance(hours=1)
    service.ask_student(ticket.id, JWC, "还有照片吗？")
    clock.advance(hours=1)
    returned = service.return_misrouted(ticket.id, JWC, "归后勤")
    assert (returned.waiting_since, returned.resolve_by) == (None, answered.resolve_by)


def test_a_committed_date_ends_a_wait_on_the_student(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "宿舍调换", "nic")
    service.ask_student(ticket.id, NIC, "换到哪栋？")
    clock.advance(hours=1)
    committed = START + 10 * DAY
    marked = service.mark_complex(ticket.id, NIC, resolve_by=committed)
    assert (marked.waiting_since, marked.resolve_by) == (None, committed)
    clock.advance(hours=30)
    service.ask_student(ticket.id, NIC, "确认一下楼号")
    clock.advance(hours=2)
    answered = service.student_message(ticket.id, STUDENT, "5号楼")
    assert answered.resolve_by == committed + timedelta(hours=2)


def test_mark_complex_commits_a_date_and_tells_the_student(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "宿舍调换", "nic")
    clock.advance(hours=2)
    committed = START + 5 * DAY
    done = service.mark_complex(ticket.id, NIC, resolve_by=committed, note="需后勤协调")
    assert (done.complexity, done.resolve_by, done.respond_by) == (
        "complex",
        committed,
        ticket.respond_by,
    )
    assert done.responded_at == START + timedelta(hours=2)
    student = [n for n in service.outbox.pending() if n.recipient == "student"]
    assert student[-1].kind == "complex"
    assert "需后勤协调" in student[-1].text
    with pytest.raises(TicketError):
        service.mark_complex(ticket.id, NIC, resolve_by=START, note="")


def test_resolution_tells_the_student_and_asks_for_a_rating_then_reopen(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "门禁", "nic")
    service.resolve(ticket.id, NIC, "已重新授权")
    kinds = [n.kind for n in service.outbox.pending() if n.recipient == "student"]
    assert kinds == ["resolved", "rate_request"]
    rated = service.rate(ticket.id, STUDENT, 4, "很快")
    assert (rated.rating, rated.rating_comment) == (4, "很快")
    clock.advance(hours=30)
    reopened = service.reopen(ticket.id, STUDENT, "还是打不开")
    assert reopened.status is TicketStatus.IN_PROGRESS
    assert reopened.resolved_at is None
    assert reopened.resolve_by == clock.now() + DAY
    assert reopened.respond_by == ticket.respond_by
    # The rating judged a resolution the student has rejected: it leaves the ticket (and the
    # satisfaction rate) but stays in the history; the next resolution asks again.
    assert (reopened.rating, reopened.rating_comment, reopened.rated_at) == (None, None, None)
    assert "rated" in [event.kind for event in service.history(ticket.id)]
    with pytest.raises(InvalidTransition):
        service.reopen(ticket.id, STUDENT, "again")
    service.resolve(ticket.id, NIC, "换了读卡器")
    kinds = [n.kind for n in service.outbox.pending() if n.recipient == "student"]
    assert kinds[-2:] == ["resolved", "rate_request"]
    assert service.rate(ticket.id, STUDENT, 5).rating_comment is None


def test_reopen_window_is_enforced(service: TicketService, clock: ManualClock) -> None:
    ticket = service.open(STUDENT, "门禁", "nic")
    service.resolve(ticket.id, NIC)
    clock.advance(days=8)
    with pytest.raises(InvalidTransition, match="7"):
        service.reopen(ticket.id, STUDENT, "late")


def test_student_sees_only_their_own_tickets(service: TicketService) -> None:
    mine = service.open(STUDENT, "a", "nic")
    service.open(OTHER_STUDENT, "b", "jwc")
    service.cancel(mine.id, STUDENT)
    assert service.for_student("terminal", "s1") == []
    assert [t.id for t in service.for_student("terminal", "s1", open_only=False)] == [mine.id]
    assert [t.unit for t in service.queue()] == ["jwc"]


def test_a_units_queue_runs_by_the_running_deadline_and_keeps_what_it_handed_on(
    service: TicketService, clock: ManualClock
) -> None:
    first = service.open(STUDENT, "a", "nic")  # respond by START + 24 h
    clock.advance(hours=1)
    second = service.open(STUDENT, "b", "nic")  # START + 25 h
    service.mark_complex(first.id, NIC, resolve_by=START + 10 * DAY)  # responded: 10 days
    clock.advance(hours=1)
    third = service.open(STUDENT, "c", "nic")  # START + 26 h
    service.transfer(third.id, NIC, "jwc", "教务相关")
    assert [t.id for t in service.queue("nic")] == [second.id, third.id, first.id]
    assert [t.id for t in service.queue("jwc")] == [third.id]
    service.claim(third.id, JWC)  # accepted: nic no longer answers for it
    assert [t.id for t in service.queue("nic")] == [second.id, first.id]


def test_closed_tickets_refuse_staff_actions(service: TicketService) -> None:
    ticket = service.open(STUDENT, "a", "nic")
    service.resolve(ticket.id, NIC)
    with pytest.raises(InvalidTransition, match="办结"):
        service.reply(ticket.id, NIC, "more")
