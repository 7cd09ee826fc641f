"""The sweeper: finds every SLA notification due, from the database, and records each once.

Each pass reads only tickets whose `next_sla_at` has come (an indexed column), in batches, under
`FOR UPDATE SKIP LOCKED` on PostgreSQL so several bot processes split the work instead of
repeating it. A notice is recorded in `sla_notices` (unique per ticket and key) in the same
transaction as its outbox rows; a conflicting insert means another sweeper already sent it, so
nothing is queued twice. Runs in the bot's job queue and as `frontdesk sla sweep` for cron.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

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
        nexts: list[dict[str, Any]] = []
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
            nexts.append({"tid": row.id, "next_at": plan.next_at})
        fresh = self._record(connection, notices)
        outbox = [message for key in fresh for message in self._messages(*pending[key], now)]
        if outbox:
            connection.execute(_OUTBOX.insert(), outbox)
        connection.execute(
            update(_T).where(_T.c.id == bindparam("tid")).values(next_sla_at=bindparam("next_at")),
            nexts,
        )
        return SweepResult(len(rows), len(fresh), len(outbox))

    def _record(
        self, connection: Connection, notices: list[dict[str, Any]]
    ) -> list[tuple[int, str]]:
        """Insert the notices; return the keys that were new (not sent by anyone before)."""
        if not notices:
            return []
        dialect = connection.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(_NOTICES)
            .on_conflict_do_nothing(index_elements=["ticket_id", "kind"])
            .returning(_NOTICES.c.ticket_id, _NOTICES.c.kind)
        )
        result = connection.execute(statement, notices)
        return [(row.ticket_id, row.kind) for row in result.all()]

    def _messages(self, row: Any, notice: DueNotice, now: datetime) -> list[dict[str, Any]]:
        names = self._unit_names()
        frontdesk = self._settings.frontdesk_unit
        number = f"#{row.id}"
        deadline = self._local(notice.deadline)
        unit_name = names.get(row.unit, row.unit)

        def to_unit(unit: str, kind: str, text: str) -> dict[str, Any]:
            return {
                "created_at": now,
                "recipient": "unit",
                "channel": None,
                "address": unit,
                "ticket_id": row.id,
                "kind": kind,
                "text": text,
                "status": "pending",
                "attempts": 0,
            }

        if notice.kind == "rating_followup":
            lang: Language = "en" if row.student_language == "en" else "zh"
            return [
                {
                    **to_unit(row.student_chat_id, "rating_followup", ""),
                    "recipient": "student",
                    "channel": row.student_channel,
                    "text": student_text("rating_followup", lang, number=number),
                }
            ]
        what = _WHAT[notice.clause]
        # The owning unit always hears; the accountable unit too while it differs (首接负责).
        units = [row.unit] + ([row.accountable_unit] if row.accountable_unit != row.unit else [])
        if notice.kind == "warn":
            text = staff_text(
                "warn", number=number, what=what, hours=f"{notice.hours:g}", deadline=deadline
            )
            return [to_unit(unit, "sla_warning", text) for unit in units]
        if notice.kind == "breach":
            supervisor = self._supervisors().get(row.unit) or f"{unit_name}负责人"
            text = staff_text(
                "breach",
                number=number,
                what=what,
                deadline=deadline,
                unit=unit_name,
                supervisor=supervisor,
            )
            kind = "sla_breach"
        else:
            overdue = now - notice.deadline
            hours = int(overdue.total_seconds() // 3600)
            text = staff_text(
                "remind", number=number, what=what, overdue=f"{hours} 小时", unit=unit_name
            )
            kind = "sla_reminder"
        # Escalation (督办/催办) also reaches the front desk, whose admins supervise every unit.
        targets = units + ([frontdesk] if frontdesk not in units else [])
        return [to_unit(unit, kind, text) for unit in targets]

    def _local(self, when: datetime) -> str:
        local = when.astimezone(ZoneInfo(self._settings.sla.timezone))
        return f"{local:%Y-%m-%d %H:%M}"
