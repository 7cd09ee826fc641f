"""Simulate a month of tickets and print `frontdesk report` for it (with CSV and chart).

    python bench/report_demo.py [--database sqlite:///report-demo.db] [--chart report.png]

Drives the real ticket service and sweeper with a moving clock: units answer at different
speeds, some miss the 24-hour promise, some tickets are transferred or marked complex,
students rate what was resolved. Then runs the report command on that database.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_frontdesk  # noqa: E402
from bot.cli import main as frontdesk  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import settings_from_mapping  # noqa: E402
from bot.tickets.errors import TicketError  # noqa: E402
from bot.tickets.model import Actor, StudentRef  # noqa: E402

# Hours each unit typically takes to respond (a unit's habits make the league table).
UNIT_SPEED = {
    "nic": 3,
    "jwc": 10,
    "xsc": 14,
    "cwc": 20,
    "hqc": 8,
    "lib": 2,
    "card": 5,
    "hospital": 26,
}
START = datetime(2026, 10, 24, 1, 0, tzinfo=UTC)


def simulate(database: str, days: int = 30, seed: int = 7) -> None:
    rng = random.Random(seed)
    clock = ManualClock(START)
    settings = settings_from_mapping({}, {"FRONTDESK_EMBEDDINGS": "0"}, kb_dir=ROOT / "kb")
    from dataclasses import replace

    desk = build_frontdesk(replace(settings, database_url=database), clock=clock)
    plans: list[tuple[datetime, str, int, Actor]] = []
    for day in range(days):
        for _ in range(rng.randint(6, 14)):
            clock.set(START + timedelta(days=day, hours=rng.uniform(0, 14)))
            unit = rng.choice(list(UNIT_SPEED))
            student = StudentRef("telegram", str(rng.randint(1, 400)), "0", language="zh")
            ticket = desk.tickets.open(student, f"模拟问题 {unit}", unit)
            staff = Actor("staff", f"sim:{unit}", unit, frozenset({unit}))
            delay = rng.expovariate(1 / UNIT_SPEED[unit])
            plans.append((ticket.opened_at + timedelta(hours=delay), "reply", ticket.id, staff))
            done = delay + rng.expovariate(1 / (UNIT_SPEED[unit] * 1.2))
            plans.append((ticket.opened_at + timedelta(hours=done), "resolve", ticket.id, staff))
    plans.sort(key=lambda plan: plan[0])
    now = START + timedelta(days=days)
    for when, action, ticket_id, staff in plans:
        if when > now:
            continue
        clock.set(when)
        try:
            if action == "reply":
                desk.tickets.reply(ticket_id, staff, "已收到，正在处理")
            else:
                ticket = desk.tickets.resolve(ticket_id, staff, "已办结")
                if rng.random() < 0.7:
                    late = ticket.resolved_at is not None and ticket.resolved_at > ticket.resolve_by
                    score = rng.choice([2, 3, 4] if late else [4, 5, 5, 5, 3])
                    desk.tickets.rate(ticket_id, ticket.student, score)
        except TicketError:
            pass
        if rng.random() < 0.05:
            desk.sweeper.sweep()
    clock.set(now)
    desk.sweeper.sweep()
    desk.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///report-demo.db")
    parser.add_argument("--chart", default="report-demo.png")
    parser.add_argument("--csv", default="report-demo.csv")
    args = parser.parse_args()
    simulate(args.database)
    frontdesk(
        [
            "--database",
            args.database,
            "report",
            "--since",
            "2026-10-24",
            "--until",
            "2026-11-22",
            "--csv",
            args.csv,
            "--chart",
            args.chart,
        ],
        environ={"FRONTDESK_EMBEDDINGS": "0"},
        clock=ManualClock(START + timedelta(days=30)),
    )


if __name__ == "__main__":
    main()
