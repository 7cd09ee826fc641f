"""The sweeper on real databases: warnings, 督办 at breach, 催办, 回访, exactly once."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.sla.sweeper import Sweeper
from bot.storage.database import Database
from bot.tickets.outbox import Notification
from bot.tickets.service import TicketService
from tests.support.tickets import NIC, STUDENT, sweeper, ticket_service


def make_sweeper(database: Database, clock: ManualClock) -> Sweeper:
    return sweeper(database, clock)


def _tickets_in(text: str) -> int:
    """How many tickets a staff message is about (a digest says so in its first line)."""
    counted = re.match(r"\S+：以下 (\d+) 个问题", text)
    return int(counted.group(1)) if counted else 1


def sla_messages(service: TicketService) -> list[Notification]:
    return [n for n in service.outbox.pending() if n.kind.startswith(("sla_", "rating_"))]


def test_a_ticket_nobody_answers_warns_then_escalates_then_reminds(
    service: TicketService, database: Database, clock: ManualClock
) -> None:
    sweeper = make_sweeper(database, clock)
    ticket = service.open(STUDENT, "宿舍断网", "nic")
    steps = [
        (19, []),
        (20, [("sla_warning", "nic")]),
        (23, [("sla_warning", "nic")]),
        (24, [("sla_breach", "nic"), ("sla_breach", "frontdesk")]),
        (25, []),
        (28, [("sla_reminder", "nic"), ("sla_reminder", "frontdesk")]),
    ]
    seen = 0
    for hours, expected in steps:
        clock.set(ticket.opened_at + timedelta(hours=hours))
        sweeper.sweep()
        sweeper.sweep()  # a second pass at the same moment adds nothing
        messages = sla_messages(service)
        assert [(m.kind, m.address) for m in messages[seen:]] == expected, f"at {hours} h"
        seen = len(messages)
    assert {m.ticket_id for m in sla_messages(service)} == {ticket.id}  # links to the ticket
    warnings = [m.text for m in sla_messages(service) if m.kind == "sla_warning"]
    assert "4 小时" in warnings[0]
    assert "1 小时" in warnings[1]
    assert "督办" in sla_messages(service)[2].text


def test_a_breach_on_a_ticket_handed_on_names_both_answerable_units(
    service: TicketService, database: Database, clock: ManualClock
) -> None:
    sweeper = make_sweeper(database, clock)
    ticket = service.open(STUDENT, "路灯坏了", "nic")
    clock.advance(hours=1)
    service.transfer(ticket.id, NIC, "jwc", "不归网信")  # not accepted yet: nic stays on it
    clock.set(ticket.opened_at + timedelta(hours=24))
    sweeper.sweep()
    breaches = [m for m in sla_messages(service) if m.kind == "sla_breach"]
    assert sorted(m.address for m in breaches) == ["frontdesk", "jwc", "nic"]
    for message in breaches:
        assert (
            "责任单位：教务处（承办）、网络信息中心（转出单位，对方受理前仍负责）" in message.text
        )
        assert "教务处负责人、网络信息中心负责人" in message.text


def test_a_response_stops_the_response_clock(
    service: TicketService, database: Database, clock: ManualClock
) -> None:
    sweeper = make_sweeper(database, clock)
    ticket = service.open(STUDENT, "宿舍断网", "nic")
    clock.advance(hours=1)
    service.reply(ticket.id, NIC, "正在处理")
    clock.advance(hours=19)
    sweeper.sweep()
    assert [m.text[:2] for m in sla_messages(service)] == ["提醒"]
    assert "办结" in sla_messages(service)[0].text  # now the resolution clock warns
    service.resolve(ticket.id, NIC, "已修复")
    clock.advance(hours=30)
    sweeper.sweep()
    assert [m.kind for m in sla_messages(service)][-1] == "rating_followup"
    assert sla_messages(service)[-1].address == STUDENT.chat_id


def test_a_sweeper_that_was_down_sends_the_breach_not_stale_warnings(
    service: TicketService, database: Database, clock: ManualClock
) -> None:
    sweeper = make_sweeper(database, clock)
    ticket = service.open(STUDENT, "宿舍断网", "nic")
    clock.set(ticket.opened_at + timedelta(hours=37))
    sweeper.sweep()
    kinds = Counter(m.kind for m in sla_messages(service))
    assert kinds == {"sla_breach": 2, "sla_reminder": 2}


def test_many_due_tickets_make_one_digest_per_unit(
    service: TicketService, database: Database, clock: ManualClock
) -> None:
    sweeper = make_sweeper(database, clock)
    opened = [service.open(STUDENT, f"问题{i}", "nic") for i in range(20)]
    clock.set(opened[0].opened_at + timedelta(hours=24))
    result = sweeper.sweep()
    assert result.due == 60  # three planned notices each: both warnings (stale now) and breach
    assert result.notices == 20
    digests = sla_messages(service)
    # Digests per unit (the front desk hears every breach: 督办), each listing its tickets;
    # nobody gets 20 separate messages.
    assert {m.address for m in digests} == {"nic", "frontdesk"}
    assert len(digests) < 20
    for ticket in opened:
        assert sum(f"#{ticket.id} " in m.text for m in digests) == 2


@pytest.mark.postgres
def test_two_sweepers_on_one_postgresql_send_each_notice_exactly_once(
    postgres_schema_url: object, clock: ManualClock
) -> None:
    url = postgres_schema_url()  # type: ignore[operator]
    first, second = Database(url), Database(url)
    first.migrate()
    service = ticket_service(first, clock)
    tickets = [service.open(STUDENT, f"问题{i}", "nic") for i in range(300)]
    clock.set(tickets[0].opened_at + timedelta(hours=28))
    sweepers = [make_sweeper(first, clock), make_sweeper(second, clock)]
    barrier = threading.Barrier(2)
    results = []

    def run(sweeper: Sweeper) -> None:
        barrier.wait()
        results.append(sweeper.sweep())

    threads = [threading.Thread(target=run, args=(s,)) for s in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One pass handled everything; the other found the watermark locked (or already moved).
    assert sorted(r.notices for r in results) == [0, 600]  # breach + first reminder each
    messages = sla_messages(service)
    for kind in ("sla_breach", "sla_reminder"):
        for unit in ("nic", "frontdesk"):
            listed = sum(
                _tickets_in(m.text) for m in messages if m.kind == kind and m.address == unit
            )
            assert listed == 300, (kind, unit, listed)
    # A later pass at the same moment finds nothing left.
    assert make_sweeper(first, clock).sweep().notices == 0
    first.dispose()
    second.dispose()
