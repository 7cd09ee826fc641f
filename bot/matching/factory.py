"""The matcher factory the composition root and the CLI use."""

from __future__ import annotations

import logging
import tomllib
from functools import lru_cache
from pathlib import Path

from bot.config import Settings
from bot.matching.cedict import glosses
from bot.matching.embeddings import E5Embedder, load_model
from bot.matching.use import UseEmbedder, load_use
from intents.decision import Thresholds
from intents.kb import KnowledgeBase
from intents.matcher import Companion, Embedding, Matcher
from intents.ranking import Calibration, LinearRanker
from intents.weights import THIN_KB_SIMILAR, is_thin

log = logging.getLogger(__name__)

# jieba's 40,000 most frequent words: a tenth of its full dictionary's start-up time.
WORDS = Path(__file__).with_name("data") / "words.txt"
# Each character's toneless pinyin, read in milliseconds (importing pypinyin takes 0.3 s).
PINYIN = Path(__file__).with_name("data") / "pinyin.txt"


# Campus vocabulary for every KB: colloquial Chinese and how students say it in English.
GLOSSARIES = tuple(sorted(WORDS.parent.glob("glossary_*.toml")))


# Regional Chinese read as the Mandarin KBs are written in (Cantonese 嘅, 唔, 点样 ...).
DIALECTS = tuple(sorted(WORDS.parent.glob("dialect_*.toml")))


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[str, ...], ...]:
    """The built-in synonym groups (a KB's own synonyms/*.toml add to and override them)."""
    return _groups(GLOSSARIES)


@lru_cache(maxsize=1)
def dialect() -> tuple[tuple[str, ...], ...]:
    """The built-in dialect groups: the Mandarin word first, then the regional ones."""
    return _groups(DIALECTS)


def _groups(paths: tuple[Path, ...]) -> tuple[tuple[str, ...], ...]:
    groups: list[tuple[str, ...]] = []
    for path in paths:
        with path.open("rb") as file:
            for item in tomllib.load(file).get("synonym", []):
                groups.append(tuple(str(word) for word in item["words"]))
    return tuple(groups)


@lru_cache(maxsize=1)
def pinyin_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in PINYIN.read_text(encoding="utf-8").splitlines():
        char, _, sound = line.partition(" ")
        table[char] = sound
    return table


def kb_embedding(embedder: E5Embedder, companion: UseEmbedder, kb: KnowledgeBase) -> Embedding:
    """The KB's vectors, cached: its phrasings and their English readings (intents.gloss) as
    queries, its answers and their lines as passages; and the companion encoder's vectors of its
    phrasings and answers."""
    phrases = Matcher.phrase_texts(kb)
    english = Matcher.gloss_texts(kb, glosses(), glossary())
    answers = Matcher.passage_texts(kb)
    lines = [text for _, text in Matcher.chunk_texts(kb)]
    asked, told = embedder.kb_vectors([*phrases, *english], [*answers, *lines])
    second_asked, second_told = companion.kb_vectors(phrases, answers)
    return Embedding(
        embedder.encode_query,
        phrase_vectors=asked[: len(phrases)],
        passage_vectors=told[: len(answers)],
        gloss_vectors=asked[len(phrases) :],
        chunk_vectors=told[len(answers) :],
        companion=Companion(companion.encode_query, second_asked, second_told),
    )


def build_matcher(kb: KnowledgeBase, settings: Settings, cache_dir: Path | None) -> Matcher:
    """A matcher for `kb` with the configured thresholds; embeddings when enabled and loadable."""
    matching = settings.matching
    embedding = None
    if matching.embeddings:
        # The full ranker weighs both encoders: without either, matching is lexical-only.
        model = load_model(matching.encoder_threads, matching.encoder_spin)
        second = load_use() if model is not None else None
        if model is not None and second is not None:
            embedding = kb_embedding(
                E5Embedder(model, cache_dir), UseEmbedder(second, cache_dir), kb
            )
    if embedding is not None and is_thin(kb):
        log.info(
            "the KB lists few similar questions per entry (fewer than %d on average): ranking"
            " with the weights fitted for thin KBs; `frontdesk kb check` names the thinnest",
            THIN_KB_SIMILAR,
        )
    if settings.frontdesk_unit not in kb.units:
        log.warning(
            "the front-desk unit %r is not in the KB's units.toml: the tickets no other unit"
            " takes will reach no staff (`frontdesk kb check` reports it)",
            settings.frontdesk_unit,
        )
    # Each mode has its own confidence model, so each has the threshold fitted for it.
    thresholds = Thresholds(
        answer=matching.answer if embedding is not None else matching.answer_lexical,
        margin=matching.margin,
        share=matching.answer_share,
        suggest=matching.suggest,
        max_suggestions=matching.max_suggestions,
        choice_floor=matching.choice_floor,
    )
    return matcher_with_builtins(kb, thresholds, settings.frontdesk_unit, embedding)


def matcher_with_builtins(
    kb: KnowledgeBase,
    thresholds: Thresholds,
    fallback_unit: str,
    embedding: Embedding | None,
    models: tuple[LinearRanker, Calibration] | None = None,
) -> Matcher:
    """A matcher for `kb` with the built-in vocabulary, pinyin, glossaries, dictionary and
    dialect readings (what every matcher the bot or a benchmark builds reads); `models`, the
    ranker and confidence, when not the shipped ones chosen for the KB (benchmarks compare)."""
    ranker, calibration = models if models is not None else (None, None)
    return Matcher(
        kb,
        thresholds,
        fallback_unit,
        embedding,
        ranker=ranker,
        calibration=calibration,
        dictionary=WORDS,
        pinyin=pinyin_table(),
        glossary=glossary(),
        dictionary_glosses=glosses(),
        dialect=dialect(),
    )
