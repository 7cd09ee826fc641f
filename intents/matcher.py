"""The matcher: ranks KB entries for a question and decides answer / suggest / route.

Hybrid evidence, each scored in [0, 1] per phrasing (standard and similar questions, and the
keywords) and taken at its best phrasing per entry:

- IDF-weighted overlap (an F1 of query and phrasing) of jieba words, of character bigrams and
  of pinyin bigrams — words for rephrasing, bigrams for segmentation slips, pinyin for
  homophone typos. Query words the KB never uses count against the match: that is what keeps
  out-of-scope questions from being answered.
- rapidfuzz similarity of the whole question to the phrasing, for the shortlist.
- optionally, cosine similarity of multilingual sentence embeddings (English, paraphrases),
  computed by the caller's embedder; this module does no I/O.

The decision answers only with a clear winner (score and margin over the runner-up, both from
config), offers choices when unsure, routes otherwise — and never answers a complaint.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from intents.decision import Candidate, Decision, Thresholds
from intents.features import Features, features
from intents.kb import Entry, KnowledgeBase
from intents.normalize import normalize, to_simplified
from intents.preamble import strip_preamble
from intents.segment import Segmenter
from intents.units import UnitNames

FloatArray = NDArray[np.float32]

# How much each kind of evidence counts (calibrated on tests/data/devset/dev.jsonl).
WORD_WEIGHT = 0.40
BIGRAM_WEIGHT = 0.35
SOUND_WEIGHT = 0.25
FUZZ_SHARE = 0.20  # of the lexical score, for the shortlist
EMBED_SHARE = 0.55  # of the final score, when embeddings are on
EMBED_FLOOR, EMBED_CEIL = 0.78, 0.93  # e5 cosines below/above this mean "unrelated"/"same"
SHORTLIST = 12

_COMPLAINT = re.compile(
    r"投诉|举报|态度(?:太)?(?:差|恶劣|不好)|太差|很差|差劲|垃圾|恶心|不满|气死|受不了|"
    r"不作为|乱收费|凭什么|曝光|complain|complaint|terrible|rude|awful|unacceptable"
)
_STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛么我你您他她它是在有和与及或怎么样什哪请问一下")


@dataclass(frozen=True)
class Embedding:
    """Sentence embeddings for matching: query encoder and the KB phrasings' vectors.

    `phrase_vectors[i]` embeds `Matcher.phrase_texts(kb)[i]`; rows are L2-normalised.
    """

    encode_query: Callable[[str], Sequence[float] | FloatArray]
    phrase_vectors: FloatArray


class Matcher:
    """Ranks entries of one KB; immutable after construction, safe to share between threads."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Thresholds,
        fallback_unit: str,
        embedding: Embedding | None = None,
    ) -> None:
        self._kb = kb
        self._thresholds = thresholds
        self._fallback = fallback_unit
        self._entries: tuple[Entry, ...] = kb.entries
        self._units = UnitNames(kb)
        self._synonyms = _synonym_table(kb)
        self._segmenter = Segmenter(_vocabulary(kb))
        texts = self.phrase_texts(kb)
        self._phrase_entry = np.array(self._phrase_owner(kb), dtype=np.int32)
        self._phrase_flat = [self._compact(t) for t in texts]
        self._index = _Index(
            [self._features(t) for t in texts], self._phrase_entry, len(kb.entries)
        )
        # Phrasings are grouped by entry, so an entry's best phrasing is a reduceat over runs.
        self._starts = np.flatnonzero(
            np.r_[True, self._phrase_entry[1:] != self._phrase_entry[:-1]]
        )
        self._embedding = embedding
        if embedding is not None and len(embedding.phrase_vectors) != len(texts):
            raise ValueError("embedding vectors do not match the KB's phrasings")

    @property
    def uses_embeddings(self) -> bool:
        return self._embedding is not None

    @staticmethod
    def phrase_texts(kb: KnowledgeBase) -> list[str]:
        """Every text an entry is matched by, grouped by entry, in KB order."""
        texts: list[str] = []
        for entry in kb.entries:
            texts.extend(entry.phrasings)
            if entry.keywords:
                texts.append(" ".join(entry.keywords))
        return texts

    @staticmethod
    def _phrase_owner(kb: KnowledgeBase) -> list[int]:
        owners: list[int] = []
        for number, entry in enumerate(kb.entries):
            owners.extend([number] * (len(entry.phrasings) + bool(entry.keywords)))
        return owners

    def rank(self, text: str, limit: int = 10) -> list[Candidate]:
        """The best `limit` entries for `text`, best first."""
        scores, _ = self._scores(text)
        return self._candidates(scores, limit)

    def match(self, text: str) -> Decision:
        """Answer, suggest or route `text` (thresholds from config)."""
        scores, cleaned = self._scores(text)
        limit = max(3, self._thresholds.max_suggestions)
        candidates = tuple(self._candidates(scores, limit))
        mentioned = self._units.mentioned(text)
        if not candidates:
            return Decision("route", None, mentioned or self._fallback, 0.0, ())
        best = candidates[0]
        second = candidates[1].score if len(candidates) > 1 else 0.0
        t = self._thresholds
        complaint = bool(_COMPLAINT.search(cleaned))
        if not complaint and best.score >= t.answer and best.score - second >= t.margin:
            return Decision("answer", best.entry, best.unit, best.score, candidates)
        if not complaint and best.score >= t.suggest:
            return Decision("suggest", None, mentioned or best.unit, best.score, candidates)
        # A ticket: for the unit the student named, else the likely owner, else the front desk.
        likely = best.unit if best.score >= t.suggest * 0.75 else None
        return Decision(
            "route", None, mentioned or likely or self._fallback, best.score, candidates
        )

    # -- scoring ---------------------------------------------------------------------------

    def _scores(self, text: str) -> tuple[FloatArray, str]:
        folded = to_simplified(unicodedata.normalize("NFKC", text).lower())
        cleaned = normalize(strip_preamble(folded))
        query = self._canonical(cleaned)
        n_entries = len(self._entries)
        if not query.strip():
            return np.zeros(n_entries, dtype=np.float32), cleaned
        phrase_scores = self._index.lexical(self._features(query))
        entry_scores = np.maximum.reduceat(phrase_scores, self._starts).astype(np.float32)
        flat = query.replace(" ", "")
        shortlist = np.argsort(-entry_scores)[:SHORTLIST]
        for number in shortlist:
            phrases = np.flatnonzero(self._phrase_entry == number)
            similarity = max(fuzz.ratio(flat, self._phrase_flat[p]) for p in phrases) / 100.0
            entry_scores[number] = (1 - FUZZ_SHARE) * entry_scores[number] + FUZZ_SHARE * similarity
        if self._embedding is not None:
            vector = np.asarray(self._embedding.encode_query(folded), dtype=np.float32)
            cosines = self._embedding.phrase_vectors @ vector
            best_cosine = np.maximum.reduceat(cosines, self._starts)
            semantic = np.clip((best_cosine - EMBED_FLOOR) / (EMBED_CEIL - EMBED_FLOOR), 0.0, 1.0)
            entry_scores = (1 - EMBED_SHARE) * entry_scores + EMBED_SHARE * semantic
        return entry_scores.astype(np.float32), cleaned

    def _candidates(self, scores: FloatArray, limit: int) -> list[Candidate]:
        order = np.argsort(-scores, kind="stable")[:limit]
        return [
            Candidate(self._entries[i].id, self._entries[i].unit, round(float(scores[i]), 4))
            for i in order
        ]

    def _features(self, text: str) -> Features:
        return features(self._canonical(normalize(text)), self._segmenter.words, _STOP_CHARS)

    def _compact(self, text: str) -> str:
        return self._canonical(normalize(text)).replace(" ", "")

    def _canonical(self, text: str) -> str:
        """Synonyms replaced by their group's first word (饭卡 -> 校园卡), longest first."""
        for variant, canonical in self._synonyms:
            if variant in text:
                text = text.replace(variant, canonical)
        return text


class _Index:
    """Inverted index of phrasing features with IDF weights over entries."""

    def __init__(self, phrases: list[Features], owners: NDArray[np.int32], n_entries: int) -> None:
        self._n_phrases = len(phrases)
        self._kinds: list[
            tuple[float, dict[str, NDArray[np.int32]], dict[str, float], FloatArray]
        ] = []
        for weight, pick in (
            (WORD_WEIGHT, lambda f: f.words),
            (BIGRAM_WEIGHT, lambda f: f.bigrams),
            (SOUND_WEIGHT, lambda f: f.sounds),
        ):
            postings: dict[str, list[int]] = {}
            for number, phrase in enumerate(phrases):
                for feature in pick(phrase):
                    postings.setdefault(feature, []).append(number)
            idf = {
                feature: math.log(1 + n_entries / len({int(owners[p]) for p in items}))
                for feature, items in postings.items()
            }
            norms = np.array(
                [sum(idf[f] for f in pick(phrase)) for phrase in phrases], dtype=np.float32
            )
            arrays = {f: np.array(items, dtype=np.int32) for f, items in postings.items()}
            self._kinds.append((weight, arrays, idf, norms))
        self._unknown_idf = math.log(1 + n_entries)
        self._picks: tuple[Callable[[Features], frozenset[str]], ...] = (
            lambda f: f.words,
            lambda f: f.bigrams,
            lambda f: f.sounds,
        )

    def lexical(self, query: Features) -> FloatArray:
        total = np.zeros(self._n_phrases, dtype=np.float32)
        for (weight, postings, idf, norms), pick in zip(self._kinds, self._picks, strict=True):
            wanted = pick(query)
            if not wanted:
                continue
            overlap = np.zeros(self._n_phrases, dtype=np.float32)
            query_norm = 0.0
            for feature in wanted:
                value = idf.get(feature, self._unknown_idf)
                query_norm += value
                hits = postings.get(feature)
                if hits is not None:
                    overlap[hits] += value
            total += weight * (2 * overlap / (query_norm + norms))
        return total


def _synonym_table(kb: KnowledgeBase) -> list[tuple[str, str]]:
    pairs = [
        (normalize(word), normalize(group[0]))
        for group in kb.synonyms
        for word in group[1:]
        if normalize(word) and normalize(word) != normalize(group[0])
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _vocabulary(kb: KnowledgeBase) -> set[str]:
    words: set[str] = set()
    for entry in kb.entries:
        words.update(normalize(k) for k in entry.keywords)
    for unit in kb.units.values():
        words.update(normalize(n) for n in (unit.name, *unit.aliases))
    for group in kb.synonyms:
        words.update(normalize(w) for w in group)
    return {w for w in words if w and " " not in w}
