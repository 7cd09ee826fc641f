"""English words of a question read as the KB's own Chinese words, through a dictionary.

The KB is Chinese; students also ask in English. The built-in glossary covers common campus
phrases, and for the rest a Chinese-English dictionary (CC-CEDICT) is read backwards — but only
for the words this KB uses, so "exam" finds 补考 and 考试 in a guide about exams, never the
thousands of other words whose definitions say "exam". A definition of several words counts
only when the question says two of them: "hot" alone is not 热水 ("hot water"). The Chinese
words found are added to the question, next to the English ones, before it is compared with the
KB.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import snowballstemmer

# Words that say nothing about what a definition means.
_STOP_WORDS = """a an the to of for in on at by with and or from as into out up off over about one's
    sb sth someone something be is are was it its this that these those his her their your my
    our etc e g i e also see variant cl used esp especially lit fig abbr old kind sort type
    form way person people thing things place time make get do have take give go put set
    can could may will would should must not no any all some each other another such very
    more most less least much many so than then there here what which who whom how why when
    where you he she we they me him us them if but because while after before find need want
    know help please like ask tell say use look here now still just only really already even
    well try able way thank thanks hello hi dear"""
_STOP = frozenset(_STOP_WORDS.split())
_LATIN_WORD = re.compile(r"[a-z]+")
_NOTES = re.compile(r"\([^)]*\)|\bCL:[^/]*|\[[^\]]*\]")
# An English word that half the KB's words gloss with says nothing about any one of them.
MAX_WORDS_PER_TOKEN = 4
# A KB word the dictionary lacks (缓考, 校园卡) is read as two words it has (缓 + 考), each by
# its first few senses only (one character has dozens).
PART_SENSES = 3
_STEMMER = snowballstemmer.stemmer("english")
# The content words of one wording of a sense ("hot water" -> {"hot", "water"}).
Wording = frozenset[str]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem: "proving" meets "to prove", "exams" meets "exam"."""
    return str(_STEMMER.stemWord(word))


def gloss_tokens(definition: str) -> set[str]:
    """The content words of a dictionary definition, stemmed."""
    text = _NOTES.sub(" ", definition).lower()
    return {stem(w) for w in _LATIN_WORD.findall(text) if w not in _STOP and len(w) > 1}


class Translator:
    """Adds to a question the KB words whose dictionary definitions name its English words."""

    def __init__(self, vocabulary: Iterable[str], glosses: Mapping[str, str]) -> None:
        found: dict[str, list[tuple[int, str, Wording]]] = {}
        for word in set(vocabulary):
            # The first senses are the common ones: rank a word by where the token first shows.
            for rank, sense in enumerate(_senses(word, glosses)):
                for wording in sense.split(";"):  # "flu; influenza": either word says it
                    tokens = frozenset(gloss_tokens(wording))
                    for token in tokens:
                        found.setdefault(token, []).append((rank, word, tokens))
        # Per token, the KB words it may stand for, each with its wordings that name the token.
        self._words: dict[str, tuple[tuple[str, tuple[Wording, ...]], ...]] = {}
        for token, ranked in found.items():
            best: dict[str, int] = {}
            wordings: dict[str, list[Wording]] = {}
            for rank, word, tokens in ranked:
                best[word] = min(rank, best.get(word, rank))
                wordings.setdefault(word, []).append(tokens)
            if len(best) <= MAX_WORDS_PER_TOKEN:
                ordered = sorted(best, key=lambda w: (best[w], w))
                self._words[token] = tuple((w, tuple(wordings[w])) for w in ordered)

    def __len__(self) -> int:
        return len(self._words)

    def expand(self, query: str) -> str:
        """`query` followed by the KB words its English words translate to (if any)."""
        added: list[str] = []
        said = [stem(w) for w in _LATIN_WORD.findall(query) if w not in _STOP]
        asked = set(said)
        for token in said:
            for chinese, wordings in self._words.get(token, ()):
                # A wording of several words needs two of them: "hot" alone is not 热水 ("hot
                # water"); "flu" is still 流感 ("flu; influenza": two wordings of one).
                if not any(len(w) == 1 or len(w & asked) >= 2 for w in wordings):
                    continue
                if chinese not in added and chinese not in query:
                    added.append(chinese)
        return f"{query} {' '.join(added)}" if added else query


def _senses(word: str, glosses: Mapping[str, str]) -> list[str]:
    """The word's senses; for a compound the dictionary lacks, those of its two halves."""
    definition = glosses.get(word)
    if definition:
        return definition.split("/")
    for cut in range(len(word) - 1, 0, -1):
        head, tail = glosses.get(word[:cut]), glosses.get(word[cut:])
        if head and tail:
            return [*head.split("/")[:PART_SENSES], *tail.split("/")[:PART_SENSES]]
    return []
