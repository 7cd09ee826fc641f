"""What of a long message the encoder reads: its end, within a token budget, from a clause."""

from __future__ import annotations

import pytest

from bot.config import MatchingSettings
from bot.matching.embeddings import QUERY_TOKENS, load_model, query_tail


def characters(text: str) -> int:
    return len(text)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("校园网连不上", "校园网连不上"),
        # The greeting and the backstory go first; the question stays whole.
        (
            "老师您好，我是化学学院大二的学生，今年家里出了变故，收入一下子少了很多，"
            "请问还能申请困难认定吗？",
            "请问还能申请困难认定吗？",
        ),
    ],
)
def test_the_end_of_a_message_within_the_budget(text: str, read: str) -> None:
    assert query_tail(text, lambda part: len(part) * QUERY_TOKENS // 12) == read


def test_a_message_without_clauses_is_cut_to_the_budget() -> None:
    tail = query_tail("x" * 500, characters)
    assert 0 < len(tail) <= QUERY_TOKENS
    assert tail == "x" * len(tail)


def test_the_bundled_models_token_count_bounds_what_it_reads() -> None:
    defaults = MatchingSettings()
    model = load_model(defaults.encoder_threads, defaults.encoder_spin)
    assert model is not None

    def tokens(text: str) -> int:
        return int(model.token_count(text, is_query=True))

    message = "老师您好，我是刚来的新生，" * 20 + "想问一下学校办各种手续的那个大厅在什么地方？"
    tail = query_tail(message, tokens)
    assert tokens(tail) <= QUERY_TOKENS
    assert tail.endswith("大厅在什么地方？")
