"""The knowledge base as immutable values: units, entries and synonym groups.

The bot's loader (`bot.kb.loader`) reads `kb/*.toml` and builds these; `intents` only consumes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Complexity = Literal["general", "complex"]


@dataclass(frozen=True)
class Unit:
    """An office that owns questions (网络信息中心, 教务处, …)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    supervisor: str = ""  # who is told at a breach (督办), e.g. "网络信息中心主任"
    clock: str = ""  # "natural" or "working" for this unit's deadlines; "" = config default
    name_en: str = ""  # shown to students who write English; the Chinese name otherwise


@dataclass(frozen=True)
class Entry:
    """One service-guide entry: a standard question, its variants and the answer."""

    id: str
    question: str
    unit: str
    answer: str
    similar: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    complexity: Complexity = "general"
    source: str = ""  # "kb/nic.toml:12", for messages that point an admin at the entry

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The standard question followed by every similar question."""
        return (self.question, *self.similar)


@dataclass(frozen=True)
class KnowledgeBase:
    """A loaded, validated knowledge base."""

    units: Mapping[str, Unit]
    entries: tuple[Entry, ...]
    # Each group lists words that mean the same thing (饭卡 = 校园卡); the first is canonical.
    synonyms: tuple[tuple[str, ...], ...] = ()
    by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {entry.id: entry for entry in self.entries})

    def entry(self, entry_id: str) -> Entry:
        return self.by_id[entry_id]

    def unit_name(self, unit_id: str, language: str = "zh") -> str:
        """The unit's name for a reader of `language` (its id if the unit is unknown)."""
        unit = self.units.get(unit_id)
        if unit is None:
            return unit_id
        return unit.name_en if language == "en" and unit.name_en else unit.name
