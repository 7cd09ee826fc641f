"""Property tests: random sequences of what staff, students and time do to tickets.

Whatever happens: a transfer never moves a deadline; every warning is queued before its
deadline; no SLA notice is queued twice; every resolved ticket's last word to the student is
the resolution (with a rating request).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.sla.sweeper import Sweeper
from bot.storage.database import Database
from bot.tickets.errors import TicketError
from bot.tickets.service import TicketService
from tests.support.tickets import ADMIN, JWC, NIC, START, STUDENT, ticket_service
from tests.support.tickets import sweeper as make_sweeper

WARNING_DEADLINE = re.compile(r"时限还有 [0-9.]+ 小时（(\d{4}-\d\d-\d\d \d\d:\d\d)）")
BEIJING = ZoneInfo("Asia/Shanghai")
ACTIONS = st.sampled_from(
    ["wait", "wait", "sweep", "reply", "ask", "student", "transfer", "return", "claim", "resolve"]
)
STEP = st.tuples(ACTIONS, st.integers(min_value=0, max_value=2), st.floats(0.5, 9.0))


def _world(path: Path) -> tuple[TicketService, Sweeper, ManualClock, Database]:
    clock = ManualClock(START)
    database = Database(f"sqlite:///{path}")
    database.migrate()
    service = ticket_service(database, clock)
    sweeper = make_sweeper(database, clock)
    return service, sweeper, clock, database


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_random_lifecycles_keep_the_promise_rules(
    tmp_path_factory: object, steps: list[tuple[str, int, float]]
) -> None:
    path = tmp_path_factory.mktemp("props") / "fd.db"  # type: ignore[attr-defined]
    service, sweeper, clock, database = _world(path)
    tickets = [service.open(STUDENT, f"问题{i}", "nic") for i in range(3)]
    deadlines = {t.id: t.respond_by for t in tickets}
    for action, index, hours in steps:
        ticket = service.get(tickets[index].id)
        try:
            if action == "wait":
                clock.advance(hours=hours)
            elif action == "sweep":
                sweeper.sweep()
            elif action == "reply":
                service.reply(ticket.id, ADMIN, "回复")
            elif action == "ask":
                service.ask_student(ticket.id, ADMIN, "请补充")
            elif action == "student":
                service.student_message(ticket.id, STUDENT, "补充")
            elif action == "transfer":
                target = "jwc" if ticket.unit != "jwc" else "nic"
                before = service.get(ticket.id)
                after = service.transfer(ticket.id, ADMIN, target, "转办")
                assert (after.respond_by, after.resolve_by) == (
                    before.respond_by,
                    before.resolve_by,
                )
            elif action == "return":
                service.return_misrouted(ticket.id, ADMIN, "退单")
            elif action == "claim":
                service.claim(ticket.id, NIC if ticket.unit == "nic" else JWC)
            else:
                service.resolve(ticket.id, ADMIN, "办结")
        except TicketError:
            pass  # refused operations are part of the sequence; they must change nothing
        assert service.get(ticket.id).respond_by == deadlines[ticket.id]
        assert service.get(ticket.id).unit  # never without an owning unit
    sweeper.sweep()

    from sqlmodel import select

    from bot.storage.tables import OutboxRow, SlaNoticeRow

    with database.session() as session:
        notices = session.exec(select(SlaNoticeRow)).all()
        rows = session.exec(select(OutboxRow)).all()
    keys = Counter((n.ticket_id, n.key) for n in notices)
    assert set(keys.values()) <= {1}, "a notice was planned twice"
    for row in rows:
        if row.kind == "sla_warning":
            for deadline in WARNING_DEADLINE.findall(row.text):
                local = datetime.fromisoformat(deadline).replace(tzinfo=BEIJING)
                # Deadlines are shown to the minute: allow for the seconds cut off.
                assert local + timedelta(minutes=1) > row.created_at, f"late warning: {row.text}"
    sla_rows = Counter(
        (r.ticket_id, r.kind, r.address, r.text) for r in rows if r.kind.startswith("sla_")
    )
    assert set(sla_rows.values()) <= {1}, "an SLA message was queued twice"
    for ticket in tickets:
        final = service.get(ticket.id)
        if final.resolved_at is not None:
            to_student = [r for r in rows if r.ticket_id == ticket.id and r.recipient == "student"]
            last_kinds = [r.kind for r in to_student if r.created_at <= final.resolved_at][-2:]
            assert last_kinds == ["resolved", "rate_request"]
    database.dispose()
