"""The sweeper: sends every SLA notice that has come due, from the database, exactly once.

Tickets plan their notices when they change (the store writes `sla_notices` with the ticket),
so a pass reads only the notices due between its watermark and now — an index range of
integers — and never touches the tickets that need nothing. The watermark row is locked for
the pass (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so a second bot process sweeping at the same
moment skips instead of repeating), advanced in the same transaction as the outbox messages:
every notice is handled by exactly one pass. Runs in the bot's job queue and as
`frontdesk sla sweep` for cron.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.clock import Clock
from bot.config import Settings
from bot.sla.calendar import Calendar
from bot.sla.schedule import Clause, next_reminder
from bot.storage.database import Database
from bot.storage.tables import OutboxRow, SlaNoticeRow
from bot.tickets.model import Language
from bot.tickets.notices import staff_text, student_text

_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_NOTICES = SlaNoticeRow.__table__  # type: ignore[attr-defined]

_WHAT = {"respond": "答复", "resolve": "办结"}
_KIND_NAMES = {"warn": "提醒", "breach": "督办", "remind": "催办"}
_OUTBOX_KIND = {"warn": "sla_warning", "breach": "sla_breach", "remind": "sla_reminder"}
DIGEST_LINES = 30  # a digest lists this many tickets; staff see the rest in their queue


@dataclass(frozen=True)
class SweepResult:
    due: int  # planned notices that had come due
    notices: int  # notices newly recorded (and queued)
    messages: int  # outbox rows written


class _Fired(NamedTuple):
    """A planned notice being sent, with what its message needs (a tuple: made by the
    thousand straight from database rows)."""

    id: int
    ticket_id: int
    key: str
    kind: str
    clause: str
    hours: float
    due_at: int
    deadline_epoch: int
    unit: str
    accountable_unit: str
    student_channel: str
    student_chat_id: str
    student_language: str

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
    ) -> None:
        self._database = database
        self._settings = settings
        self._clock = clock
        self._calendar_for_unit = calendar_for_unit
        self._unit_names = unit_names
        self._supervisors = supervisors

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """One pass: every notice due by `now` (default: the clock's now) not yet handled."""
        now = now or self._clock.now()
        with self._database.engine.begin() as connection:
            return self._pass(connection, now)

    def _pass(self, connection: Connection, now: datetime) -> SweepResult:
        postgres = connection.dialect.name == "postgresql"
        lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
        swept_to = connection.execute(
            text(f"SELECT swept_to FROM sla_sweeps WHERE id = 1{lock}")
        ).scalar_one_or_none()
        if swept_to is None:
            return SweepResult(0, 0, 0)  # another process is sweeping right now
        upto = int(now.timestamp())
        if upto <= swept_to:
            return SweepResult(0, 0, 0)
        due = self._due(connection, postgres, swept_to, upto)
        send = _worth_sending(due, upto)
        self._plan_reminders(connection, postgres, send, now)
        outbox = self._messages(send, now)
        if outbox:
            connection.execute(_OUTBOX.insert(), outbox)
        connection.execute(
            text("UPDATE sla_sweeps SET swept_to = :upto WHERE id = 1"), {"upto": upto}
        )
        return SweepResult(len(due), len(send), len(outbox))

    def _due(
        self, connection: Connection, postgres: bool, swept_to: int, upto: int
    ) -> list[_Fired]:
        """The notices due in (swept_to, upto], read straight from the driver's cursor: at ten
        thousand rows, building SQLAlchemy rows would cost more than the database's work."""
        mark = "%({})s" if postgres else ":{}"
        sql = (
            "SELECT id, ticket_id, key, kind, clause, hours, due_at, deadline, unit, "
            "accountable_unit, student_channel, student_chat_id, student_language "
            f"FROM sla_notices WHERE due_at > {mark.format('after')} "
            f"AND due_at <= {mark.format('upto')} ORDER BY due_at"
        )
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, {"after": swept_to, "upto": upto})
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [_Fired._make(row) for row in rows]

    def _plan_reminders(
        self, connection: Connection, postgres: bool, sent: list[_Fired], now: datetime
    ) -> None:
        """After a breach or a reminder, plan the next reminder (催办) of that clause."""
        planned: dict[tuple[int, str], dict[str, Any]] = {}
        for notice in sent:
            if notice.kind not in ("breach", "remind"):
                continue
            tag = notice.key[notice.key.index("@") :] if "@" in notice.key else ""
            clause: Clause = "respond" if notice.clause == "respond" else "resolve"
            reminder = next_reminder(
                clause, notice.deadline, tag, now, self._settings.sla, after_sending=True
            )
            if reminder is not None:
                planned[(notice.ticket_id, reminder.key)] = {
                    "ticket_id": notice.ticket_id,
                    "key": reminder.key,
                    "kind": "remind",
                    "clause": reminder.clause,
                    "hours": reminder.hours,
                    "due_at": int(reminder.due_at.timestamp()),
                    "deadline": notice.deadline_epoch,
                    "unit": notice.unit,
                    "accountable_unit": notice.accountable_unit,
                    "student_channel": notice.student_channel,
                    "student_chat_id": notice.student_chat_id,
                    "student_language": notice.student_language,
                    "skipped": False,
                }
        if planned:
            insert = postgresql_insert if postgres else sqlite_insert
            statement = insert(_NOTICES).on_conflict_do_nothing(index_elements=["ticket_id", "key"])
            connection.execute(statement, list(planned.values()))

    def _messages(self, sent: list[_Fired], now: datetime) -> list[dict[str, Any]]:
        """Outbox rows for the notices: one per student follow-up, and for staff one message
        per unit and kind of alert, listing its tickets (a digest, not a flood)."""
        names = self._unit_names()
        frontdesk = self._settings.frontdesk_unit
        messages: list[dict[str, Any]] = []
        groups: dict[tuple[str, str, str, float], list[_Fired]] = defaultdict(list)
        for notice in sent:
            if notice.kind == "rating_followup":
                lang: Language = "en" if notice.student_language == "en" else "zh"
                text = student_text("rating_followup", lang, number=f"#{notice.ticket_id}")
                messages.append(
                    _outbox_row(
                        now,
                        "student",
                        notice.student_channel,
                        notice.student_chat_id,
                        notice.ticket_id,
                        "rating_followup",
                        text,
                    )
                )
                continue
            # The owning unit always hears; the accountable unit too while it differs (首接负责);
            # escalations (督办/催办) also reach the front desk, whose admins supervise every unit.
            group = (notice.unit, notice.kind, notice.clause, notice.hours)
            groups[group].append(notice)
            if notice.accountable_unit != notice.unit:
                groups[(notice.accountable_unit, *group[1:])].append(notice)
            if notice.kind != "warn" and frontdesk not in (notice.unit, notice.accountable_unit):
                groups[(frontdesk, *group[1:])].append(notice)
        for (unit, kind, clause, _hours), items in groups.items():
            texts = [self._line(notice, names, now) for notice in items[:DIGEST_LINES]]
            if len(items) == 1:
                text = texts[0]
            else:
                header = staff_text(
                    "digest", count=len(items), what=_WHAT[clause], kind=_KIND_NAMES[kind]
                )
                more = len(items) - len(texts)
                tail = [staff_text("digest_more", count=more)] if more else []
                text = "\n".join([header, *texts, *tail])
            ticket_id = items[0].ticket_id if len(items) == 1 else None
            messages.append(
                _outbox_row(now, "unit", None, unit, ticket_id, _OUTBOX_KIND[kind], text)
            )
        return messages

    def _line(self, notice: _Fired, names: Mapping[str, str], now: datetime) -> str:
        number = f"#{notice.ticket_id}"
        deadline = self._local(notice.deadline)
        unit_name = names.get(notice.unit, notice.unit)
        what = _WHAT[notice.clause]
        if notice.kind == "warn":
            return staff_text(
                "warn", number=number, what=what, hours=f"{notice.hours:g}", deadline=deadline
            )
        # A ticket handed on and not yet accepted has two answerable units: the one holding it
        # and the one that handed it on, which stays on it until the other accepts (首接负责;
        # not always the first unit: the front desk re-dispatching a returned ticket, say).
        units = [notice.unit]
        if notice.accountable_unit != notice.unit:
            giver = names.get(notice.accountable_unit, notice.accountable_unit)
            unit_name = f"{unit_name}（承办）、{giver}（转出单位，对方受理前仍负责）"
            units.append(notice.accountable_unit)
        if notice.kind == "breach":
            supervisors = self._supervisors()
            supervisor = "、".join(
                supervisors.get(unit) or f"{names.get(unit, unit)}负责人" for unit in units
            )
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
    """Which due notices to send: not a warning whose deadline has passed (the breach says it
    now) and, of several warnings of one clause due at once (a sweeper that was down), only
    the one closest to the deadline."""
    send: list[_Fired] = []
    latest: dict[tuple[int, str], _Fired] = {}
    for notice in due:
        if notice.kind != "warn":
            send.append(notice)
        elif notice.deadline_epoch > stamp:
            key = (notice.ticket_id, notice.clause)
            if key not in latest or latest[key].hours > notice.hours:
                latest[key] = notice
    return send + list(latest.values())


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
