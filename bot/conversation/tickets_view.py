"""The student's side of tickets: opening, follow-ups, status, ratings, in the student's words."""

from __future__ import annotations

from bot.clock import Clock
from bot.config import Settings
from bot.conversation.messages import Button, Reply
from bot.conversation.ports import MatchingView
from bot.conversation.texts import STATE_NAMES, say
from bot.conversation.views import excerpt, format_time_left
from bot.tickets.errors import TicketNotFound
from bot.tickets.model import StudentRef, Ticket, TicketStatus
from bot.tickets.notices import format_deadline
from bot.tickets.service import TicketService

_OPEN_STATES = {
    TicketStatus.OPEN,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_STUDENT,
    TicketStatus.RETURNED,
}


class TicketDialogue:
    """Wraps `TicketService` with the replies a student sees."""

    def __init__(
        self, tickets: TicketService, matching: MatchingView, settings: Settings, clock: Clock
    ) -> None:
        self._tickets = tickets
        self._matching = matching
        self._settings = settings
        self._clock = clock

    def open(
        self, student: StudentRef, question: str, *, unit: str | None, entry_id: str | None
    ) -> tuple[Ticket, Reply]:
        """Open a ticket for the unit (or the front desk) and tell the student the promise."""
        kb = self._matching.kb
        entry = kb.by_id.get(entry_id) if entry_id else None
        owner = unit if unit in kb.units else (entry.unit if entry else None)
        owner = owner or self._settings.frontdesk_unit
        complexity = entry.complexity if entry else "general"
        ticket = self._tickets.open(
            student, question, owner, entry_id=entry.id if entry else None, complexity=complexity
        )
        lang = student.language
        owning = kb.units.get(ticket.unit)
        sla = self._settings.sla
        working = ((owning.clock if owning else "") or sla.clock) == "working"
        text = say(
            "ticket_opened_working" if working else "ticket_opened",
            lang,
            hours=f"{sla.respond_hours:g}",
            number=ticket.number,
            unit=kb.unit_name(ticket.unit, lang),
            deadline=format_deadline(ticket.respond_by, self._settings.sla.timezone, lang),
        )
        if complexity == "complex":
            text += "\n" + say("complex_note", lang)
        return ticket, Reply(text, (Button(say("btn_new_question", lang), "new"),))

    def still_open(self, ticket_id: int | None, student: StudentRef) -> Ticket | None:
        """The student's ticket `ticket_id` if it is still open, else None."""
        ticket = self.owned(ticket_id, student)
        return ticket if ticket is not None and ticket.status in _OPEN_STATES else None

    def owned(self, ticket_id: int | None, student: StudentRef) -> Ticket | None:
        """The student's ticket `ticket_id`, whatever its state, else None."""
        if ticket_id is None:
            return None
        try:
            ticket = self._tickets.get(ticket_id)
        except TicketNotFound:
            return None
        mine = (ticket.student.channel, ticket.student.user_id) == (
            student.channel,
            student.user_id,
        )
        return ticket if mine else None

    def follow_up(self, ticket: Ticket, student: StudentRef, text: str) -> Reply:
        """Relay what the student adds to the ticket's staff thread."""
        self._tickets.student_message(ticket.id, student, text)
        lang = student.language
        unit = self._matching.kb.unit_name(ticket.unit, lang)
        return Reply(
            say("followup_sent", lang, number=ticket.number, unit=unit),
            (Button(say("btn_new_question", lang), "new"),),
        )

    def status(self, student: StudentRef) -> Reply:
        """The student's open tickets with time left, and recently resolved ones to reopen."""
        lang = student.language
        now = self._clock.now()
        tickets = self._tickets.for_student(student.channel, student.user_id, open_only=False)
        reopen_window = self._settings.sla.reopen_days * 86400
        shown = [
            t
            for t in tickets
            if t.status in _OPEN_STATES
            or (
                t.status is TicketStatus.RESOLVED
                and t.resolved_at is not None
                and (now - t.resolved_at).total_seconds() < reopen_window
            )
        ]
        if not shown:
            return Reply(say("status_none", lang))
        lines = [say("status_header", lang)]
        buttons: list[Button] = []
        for ticket in shown:
            if ticket.status in _OPEN_STATES:
                deadline = ticket.respond_by if ticket.responded_at is None else ticket.resolve_by
                left = format_time_left(deadline, now, lang)
                buttons.append(
                    Button(say("btn_withdraw", lang, number=ticket.number), f"withdraw:{ticket.id}")
                )
            else:
                left = format_deadline(ticket.resolved_at or now, self._settings.sla.timezone, lang)
                buttons.append(
                    Button(say("btn_reopen", lang, number=ticket.number), f"reopen:{ticket.id}")
                )
            lines.append(
                say(
                    "status_line",
                    lang,
                    number=ticket.number,
                    unit=self._matching.kb.unit_name(ticket.unit, lang),
                    state=STATE_NAMES[ticket.status.value][lang],
                    left=left,
                    question=excerpt(ticket.question),
                )
            )
        return Reply("\n".join(lines), tuple(buttons))

    def rate(self, ticket_id: int, student: StudentRef, score: int) -> Reply:
        self._tickets.rate(ticket_id, student, score)
        return Reply(say("rated", student.language, score=score))

    def comment(self, ticket_id: int, student: StudentRef, text: str) -> None:
        ticket = self._tickets.get(ticket_id)
        if ticket.rating is not None:
            self._tickets.rate(ticket_id, student, ticket.rating, text)

    def withdraw(self, ticket_id: int, student: StudentRef) -> Reply:
        ticket = self._tickets.cancel(ticket_id, student)
        return Reply(say("withdrawn", student.language, number=ticket.number))

    def reopen(self, ticket_id: int, student: StudentRef) -> Reply:
        reason = "学生表示问题未解决" if student.language == "zh" else "student says not solved"
        ticket = self._tickets.reopen(ticket_id, student, reason)
        unit = self._matching.kb.unit_name(ticket.unit, student.language)
        return Reply(say("reopened", student.language, number=ticket.number, unit=unit))
