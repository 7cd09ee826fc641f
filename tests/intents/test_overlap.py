"""IDF-weighted overlap of a question with indexed texts."""

from __future__ import annotations

import numpy as np

from intents.features import Features
from intents.overlap import OverlapIndex


def words(*items: str) -> Features:
    return Features(frozenset(items), frozenset(), frozenset())


INDEX = OverlapIndex(
    [words("补考", "时间"), words("缓考", "申请"), words("缓考", "时间")],
    owners=np.array([0, 1, 1], dtype=np.int32),
    n_entries=2,
)


def test_f1_recall_and_coverage_of_words() -> None:
    query = words("补考", "时间")
    f1, recall, coverage = INDEX.f1(query)[0], INDEX.recall(query)[0], INDEX.coverage(query)[0]
    assert f1[0] == np.float32(1.0)
    assert recall[0] == 1.0
    assert coverage[0] == 1.0
    assert 0 < f1[2] < f1[0]  # shares only 时间, which both entries use (low IDF)
    assert recall[1] == 0.0
    assert coverage[1] == 0.0


def test_words_the_kb_never_uses_count_against_the_question() -> None:
    assert INDEX.known_share(words("补考")) == 1.0
    assert INDEX.known_share(words("补考", "火锅")) < 0.6
    assert INDEX.known_share(words()) == 0.0
    assert set(INDEX.words()) == {"补考", "时间", "缓考", "申请"}


def test_known_mass_weighs_only_the_words_the_kb_uses_by_their_idf() -> None:
    assert INDEX.known_mass(words("火锅", "食堂")) == 0.0
    assert INDEX.known_mass(words("补考", "火锅")) == INDEX.known_mass(words("补考"))
    # 补考 is in one text of three, 时间 in two: the rarer word says more.
    assert INDEX.known_mass(words("补考")) > INDEX.known_mass(words("时间")) > 0.0
