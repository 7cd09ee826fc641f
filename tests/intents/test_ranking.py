"""The fitted models' arithmetic: what bench/fit_matcher.py writes must score as it was fitted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from intents import fitted
from intents.ranking import Calibration, LinearRanker


def test_ranker_standardises_then_weighs() -> None:
    ranker = LinearRanker(
        names=("a", "b"), means=(1.0, 0.0), scales=(2.0, 0.5), weights=(1.0, -1.0), none=0.0
    )
    rows = np.array([[3.0, 0.5], [1.0, 0.0]], dtype=np.float32)
    # Each score is sum(weight * (value - mean) / scale) over the features.
    expected = np.array([(3 - 1) / 2 - 0.5 / 0.5, 0.0])
    assert np.allclose(ranker.scores(rows), expected, atol=1e-6)


def test_probabilities_sum_to_one_and_keep_the_order() -> None:
    scores = np.array([2.0, 0.0, -1.0, 50.0], dtype=np.float32)
    p = LinearRanker.probabilities(scores)
    assert math.isclose(float(p.sum()), 1.0, rel_tol=1e-5)
    assert list(np.argsort(-p)) == [3, 0, 1, 2]
    assert LinearRanker.probabilities(np.zeros(0, dtype=np.float32)).size == 0


def test_calibration_is_a_logistic_of_standardised_features() -> None:
    model = Calibration(names=("x",), means=(1.0,), scales=(2.0,), weights=(3.0,), bias=-1.0)
    assert math.isclose(model.probability([3.0]), 1 / (1 + math.exp(-(-1.0 + 3.0))))
    assert model.probability([1e9]) == pytest.approx(1.0)
    assert model.probability([-1e9]) == pytest.approx(0.0)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        LinearRanker(names=("a",), means=(0.0, 1.0), scales=(1.0,), weights=(1.0,), none=0.0)
    with pytest.raises(ValueError, match="differ in length"):
        Calibration(names=("a", "b"), means=(0.0,), scales=(1.0,), weights=(1.0,), bias=0.0)


@pytest.mark.parametrize(
    "model",
    [
        fitted.FULL_RANKER,
        fitted.THIN_RANKER,
        fitted.LEXICAL_RANKER,
        fitted.FULL_CONFIDENCE,
        fitted.THIN_CONFIDENCE,
        fitted.LEXICAL_CONFIDENCE,
    ],
)
def test_the_shipped_weights_are_finite_and_scales_positive(
    model: LinearRanker | Calibration,
) -> None:
    assert all(math.isfinite(v) for v in (*model.means, *model.weights))
    assert all(s > 0 for s in model.scales)


def test_none_of_these_moves_with_its_cues() -> None:
    ranker = LinearRanker(
        names=("a",),
        means=(0.0,),
        scales=(1.0,),
        weights=(1.0,),
        none=2.0,
        none_cues=("asking",),
        none_weights=(-1.5,),
    )
    assert ranker.none_score({"asking": 0.0}) == 2.0
    assert ranker.none_score({"asking": 1.0}) == 0.5
    with pytest.raises(ValueError, match="differ in length"):
        LinearRanker(
            names=("a",), means=(0.0,), scales=(1.0,), weights=(1.0,), none=0.0, none_cues=("x",)
        )
