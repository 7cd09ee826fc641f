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
    """Rewrites normalised text, longest variant first, in one left-to-right pass.

    A scan with a table keyed by each variant's first character, not one regex alternation of
    every variant: Python's regex engine tries each of a thousand alternatives at every
    position (0.18 ms a question, the matcher's largest cost, run several times a question).
    One character class finds where a variant may start, so the Python loop visits those
    places only (an English message's letters each began some English variant: a
    250-character one cost 0.5 ms a pass).
    """

    def __init__(self, groups: Sequence[tuple[str, ...]]) -> None:
        self._table = dict(_pairs(groups))
        # Canonical words match as themselves, so that 图书 (-> 图书馆) is not found inside 图书馆.
        self._table.update({head: head for head in set(self._table.values())})
        lengths: dict[str, set[int]] = {}
        for variant in self._table:
            lengths.setdefault(variant[0], set()).add(len(variant))
        # Per first character, the variant lengths to try, longest first; the first two
        # characters of every longer variant spare trying them where none can start (学 begins
        # many variants, 学生 few).
        self._lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}
        self._openings = {variant[:2] for variant in self._table}
        # Latin variants match whole words only, so a letter that begins nothing else is a
        # start only where a word starts.
        anywhere = {variant[0] for variant in self._table if not variant.isascii()}
        word_start = set(lengths) - anywhere
        parts = []
        if anywhere:
            parts.append(_char_class(anywhere))
        if word_start:
            parts.append("(?<![a-z0-9])" + _char_class(word_start))
        self._starts = re.compile("|".join(parts)) if parts else None

    def canonical(self, text: str) -> str:
        """`text` with every variant replaced by its canonical word; Latin words only as whole
        words, English plurals included (transcripts -> 成绩单)."""
        if self._starts is None:
            return text
        table, by_first, openings = self._table, self._lengths, self._openings
        out: list[str] = []
        start = 0  # text[start:at] is copied as it is; nothing before it is matched again
        for possible in self._starts.finditer(text):
            at = possible.start()
            if at < start or not (text[at : at + 2] in openings or text[at] in openings):
                continue
            found = _match_at(text, at, by_first[text[at]], table)
            if found:
                variant_length, matched = found
                out.append(text[start:at])
                out.append(table[text[at : at + variant_length]])
                start = at + matched
        if not out:
            return text
        out.append(text[start:])
        return "".join(out)


def _match_at(
    text: str, at: int, lengths: list[int], table: dict[str, str]
) -> tuple[int, int] | None:
    """(variant length, matched length) of the longest variant at `at`, if any. Latin
    variants match whole words only, with an English plural ending (+s, +es) if present."""
    latin_start = at == 0 or not _is_latin(text[at - 1])
    for length in lengths:
        variant = text[at : at + length]
        if len(variant) < length or variant not in table:
            continue
        if not variant.isascii():
            return length, length
        if not latin_start:
            continue
        endings = ("es", "s", "") if variant[-1].isalpha() and variant[-1] != "s" else ("",)
        for ending in endings:
            after = at + length + len(ending)
            if text.startswith(ending, at + length) and (
                after == len(text) or not _is_latin(text[after])
            ):
                return length, length + len(ending)
    return None


def _char_class(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z" or "0" <= char <= "9"


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
