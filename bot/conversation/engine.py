"""The conversation core: one student's input in, the front desk's replies out.

Channels hand in neutral `Incoming` messages and render the `Reply`s; every decision — answer,
offer choices, open a ticket, relay a follow-up — is made here, with the dialogue state kept in
the database so a restart loses nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.conversation.messages import Button, Incoming, Reply
from bot.conversation.ports import MatchingView, StateStore
from bot.conversation.state import DialogueState
from bot.conversation.texts import Language, say
from bot.conversation.tickets_view import TicketDialogue
from bot.tickets.errors import TicketError
from bot.tickets.model import StudentRef, Ticket, TicketStatus
from bot.tickets.service import TicketService
from intents.decision import Decision
from intents.kb import Entry
from intents.meta import MetaIntent, detect_meta

log = logging.getLogger(__name__)

_LATIN_WORD = re.compile(r"[A-Za-z]+")

# Long enough for any real question; longer input is kept whole in the ticket but matched on
# its beginning, where students state what they want.
MATCH_PREFIX_CHARS = 600


@dataclass(frozen=True)
class _Turn:
    """The reply to one input and the state it leaves behind."""

    replies: list[Reply]
    state: DialogueState


class Conversation:
    """Decides what the front desk says to each student input."""

    def __init__(
        self,
        matching: MatchingView,
        tickets: TicketService,
        states: StateStore,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._matching = matching
        self._states = states
        self._settings = settings
        self._tickets = TicketDialogue(tickets, matching, settings, clock)

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one student input; the dialogue state is saved before returning."""
        stored = self._states.get(incoming.channel, incoming.user_id)
        state = DialogueState.from_json(stored)
        state = state.with_(language=_language(incoming, state.language, fresh=stored is None))
        try:
            turn = self._dispatch(incoming, state)
        except TicketError as error:
            turn = _Turn([Reply(str(error))], state.cleared())
        self._states.put(incoming.channel, incoming.user_id, turn.state.to_json())
        return turn.replies

    def _dispatch(self, incoming: Incoming, state: DialogueState) -> _Turn:
        lang = state.language
        if incoming.kind == "unsupported":
            what = incoming.detail or ("this message" if lang == "en" else "此类消息")
            return _Turn([Reply(say("unsupported", lang, what=what))], state)
        if incoming.kind == "command":
            return self._command(incoming, state)
        if incoming.kind == "choice":
            return self._choice(incoming, state)
        text = incoming.text.strip()
        if not text:
            return _Turn([Reply(say("empty", lang))], state)
        return self._text(incoming, text, state)

    def _command(self, incoming: Incoming, state: DialogueState) -> _Turn:
        lang = state.language
        if state.expecting == "rating_comment":
            # A comment on a rating is the very next message; after a command, text is new.
            state = state.with_(expecting="question", comment_ticket=None)
        command = incoming.text.strip().lstrip("/").split("@")[0].lower()
        if command == "start":
            return _Turn([Reply(say("welcome", lang))], state.cleared())
        if command == "help":
            return _Turn([Reply(say("help", lang))], state)
        if command == "status":
            return _Turn([self._tickets.status(_student(incoming, lang))], state)
        if command == "cancel":
            return self._cancel(state)
        if command == "new":
            return _Turn(
                [Reply(say("new_question", lang))], state.cleared().with_(active_ticket=None)
            )
        return _Turn([Reply(say("unknown_command", lang, command=command[:32]))], state)

    def _cancel(self, state: DialogueState) -> _Turn:
        lang = state.language
        busy = state.pending_question or state.expecting != "question"
        if busy:
            return _Turn([Reply(say("cancelled", lang))], state.cleared())
        return _Turn([Reply(say("nothing_to_cancel", lang))], state)

    def _text(self, incoming: Incoming, text: str, state: DialogueState) -> _Turn:
        lang = state.language
        student = _student(incoming, lang)
        active = self._tickets.still_open(state.active_ticket, student)
        if active is not None and active.status is TicketStatus.WAITING_STUDENT:
            # Staff asked the student something: what comes next is the answer, whatever it
            # says ("不用了" and "好的" are answers here, not a cancel or a thank-you).
            reply = self._tickets.follow_up(active, student, text)
            return _Turn([reply], state.cleared())
        decision = None
        if state.expecting == "rating_comment" and state.comment_ticket is not None:
            if detect_meta(text) is None:
                # "You may add a comment, or just carry on": a question the guide answers
                # about other business is the student carrying on; about the rated ticket's
                # own ("still can't connect"), it is a comment on it.
                decision = self._matching.match(text[:MATCH_PREFIX_CHARS])
                entry = self._answered_entry(decision)
                rated = self._tickets.owned(state.comment_ticket, student)
                if entry is None or rated is None or _same_business(entry, rated):
                    self._tickets.comment(state.comment_ticket, student, text)
                    return _Turn([Reply(say("rating_comment_saved", lang))], state.cleared())
            state = state.cleared()
        meta = detect_meta(text)
        if meta is not None:
            return self._meta(meta, student, state)
        if state.expecting == "human_question":
            return self._open(student, text, state, unit=None, entry_id=None)
        if active is not None:
            return self._follow_up(student, text, active, state, decision)
        return self._ask(student, text, state.cleared().with_(active_ticket=None), decision)

    def _follow_up(
        self,
        student: StudentRef,
        text: str,
        ticket: Ticket,
        state: DialogueState,
        decision: Decision | None = None,
    ) -> _Turn:
        """What the student writes while a ticket is open goes to it — unless the guide answers
        it and it is other business: "how do I reset my Wi-Fi password" after a ticket about
        changing rooms is a new question, which the student gets answered at once instead of
        the dormitory office reading it. One tap still adds it to the ticket."""
        if decision is None:
            decision = self._matching.match(text[:MATCH_PREFIX_CHARS])
        entry = self._answered_entry(decision)
        if entry is None or _same_business(entry, ticket):
            reply = self._tickets.follow_up(ticket, student, text)
            return _Turn([reply], state.with_(held_message=None))
        turn = self._answer(entry.id, text, state)
        lang = state.language
        add = Button(
            say("btn_add_to_ticket", lang, number=ticket.number), f"add:{ticket.id}:{entry.id}"
        )
        *answer, ask = turn.replies
        replies = [*answer, Reply(ask.text, (*ask.buttons, add))]
        return _Turn(replies, turn.state.with_(held_message=text))

    def _answered_entry(self, decision: Decision) -> Entry | None:
        """The KB entry `decision` answers with, if it is an answer."""
        if decision.kind != "answer" or decision.entry is None:
            return None
        return self._matching.kb.by_id.get(decision.entry)

    def _meta(self, meta: MetaIntent, student: StudentRef, state: DialogueState) -> _Turn:
        lang = state.language
        if meta is MetaIntent.GREETING:
            return _Turn([Reply(say("greeting", lang))], state)
        if meta is MetaIntent.THANKS:
            return _Turn([Reply(say("thanks", lang))], state.cleared())
        if meta is MetaIntent.HELP:
            return _Turn([Reply(say("help", lang))], state)
        if meta is MetaIntent.STATUS:
            return _Turn([self._tickets.status(student)], state)
        if meta is MetaIntent.CANCEL:
            return self._cancel(state)
        # MetaIntent.HUMAN: hand over whatever the student last asked, or ask what it is.
        question = state.pending_question or state.answered_question
        if question:
            entry = state.answered_entry if not state.pending_question else None
            return self._open(student, question, state, unit=state.pending_unit, entry_id=entry)
        return _Turn(
            [Reply(say("ask_human", lang))], state.cleared().with_(expecting="human_question")
        )

    def _ask(
        self,
        student: StudentRef,
        text: str,
        state: DialogueState,
        decision: Decision | None = None,
    ) -> _Turn:
        lang = state.language
        if decision is None:
            decision = self._matching.match(text[:MATCH_PREFIX_CHARS])
        kb = self._matching.kb
        if decision.kind == "answer" and decision.entry is not None and decision.entry in kb.by_id:
            return self._answer(decision.entry, text, state)
        if decision.kind == "suggest" and decision.choices:
            offered = tuple(e for e in decision.choices if e in kb.by_id)
            buttons = tuple(Button(kb.entry(e).question, f"pick:{e}") for e in offered)
            buttons += (Button(say("btn_none", lang), "none"),)
            unit = decision.unit or (decision.candidates[0].unit if decision.candidates else None)
            pending = state.with_(pending_question=text, pending_entries=offered, pending_unit=unit)
            return _Turn([Reply(say("suggest", lang), buttons)], pending)
        return self._open(student, text, state, unit=decision.unit, entry_id=None)

    def _answer(self, entry_id: str, question: str, state: DialogueState) -> _Turn:
        lang = state.language
        entry = self._matching.kb.entry(entry_id)
        buttons = (
            Button(say("btn_solved", lang), f"fb:y:{entry_id}"),
            Button(say("btn_not_solved", lang), f"fb:n:{entry_id}"),
        )
        replies = [
            Reply(say("answer_intro", lang) + entry.answer),
            Reply(say("answer_ask", lang), buttons),
        ]
        return _Turn(
            replies, state.cleared().with_(answered_question=question, answered_entry=entry_id)
        )

    def _open(
        self,
        student: StudentRef,
        question: str,
        state: DialogueState,
        *,
        unit: str | None,
        entry_id: str | None,
    ) -> _Turn:
        ticket, reply = self._tickets.open(student, question, unit=unit, entry_id=entry_id)
        return _Turn([reply], state.cleared().with_(active_ticket=ticket.id))

    def _choice(self, incoming: Incoming, state: DialogueState) -> _Turn:
        lang = state.language
        student = _student(incoming, lang)
        kind, _, rest = incoming.text.partition(":")
        kb = self._matching.kb
        if kind == "pick":
            if rest not in kb.by_id or not state.pending_question:
                return _Turn([Reply(say("stale_choice", lang))], state.cleared())
            return self._answer(rest, state.pending_question, state)
        if kind == "none":
            if not state.pending_question:
                return _Turn([Reply(say("stale_choice", lang))], state.cleared())
            return self._open(
                student, state.pending_question, state, unit=state.pending_unit, entry_id=None
            )
        if kind == "fb":
            verdict, _, entry_id = rest.partition(":")
            if verdict == "y":
                return _Turn([Reply(say("solved", lang))], state.cleared())
            question = state.answered_question if state.answered_entry == entry_id else None
            if entry_id not in kb.by_id:
                return _Turn([Reply(say("stale_choice", lang))], state.cleared())
            entry = kb.entry(entry_id)
            return self._open(
                student, question or entry.question, state, unit=entry.unit, entry_id=entry_id
            )
        if kind == "new":
            return _Turn(
                [Reply(say("new_question", lang))], state.cleared().with_(active_ticket=None)
            )
        return self._ticket_choice(kind, rest, student, state)

    def _ticket_choice(
        self, kind: str, rest: str, student: StudentRef, state: DialogueState
    ) -> _Turn:
        lang = state.language
        number, _, argument = rest.partition(":")
        if not number.isdigit():
            return _Turn([Reply(say("stale_choice", lang))], state.cleared())
        ticket_id = int(number)
        if kind == "rate" and argument.isdigit():
            reply = self._tickets.rate(ticket_id, student, int(argument))
            after = state.cleared().with_(expecting="rating_comment", comment_ticket=ticket_id)
            return _Turn([reply], after)
        if kind == "add":
            # The button belongs to one answer: the message it adds is the one that answer
            # was for, not whatever the student asked since.
            ticket = self._tickets.still_open(ticket_id, student)
            held = state.held_message
            if ticket is None or held is None or state.answered_entry != argument:
                return _Turn([Reply(say("stale_choice", lang))], state.cleared())
            reply = self._tickets.follow_up(ticket, student, held)
            return _Turn([reply], state.cleared().with_(active_ticket=ticket.id))
        if kind == "withdraw":
            return _Turn([self._tickets.withdraw(ticket_id, student)], state.cleared())
        if kind == "reopen":
            reply = self._tickets.reopen(ticket_id, student)
            return _Turn([reply], state.cleared().with_(active_ticket=ticket_id))
        return _Turn([Reply(say("stale_choice", lang))], state.cleared())


def _language(incoming: Incoming, current: Language, *, fresh: bool) -> Language:
    """The language to answer in: the script of what the student wrote, else as before.

    The platform's language setting only decides for a newcomer or at /start: an international
    student on a Chinese-language phone still gets English once they write English.
    """
    if incoming.kind == "text":
        text = incoming.text
        # The script that carries the message: "vpn连不上" and "我的wifi password忘了" are
        # Chinese with English words in them; "I lost my 校园卡" and "I cannot log in to
        # 一网通办" are English naming Chinese things. A Chinese word is about two characters,
        # so two characters weigh as one English word; a tie keeps the language as it was.
        chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text) / 2
        english = len(_LATIN_WORD.findall(text))
        if chinese > english:
            return "zh"
        if english > chinese and sum(ch.isascii() and ch.isalpha() for ch in text) >= 2:
            return "en"
    starting = incoming.kind == "command" and incoming.text.lstrip("/").startswith("start")
    if incoming.language and (fresh or starting):
        return "en" if incoming.language.lower().startswith("en") else "zh"
    return current


def _student(incoming: Incoming, language: Language) -> StudentRef:
    return StudentRef(
        channel=incoming.channel,
        user_id=incoming.user_id,
        chat_id=incoming.chat_id,
        display_name=incoming.display_name or "",
        language=language,
    )


def _same_business(entry: Entry, ticket: Ticket) -> bool:
    """Whether an answered entry is about what `ticket` is about: its own entry, or a unit
    that holds or answers for it (a transfer moves the ticket, not its topic)."""
    units = {ticket.unit, ticket.first_unit, ticket.accountable_unit}
    return entry.id == ticket.entry_id or entry.unit in units
