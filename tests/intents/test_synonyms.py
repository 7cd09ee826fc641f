"""Synonym groups: one canonical word per group, on both sides of the comparison."""

from __future__ import annotations

import pytest

from intents.synonyms import Synonyms

GROUPS = (
    ("校园卡", "饭卡", "一卡通", "campus card"),
    ("图书馆", "图书"),
    ("成绩单", "transcript"),
    ("拍片", "x光"),  # begins with a letter, yet is not an English word
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("饭卡丢了", "校园卡丢了"),
        ("一卡通 充值", "校园卡 充值"),
        ("lost my campus card", "lost my 校园卡"),
        ("two transcripts please", "two 成绩单 please"),  # English plural
        ("图书馆没这本书", "图书馆没这本书"),  # not 图书馆馆
        ("借图书", "借图书馆"),
        ("scampus cards", "scampus cards"),  # Latin words only whole
        ("campus card2", "campus card2"),
        ("campus cards丢了", "校园卡丢了"),  # Chinese right after an English word
        ("饭卡饭卡", "校园卡校园卡"),
        ("transcript", "成绩单"),  # at the very end
        ("", ""),
        ("去拍个x光", "去拍个拍片"),
        ("ax光", "a拍片"),  # not Latin as a whole, so not held to word starts
        ("xtranscript x光", "xtranscript 拍片"),
    ],
)
def test_variants_become_the_canonical_word(text: str, expected: str) -> None:
    assert Synonyms(GROUPS).canonical(text) == expected


def test_a_later_group_that_overlaps_takes_over_the_whole_group() -> None:
    synonyms = Synonyms((*GROUPS, ("一卡通", "校园卡")))
    assert synonyms.canonical("饭卡") == synonyms.canonical("校园卡") == "一卡通"


def test_no_groups_change_nothing() -> None:
    assert Synonyms(()).canonical("饭卡 campus card") == "饭卡 campus card"
