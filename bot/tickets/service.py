"""The ticket rules: who may do what, how deadlines are set and kept, what each party is told.

Every operation is one transaction: the ticket, an event in its history (who, when, what, why)
and the notifications it causes. Deadlines are set once at opening and never move on a
transfer; only the resolution deadline moves, forward, by the time a ticket waited on the
student, or when staff commit a date for a complex ticket.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.sla.calendar import Calendar
from bot.tickets.errors import InvalidTransition, NotAllowed, TicketError, UnknownUnit
from bot.tickets.model import (
    Actor,
    Language,
    StudentRef,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
)
from bot.tickets.notices import format_deadline, staff_text, student_text
from bot.tickets.outbox import Outbox
from bot.tickets.store import SqlTicketStore, TicketTransaction
from intents.kb import Complexity, Unit

MAX_TEXT = 8000  # a message longer than this is kept in full in the thread but cut for chats


class TicketService:
    """Opens tickets for students and carries out what staff and students do with them."""

    def __init__(
        self,
        store: SqlTicketStore,
        outbox: Outbox,
        clock: Clock,
        settings: Settings,
        *,
        units: Callable[[], Mapping[str, Unit]],
        calendar_for_unit: Callable[[str], Calendar],
    ) -> None:
        self._store = store
        self.outbox = outbox
        self._clock = clock
        self._settings = settings
        self._units = units
        self._calendar_for_unit = calendar_for_unit

    # -- reading -------------------------------------------------------------------------

    def get(self, ticket_id: int) -> Ticket:
        return self._store.get(ticket_id)

    def for_student(self, channel: str, user_id: str, *, open_only: bool = True) -> list[Ticket]:
        return self._store.for_student(channel, user_id, open_only=open_only)

    def queue(self, unit: str | None = None) -> list[Ticket]:
        """Open tickets of a unit (all units if None), the most urgent deadline first."""
        return self._store.queue(unit)

    def search(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        unit: str | None = None,
    ) -> list[Ticket]:
        return self._store.search(since=since, until=until, unit=unit)

    def history(self, ticket_id: int) -> list[TicketEvent]:
        return self._store.history(ticket_id)

    def messages(self, ticket_id: int) -> list[TicketMessage]:
        return self._store.messages(ticket_id)

    def unit_name(self, unit_id: str, language: str = "zh") -> str:
        unit = self._units().get(unit_id)
        if unit is None:
            return unit_id
        return unit.name_en if language == "en" and unit.name_en else unit.name

    def may_act(self, actor: Actor, ticket: Ticket) -> bool:
        """Staff of the owning or the accountable unit, and admins, may act on a ticket."""
        if self.is_admin(actor):
            return True
        return actor.kind == "staff" and bool(actor.units & {ticket.unit, ticket.accountable_unit})

    def is_admin(self, actor: Actor) -> bool:
        return actor.kind == "admin" or actor.id in self._settings.admins

    # -- students ------------------------------------------------------------------------

    def open(
        self,
        student: StudentRef,
        question: str,
        unit: str,
        *,
        entry_id: str | None = None,
        complexity: Complexity = "general",
    ) -> Ticket:
        """Open a ticket owned by `unit`; the 24-hour clock starts now."""
        if unit not in self._units():
            unit = self._settings.frontdesk_unit
        now = self._clock.now()
        calendar = self._calendar_for_unit(unit)
        sla = self._settings.sla
        respond_by = calendar.add(now, sla.respond_hours)
        resolve_by = (
            calendar.add(now, sla.complex_resolve_days * 24)
            if complexity == "complex"
            else calendar.add(now, sla.resolve_hours)
        )
        draft = Ticket(
            id=0,
            status=TicketStatus.OPEN,
            question=question,
            unit=unit,
            first_unit=unit,
            accountable_unit=unit,
            student=student,
            opened_at=now,
            respond_by=respond_by,
            resolve_by=max(resolve_by, respond_by),
            entry_id=entry_id,
            complexity=complexity,
        )
        actor = _student_actor(student)
        with self._store.transaction(now) as tx:
            ticket = tx.add(draft)
            tx.event(ticket.id, "opened", actor, unit=unit, detail=entry_id or "")
            tx.message(ticket.id, actor, question, to_student=False)
            tx.notify_unit(unit, ticket.id, "new_ticket", self._card(ticket))
        return ticket

    def student_message(self, ticket_id: int, student: StudentRef, text: str) -> Ticket:
        """A follow-up from the student; answering a request for information resumes the clock."""
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._own_open_ticket(tx, ticket_id, student)
            actor = _student_actor(student)
            if ticket.status is TicketStatus.WAITING_STUDENT:
                ticket = self._resume(ticket, now)
                tx.save(ticket)
                tx.event(ticket.id, "student_replied", actor, unit=ticket.unit)
            else:
                tx.event(ticket.id, "student_message", actor, unit=ticket.unit)
            tx.message(ticket.id, actor, text, to_student=False)
            tx.notify_unit(
                ticket.unit,
                ticket.id,
                "student_message",
                staff_text("student_message", number=ticket.number, text=_cut(text)),
            )
        return ticket

    def cancel(self, ticket_id: int, student: StudentRef) -> Ticket:
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._own_open_ticket(tx, ticket_id, student)
            ticket = dataclasses.replace(ticket, status=TicketStatus.CANCELLED, waiting_since=None)
            tx.save(ticket)
            tx.event(ticket.id, "cancelled", _student_actor(student), unit=ticket.unit)
            tx.notify_unit(
                ticket.unit, ticket.id, "cancelled", staff_text("cancelled", number=ticket.number)
            )
        return ticket

    def reopen(self, ticket_id: int, student: StudentRef, reason: str) -> Ticket:
        """Reopen a resolved ticket within the configured window; the unit gets a new day."""
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = tx.get(ticket_id, for_update=True)
            self._check_student(ticket, student)
            if ticket.status is not TicketStatus.RESOLVED or ticket.resolved_at is None:
                raise InvalidTransition(
                    _t(
                        student,
                        "只有已办结的问题可以重新打开。",
                        "Only a resolved question can be reopened.",
                    )
                )
            window = timedelta(days=self._settings.sla.reopen_days)
            if now - ticket.resolved_at > window:
                raise InvalidTransition(
                    _t(
                        student,
                        f"问题 {ticket.number} 办结已超过 {self._settings.sla.reopen_days:g} 天，"
                        "请直接提出新问题。",
                        f"{ticket.number} was resolved more than "
                        f"{self._settings.sla.reopen_days:g} days ago; please ask a new question.",
                    )
                )
            calendar = self._calendar_for_unit(ticket.unit)
            ticket = dataclasses.replace(
                ticket,
                status=TicketStatus.IN_PROGRESS,
                resolved_at=None,
                resolve_by=calendar.add(now, self._settings.sla.resolve_hours),
                reopen_count=ticket.reopen_count + 1,
                # A rating judged the resolution the student has just rejected; it stays in the
                # history ("rated"), and the next resolution asks for a new one.
                rating=None,
                rating_comment=None,
                rated_at=None,
            )
            tx.save(ticket)
            tx.event(
                ticket.id, "reopened", _student_actor(student), unit=ticket.unit, detail=reason
            )
            tx.notify_unit(
                ticket.unit,
                ticket.id,
                "reopened",
                staff_text("reopened", number=ticket.number, reason=reason),
            )
        return ticket

    def rate(
        self, ticket_id: int, student: StudentRef, score: int, comment: str | None = None
    ) -> Ticket:
        """The student's 1–5 rating of a resolved ticket (again to change it or add a comment)."""
        if not 1 <= score <= 5:
            raise TicketError(_t(student, "评分须为 1–5。", "A rating is 1 to 5."))
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = tx.get(ticket_id, for_update=True)
            self._check_student(ticket, student)
            if ticket.status is not TicketStatus.RESOLVED:
                raise InvalidTransition(
                    _t(
                        student,
                        "问题办结后才能评分。",
                        "You can rate a question once it is resolved.",
                    )
                )
            ticket = dataclasses.replace(
                ticket, rating=score, rating_comment=comment or ticket.rating_comment, rated_at=now
            )
            tx.save(ticket)
            tx.event(
                ticket.id,
                "rated",
                _student_actor(student),
                unit=ticket.unit,
                detail=f"{score} {comment or ''}".strip(),
            )
            tx.notify_unit(
                ticket.unit,
                ticket.id,
                "rated",
                staff_text("rated", number=ticket.number, score=score, comment=_cut(comment or "")),
            )
        return ticket

    # -- staff ---------------------------------------------------------------------------

    def claim(self, ticket_id: int, actor: Actor) -> Ticket:
        """The owning unit accepts the ticket; from now on it alone is accountable."""
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._acting_on(tx, ticket_id, actor)
            self._owner_only(ticket, actor, "受理")
            previous = ticket.accountable_unit
            ticket = dataclasses.replace(
                ticket,
                status=TicketStatus.IN_PROGRESS
                if ticket.status in (TicketStatus.OPEN, TicketStatus.RETURNED)
                else ticket.status,
                accountable_unit=ticket.unit,
                claimed_by=actor.id,
            )
            tx.save(ticket)
            tx.event(ticket.id, "claimed", actor, unit=ticket.unit)
            if previous != ticket.unit:
                tx.notify_unit(
                    previous,
                    ticket.id,
                    "accepted",
                    staff_text("accepted", number=ticket.number, unit=self.unit_name(ticket.unit)),
                )
        return ticket

    def reply(self, ticket_id: int, actor: Actor, text: str) -> Ticket:
        """A staff reply, relayed to the student; the first one meets the response promise."""
        return self._to_student(ticket_id, actor, text, kind="staff_reply")

    def ask_student(self, ticket_id: int, actor: Actor, text: str) -> Ticket:
        """Ask the student for information; the resolution clock pauses until they answer."""
        return self._to_student(ticket_id, actor, text, kind="info_request")

    def transfer(self, ticket_id: int, actor: Actor, to_unit: str, reason: str) -> Ticket:
        """Hand the ticket to another unit; deadlines stay, the giver stays accountable."""
        if to_unit not in self._units():
            raise UnknownUnit(
                f"没有这个部门：{to_unit}（可用：{', '.join(sorted(self._units()))}）"
            )
        if not reason.strip():
            raise TicketError("转办需要说明原因。")
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._acting_on(tx, ticket_id, actor)
            if to_unit == ticket.unit:
                raise InvalidTransition(f"问题 {ticket.number} 已在{self.unit_name(to_unit)}。")
            ticket = self._end_wait(ticket)
            giver = ticket.unit
            # Until the receiver accepts, whoever was answerable stays answerable (首接负责);
            # a holder that accepted (claimed, replied) hands on its own accountability.
            accepted = ticket.accountable_unit == ticket.unit
            accountable = giver if accepted else ticket.accountable_unit
            if giver == self._settings.frontdesk_unit or ticket.status is TicketStatus.RETURNED:
                accountable = self._settings.frontdesk_unit
            ticket = dataclasses.replace(
                ticket,
                unit=to_unit,
                accountable_unit=accountable,
                status=TicketStatus.OPEN,
                claimed_by=None,
            )
            tx.save(ticket)
            tx.event(
                ticket.id,
                "transferred",
                actor,
                unit=to_unit,
                detail=f"{giver}->{to_unit}: {reason}",
            )
            tx.notify_unit(
                to_unit,
                ticket.id,
                "new_ticket",
                staff_text(
                    "transferred_in",
                    number=ticket.number,
                    from_unit=self.unit_name(giver),
                    reason=reason,
                    question=_cut(ticket.question),
                    respond_by=self._local(ticket.respond_by),
                ),
            )
            tx.notify_unit(
                giver,
                ticket.id,
                "transferred",
                staff_text(
                    "transferred_out", number=ticket.number, to_unit=self.unit_name(to_unit)
                ),
            )
            tx.notify_student(
                ticket,
                "transferred",
                student_text(
                    "transferred",
                    ticket.student.language,
                    number=ticket.number,
                    unit=self.unit_name(to_unit, ticket.student.language),
                    deadline=self._student_time(
                        ticket.respond_by if ticket.responded_at is None else ticket.resolve_by,
                        ticket.student.language,
                    ),
                ),
            )
        return ticket

    def return_misrouted(self, ticket_id: int, actor: Actor, reason: str) -> Ticket:
        """退单: the unit says the ticket is not theirs; the front desk re-dispatches it."""
        if not reason.strip():
            raise TicketError("退回需要说明原因。")
        frontdesk = self._settings.frontdesk_unit
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._acting_on(tx, ticket_id, actor)
            self._owner_only(ticket, actor, "退回")
            if ticket.unit == frontdesk:
                raise InvalidTransition("前台的问题请直接转办给负责部门。")
            ticket = self._end_wait(ticket)
            giver = ticket.unit
            ticket = dataclasses.replace(
                ticket,
                unit=frontdesk,
                accountable_unit=frontdesk,
                status=TicketStatus.RETURNED,
                claimed_by=None,
            )
            tx.save(ticket)
            tx.event(ticket.id, "returned", actor, unit=frontdesk, detail=f"{giver}: {reason}")
            tx.notify_unit(
                frontdesk,
                ticket.id,
                "new_ticket",
                staff_text(
                    "returned",
                    number=ticket.number,
                    unit=self.unit_name(giver),
                    reason=reason,
                    question=_cut(ticket.question),
                ),
            )
        return ticket

    def mark_complex(
        self, ticket_id: int, actor: Actor, *, resolve_by: datetime | None = None, note: str = ""
    ) -> Ticket:
        """A complex ticket: respond and coordinate now, commit a resolution date."""
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._acting_on(tx, ticket_id, actor)
            self._owner_only(ticket, actor, "标记为复杂事项")
            calendar = self._calendar_for_unit(ticket.unit)
            committed = resolve_by or calendar.add(
                ticket.opened_at, self._settings.sla.complex_resolve_days * 24
            )
            if committed <= now:
                raise TicketError("承诺办结时间必须晚于现在。")
            ticket = dataclasses.replace(
                ticket,
                complexity="complex",
                resolve_by=committed,
                responded_at=ticket.responded_at or now,
                status=TicketStatus.IN_PROGRESS,
                # The committed date replaces the deadline a wait on the student would move.
                waiting_since=None,
                accountable_unit=ticket.unit,
                claimed_by=ticket.claimed_by or actor.id,
            )
            tx.save(ticket)
            tx.event(
                ticket.id,
                "marked_complex",
                actor,
                unit=ticket.unit,
                detail=f"{committed.isoformat()} {note}".strip(),
            )
            text = student_text(
                "complex",
                ticket.student.language,
                number=ticket.number,
                unit=self.unit_name(ticket.unit, ticket.student.language),
                deadline=self._student_time(committed, ticket.student.language),
                note=note,
            )
            tx.message(ticket.id, actor, text, to_student=True)
            tx.notify_student(ticket, "complex", text)
        return ticket

    def resolve(self, ticket_id: int, actor: Actor, note: str = "") -> Ticket:
        """Close the ticket with a last message to the student and ask them to rate it."""
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._acting_on(tx, ticket_id, actor)
            signature = self._signature(actor, ticket)  # who resolves, before the handover ends
            if ticket.status is TicketStatus.WAITING_STUDENT:
                ticket = self._resume(ticket, now)
            ticket = dataclasses.replace(
                ticket,
                status=TicketStatus.RESOLVED,
                resolved_at=now,
                responded_at=ticket.responded_at or now,
                accountable_unit=ticket.unit,
            )
            tx.save(ticket)
            tx.event(ticket.id, "resolved", actor, unit=ticket.unit, detail=note)
            lang = ticket.student.language
            text = student_text("resolved", lang, number=ticket.number, unit=signature, note=note)
            tx.message(ticket.id, actor, text, to_student=True)
            tx.notify_student(ticket, "resolved", text)
            tx.notify_student(
                ticket, "rate_request", student_text("rate_request", lang, number=ticket.number)
            )
        return ticket

    # -- helpers -------------------------------------------------------------------------

    def _to_student(self, ticket_id: int, actor: Actor, text: str, *, kind: str) -> Ticket:
        if not text.strip():
            raise TicketError("回复内容不能为空。")
        now = self._clock.now()
        with self._store.transaction(now) as tx:
            ticket = self._acting_on(tx, ticket_id, actor)
            status = ticket.status
            owner = self._holds(actor, ticket)
            signature = self._signature(actor, ticket)
            if kind == "info_request":
                status = TicketStatus.WAITING_STUDENT
            elif status in (TicketStatus.OPEN, TicketStatus.RETURNED) and owner:
                # Only the holder's reply takes the ticket on; the unit that handed it over
                # may still answer the student without accepting for the receiver.
                status = TicketStatus.IN_PROGRESS
            ticket = dataclasses.replace(
                ticket,
                status=status,
                responded_at=ticket.responded_at or now,
                waiting_since=(ticket.waiting_since or now)
                if kind == "info_request"
                else ticket.waiting_since,
                # Replying is accepting: the replying unit is now the one answerable.
                accountable_unit=ticket.unit
                if ticket.unit in actor.units
                else ticket.accountable_unit,
            )
            tx.save(ticket)
            tx.event(
                ticket.id,
                "replied" if kind == "staff_reply" else "asked_student",
                actor,
                unit=ticket.unit,
            )
            tx.message(ticket.id, actor, text, to_student=True)
            tx.notify_student(
                ticket,
                kind,
                student_text(
                    kind,
                    ticket.student.language,
                    unit=signature,
                    number=ticket.number,
                    text=_cut(text),
                ),
            )
        return ticket

    def _resume(self, ticket: Ticket, now: datetime) -> Ticket:
        """Leave WAITING_STUDENT: the resolution deadline moves by the counted waiting time."""
        assert ticket.waiting_since is not None
        calendar = self._calendar_for_unit(ticket.unit)
        waited = calendar.hours_between(ticket.waiting_since, now)
        return dataclasses.replace(
            ticket,
            status=TicketStatus.IN_PROGRESS,
            waiting_since=None,
            resolve_by=calendar.add(ticket.resolve_by, waited) if waited > 0 else ticket.resolve_by,
        )

    @staticmethod
    def _end_wait(ticket: Ticket) -> Ticket:
        """A ticket handed on stops waiting on the student, and its deadlines stay as they are
        (a transfer never moves the student's clock); a later request for information starts
        a wait of its own instead of one dated from before the handover."""
        return dataclasses.replace(ticket, waiting_since=None)

    def _acting_on(self, tx: TicketTransaction, ticket_id: int, actor: Actor) -> Ticket:
        ticket = tx.get(ticket_id, for_update=True)
        if not self.may_act(actor, ticket):
            raise NotAllowed(
                f"您不能处理问题 {ticket.number}：它属于{self.unit_name(ticket.unit)}。"
            )
        if not ticket.is_open:
            done = "办结" if ticket.status is TicketStatus.RESOLVED else "撤回"
            raise InvalidTransition(f"问题 {ticket.number} 已{done}，不能再操作。")
        return ticket

    def _own_open_ticket(
        self, tx: TicketTransaction, ticket_id: int, student: StudentRef
    ) -> Ticket:
        ticket = tx.get(ticket_id, for_update=True)
        self._check_student(ticket, student)
        if not ticket.is_open:
            raise InvalidTransition(
                _t(student, f"问题 {ticket.number} 已结束。", f"{ticket.number} is already closed.")
            )
        return ticket

    def _check_student(self, ticket: Ticket, student: StudentRef) -> None:
        if (ticket.student.channel, ticket.student.user_id) != (student.channel, student.user_id):
            raise NotAllowed(_t(student, "这不是您提交的问题。", "That question is not yours."))

    def _card(self, ticket: Ticket) -> str:
        who = ""
        if self._settings.conversation.show_student_identity:
            student = ticket.student
            who = f"学生：{student.display_name or student.user_id}（{student.channel}）\n"
        return staff_text(
            "new_ticket",
            number=ticket.number,
            first_unit=self.unit_name(ticket.first_unit),
            question=_cut(ticket.question),
            who=who,
            respond_by=self._local(ticket.respond_by),
        )

    def _holds(self, actor: Actor, ticket: Ticket) -> bool:
        """Whether `actor` acts for the unit holding `ticket` (admins act for any unit)."""
        return self.is_admin(actor) or ticket.unit in actor.units

    def _owner_only(self, ticket: Ticket, actor: Actor, what: str) -> None:
        """Accepting, returning and committing a date are the owning unit's to do: the unit
        that handed the ticket on stays answerable (it may reply, or transfer again), but it
        cannot accept or refuse in the receiver's name."""
        if self._holds(actor, ticket):
            return
        raise NotAllowed(
            f"问题 {ticket.number} 已转给{self.unit_name(ticket.unit)}，只有该部门可以{what}；"
            "贵部门仍是首接责任部门，可以回复学生或再次转办。"
        )

    def _signature(self, actor: Actor, ticket: Ticket) -> str:
        """Who the student is told wrote: the acting unit (the owning one, unless only the
        first-ask unit that handed the ticket on acts), with the staff name if configured."""
        acting = ticket.unit if self._holds(actor, ticket) else ticket.accountable_unit
        unit = self.unit_name(acting, ticket.student.language)
        if self._settings.conversation.sign_with_staff_name and actor.name:
            return f"{unit} {actor.name}"
        return unit

    def _student_time(self, when: datetime, language: Language) -> str:
        """A deadline as the student reads it: in their language, with the time zone said."""
        return format_deadline(when, self._settings.sla.timezone, language)

    def _local(self, when: datetime) -> str:
        local = when.astimezone(ZoneInfo(self._settings.sla.timezone))
        return f"{local:%Y-%m-%d %H:%M}"


def _student_actor(student: StudentRef) -> Actor:
    return Actor("student", f"{student.channel}:{student.user_id}", student.display_name)


def _t(student: StudentRef, zh: str, en: str) -> str:
    return en if student.language == "en" else zh


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
