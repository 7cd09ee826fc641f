"""Reading a KB phrasing in English, word by word, for the multilingual embeddings."""

from __future__ import annotations

import pytest

from intents.gloss import campus_english, first_sense, render_english

GLOSSES = {
    "校园": "campus",
    "网": "net/network/CL:張|张[zhang1]",
    "怎么": "how?/what?/why?",
    "怎么办": "what's to be done",
    "办理": "to handle; to transact; to conduct",
    "缴费": "to pay a fee",
    "吗": "(question particle for yes-no questions)",
    "卡": "to stop; to block/card",
    "挂失": "to report the loss of something",
    "王": "surname Wang/king",
}


@pytest.mark.parametrize(
    ("definitions", "sense"),
    [
        ("to handle; to transact; to conduct", "handle"),  # the first wording, without "to"
        ("net/network/CL:張|张[zhang1]", "net"),
        ("surname Wang/king", "king"),  # a surname says nothing of what a word means
        ("(question particle for yes-no questions)", ""),  # nor does a grammar note
        ("variant of 網|网[wang3]", ""),
    ],
)
def test_the_first_sense_that_means_something(definitions: str, sense: str) -> None:
    assert first_sense(definitions) == sense


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("校园网怎么缴费", "campus net how? pay a fee"),
        ("怎么办理", "how? handle"),  # backward longest match: not 怎么办 | 理
        ("VPN怎么办理吗？", "vpn how? handle"),  # Latin words kept, particles and marks dropped
        ("卡挂失", "stop report the loss of something"),
        ("", ""),
        ("？？", ""),
    ],
)
def test_a_phrasing_is_read_word_by_word(text: str, english: str) -> None:
    assert render_english(text, GLOSSES) == english


def test_campus_english_wins_over_the_dictionary() -> None:
    groups = [("校园卡", "campus card", "meal card"), ("食堂", "餐厅"), ("挂失", "freeze")]
    preferred = campus_english(groups)
    assert preferred == {"校园卡": "campus card", "挂失": "freeze"}  # 食堂 has no English
    assert render_english("校园卡挂失", GLOSSES, preferred) == "campus card freeze"
    assert render_english("卡挂失", GLOSSES, preferred) == "stop freeze"
