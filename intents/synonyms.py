"""Synonyms: every word of a group read as the group's canonical word (饭卡 -> 校园卡).

Both the question and the KB go through the same rewrite, so any member of a group meets any
other. Groups come from the built-in campus glossary and from the KB's own `synonyms/*.toml`;
a later group wins where both list a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from intents.normalize import normalize


class Synonyms:
    """Rewrites normalised text, longest variant first, in one pass."""

    def __init__(self, groups: Sequence[tuple[str, ...]]) -> None:
        self._table = dict(_pairs(groups))
        # Canonical words match as themselves, so that 图书 (-> 图书馆) is not found inside 图书馆.
        self._table.update({head: head for head in set(self._table.values())})
        self._pattern = _pattern(self._table)

    def canonical(self, text: str) -> str:
        """`text` with every variant replaced by its canonical word; Latin words only as whole
        words, English plurals included (transcripts -> 成绩单)."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group()  # the variant itself, or its English plural (+s, +es)
        table = self._table
        return table.get(found) or table.get(found[:-1]) or table[found[:-2]]


def _pairs(groups: Sequence[tuple[str, ...]]) -> list[tuple[str, str]]:
    """(variant, canonical) pairs. Groups sharing a word merge; the later group's first word
    becomes the canonical one of the merged group (so a KB's ["一卡通", "校园卡"] turns the
    built-in 校园卡 group towards 一卡通 instead of pulling the two words apart)."""
    canonical: dict[str, str] = {}
    for group in groups:
        words = [w for w in (normalize(word) for word in group) if w]
        if not words:
            continue
        earlier = {canonical[w] for w in words if w in canonical}
        merged = {*words, *earlier, *(w for w, head in canonical.items() if head in earlier)}
        for word in merged:
            canonical[word] = words[0]
    return [(word, head) for word, head in canonical.items() if word != head]


def _pattern(table: dict[str, str]) -> re.Pattern[str] | None:
    if not table:
        return None
    parts = []
    for variant in sorted(table, key=len, reverse=True):
        escaped = re.escape(variant)
        if not variant.isascii():
            parts.append(escaped)
        elif variant[-1].isalpha() and not variant.endswith("s"):
            # English plurals too: "graduate students" is "graduate student".
            parts.append(rf"(?<![a-z0-9]){escaped}(?:e?s)?(?![a-z0-9])")
        else:
            parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile("|".join(parts))
