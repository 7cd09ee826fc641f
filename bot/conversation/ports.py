"""What the conversation core needs from the rest of the application, as small protocols."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from intents.decision import Decision
from intents.kb import KnowledgeBase


class MatchingView(Protocol):
    """The knowledge base in force and a matcher built on it (both swap on reload)."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def match(self, text: str) -> Decision: ...


class StateStore(Protocol):
    """Per-student dialogue state that survives restarts (JSON-serialisable dicts)."""

    def get(self, channel: str, user_id: str) -> Mapping[str, Any] | None: ...

    def put(self, channel: str, user_id: str, state: dict[str, Any]) -> None: ...
