"""The matcher: ranks KB entries for a question and decides answer / suggest / route.

Every entry gets a row of evidence, each value comparable across KBs:

- IDF-weighted overlaps (an F1 of question and phrasing, at the entry's best phrasing) of jieba
  words, of character bigrams and of pinyin bigrams — words for rephrasing, bigrams for
  segmentation slips, pinyin for homophone typos — and rapidfuzz similarity of the whole
  question. Question words the KB never uses count against the match: that is what keeps
  out-of-scope questions from being answered.
- Whether the question names an audience the entry serves, or one it is not for ("我是研一新生"
  and the graduate course-selection guide; `intents/audience.py`).
- How much of the question the entry covers anywhere: its phrasings and keywords together, and
  its answer text (a student often asks with the answer's words: "开学前多久能退宿舍"); and how
  much of the clause that asks ("…已经挂失了，新卡去哪领" asks about the new card).
- optionally, cosine similarities of multilingual sentence embeddings (English, paraphrases) to
  the entry's phrasings, to its answer and its answer's best line, and to its phrasings read in
  English (`intents/gloss.py`), computed by the caller's embedder; this module does no I/O. A
  long message is cut to its telling clauses for the encoder (`intents/focus.py`).

A linear ranker fitted on the dev set (`intents/fitted.py`) turns a row into a score; a softmax
over entries gives each candidate's probability, the same softmax with "none of these" (a
fitted score, lower when the message asks something) says how likely any entry is meant, and a
logistic calibration of that verdict gives the confidence that decides: answer only with a clear
winner (confidence, margin and share from config), offer the likely choices when unsure, route
otherwise — and never answer a complaint.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from intents.audience import AUDIENCES, audiences
from intents.complaints import asks, is_complaint
from intents.decision import Candidate, Decision, Thresholds
from intents.features import Features, features, pinyin_of
from intents.focus import asking_clause, focus
from intents.gloss import campus_english, render_english
from intents.kb import Entry, KnowledgeBase
from intents.negation import strip_disclaimers
from intents.normalize import encodable, has_cjk, normalize, to_simplified
from intents.overlap import OverlapIndex
from intents.preamble import strip_preamble
from intents.ranking import Calibration, LinearRanker
from intents.segment import Segmenter
from intents.synonyms import Synonyms
from intents.translate import Translator
from intents.units import UnitNames
from intents.weights import fitted_models

FloatArray = NDArray[np.float32]

# The blend of overlaps used to route tickets and to pick which entries vote on the unit.
WORD_WEIGHT = 0.40
BIGRAM_WEIGHT = 0.35
SOUND_WEIGHT = 0.25
FUZZ_SHARE = 0.20
UNIT_VOTERS = 5  # candidates whose units vote on where a ticket goes
ROUTE_EVIDENCE = 0.25  # best lexical score below which no unit's guess is worth a ticket
MAX_QUESTION_CHARS = 600  # the part of a message that is matched
EXACT_LEAD = 3.0  # how far an entry whose own phrasing the question is leads the others (logit)
# The evidence columns `signals` computes per entry (each also as `top_<name>`: 1 for the entry
# that evidence alone would pick).
LEXICAL_EVIDENCE = (
    "audience_match",
    "audience_clash",
    "audience_match_topic",
    "audience_clash_topic",
    "word_f1",
    "bigram_f1",
    "sound_f1",
    "fuzz",
    "lexical",
    "word_recall",
    "bigram_recall",
    "word_coverage",
    "bigram_coverage",
    "answer_word_recall",
    "answer_bigram_recall",
    "ask_word_recall",
    "ask_bigram_recall",
)
SEMANTIC_EVIDENCE = ("cos_best", "cos_mean", "cos_answer", "cos_gloss", "cos_chunk")
# The companion encoder's (`Embedding.companion`): its best phrasing's cosine and its answer's.
COMPANION_EVIDENCE = ("use_cos_best", "use_cos_answer")
LATIN = "latin*"  # a feature name prefix: the feature, only for questions without Chinese

_LATIN_TOKEN = re.compile(r"[a-z]{2,}")
# About as much Chinese as the sentence encoder reads of a message (QUERY_TOKENS in
# bot/matching/embeddings.py); a longer message is cut to its telling clauses first.
FOCUS_CHARS = 36
_STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛么我你您他她它是在有和与及或怎么样什哪请问一下")


@dataclass(frozen=True)
class Evidence:
    """Everything the matcher found for one question."""

    scores: FloatArray  # probability per entry (KB order) that it is the one asked about
    best: str  # id of the best entry
    features: tuple[float, ...]  # what the confidence is computed from
    confidence: float  # calibrated probability that `best` is the right entry
    query: str  # the question as matched (normalised, preamble and disclaimers stripped,
    # synonyms applied)
    word_scores: FloatArray | None = None  # lexical score per entry: what the KB's words say


@dataclass(frozen=True)
class Signals:
    """The evidence rows before any model: named per-entry columns and per-question values."""

    columns: dict[str, FloatArray]  # name -> value per entry, KB order
    query: str
    known: float  # share of the question's words (by IDF) the KB uses at all
    cjk: float  # 1.0 when the question has Chinese characters
    length: float  # question length / 60, capped at 1
    asking: float = 0.0  # 1.0 when the question asks something (intents.complaints.asks)

    def cues(self) -> dict[str, float]:
        """Per-question cues the ranker's "none of these" may weigh."""
        return {"asking": self.asking}


@dataclass(frozen=True)
class Embedding:
    """Sentence embeddings for matching: the query encoder and the KB's vectors, L2-normalised.

    `phrase_vectors[i]` embeds `Matcher.phrase_texts(kb)[i]` as a query; `passage_vectors`, when
    given, embeds `Matcher.passage_texts(kb)` (each entry's answer) as passages, and
    `gloss_vectors` `Matcher.gloss_texts(kb, glosses)` (the phrasings read in English) as
    queries, and `chunk_vectors` the texts of `Matcher.chunk_texts(kb)` (answer lines) as
    passages.
    """

    encode_query: Callable[[str], Sequence[float] | FloatArray]
    phrase_vectors: FloatArray
    passage_vectors: FloatArray | None = None
    gloss_vectors: FloatArray | None = None
    chunk_vectors: FloatArray | None = None
    # A second encoder of another family; the fitted full ranker weighs its cosines beside e5's.
    companion: Companion | None = None


@dataclass(frozen=True)
class Companion:
    """The second encoder: it reads the whole raw question (e5 reads its telling end).
    `phrase_vectors` and `passage_vectors` as in `Embedding`, both required."""

    encode_query: Callable[[str], Sequence[float] | FloatArray]
    phrase_vectors: FloatArray
    passage_vectors: FloatArray


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
        ranker: LinearRanker | None = None,
        calibration: Calibration | None = None,
        glossary: Sequence[tuple[str, ...]] = (),
        dictionary_glosses: Mapping[str, str] | None = None,
        dialect: Sequence[tuple[str, ...]] = (),
    ) -> None:
        self._kb = kb
        self._thresholds = thresholds
        self._fallback = fallback_unit
        self._entries: tuple[Entry, ...] = kb.entries
        self._units = UnitNames(kb)
        # Built-in campus vocabulary first: the KB's own synonym groups win where both list a word.
        groups = (*glossary, *kb.synonyms)
        self._synonyms = Synonyms(groups)
        # Regional words read as Mandarin before anything else (佢哋 -> 他们): apart from the
        # synonyms, because these are everyday words that must not join the segmenter's
        # vocabulary (怎么办 would split 怎么办理).
        self._dialect = Synonyms(dialect)
        # What the encoder reads gets the Chinese words made canonical (饭卡 -> 校园卡: e5 pairs
        # like with like, and the KB says them its way) but keeps English in English.
        self._encoder_synonyms = Synonyms(_chinese_only(groups))
        self._segmenter = Segmenter(_vocabulary(kb, groups), dictionary)
        # A character -> pinyin table from the caller spares importing pypinyin (slow).
        table = pinyin or {}
        self._sound: Callable[[str], str] = lambda char: table.get(char) or pinyin_of(char)
        texts = self.phrase_texts(kb)
        owners = np.array(self._phrase_owner(kb), dtype=np.int32)
        self._phrase_flat = [self._compact(t) for t in texts]
        # Each phrasing by its words alone (particles and question words dropped): a question
        # that reads the same is that phrasing, whatever particle it adds ("校园卡丢了吗").
        self._phrase_keys: dict[str, set[int]] = {}
        for flat, owner in zip(self._phrase_flat, owners.tolist(), strict=True):
            if key := _bare(flat):
                self._phrase_keys.setdefault(key, set()).add(owner)
        self._index = OverlapIndex([self._features(t) for t in texts], owners, len(kb.entries))
        # English words of a question, read as this KB's Chinese words (CC-CEDICT backwards).
        self._translator = Translator(
            (w for w in self._index.words() if has_cjk(w)), dictionary_glosses or {}
        )
        every = np.arange(len(kb.entries), dtype=np.int32)
        self._whole = OverlapIndex(
            [self._features(" ".join(texts_of)) for texts_of in self._entry_texts(kb)],
            every,
            len(kb.entries),
        )
        self._answers = OverlapIndex(
            [self._features(entry.answer) for entry in kb.entries], every, len(kb.entries)
        )
        # Phrasings are grouped by entry, so an entry's best phrasing is a reduceat over runs.
        self._starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        self._counts = np.diff(np.r_[self._starts, len(owners)]).astype(np.float32)
        self._entry_text = {
            entry.id: normalize(" ".join((*entry.phrasings, *entry.keywords)))
            for entry in kb.entries
        }
        # Who each entry is for, by its own phrasings (its answer names other audiences too:
        # "研究生请见研究生院").
        served = [audiences(normalize(" ".join(entry.phrasings))) for entry in kb.entries]
        self._served = {
            name: np.array([name in these for these in served], dtype=bool) for name in AUDIENCES
        }
        self._serves_someone = np.array([bool(these) for these in served], dtype=bool)
        self._embedding = embedding
        # Which entry each embedded answer line belongs to (an entry's best line is a max over
        # these); without line vectors there is nothing to own.
        self._chunk_owner = np.zeros(0, dtype=np.int32)
        if embedding is not None and embedding.chunk_vectors is not None:
            self._chunk_owner = np.array([i for i, _ in self.chunk_texts(kb)], dtype=np.int32)
        if embedding is not None:
            if len(embedding.phrase_vectors) != len(texts):
                raise ValueError("embedding vectors do not match the KB's phrasings")
            passages = embedding.passage_vectors
            if passages is not None and len(passages) != len(kb.entries):
                raise ValueError("passage vectors do not match the KB's entries")
            renderings = embedding.gloss_vectors
            if renderings is not None and len(renderings) != len(texts):
                raise ValueError("gloss vectors do not match the KB's phrasings")
            lines = embedding.chunk_vectors
            if lines is not None and len(lines) != len(self._chunk_owner):
                raise ValueError("chunk vectors do not match the KB's answer lines")
            companion = embedding.companion
            if companion is not None and (
                len(companion.phrase_vectors) != len(texts)
                or len(companion.passage_vectors) != len(kb.entries)
            ):
                raise ValueError("companion vectors do not match the KB's phrasings and entries")
        shipped_ranker, shipped_calibration = fitted_models(kb, full=embedding is not None)
        self._ranker = ranker or shipped_ranker
        read = {name.removeprefix(LATIN) for name in self._ranker.names}
        if (embedding is None or embedding.companion is None) and read & set(COMPANION_EVIDENCE):
            raise ValueError(
                "the ranker reads the companion encoder: embedding.companion is missing"
            )
        self._calibration = calibration or shipped_calibration

    @property
    def uses_embeddings(self) -> bool:
        return self._embedding is not None

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb

    @property
    def embedding(self) -> Embedding | None:
        return self._embedding

    @property
    def thresholds(self) -> Thresholds:
        return self._thresholds

    @staticmethod
    def phrase_texts(kb: KnowledgeBase) -> list[str]:
        """Every text an entry is matched by, grouped by entry, in KB order."""
        return [text for texts in Matcher._entry_texts(kb) for text in texts]

    @staticmethod
    def passage_texts(kb: KnowledgeBase) -> list[str]:
        """Per entry, its answer: what the entry says."""
        return [entry.answer for entry in kb.entries]

    @staticmethod
    def chunk_texts(kb: KnowledgeBase) -> list[tuple[int, str]]:
        """Each entry's answer lines that say something (six characters or more), with the
        entry's index: a question is often answered by one line ("要交什么材料"), which the
        whole answer's vector blurs."""
        lines = (
            (number, line.strip())
            for number, entry in enumerate(kb.entries)
            for line in entry.answer.splitlines()
        )
        return [(number, line) for number, line in lines if len(line) >= 6]

    @staticmethod
    def gloss_texts(
        kb: KnowledgeBase, glosses: Mapping[str, str], glossary: Sequence[tuple[str, ...]] = ()
    ) -> list[str]:
        """`phrase_texts(kb)` read in English word by word (`intents.gloss`), for embedding:
        each as matched (synonyms made canonical), with the campus English of the `glossary`
        and the KB's synonyms where they have one, else the dictionary's `glosses`."""
        groups = (*glossary, *kb.synonyms)
        synonyms, preferred = Synonyms(groups), campus_english(groups)
        return [
            render_english(synonyms.canonical(normalize(text)), glosses, preferred)
            for text in Matcher.phrase_texts(kb)
        ]

    @staticmethod
    def entry_texts(entry: Entry) -> tuple[str, ...]:
        """The texts one entry is matched by: its phrasings, then its keywords as one text."""
        if entry.keywords:
            return (*entry.phrasings, " ".join(entry.keywords))
        return entry.phrasings

    @staticmethod
    def _entry_texts(kb: KnowledgeBase) -> list[tuple[str, ...]]:
        return [Matcher.entry_texts(entry) for entry in kb.entries]

    @staticmethod
    def _phrase_owner(kb: KnowledgeBase) -> list[int]:
        return [
            number
            for number, texts in enumerate(Matcher._entry_texts(kb))
            for _ in range(len(texts))
        ]

    def rank(self, text: str, limit: int = 10) -> list[Candidate]:
        """The best `limit` entries for `text`, best first."""
        return self._candidates(self.evidence(text).scores, limit)

    def match(self, text: str) -> Decision:
        """Answer, suggest or route `text`.

        `score` is the calibrated confidence that the best candidate is the right entry; the
        candidates carry their probabilities. Thresholds come from config.
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
        complaint = self.is_complaint(query, best.entry)
        decisive = margin >= t.margin and best.score >= t.share
        if not complaint and confidence >= t.answer and decisive:
            return Decision("answer", best.entry, best.unit, confidence, candidates)
        if not complaint and confidence >= t.suggest:
            # A choice the ranker gives next to no chance is noise on the student's screen
            # ("体检" offered the president's mailbox and military service at 9 % and 1 %).
            offered = candidates[: t.choice_count([c.score for c in candidates])]
            choices = tuple(c.entry for c in offered)
            return Decision(
                "suggest", None, mentioned or best.unit, confidence, candidates, choices
            )
        # A ticket: for the unit the student named, else the likely owner, else the front desk.
        # Meaning alone finds some unit for anything; only the KB's own words justify a guess.
        # A complaint names what it is about (食堂, 宿管) even when little else matches.
        words = evidence.word_scores if evidence.word_scores is not None else scores
        guess = float(words.max(initial=0.0)) >= ROUTE_EVIDENCE * (0.6 if complaint else 1.0)
        likely = self._likely_unit(words) if guess else None
        return Decision(
            "route", None, mentioned or likely or self._fallback, confidence, candidates
        )

    def is_complaint(self, cleaned: str, best_entry: str) -> bool:
        """A complaint or grievance, unless it asks about what the best entry explains."""
        return is_complaint(cleaned, self._entry_text[best_entry])

    def _likely_unit(self, scores: FloatArray) -> str:
        """The unit whose entries, together, fit best: a vote of the top candidates."""
        votes: dict[str, float] = {}
        for candidate in self._candidates(scores, UNIT_VOTERS):
            votes[candidate.unit] = votes.get(candidate.unit, 0.0) + candidate.score
        return max(votes, key=lambda unit: votes[unit])

    # -- scoring ---------------------------------------------------------------------------

    def evidence(self, text: str) -> Evidence:
        """Probabilities of every entry and the confidence that the best one is right."""
        signals = self.signals(text)
        lexical = signals.columns["lexical"]
        if not len(self._entries):
            return Evidence(lexical, "", (), 0.0, signals.query, lexical)
        if not signals.query.strip():
            flat = np.full(len(self._entries), 1.0 / len(self._entries), dtype=np.float32)
            return Evidence(flat, self._entries[0].id, (), 0.0, signals.query, lexical)
        logits = self.lift_exact(
            signals, self._ranker.scores(self.feature_matrix(signals, self._ranker.names))
        )
        probabilities = LinearRanker.probabilities(logits)
        top = int(np.argmax(logits))
        summary = self.summary(
            signals, logits, self._ranker.none_score(signals.cues()), self._calibration.names
        )
        values = tuple(summary[name] for name in self._calibration.names)
        confidence = self._calibration.probability(values)
        return Evidence(
            probabilities, self._entries[top].id, values, confidence, signals.query, lexical
        )

    @staticmethod
    def feature_matrix(signals: Signals, names: Sequence[str]) -> FloatArray:
        """The ranker's input: one column per name (`latin*x` is x for non-Chinese questions)."""
        latin = 1.0 - signals.cjk
        columns = [
            signals.columns[name[len(LATIN) :]] * latin
            if name.startswith(LATIN)
            else signals.columns[name]
            for name in names
        ]
        return np.stack(columns, axis=1).astype(np.float32)

    @staticmethod
    def lift_exact(signals: Signals, logits: FloatArray) -> FloatArray:
        """An entry one of whose phrasings *is* the question (as matched, particles and question
        words aside: `signals.columns["exact"]`) comes first, by a clear lead: the admin wrote
        that phrasing for it. The ranker, fitted on questions written unlike the KB, has no
        reason to learn this corner ("在读证明怎么开" lost to the entry whose question merely
        contains it; "校园卡lost了", read as 校园卡丢了了, to the replacement guide)."""
        exact = signals.columns.get("exact")
        if exact is None or not len(logits) or float(exact.max(initial=0.0)) < 1.0:
            return logits
        lifted: FloatArray = np.where(
            exact >= 1.0, np.maximum(logits, float(logits.max()) + EXACT_LEAD), logits
        ).astype(np.float32)
        return lifted

    @staticmethod
    def summary(
        signals: Signals, logits: FloatArray, none: float, wanted: Collection[str] | None = None
    ) -> dict[str, float]:
        """Per-question values the confidence may use, given the ranker's scores and its score
        for "none of these". The per-evidence values (each column at the winner, its lead, and
        `agree`) only when `wanted` names them (or is None): the shipped confidence reads four
        verdict values, and a lead per column cost more than the rest of the summary."""
        order = np.argsort(-logits, kind="stable")
        top = int(order[0])
        runner_up = int(order[1]) if len(order) > 1 else top
        probabilities = LinearRanker.probabilities(logits)
        both = LinearRanker.probabilities(np.append(logits, np.float32(none)))
        values = {
            "p_best": float(probabilities[top]),
            "p_margin": float(probabilities[top] - probabilities[runner_up]),
            "logit_gap": float(logits[top] - logits[runner_up]),
            # The same with "none of these" in the running: the best must beat it too.
            "q_best": float(both[top]),
            "q_margin": float(both[top] - max(both[runner_up], both[-1])),
            "over_none": float(logits[top] - none),
            "known": signals.known,
            "cjk": signals.cjk,
            "length": signals.length,
        }
        for name, column in signals.columns.items():
            if name.startswith("top_"):
                continue
            if wanted is None or name in wanted:
                values[name] = float(column[top])
            if wanted is None or f"{name}_gap" in wanted:
                values[f"{name}_gap"] = float(
                    column[top] - np.max(np.delete(column, top), initial=0)
                )
        if wanted is None or "agree" in wanted:
            values["agree"] = float(
                sum(
                    column[top]
                    for name, column in signals.columns.items()
                    if name.startswith("top_")
                )
            )
        return values

    def signals(self, text: str) -> Signals:
        """Every entry's evidence for `text`, before any fitted weight."""
        # What a student asks is in the first few hundred characters; the rest of a pasted essay
        # would only cost time (a 100,000-character message took over a second).
        text = encodable(text[:MAX_QUESTION_CHARS])
        folded = self._dialect.canonical(to_simplified(unicodedata.normalize("NFKC", text).lower()))
        stripped = strip_disclaimers(strip_preamble(folded))
        cleaned = normalize(stripped)
        query = self._as_matched(cleaned)
        n = len(self._entries)
        zeros = np.zeros(n, dtype=np.float32)
        columns: dict[str, FloatArray] = {}
        known = 0.0
        if query.strip() and n:
            query_features = self._features_of(query)  # already normalised and canonical
            known = self._index.known_share(query_features)
            overlap = self._index.measure(query_features)
            kinds = overlap.f1()
            for name, scores in zip(("word_f1", "bigram_f1", "sound_f1"), kinds, strict=True):
                columns[name] = self._best(scores)
            covered = overlap.coverage()
            columns["word_coverage"] = self._best(covered[0])
            columns["bigram_coverage"] = self._best(covered[1])
            flat = query.replace(" ", "")
            ratios = process.cdist([flat], self._phrase_flat, scorer=fuzz.ratio, workers=1)[0]
            columns["fuzz"] = self._best(np.asarray(ratios, dtype=np.float32) / 100.0)
            blend = WORD_WEIGHT * kinds[0] + BIGRAM_WEIGHT * kinds[1] + SOUND_WEIGHT * kinds[2]
            columns["lexical"] = (1 - FUZZ_SHARE) * self._best(blend) + FUZZ_SHARE * columns["fuzz"]
            whole = self._whole.recall(query_features)
            columns["word_recall"], columns["bigram_recall"] = whole[0], whole[1]
            answers = self._answers.recall(query_features)
            columns["answer_word_recall"], columns["answer_bigram_recall"] = answers[0], answers[1]
            # The clause that asks, alone: "校园卡丢了已经挂失了，新卡去哪领" is about the new card;
            # the clause before it says what was done, and shares words with another guide.
            clause = asking_clause(stripped, asks)
            asked = (
                whole
                if clause == stripped
                else self._whole.recall(self._features_of(self._as_matched(normalize(clause))))
            )
            columns["ask_word_recall"], columns["ask_bigram_recall"] = asked[0], asked[1]
        else:
            columns.update(dict.fromkeys(LEXICAL_EVIDENCE, zeros))
        # The whole message: who is asking is often said in the greeting ("我是研一新生").
        columns["audience_match"], columns["audience_clash"] = self._audience(folded)
        # Who is asking decides between entries on the same topic (the graduate and the
        # undergraduate course-selection guides), not for entries on other topics.
        topic = columns["bigram_recall"]
        columns["audience_match_topic"] = columns["audience_match"] * topic
        columns["audience_clash_topic"] = columns["audience_clash"] * topic
        if self._embedding is not None:
            vector = np.asarray(
                self._embedding.encode_query(self._focus(stripped)) if cleaned else np.zeros(1),
                np.float32,
            )
            if cleaned:
                cosines = self._embedding.phrase_vectors @ vector
                columns["cos_best"] = self._best(cosines)
                columns["cos_mean"] = (
                    np.add.reduceat(cosines, self._starts) / self._counts
                ).astype(np.float32)
                passages = self._embedding.passage_vectors
                if passages is not None:
                    columns["cos_answer"] = (passages @ vector).astype(np.float32)
                else:  # an embedder without passages: the phrasings stand in
                    columns["cos_answer"] = columns["cos_best"]
                chunks = self._embedding.chunk_vectors
                if chunks is not None:
                    best = np.full(n, -1.0, dtype=np.float32)
                    np.maximum.at(best, self._chunk_owner, chunks @ vector)
                    columns["cos_chunk"] = np.where(best > -1.0, best, columns["cos_answer"])
                else:
                    columns["cos_chunk"] = columns["cos_answer"]
                renderings = self._embedding.gloss_vectors
                columns["cos_gloss"] = (
                    self._best(renderings @ vector)
                    if renderings is not None
                    else columns["cos_best"]
                )
            else:
                columns.update(dict.fromkeys(SEMANTIC_EVIDENCE, zeros))
            companion = self._embedding.companion
            if companion is not None:
                if cleaned:
                    # The raw message: this encoder was trained on text as people write it.
                    second = np.asarray(companion.encode_query(text), np.float32)
                    columns["use_cos_best"] = self._best(companion.phrase_vectors @ second)
                    columns["use_cos_answer"] = (companion.passage_vectors @ second).astype(
                        np.float32
                    )
                else:
                    columns.update(dict.fromkeys(COMPANION_EVIDENCE, zeros))
        columns.update(_tops(columns))
        columns["exact"] = zeros.copy()
        columns["exact"][list(self._phrase_keys.get(_bare(query.replace(" ", "")), ()))] = 1.0
        return Signals(
            columns,
            query,
            known,
            float(has_cjk(text)),
            min(len(query), 60) / 60,
            float(asks(query)),
        )

    def _as_matched(self, cleaned: str) -> str:
        """Normalised text as it is compared with the KB: synonyms made canonical, and English
        words followed by the KB words they translate to."""
        query = self._canonical(cleaned)
        if len(self._translator) and _LATIN_TOKEN.search(query):
            query = self._translator.expand(query)
        return query

    def _focus(self, text: str) -> str:
        """What the encoder reads: of a long Chinese message, clauses weighed by the IDF of the
        KB's words in them (`intents.focus`), with its synonyms made canonical."""
        if not has_cjk(text):  # English clauses hold no KB words to weigh; the end is read
            return text
        text = self._encoder_synonyms.canonical(text)
        return focus(text, FOCUS_CHARS, lambda c: self._index.known_mass(self._features(c)), asks)

    def _audience(self, folded: str) -> tuple[FloatArray, FloatArray]:
        """Per entry: 1 where it serves an audience the question names; 1 where it serves only
        others."""
        named = audiences(normalize(folded))
        match = np.zeros(len(self._entries), dtype=bool)
        for name in named:
            match |= self._served[name]
        clash = self._serves_someone & ~match if named else np.zeros_like(match)
        return match.astype(np.float32), clash.astype(np.float32)

    def _best(self, per_phrase: NDArray[np.floating]) -> FloatArray:
        best: FloatArray = np.maximum.reduceat(per_phrase, self._starts).astype(np.float32)
        return best

    def _candidates(self, scores: FloatArray, limit: int) -> list[Candidate]:
        order = np.argsort(-scores, kind="stable")[:limit]
        return [
            Candidate(self._entries[i].id, self._entries[i].unit, round(float(scores[i]), 4))
            for i in order
        ]

    def _features(self, text: str) -> Features:
        return self._features_of(self._canonical(normalize(text)))

    def _features_of(self, canonical: str) -> Features:
        return features(canonical, self._segmenter.words, _STOP_CHARS, self._sound)

    def _compact(self, text: str) -> str:
        return self._canonical(normalize(text)).replace(" ", "")

    def _canonical(self, text: str) -> str:
        return self._synonyms.canonical(text)


def _bare(flat: str) -> str:
    """Normalised, space-free text without particles and question words (_STOP_CHARS)."""
    return "".join(char for char in flat if char not in _STOP_CHARS)


def _tops(columns: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Per column, `top_<name>`: 1 for the entry (or tied entries) that this evidence alone would
    pick, when it says anything at all. All columns at once: one at a time was a tenth of
    lexical matching's time."""
    if not columns:
        return {}
    stacked = np.stack(list(columns.values()))
    peaks = stacked.max(axis=1, initial=0.0)[:, None]
    tops = ((stacked >= peaks) & (peaks > 0.0)).astype(np.float32)
    return {f"top_{name}": row for name, row in zip(columns, tops, strict=True)}


def _chinese_only(groups: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The synonym groups' Chinese words, where two or more remain."""
    kept = (tuple(word for word in group if has_cjk(word)) for group in groups)
    return [group for group in kept if len(group) > 1]


def _vocabulary(kb: KnowledgeBase, groups: Sequence[tuple[str, ...]]) -> set[str]:
    words: set[str] = set()
    for entry in kb.entries:
        words.update(normalize(k) for k in entry.keywords)
    for unit in kb.units.values():
        words.update(normalize(n) for n in (unit.name, *unit.aliases))
    for group in groups:
        words.update(normalize(w) for w in group)
    return {w for w in words if w and " " not in w}
