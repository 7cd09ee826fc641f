"""Cutting a long message to its telling clauses for the sentence encoder."""

from __future__ import annotations

import pytest

from intents.focus import asking_clause, focus

TOPIC_WORDS = {"校园卡": 3.0, "退": 1.0, "申请": 1.0, "毕业": 2.0, "电动车": 3.0, "登记": 2.0}


def weigh(clause: str) -> float:
    return sum(weight for word, weight in TOPIC_WORDS.items() if word in clause)


def asks(clause: str) -> bool:
    return any(cue in clause for cue in ("吗", "怎么", "请问", "？", "?"))


@pytest.mark.parametrize(
    ("text", "budget", "kept"),
    [
        # Short enough: as it is.
        ("校园卡怎么退", 36, "校园卡怎么退"),
        # One clause, however long: as it is (the encoder reads its end).
        ("我想问一下毕业以后校园卡里剩下的钱要怎么申请退回来" * 2, 20, None),
        # The subject (校园卡) and the question are kept; the closing worry goes.
        (
            "我校园卡里还剩两百多块钱，包括之前发的餐补。请问这钱能退吗，如果忘了会不会就没了",
            24,
            "我校园卡里还剩两百多块钱，请问这钱能退吗，",
        ),
        # Nothing asks: the last clause is the anchor, the densest others fill the budget.
        (
            "家离学校比较远，暑假刚买了一辆电动车，还没登记。",
            16,
            "暑假刚买了一辆电动车，还没登记。",
        ),
    ],
)
def test_long_messages_keep_their_question_and_their_subject(
    text: str, budget: int, kept: str | None
) -> None:
    assert focus(text, budget, weigh, asks) == (text if kept is None else kept)


def test_the_kept_clauses_stay_in_their_order() -> None:
    text = "电动车登记，天气很好，今天周一，请问怎么办？"
    assert focus(text, 12, weigh, asks) == "电动车登记，请问怎么办？"


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        # One clause: the whole message.
        ("新卡去哪领", "新卡去哪领"),
        # What was done comes first; the clause that asks is what the student wants.
        ("校园卡丢了已经挂失了，新卡去哪领吗", "新卡去哪领吗"),
        # The last clause that asks, not a closing remark after it.
        ("成绩单怎么打？谢谢老师", "成绩单怎么打？"),
        # Nothing asks: the last clause.
        ("书还没超期，想在网上续一下", "想在网上续一下"),
    ],
)
def test_the_asking_clause_is_the_last_that_asks(text: str, clause: str) -> None:
    assert asking_clause(text, asks) == clause
