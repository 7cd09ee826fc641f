"""The sweeper: sends every SLA notice that has come due, from the database, exactly once.

Tickets plan their notices when they change (`sla_schedule`, written with the ticket by the
store), so a pass reads only the planned notices whose time has come — an indexed range of
integers — never the tickets that need nothing. Under PostgreSQL the due rows are taken with
`FOR UPDATE SKIP LOCKED`, so several bot processes split the work; every notice sent is
recorded in `sla_notices` (unique per ticket and key) in the same transaction as its outbox
messages, so a conflict means someone sent it already. Runs in the bot's job queue and as
`frontdesk sla sweep` for cron.
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
from bot.sla.schedule import Clause, next_reminder
from bot.storage.database import Database
from bot.storage.tables import OutboxRow
from bot.tickets.model import Language
from bot.tickets.notices import staff_text, student_text

_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]

_WHAT = {"respond": "答复", "resolve": "办结"}
_KIND_NAMES = {"warn": "提醒", "breach": "督办", "remind": "催办"}
_OUTBOX_KIND = {"warn": "sla_warning", "breach": "sla_breach", "remind": "sla_reminder"}
DIGEST_LINES = 30  # a digest lists this many tickets; staff see the rest in their queue


@dataclass(frozen=True)
class SweepResult:
    due: int  # planned notices that had come due
    notices: int  # notices newly recorded (and queued)
    messages: int  # outbox rows written


@dataclass(frozen=True)
class _Fired:
    """A planned notice being sent."""

    ticket_id: int
    key: str
    kind: str
    clause: str
    hours: float
    due_at: int
    deadline_epoch: int

    @property
    def deadline(self) -> datetime:
        return datetime.fromtimestamp(self.deadline_epoch, UTC)


class Sweeper:
    """Sends due warnings, breaches (督办), reminders (催办) and rating follow-ups (回访)."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        clock: Clock,
        *,
        calendar_for_unit: Callable[[str], Calendar],
        unit_names: Callable[[], Mapping[str, str]],
        supervisors: Callable[[], Mapping[str, str]] = dict,
        batch: int = 20_000,
    ) -> None:
        self._database = database
        self._settings = settings
        self._clock = clock
        self._calendar_for_unit = calendar_for_unit
        self._unit_names = unit_names
        self._supervisors = supervisors
        self._batch = batch

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """One full pass: every notice due at `now` (default: the clock's now) is handled."""
        now = now or self._clock.now()
        total = SweepResult(0, 0, 0)
        while True:
            with self._database.engine.begin() as connection:
                result = self._batch_pass(connection, now)
            total = SweepResult(
                total.due + result.due,
                total.notices + result.notices,
                total.messages + result.messages,
            )
            if result.due < self._batch:
                return total

    def _batch_pass(self, connection: Connection, now: datetime) -> SweepResult:
        postgres = connection.dialect.name == "postgresql"
        stamp = int(now.timestamp())
        due = self._take_due(connection, postgres, stamp)
        if not due:
            return SweepResult(0, 0, 0)
        send = _worth_sending(due, stamp)
        fresh = set(self._record(connection, postgres, send, now))
        sent = [notice for notice in send if (notice.ticket_id, notice.key) in fresh]
        self._plan_reminders(connection, postgres, sent, now)
        outbox = self._messages(self._tickets_of(connection, postgres, sent), sent, now)
        if outbox:
            connection.execute(_OUTBOX.insert(), outbox)
        return SweepResult(len(due), len(sent), len(outbox))

    def _take_due(self, connection: Connection, postgres: bool, stamp: int) -> list[_Fired]:
        """The due planned notices, removed from the plan (locked for us under PostgreSQL)."""
        columns = "id, ticket_id, key, kind, clause, hours, due_at, deadline"
        if postgres:
            rows = connection.execute(
                text(
                    "WITH due AS (SELECT id FROM sla_schedule WHERE due_at <= :now "
                    "ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED) "
                    f"DELETE FROM sla_schedule s USING due WHERE s.id = due.id "
                    f"RETURNING {', '.join('s.' + c for c in columns.split(', '))}"
                ),
                {"now": stamp, "limit": self._batch},
            ).all()
        else:
            rows = connection.execute(
                text(
                    f"SELECT {columns} FROM sla_schedule WHERE due_at <= :now "
                    "ORDER BY due_at LIMIT :limit"
                ),
                {"now": stamp, "limit": self._batch},
            ).all()
            if rows:
                connection.execute(
                    text(
                        "DELETE FROM sla_schedule WHERE id IN (SELECT value FROM json_each(:ids))"
                    ),
                    {"ids": json.dumps([row[0] for row in rows])},
                )
        return [_Fired(r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]

    def _record(
        self, connection: Connection, postgres: bool, send: list[_Fired], now: datetime
    ) -> list[tuple[int, str]]:
        """Record the notices; return the keys that were new (not sent by anyone before).

        One statement per pass: thousands of bound parameters would cost more to convert
        than the database takes to insert the rows.
        """
        if not send:
            return []
        if postgres:
            statement = text(
                "INSERT INTO sla_notices (ticket_id, kind, due_at, created_at) "
                "SELECT t.i, t.k, t.d, :now FROM unnest(CAST(:ids AS int[]), "
                "CAST(:keys AS text[]), CAST(:dues AS bigint[])) AS t(i, k, d) "
                "ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING ticket_id, kind"
            )
            values: dict[str, Any] = {
                "ids": [n.ticket_id for n in send],
                "keys": [n.key for n in send],
                "dues": [n.due_at for n in send],
                "now": now,
            }
        else:
            statement = text(
                "INSERT INTO sla_notices (ticket_id, kind, due_at, created_at) "
                "SELECT value ->> 0, value ->> 1, value ->> 2, :now FROM json_each(:rows) "
                "WHERE true ON CONFLICT (ticket_id, kind) DO NOTHING RETURNING ticket_id, kind"
            )
            rows = [[n.ticket_id, n.key, n.due_at] for n in send]
            values = {"rows": json.dumps(rows), "now": _sqlite_time(now)}
        result = connection.execute(statement, values)
        return [(int(row[0]), str(row[1])) for row in result.all()]

    def _plan_reminders(
        self, connection: Connection, postgres: bool, sent: list[_Fired], now: datetime
    ) -> None:
        """After a breach or a reminder, plan the next reminder (催办) of that clause."""
        planned: dict[tuple[int, str], list[Any]] = {}
        for notice in sent:
            if notice.kind not in ("breach", "remind") or notice.clause == "rating":
                continue
            tag = notice.key[notice.key.index("@") :] if "@" in notice.key else ""
            clause: Clause = "respond" if notice.clause == "respond" else "resolve"
            reminder = next_reminder(
                clause, notice.deadline, tag, now, self._settings.sla, after_sending=True
            )
            if reminder is not None:
                planned[(notice.ticket_id, reminder.key)] = [
                    notice.ticket_id,
                    reminder.key,
                    reminder.clause,
                    reminder.hours,
                    int(reminder.due_at.timestamp()),
                    notice.deadline_epoch,
                ]
        if not planned:
            return
        rows = list(planned.values())
        if postgres:
            statement = text(
                "INSERT INTO sla_schedule (ticket_id, key, kind, clause, hours, due_at, deadline) "
                "SELECT t.i, t.k, 'remind', t.c, t.h, t.d, t.l FROM unnest(CAST(:i AS int[]), "
                "CAST(:k AS text[]), CAST(:c AS text[]), CAST(:h AS float8[]), "
                "CAST(:d AS bigint[]), CAST(:l AS bigint[])) AS t(i, k, c, h, d, l) "
                "ON CONFLICT (ticket_id, key) DO NOTHING"
            )
            columns = list(zip(*rows, strict=True))
            values: dict[str, Any] = dict(zip("ikchdl", map(list, columns), strict=True))
        else:
            statement = text(
                "INSERT INTO sla_schedule (ticket_id, key, kind, clause, hours, due_at, deadline) "
                "SELECT value ->> 0, value ->> 1, 'remind', value ->> 2, value ->> 3, "
                "value ->> 4, value ->> 5 FROM json_each(:rows) WHERE true "
                "ON CONFLICT (ticket_id, key) DO NOTHING"
            )
            values = {"rows": json.dumps(rows)}
        connection.execute(statement, values)

    def _tickets_of(
        self, connection: Connection, postgres: bool, sent: list[_Fired]
    ) -> dict[int, Any]:
        """What the messages need of each ticket: its units and its student's chat."""
        if not sent:
            return {}
        ids = sorted({notice.ticket_id for notice in sent})
        columns = "id, unit, accountable_unit, student_channel, student_chat_id, student_language"
        if postgres:
            statement = text(f"SELECT {columns} FROM tickets WHERE id = ANY(CAST(:ids AS int[]))")
            values: dict[str, Any] = {"ids": ids}
        else:
            statement = text(
                f"SELECT {columns} FROM tickets WHERE id IN (SELECT value FROM json_each(:ids))"
            )
            values = {"ids": json.dumps(ids)}
        return {row.id: row for row in connection.execute(statement, values)}

    def _messages(
        self, tickets: Mapping[int, Any], sent: list[_Fired], now: datetime
    ) -> list[dict[str, Any]]:
        """Outbox rows for the new notices: one per student follow-up, and for staff one
        message per unit and kind of alert, listing its tickets (a digest, not a flood)."""
        names = self._unit_names()
        frontdesk = self._settings.frontdesk_unit
        messages: list[dict[str, Any]] = []
        groups: dict[tuple[str, str, str, float], list[tuple[Any, _Fired]]] = defaultdict(list)
        for notice in sent:
            row = tickets[notice.ticket_id]
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

    def _line(self, row: Any, notice: _Fired, names: Mapping[str, str], now: datetime) -> str:
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


def _worth_sending(due: list[_Fired], stamp: int) -> list[_Fired]:
    """Drop warnings whose deadline has passed (the breach says it now) and, of several
    warnings of one clause due at once (a sweeper that was down), all but the latest."""
    send: list[_Fired] = []
    latest: dict[tuple[int, str], _Fired] = {}
    for notice in due:
        if notice.kind != "warn":
            send.append(notice)
        elif notice.deadline_epoch > stamp:
            key = (notice.ticket_id, notice.clause)
            if key not in latest or latest[key].due_at < notice.due_at:
                latest[key] = notice
    return send + list(latest.values())


def _sqlite_time(when: datetime) -> str:
    # The text form SQLAlchemy's SQLite DateTime writes and reads.
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


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
