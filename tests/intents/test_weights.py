"""Which shipped weights a matcher uses: by mode and by how many similar questions the KB lists."""

from __future__ import annotations

import pytest

from intents import fitted
from intents.kb import Entry, KnowledgeBase, Unit
from intents.ranking import Calibration, LinearRanker
from intents.weights import fitted_models, is_thin


def kb_listing(*similar_counts: int) -> KnowledgeBase:
    entries = tuple(
        Entry(
            id=f"e{number}",
            question=f"问题{number}",
            unit="nic",
            answer="答",
            similar=tuple(f"问法{number}-{k}" for k in range(count)),
        )
        for number, count in enumerate(similar_counts)
    )
    return KnowledgeBase({"nic": Unit("nic", "网络中心")}, entries)


@pytest.mark.parametrize(
    ("similar_counts", "thin"),
    [
        ((5, 6, 4), False),  # the demo KB's shape (4 to 7 per entry)
        ((4, 4, 4), False),  # four each: the two sets of weights tie there
        ((4, 4, 3), True),  # 3.7 on average
        ((2, 2, 2), True),  # DESIGN.md's example entry lists two
        ((0, 0), True),
        ((), False),  # nothing to judge
    ],
)
def test_a_kb_is_thin_below_four_similar_questions_per_entry(
    similar_counts: tuple[int, ...], thin: bool
) -> None:
    assert is_thin(kb_listing(*similar_counts)) is thin


FULL = (fitted.FULL_RANKER, fitted.FULL_CONFIDENCE)
THIN = (fitted.THIN_RANKER, fitted.THIN_CONFIDENCE)
LEXICAL = (fitted.LEXICAL_RANKER, fitted.LEXICAL_CONFIDENCE)


@pytest.mark.parametrize(
    ("similar_counts", "full", "expected"),
    [
        ((5, 6, 4), True, FULL),
        ((2, 2, 2), True, THIN),
        ((2, 2, 2), False, LEXICAL),  # lexical-only has one set of weights
        ((6, 6), False, LEXICAL),
    ],
)
def test_weights_follow_the_mode_and_the_kb_shape(
    similar_counts: tuple[int, ...], full: bool, expected: tuple[LinearRanker, Calibration]
) -> None:
    ranker, calibration = fitted_models(kb_listing(*similar_counts), full)
    assert ranker is expected[0]
    assert calibration is expected[1]
