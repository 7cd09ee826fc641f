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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from intents.calibration import FULL, LEXICAL
from intents.decision import Candidate, Decision, Thresholds
from intents.features import Features, features, pinyin_of
from intents.kb import Entry, KnowledgeBase
from intents.normalize import has_cjk, normalize, to_simplified
from intents.preamble import strip_preamble
from intents.segment import Segmenter
from intents.units import UnitNames

FloatArray = NDArray[np.float32]

# How much each kind of evidence counts (calibrated on tests/data/devset/dev.jsonl).
WORD_WEIGHT = 0.40
BIGRAM_WEIGHT = 0.35
SOUND_WEIGHT = 0.25
FUZZ_SHARE = 0.20  # of the lexical score, for the shortlist
EMBED_SHARE = 0.60  # of the final score, when embeddings are on
EMBED_FLOOR, EMBED_CEIL = 0.78, 0.93  # e5 cosines below/above this mean "unrelated"/"same"
SHORTLIST = 12
UNIT_VOTERS = 5  # candidates whose units vote on where a ticket goes
ROUTE_EVIDENCE = 0.25  # best lexical score below which no unit's guess is worth a ticket

_COMPLAINT = re.compile(
    r"投诉|举报|态度(?:太)?(?:差|恶劣|不好)|太差|很差|差劲|垃圾|恶心|不满|气死|受不了|"
    r"不作为|乱收费|凭什么|曝光|不负责|没人管|也不管|都不管|没人接|没人理|不理人|没有回音|没回音|"
    r"石沉大海|推诿|踢皮球|拖着不办|一直没人|complain|complaint|terrible|rude|awful|"
    r"unacceptable|nobody (?:answers|cares|responds)|ignored"
)
_STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛么我你您他她它是在有和与及或怎么样什哪请问一下")


@dataclass(frozen=True)
class Evidence:
    """Everything the matcher found for one question."""

    scores: FloatArray  # ranking score per entry, KB order
    best: str  # id of the best entry
    features: tuple[float, ...]  # what the confidence is computed from
    confidence: float  # calibrated probability that `best` is the right entry
    query: str  # the question as matched (normalised, preamble stripped, synonyms applied)
    word_scores: FloatArray | None = None  # lexical score per entry: what the KB's words say


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
        *,
        dictionary: Path | None = None,
        pinyin: Mapping[str, str] | None = None,
    ) -> None:
        self._kb = kb
        self._thresholds = thresholds
        self._fallback = fallback_unit
        self._entries: tuple[Entry, ...] = kb.entries
        self._units = UnitNames(kb)
        self._synonyms = dict(_synonym_table(kb))
        self._synonym_pattern = _synonym_pattern(self._synonyms)
        self._segmenter = Segmenter(_vocabulary(kb), dictionary)
        # A character -> pinyin table from the caller spares importing pypinyin (slow).
        table = pinyin or {}
        self._sound: Callable[[str], str] = lambda char: table.get(char) or pinyin_of(char)
        texts = self.phrase_texts(kb)
        self._phrase_entry = np.array(self._phrase_owner(kb), dtype=np.int32)
        self._phrase_flat = [self._compact(t) for t in texts]
        self._index = _Index(
            [self._features(t) for t in texts], self._phrase_entry, len(kb.entries)
        )
        # Phrasings are grouped by entry, so an entry's best phrasing is a reduceat over runs.
        self._entry_phrases = [
            np.flatnonzero(self._phrase_entry == number) for number in range(len(kb.entries))
        ]
        self._starts = np.flatnonzero(
            np.r_[True, self._phrase_entry[1:] != self._phrase_entry[:-1]]
        )
        self._entry_text = {
            entry.id: normalize(" ".join((*entry.phrasings, *entry.keywords)))
            for entry in kb.entries
        }
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
        return self._candidates(self.evidence(text).scores, limit)

    def match(self, text: str) -> Decision:
        """Answer, suggest or route `text`.

        `score` is the calibrated confidence that the best candidate is the right entry; the
        candidates carry their ranking scores. Thresholds come from config.
        """
        evidence = self.evidence(text)
        scores, query = evidence.scores, evidence.query
        limit = max(3, self._thresholds.max_suggestions)
        candidates = tuple(self._candidates(scores, limit))
        mentioned = self._units.mentioned(text)
        if not candidates:
            return Decision("route", None, mentioned or self._fallback, 0.0, ())
        best = candidates[0]
        margin = best.score - (candidates[1].score if len(candidates) > 1 else 0.0)
        confidence = round(evidence.confidence, 4)
        t = self._thresholds
        complaint = self._is_complaint(query, best.entry)
        if not complaint and confidence >= t.answer and margin >= t.margin:
            return Decision("answer", best.entry, best.unit, confidence, candidates)
        if not complaint and confidence >= t.suggest:
            return Decision("suggest", None, mentioned or best.unit, confidence, candidates)
        # A ticket: for the unit the student named, else the likely owner, else the front desk.
        # Meaning alone finds some unit for anything; only the KB's own words justify a guess.
        # A complaint names what it is about (食堂, 宿管) even when little else matches.
        words = evidence.word_scores if evidence.word_scores is not None else scores
        guess = float(words.max(initial=0.0)) >= ROUTE_EVIDENCE * (0.6 if complaint else 1.0)
        likely = self._likely_unit(words) if guess else None
        return Decision(
            "route", None, mentioned or likely or self._fallback, confidence, candidates
        )

    def _is_complaint(self, cleaned: str, best_entry: str) -> bool:
        """A complaint cue, unless the best entry is itself about that (如何实名举报)."""
        cue = _COMPLAINT.search(cleaned)
        return cue is not None and cue.group() not in self._entry_text[best_entry]

    def _likely_unit(self, scores: FloatArray) -> str:
        """The unit whose entries, together, fit best: a vote of the top candidates."""
        votes: dict[str, float] = {}
        for candidate in self._candidates(scores, UNIT_VOTERS):
            votes[candidate.unit] = votes.get(candidate.unit, 0.0) + candidate.score
        return max(votes, key=lambda unit: votes[unit])

    # -- scoring ---------------------------------------------------------------------------

    def evidence(self, text: str) -> Evidence:
        """Scores of every entry and the confidence that the best one is right."""
        lexical, cosines, query, known = self._components(text)
        if cosines is None:
            combined = lexical
        else:
            semantic = np.clip((cosines - EMBED_FLOOR) / (EMBED_CEIL - EMBED_FLOOR), 0.0, 1.0)
            # Without Chinese words the lexical side has nothing to say: meaning decides alone.
            share = EMBED_SHARE if has_cjk(query) else 1.0
            combined = ((1 - share) * lexical + share * semantic).astype(np.float32)
        if len(combined) < 2 or not query.strip():
            best = self._entries[int(np.argmax(combined))].id if len(combined) else ""
            return Evidence(combined, best, (), 0.0, query, lexical)
        order = np.argsort(-combined, kind="stable")
        top, runner_up = int(order[0]), int(order[1])
        lexical_sorted = np.sort(lexical)[::-1]
        size = min(len(query), 60) / 60
        cjk = float(has_cjk(text))
        if cosines is None:
            features: tuple[float, ...] = (
                float(lexical[top]),
                float(lexical_sorted[0] - lexical_sorted[1]),
                cjk,
                size,
                known,
            )
            confidence = LEXICAL.probability(features)
        else:
            cosines_sorted = np.sort(cosines)[::-1]
            features = (
                float(combined[top]),
                float(combined[top] - combined[runner_up]),
                float(lexical[top]),
                float(lexical_sorted[0] - lexical_sorted[1]),
                float(cosines[top]),
                float(cosines_sorted[0] - cosines_sorted[1]),
                float(int(np.argmax(lexical)) == top),
                float(int(np.argmax(cosines)) == top),
                cjk,
                size,
                known,
            )
            confidence = FULL.probability(features)
        return Evidence(combined, self._entries[top].id, features, confidence, query, lexical)

    def _components(self, text: str) -> tuple[FloatArray, FloatArray | None, str, float]:
        """Lexical evidence per entry in [0, 1], best cosines per entry (if on), the query."""
        folded = to_simplified(unicodedata.normalize("NFKC", text).lower())
        stripped = strip_preamble(folded)
        cleaned = normalize(stripped)
        query = self._canonical(cleaned)
        lexical = np.zeros(len(self._entries), dtype=np.float32)
        known = 0.0
        if query.strip():
            query_features = self._features(query)
            known = self._index.known_share(query_features)
            phrase_scores = self._index.lexical(query_features)
            lexical = np.maximum.reduceat(phrase_scores, self._starts).astype(np.float32)
            lexical *= 1 - FUZZ_SHARE
            flat = query.replace(" ", "")
            for number in np.argsort(-lexical)[:SHORTLIST]:
                phrases = self._entry_phrases[number]
                similarity = max(fuzz.ratio(flat, self._phrase_flat[p]) for p in phrases) / 100.0
                lexical[number] += FUZZ_SHARE * similarity
        if self._embedding is None or not cleaned:
            return lexical, None, query, known
        vector = np.asarray(self._embedding.encode_query(stripped), dtype=np.float32)
        cosines = np.maximum.reduceat(self._embedding.phrase_vectors @ vector, self._starts)
        return lexical, cosines.astype(np.float32), query, known

    def _candidates(self, scores: FloatArray, limit: int) -> list[Candidate]:
        order = np.argsort(-scores, kind="stable")[:limit]
        return [
            Candidate(self._entries[i].id, self._entries[i].unit, round(float(scores[i]), 4))
            for i in order
        ]

    def _features(self, text: str) -> Features:
        return features(
            self._canonical(normalize(text)), self._segmenter.words, _STOP_CHARS, self._sound
        )

    def _compact(self, text: str) -> str:
        return self._canonical(normalize(text)).replace(" ", "")

    def _canonical(self, text: str) -> str:
        """Synonyms replaced by their group's first word (饭卡 -> 校园卡, transcript -> 成绩单),
        longest first, in one pass; Latin words only as whole words."""
        if self._synonym_pattern is None:
            return text
        return self._synonym_pattern.sub(lambda m: self._synonyms[m.group()], text)


class _Index:
    """Inverted index of phrasing features with IDF weights over entries."""

    def __init__(self, phrases: list[Features], owners: NDArray[np.int32], n_entries: int) -> None:
        self._n_phrases = len(phrases)
        self._kinds: list[
            tuple[float, dict[str, NDArray[np.int32]], dict[str, float], FloatArray]
        ] = []
        self._picks: tuple[Callable[[Features], frozenset[str]], ...] = (
            _words,
            _bigrams,
            _sounds,
        )
        for weight, pick in zip(
            (WORD_WEIGHT, BIGRAM_WEIGHT, SOUND_WEIGHT), self._picks, strict=True
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

    def known_share(self, query: Features) -> float:
        """How much of the question's words (by IDF) the KB uses at all; low = out of scope."""
        _, postings, idf, _ = self._kinds[0]
        if not query.words:
            return 0.0
        total = sum(idf.get(word, self._unknown_idf) for word in query.words)
        known = sum(idf[word] for word in query.words if word in postings)
        return known / total if total else 0.0

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


def _words(features: Features) -> frozenset[str]:
    return features.words


def _bigrams(features: Features) -> frozenset[str]:
    return features.bigrams


def _sounds(features: Features) -> frozenset[str]:
    return features.sounds


def _synonym_table(kb: KnowledgeBase) -> list[tuple[str, str]]:
    pairs = [
        (normalize(word), normalize(group[0]))
        for group in kb.synonyms
        for word in group[1:]
        if normalize(word) and normalize(word) != normalize(group[0])
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _synonym_pattern(table: dict[str, str]) -> re.Pattern[str] | None:
    if not table:
        return None
    parts = []
    for variant in sorted(table, key=len, reverse=True):
        escaped = re.escape(variant)
        parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if variant.isascii() else escaped)
    return re.compile("|".join(parts))


def _vocabulary(kb: KnowledgeBase) -> set[str]:
    words: set[str] = set()
    for entry in kb.entries:
        words.update(normalize(k) for k in entry.keywords)
    for unit in kb.units.values():
        words.update(normalize(n) for n in (unit.name, *unit.aliases))
    for group in kb.synonyms:
        words.update(normalize(w) for w in group)
    return {w for w in words if w and " " not in w}
