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

from sqlalchemy import Connection, select, text

from bot.clock import Clock
from bot.config import Settings
from bot.sla.calendar import Calendar
from bot.sla.schedule import DueNotice, SlaView, schedule
from bot.storage.database import Database
from bot.storage.tables import OutboxRow, SlaNoticeRow, TicketRow
from bot.tickets.model import Language
from bot.tickets.notices import staff_text, student_text

_T = TicketRow.__table__  # type: ignore[attr-defined]
_NOTICES = SlaNoticeRow.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]

_WHAT = {"respond": "答复", "resolve": "办结"}
_KIND_NAMES = {"warn": "提醒", "breach": "督办", "remind": "催办"}
_OUTBOX_KIND = {"warn": "sla_warning", "breach": "sla_breach", "remind": "sla_reminder"}
DIGEST_LINES = 30  # a digest lists this many tickets; staff see the rest in their queue


def _json(rows: list[Any], connection: Connection) -> str:
    """Rows as JSON, datetimes in the form the dialect stores them (SQLite: naive UTC text)."""
    sqlite = connection.dialect.name == "sqlite"

    def encode(value: object) -> str:
        if isinstance(value, datetime):
            utc = value.astimezone(UTC)
            return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc.isoformat()
        raise TypeError(f"cannot encode {value!r}")

    return json.dumps(rows, default=encode, separators=(",", ":"))


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
        rows = connection.execute(
            select(
                _T.c.id,
                _T.c.status,
                _T.c.unit,
                _T.c.accountable_unit,
                _T.c.respond_by,
                _T.c.resolve_by,
                _T.c.responded_at,
                _T.c.resolved_at,
                _T.c.rating,
                _T.c.reopen_count,
                _T.c.student_channel,
                _T.c.student_chat_id,
                _T.c.student_language,
            )
            .where(_T.c.next_sla_at <= now)
            .order_by(_T.c.next_sla_at)
            .limit(self._batch)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return SweepResult(0, 0, 0)
        sla = self._settings.sla
        notices: list[dict[str, Any]] = []
        pending: dict[tuple[int, str], tuple[Any, DueNotice]] = {}
        nexts: list[tuple[int, datetime | None]] = []
        for row in rows:
            view = SlaView(
                row.status,
                row.respond_by,
                row.resolve_by,
                row.responded_at,
                row.resolved_at,
                row.rating,
                row.reopen_count,
            )
            plan = schedule(view, now, sla, self._calendar_for_unit(row.unit))
            for notice in plan.due:
                notices.append(
                    {
                        "ticket_id": row.id,
                        "kind": notice.key,
                        "due_at": notice.due_at,
                        "created_at": now,
                    }
                )
                pending[(row.id, notice.key)] = (row, notice)
            nexts.append((row.id, plan.next_at))
        fresh = self._record(connection, notices)
        outbox = self._messages([pending[key] for key in fresh], now)
        if outbox:
            connection.execute(_OUTBOX.insert(), outbox)
        self._move_on(connection, nexts)
        return SweepResult(len(rows), len(fresh), len(outbox))

    def _record(
        self, connection: Connection, notices: list[dict[str, Any]]
    ) -> list[tuple[int, str]]:
        """Insert the notices; return the keys that were new (not sent by anyone before).

        One statement per batch, the rows passed as one JSON document: thousands of bound
        parameters cost more to convert than the database takes to insert the rows.
        """
        if not notices:
            return []
        if connection.dialect.name == "postgresql":
            statement = text(
                "INSERT INTO sla_notices (ticket_id, kind, due_at, created_at) "
                "SELECT t.i, t.k, t.d, t.c FROM jsonb_to_recordset(CAST(:rows AS jsonb)) "
                "AS t(i int, k text, d timestamptz, c timestamptz) "
                "ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING ticket_id, kind"
            )
            payload = _json(
                [
                    {"i": n["ticket_id"], "k": n["kind"], "d": n["due_at"], "c": n["created_at"]}
                    for n in notices
                ],
                connection,
            )
        else:
            statement = text(
                "INSERT INTO sla_notices (ticket_id, kind, due_at, created_at) "
                "SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(:rows) "
                "WHERE true ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING ticket_id, kind"
            )
            payload = _json(
                [[n["ticket_id"], n["kind"], n["due_at"], n["created_at"]] for n in notices],
                connection,
            )
        result = connection.execute(statement, {"rows": payload})
        return [(int(row.ticket_id), str(row.kind)) for row in result.all()]

    def _move_on(self, connection: Connection, nexts: list[tuple[int, datetime | None]]) -> None:
        """Set each ticket's next SLA moment, in one statement."""
        if connection.dialect.name == "postgresql":
            payload = _json([{"i": tid, "n": at} for tid, at in nexts], connection)
            statement = text(
                "UPDATE tickets SET next_sla_at = v.n "
                "FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS v(i int, n timestamptz) "
                "WHERE tickets.id = v.i"
            )
        else:
            payload = _json([[tid, at] for tid, at in nexts], connection)
            statement = text(
                "UPDATE tickets SET next_sla_at = v.n FROM "
                "(SELECT value ->> 0 AS i, value ->> 1 AS n FROM json_each(:rows)) AS v "
                "WHERE tickets.id = v.i"
            )
        connection.execute(statement, {"rows": payload})

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
