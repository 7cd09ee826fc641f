"""One student's dialogue state: what the last bot message offered, so the next input fits it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from bot.conversation.texts import Language


@dataclass(frozen=True)
class DialogueState:
    language: Language = "zh"
    # The question awaiting a "did you mean" choice, with the offered entries and the unit a
    # ticket would go to if none fits.
    pending_question: str | None = None
    pending_entries: tuple[str, ...] = ()
    pending_unit: str | None = None
    # The last answered question and entry, for "not solved, ask a person".
    answered_question: str | None = None
    answered_entry: str | None = None
    # The open ticket that follow-up messages go to, until the student starts a new question.
    active_ticket: int | None = None
    # A message written while that ticket was open but answered as a new question (another
    # unit's business, which the guide answers): kept so that one tap still adds it to the ticket.
    held_message: str | None = None
    # What free text means next: a question, a question for a person, or a rating comment.
    expecting: Literal["question", "human_question", "rating_comment"] = "question"
    comment_ticket: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def cleared(self) -> DialogueState:
        """Forget every offer, keep the language and the active ticket."""
        return DialogueState(language=self.language, active_ticket=self.active_ticket)

    def with_(self, **changes: Any) -> DialogueState:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pending_entries"] = list(self.pending_entries)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> DialogueState:
        if not data:
            return cls()
        known = {name for name in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["pending_entries"] = tuple(values.get("pending_entries") or ())
        if values.get("language") not in ("zh", "en"):
            values["language"] = "zh"
        try:
            return cls(**values)
        except TypeError:
            # A state written by an older version that no longer fits: start afresh, never fail.
            return cls()
