"""Benchmark: one SLA sweep over 1,000,000 stored tickets (10,000 of them due).

    python bench/sweep_bench.py [--tickets 1000000] [--due 10000] [--runs 5] [--postgres URL]

Fills a SQLite file and a PostgreSQL schema with tickets (most resolved, a tenth open with
future deadlines, `--due` open ones whose 4-hour warning has come) and their planned SLA
notices, as the ticket store writes them; then times the project's sweeper and, in the same
run, a naive sweep that reads every ticket and decides in Python. Each run first restores the
due tickets' plan, so every run does the same work. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import delete, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import ManualClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.sla.calendar import NaturalCalendar  # noqa: E402
from bot.sla.schedule import SlaView, plan  # noqa: E402
from bot.sla.sweeper import Sweeper  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.tables import OutboxRow, SlaNoticeRow, TicketRow  # noqa: E402

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T = TicketRow.__table__  # type: ignore[attr-defined]
S = SlaNoticeRow.__table__  # type: ignore[attr-defined]
SETTINGS = Settings()
UNITS = ["nic", "jwc", "xsc", "yjsy", "cwc", "hqc", "bwc", "lib", "gjc", "jyzx", "card"]


def fill(database: Database, total: int, due: int, chunk: int = 50_000) -> None:
    """Insert `total` tickets: `due` open ones 21 h old (their 4-hour warning is due now)."""
    open_future = total // 10
    with database.engine.begin() as connection:
        for start in range(0, total, chunk):
            rows = [_row(i, due, open_future) for i in range(start, min(total, start + chunk))]
            connection.execute(T.insert(), rows)
            planned = [
                p for number, row in enumerate(rows, start=start + 1) for p in _plan(number, row)
            ]
            if planned:
                connection.execute(S.insert(), planned)


def _plan(ticket_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The planned notices the ticket store would have written for this ticket."""
    view = SlaView(
        row["status"],
        row["respond_by"],
        row["resolve_by"],
        row["responded_at"],
        row["resolved_at"],
        row["rating"],
        row["reopen_count"],
    )
    return [
        {
            "ticket_id": ticket_id,
            "key": p.key,
            "kind": p.kind,
            "clause": p.clause,
            "hours": p.hours,
            "due_at": int(p.due_at.timestamp()),
            "deadline": int(p.deadline.timestamp()),
            "unit": row["unit"],
            "accountable_unit": row["accountable_unit"],
            "student_channel": row["student_channel"],
            "student_chat_id": row["student_chat_id"],
            "student_language": row["student_language"],
        }
        for p in plan(view, row["opened_at"], SETTINGS.sla, NaturalCalendar())
    ]


def _row(i: int, due: int, open_future: int) -> dict[str, Any]:
    if i < due:
        opened, status = NOW - timedelta(hours=21), "open"
    elif i < due + open_future:
        opened, status = NOW - timedelta(hours=2), "in_progress"
    else:
        opened, status = NOW - timedelta(days=30 + i % 300), "resolved"
    resolved = opened + timedelta(hours=5) if status == "resolved" else None
    return {
        "status": status,
        "question": "宿舍网络连不上",
        "unit": UNITS[i % len(UNITS)],
        "first_unit": UNITS[i % len(UNITS)],
        "accountable_unit": UNITS[i % len(UNITS)],
        "complexity": "general",
        "student_channel": "telegram",
        "student_user_id": str(i),
        "student_chat_id": str(i),
        "student_name": "",
        "student_language": "zh",
        "opened_at": opened,
        "respond_by": opened + timedelta(hours=24),
        "resolve_by": opened + timedelta(hours=24),
        "responded_at": resolved,
        "resolved_at": resolved,
        "rating": 5 if resolved else None,
        "reopen_count": 0,
    }


def reset(database: Database, due: int) -> None:
    """Undo a sweep: the watermark back to before the due notices, messages and the
    reminders it planned gone, so every run does the same work."""
    del due  # the due notices stay planned; only the watermark moves back
    with database.engine.begin() as connection:
        connection.execute(delete(OutboxRow.__table__))  # type: ignore[attr-defined]
        connection.execute(delete(S).where(S.c.kind == "remind", S.c.due_at > int(NOW.timestamp())))
        before = int((NOW - timedelta(hours=2)).timestamp())
        connection.execute(text("UPDATE sla_sweeps SET swept_to = :t"), {"t": before})


def naive_sweep(database: Database, settings: Settings) -> int:
    """The obvious way: read every ticket and every handled notice, decide in Python what is
    due now (the same plan the store writes), count what has not been handled."""
    calendar = NaturalCalendar()
    now = int(NOW.timestamp())
    found = 0
    with database.engine.begin() as connection:
        swept_to = connection.execute(text("SELECT swept_to FROM sla_sweeps")).scalar_one()
        handled = {
            (row.ticket_id, row.key)
            for row in connection.execute(select(S).where(S.c.due_at <= swept_to))
        }
        for row in connection.execute(select(T).where(T.c.status != "cancelled")):
            view = SlaView(
                row.status,
                row.respond_by,
                row.resolve_by,
                row.responded_at,
                row.resolved_at,
                row.rating,
                row.reopen_count,
            )
            for notice in plan(view, NOW, settings.sla, calendar):
                due = int(notice.due_at.timestamp()) <= now
                if due and (row.id, notice.key) not in handled:
                    found += 1
    return found


def measure(name: str, database: Database, args: argparse.Namespace) -> None:
    settings = Settings(database_url=database.url)
    started = time.perf_counter()
    fill(database, args.tickets, args.due)
    if database.dialect == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE tickets"))
    print(f"[{name}] filled {args.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
    sweeper = Sweeper(
        database,
        settings,
        ManualClock(NOW),
        calendar_for_unit=lambda _unit: NaturalCalendar(),
        unit_names=lambda: {unit: unit for unit in UNITS},
    )
    sweeps: list[float] = []
    notices = 0
    for _ in range(args.runs):
        reset(database, args.due)
        started = time.perf_counter()
        result = sweeper.sweep(NOW)
        sweeps.append(time.perf_counter() - started)
        notices = result.notices
    naive: list[float] = []
    naive_found = 0
    for _ in range(max(1, args.runs // 2)):
        reset(database, args.due)
        started = time.perf_counter()
        naive_found = naive_sweep(database, settings)
        naive.append(time.perf_counter() - started)
    sweep_ms = statistics.median(sweeps) * 1000
    naive_ms = statistics.median(naive) * 1000
    print(
        f"[{name}] sweep: median {sweep_ms:8.1f} ms  (runs: "
        f"{', '.join(f'{s * 1000:.1f}' for s in sweeps)})  notices {notices:,}"
    )
    print(f"[{name}] naive full scan: median {naive_ms:8.1f} ms  notices found {naive_found:,}")
    print(f"[{name}] full scan / sweep = {naive_ms / sweep_ms:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        database.migrate()
        measure("sqlite", database, args)
        database.dispose()
    if args.skip_postgres:
        return
    schema = f"fd_bench_{uuid.uuid4().hex[:8]}"
    admin = Database(args.postgres)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        database = Database(f"{args.postgres}?options=-csearch_path%3D{schema}")
        database.migrate()
        measure("postgresql", database, args)
        database.dispose()
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
