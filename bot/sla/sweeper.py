"""The sweeper: finds every SLA notification due, from the database, and records each once.

Each pass reads only tickets whose `next_sla_at` has come (an indexed column), in batches, under
`FOR UPDATE SKIP LOCKED` on PostgreSQL so several bot processes split the work instead of
repeating it. A notice is recorded in `sla_notices` (unique per ticket and key) in the same
transaction as its outbox rows; a conflicting insert means another sweeper already sent it, so
nothing is queued twice. Runs in the bot's job queue and as `frontdesk sla sweep` for cron.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from bot.clock import Clock
from bot.config import Settings
from bot.sla.calendar import Calendar
from bot.sla.schedule import DueNotice, SlaView, schedule
from bot.storage.database import Database
from bot.storage.tables import OutboxRow
from bot.tickets.model import Language
from bot.tickets.notices import staff_text, student_text

_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]

_WHAT = {"respond": "答复", "resolve": "办结"}
_KIND_NAMES = {"warn": "提醒", "breach": "督办", "remind": "催办"}
_OUTBOX_KIND = {"warn": "sla_warning", "breach": "sla_breach", "remind": "sla_reminder"}
DIGEST_LINES = 30  # a digest lists this many tickets; staff see the rest in their queue


_DUE_SQL = (
    "SELECT id, status, unit, accountable_unit, respond_by, resolve_by, responded_at, "
    "resolved_at, rating, reopen_count, student_channel, student_chat_id, student_language "
    "FROM tickets WHERE next_sla_at <= :now ORDER BY next_sla_at LIMIT :limit"
)


class _Times:
    """Datetimes as the dialect stores them: PostgreSQL timestamptz, SQLite naive UTC text."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgresql"

    def param(self, when: datetime) -> Any:
        if self.postgres:
            return when
        # The text form SQLAlchemy's SQLite DateTime writes, so comparisons stay textual.
        return when.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def at(self, value: Any) -> datetime:
        parsed = self.parse(value)
        if parsed is None:
            raise ValueError("a deadline column is NULL")
        return parsed

    def parse(self, value: Any) -> datetime | None:
        if value is None or isinstance(value, datetime):
            return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _outbox_row(
    now: datetime,
    recipient: str,
    channel: str | None,
    address: str,
    ticket_id: int | None,
    kind: str,
    text: str,
) -> dict[str, Any]:
    return {
        "created_at": now,
        "recipient": recipient,
        "channel": channel,
        "address": address,
        "ticket_id": ticket_id,
        "kind": kind,
        "text": text,
        "status": "pending",
        "attempts": 0,
    }


@dataclass(frozen=True)
class SweepResult:
    tickets: int  # tickets looked at
    notices: int  # notices newly recorded (and queued)
    messages: int  # outbox rows written


class Sweeper:
    """Finds due warnings, breaches (督办), reminders (催办) and rating follow-ups (回访)."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        clock: Clock,
        *,
        calendar_for_unit: Callable[[str], Calendar],
        unit_names: Callable[[], Mapping[str, str]],
        supervisors: Callable[[], Mapping[str, str]] = dict,
        batch: int = 2000,
    ) -> None:
        self._database = database
        self._settings = settings
        self._clock = clock
        self._calendar_for_unit = calendar_for_unit
        self._unit_names = unit_names
        self._supervisors = supervisors
        self._batch = batch

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """One full pass: every ticket due at `now` (default: the clock's now) is handled."""
        now = now or self._clock.now()
        total = SweepResult(0, 0, 0)
        while True:
            with self._database.engine.begin() as connection:
                result = self._batch_pass(connection, now)
            total = SweepResult(
                total.tickets + result.tickets,
                total.notices + result.notices,
                total.messages + result.messages,
            )
            if result.tickets < self._batch:
                return total

    def _batch_pass(self, connection: Connection, now: datetime) -> SweepResult:
        times = _Times(connection.dialect.name)
        # Plain SQL: at thousands of rows per batch, ORM/type machinery would cost more than
        # the database does; the few values that need converting are converted here.
        lock = " FOR UPDATE SKIP LOCKED" if times.postgres else ""
        rows = connection.execute(
            text(_DUE_SQL + lock), {"now": times.param(now), "limit": self._batch}
        ).all()
        if not rows:
            return SweepResult(0, 0, 0)
        sla = self._settings.sla
        keys: list[tuple[int, str, datetime]] = []
        pending: dict[tuple[int, str], tuple[Any, DueNotice]] = {}
        nexts: list[tuple[int, datetime | None]] = []
        parse = times.parse
        for row in rows:
            view = SlaView(
                row.status,
                times.at(row.respond_by),
                times.at(row.resolve_by),
                parse(row.responded_at),
                parse(row.resolved_at),
                row.rating,
                row.reopen_count,
            )
            plan = schedule(view, now, sla, self._calendar_for_unit(row.unit))
            for notice in plan.due:
                keys.append((row.id, notice.key, notice.due_at))
                pending[(row.id, notice.key)] = (row, notice)
            nexts.append((row.id, plan.next_at))
        fresh = self._record(connection, times, keys, now)
        outbox = self._messages([pending[key] for key in fresh], now)
        if outbox:
            connection.execute(_OUTBOX.insert(), outbox)
        self._move_on(connection, times, nexts)
        return SweepResult(len(rows), len(fresh), len(outbox))

    def _record(
        self,
        connection: Connection,
        times: _Times,
        keys: list[tuple[int, str, datetime]],
        now: datetime,
    ) -> list[tuple[int, str]]:
        """Insert the notices; return the keys that were new (not sent by anyone before).

        One statement per batch: thousands of bound parameters would cost more to convert
        than the database takes to insert the rows.
        """
        if not keys:
            return []
        if times.postgres:
            statement = text(
                "INSERT INTO sla_notices (ticket_id, kind, due_at, created_at) "
                "SELECT t.i, t.k, t.d, :now FROM unnest(CAST(:ids AS int[]), "
                "CAST(:kinds AS text[]), CAST(:dues AS timestamptz[])) AS t(i, k, d) "
                "ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING ticket_id, kind"
            )
            values: dict[str, Any] = {
                "ids": [k[0] for k in keys],
                "kinds": [k[1] for k in keys],
                "dues": [k[2] for k in keys],
            }
        else:
            statement = text(
                "INSERT INTO sla_notices (ticket_id, kind, due_at, created_at) "
                "SELECT value ->> 0, value ->> 1, value ->> 2, :now FROM json_each(:rows) "
                "WHERE true ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING ticket_id, kind"
            )
            values = {"rows": json.dumps([[i, k, times.param(d)] for i, k, d in keys])}
        result = connection.execute(statement, {**values, "now": times.param(now)})
        return [(int(row.ticket_id), str(row.kind)) for row in result.all()]

    def _move_on(
        self, connection: Connection, times: _Times, nexts: list[tuple[int, datetime | None]]
    ) -> None:
        """Set each ticket's next SLA moment, in one statement."""
        if times.postgres:
            statement = text(
                "UPDATE tickets SET next_sla_at = t.n FROM unnest(CAST(:ids AS int[]), "
                "CAST(:nexts AS timestamptz[])) AS t(i, n) WHERE tickets.id = t.i"
            )
            values: dict[str, Any] = {
                "ids": [tid for tid, _ in nexts],
                "nexts": [at for _, at in nexts],
            }
        else:
            statement = text(
                "UPDATE tickets SET next_sla_at = v.n FROM "
                "(SELECT value ->> 0 AS i, value ->> 1 AS n FROM json_each(:rows)) AS v "
                "WHERE tickets.id = v.i"
            )
            rows = [[tid, None if at is None else times.param(at)] for tid, at in nexts]
            values = {"rows": json.dumps(rows)}
        connection.execute(statement, values)

    def _messages(self, fresh: list[tuple[Any, DueNotice]], now: datetime) -> list[dict[str, Any]]:
        """Outbox rows for the new notices: one per student follow-up, and for staff one
        message per unit and kind of alert, listing its tickets (a digest, not a flood)."""
        names = self._unit_names()
        frontdesk = self._settings.frontdesk_unit
        messages: list[dict[str, Any]] = []
        groups: dict[tuple[str, str, str, float], list[tuple[Any, DueNotice]]] = defaultdict(list)
        for row, notice in fresh:
            if notice.kind == "rating_followup":
                lang: Language = "en" if row.student_language == "en" else "zh"
                text = student_text("rating_followup", lang, number=f"#{row.id}")
                messages.append(
                    _outbox_row(
                        now,
                        "student",
                        row.student_channel,
                        row.student_chat_id,
                        row.id,
                        "rating_followup",
                        text,
                    )
                )
                continue
            # The owning unit always hears; the accountable unit too while it differs (首接负责);
            # escalations (督办/催办) also reach the front desk, whose admins supervise every unit.
            units = [row.unit] + (
                [row.accountable_unit] if row.accountable_unit != row.unit else []
            )
            if notice.kind != "warn" and frontdesk not in units:
                units.append(frontdesk)
            for unit in units:
                groups[(unit, notice.kind, notice.clause, notice.hours)].append((row, notice))
        for (unit, kind, clause, _hours), items in groups.items():
            texts = [self._line(row, notice, names, now) for row, notice in items[:DIGEST_LINES]]
            if len(items) == 1:
                text = texts[0]
            else:
                header = staff_text(
                    "digest", count=len(items), what=_WHAT[clause], kind=_KIND_NAMES[kind]
                )
                shown = texts
                more = len(items) - len(shown)
                tail = [staff_text("digest_more", count=more)] if more else []
                text = "\n".join([header, *shown, *tail])
            ticket_id = items[0][0].id if len(items) == 1 else None
            messages.append(
                _outbox_row(now, "unit", None, unit, ticket_id, _OUTBOX_KIND[kind], text)
            )
        return messages

    def _line(self, row: Any, notice: DueNotice, names: Mapping[str, str], now: datetime) -> str:
        number = f"#{row.id}"
        deadline = self._local(notice.deadline)
        unit_name = names.get(row.unit, row.unit)
        what = _WHAT[notice.clause]
        if notice.kind == "warn":
            return staff_text(
                "warn", number=number, what=what, hours=f"{notice.hours:g}", deadline=deadline
            )
        if notice.kind == "breach":
            supervisor = self._supervisors().get(row.unit) or f"{unit_name}负责人"
            return staff_text(
                "breach",
                number=number,
                what=what,
                deadline=deadline,
                unit=unit_name,
                supervisor=supervisor,
            )
        hours_over = int((now - notice.deadline).total_seconds() // 3600)
        return staff_text(
            "remind", number=number, what=what, overdue=f"{hours_over} 小时", unit=unit_name
        )

    def _local(self, when: datetime) -> str:
        local = when.astimezone(ZoneInfo(self._settings.sla.timezone))
        return f"{local:%Y-%m-%d %H:%M}"
