"""Fitted models the matcher scores with: a linear ranker over entries and a logistic confidence.

Both are plain numbers fitted by `bench/fit_matcher.py` on tests/data/devset/dev.jsonl (never on
the held-out split) and written to `intents/fitted.py`; the features they weigh are KB-agnostic
(overlaps, similarities, agreements), so the same weights serve any KB in the DESIGN.md format.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class LinearRanker:
    """Standardise each entry's features and weigh them: one score per entry (a logit).

    Trained with a softmax over a question's entries and one more option, "none of these", whose
    score is `none` moved by the question's cues (`none_score`) — out-of-scope questions and
    complaints were taught to pick it.
    So `probabilities` of the scores estimate how likely each entry is the one asked about given
    that one of them is, and those of the scores with none's score appended how likely it is at
    all. A
    score then means much the same for a question in any style: a confidence fitted on the dev
    split's styles alone, without it, was far shyer on a style it had not seen.
    """

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    none: float  # the score of "none of these entries" for a question with no cue below
    # Per-question cues that move "none of these" (a message that asks nothing is less likely
    # to be after a guide), by name, and their weights.
    none_cues: tuple[str, ...] = ()
    none_weights: tuple[float, ...] = ()
    _w: FloatArray = field(init=False, repr=False, compare=False)
    _b: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not len(self.names) == len(self.means) == len(self.scales) == len(self.weights):
            raise ValueError("ranker: names, means, scales and weights differ in length")
        if len(self.none_cues) != len(self.none_weights):
            raise ValueError("ranker: none_cues and none_weights differ in length")
        weights = np.array(self.weights, dtype=np.float64) / np.array(self.scales)
        # The means only shift every entry's score alike; folded into one constant.
        object.__setattr__(self, "_w", weights.astype(np.float32))
        object.__setattr__(self, "_b", -float(weights @ np.array(self.means)))

    def scores(self, features: FloatArray) -> FloatArray:
        """Score per row of `features` (entries x len(names))."""
        result: FloatArray = (features @ self._w + self._b).astype(np.float32)
        return result

    def none_score(self, cues: Mapping[str, float]) -> float:
        """The score of "none of these" for a question with these cue values."""
        return self.none + sum(
            weight * cues[name]
            for name, weight in zip(self.none_cues, self.none_weights, strict=True)
        )

    @staticmethod
    def probabilities(scores: FloatArray) -> FloatArray:
        if not len(scores):
            return scores
        shifted = np.exp(scores - scores.max())
        result: FloatArray = (shifted / shifted.sum()).astype(np.float32)
        return result


@dataclass(frozen=True)
class Calibration:
    """Standardise per-question features, weigh them, squash to a probability."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def __post_init__(self) -> None:
        if not len(self.names) == len(self.means) == len(self.scales) == len(self.weights):
            raise ValueError("calibration: names, means, scales and weights differ in length")

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
