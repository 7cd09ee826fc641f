"""The labelled question splits: well-formed, labelled with this KB's ids, and disjoint.

The dev split is fitted on; heldout and fresh are only ever reported. A question that sits in
both would make the reported numbers a measure of memory, so the splits must not share one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.evaluate import Labelled, read_labelled
from bot.kb.loader import load_kb
from intents.normalize import normalize

ROOT = Path(__file__).parents[3]
DEVSET = ROOT / "tests" / "data" / "devset"
SPLITS = ("dev", "heldout", "fresh")
KB = load_kb(ROOT / "kb")


def split(name: str) -> list[Labelled]:
    return read_labelled(DEVSET / f"{name}.jsonl")


def key(question: str) -> str:
    """Questions that differ only in width, script, case or punctuation are the same one."""
    return normalize(question)


@pytest.mark.parametrize("name", SPLITS)
def test_every_label_names_this_kbs_entries_and_units(name: str) -> None:
    entries = {entry.id: entry.unit for entry in KB.entries}
    units = set(KB.units)
    for case in split(name):
        where = f"{name}.jsonl:{case.line}"
        assert case.question.strip(), where
        if case.entry is not None:
            assert case.entry in entries, where
            assert case.unit == entries[case.entry], where
        assert case.unit in units, where


@pytest.mark.parametrize("name", SPLITS)
def test_no_question_twice_in_a_split(name: str) -> None:
    keys = [key(case.question) for case in split(name)]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("reported", ["heldout", "fresh"])
def test_reported_splits_share_no_question_with_the_dev_split(reported: str) -> None:
    fitted = {key(case.question) for case in split("dev")}
    shared = [case.question for case in split(reported) if key(case.question) in fitted]
    assert shared == []


def test_dev_split_is_big_enough_and_covers_every_kind() -> None:
    cases = split("dev")
    inside = [case for case in cases if case.entry is not None]
    assert len(inside) >= 400
    assert len(cases) - len(inside) >= 80
    kinds = {case.kind for case in inside}
    expected = {"paraphrase", "colloquial", "preamble", "short", "typo", "traditional"}
    assert expected | {"english", "mixed", "confusable"} <= kinds
