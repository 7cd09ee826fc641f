"""The outbox: claimed once, retried after a failure, given up after too many."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.tickets.outbox import MAX_ATTEMPTS
from bot.tickets.service import TicketService
from tests.support.tickets import NIC, OTHER_STUDENT, STUDENT


def test_each_notification_is_claimed_by_one_deliverer(service: TicketService) -> None:
    ticket = service.open(STUDENT, "问题", "nic")
    service.reply(ticket.id, NIC, "答复")
    outbox = service.outbox
    assert [n.kind for n in outbox.claim("terminal")] == ["staff_reply"]
    assert outbox.claim("terminal") == []  # already claimed
    assert [n.kind for n in outbox.claim("telegram", units=["nic"])] == ["new_ticket"]
    assert outbox.claim_for_units(["nic"]) == []


def test_addresses_keep_students_apart(service: TicketService) -> None:
    mine = service.open(STUDENT, "a", "nic")
    theirs = service.open(OTHER_STUDENT, "b", "nic")
    service.reply(mine.id, NIC, "to s1")
    service.reply(theirs.id, NIC, "to s2")
    got = service.outbox.claim_for_address("terminal", "s2")
    assert len(got) == 1
    assert "to s2" in got[0].text


def test_failed_sends_are_retried_then_given_up(service: TicketService, clock: ManualClock) -> None:
    ticket = service.open(STUDENT, "问题", "nic")
    service.reply(ticket.id, NIC, "答复")
    outbox = service.outbox
    for attempt in range(1, MAX_ATTEMPTS + 1):
        (claimed,) = outbox.claim("terminal")
        assert claimed.attempts == attempt
        outbox.mark_failed(claimed.id, "chat not found")
    assert outbox.claim("terminal") == []
    assert [n.kind for n in outbox.pending() if n.recipient == "student"] == ["staff_reply"]


def test_a_claim_abandoned_by_a_dead_process_is_retried(
    service: TicketService, clock: ManualClock
) -> None:
    ticket = service.open(STUDENT, "问题", "nic")
    service.reply(ticket.id, NIC, "答复")
    assert len(service.outbox.claim("terminal")) == 1
    clock.advance(timedelta(minutes=10))
    (again,) = service.outbox.claim("terminal")
    service.outbox.mark_sent(again.id)
    assert [n for n in service.outbox.pending() if n.recipient == "student"] == []
