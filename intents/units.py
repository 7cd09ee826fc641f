"""Units named in a question: "网信中心的老师能帮我看看…" belongs to the network center."""

from __future__ import annotations

from intents.kb import KnowledgeBase
from intents.normalize import compact


class UnitNames:
    """Finds the unit a text names, by name or alias, preferring the longest name."""

    def __init__(self, kb: KnowledgeBase) -> None:
        names: list[tuple[str, str]] = []
        for unit in kb.units.values():
            for name in (unit.name, *unit.aliases):
                key = compact(name)
                if len(key) >= 2:
                    names.append((key, unit.id))
        self._names = sorted(names, key=lambda pair: -len(pair[0]))

    def mentioned(self, text: str) -> str | None:
        """The unit id named in `text`, or None."""
        flat = compact(text).replace(" ", "")
        for name, unit_id in self._names:
            if name in flat:
                return unit_id
        return None
