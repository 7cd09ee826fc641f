"""How sure the matcher is that its best candidate is right: a logistic model over evidence.

The weights are fitted by `bench/calibrate.py` on tests/data/devset/dev.jsonl (never on the
held-out split) and written here; rerun it after large KB or matcher changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Standardise the features, weigh them, squash to a probability."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# Features, full mode: combined best, combined margin, lexical of best, lexical margin, cosine
# of best, cosine margin, lexical agrees, semantic agrees, question has CJK, length/60, share
# of the question's words (by IDF) that the KB uses at all.
FULL = Calibration(
    means=(
        0.7011,
        0.1491,
        0.4495,
        0.2188,
        0.9260,
        0.0283,
        0.8445,
        0.8887,
        0.8145,
        0.2754,
        0.6554,
    ),
    scales=(
        0.1877,
        0.1160,
        0.2467,
        0.2011,
        0.0473,
        0.0237,
        0.3624,
        0.3145,
        0.3887,
        0.2118,
        0.3120,
    ),
    weights=(
        0.0157,
        0.5343,
        0.6546,
        0.2507,
        0.1138,
        0.8858,
        0.2191,
        0.2447,
        -1.0247,
        -0.0102,
        0.5187,
    ),
    bias=2.1923,
)
# Features, lexical-only mode: lexical best, lexical margin, question has CJK, length/60, known
# share of words.
LEXICAL = Calibration(
    means=(
        0.4563,
        0.2188,
        0.8145,
        0.2754,
        0.6554,
    ),
    scales=(
        0.2393,
        0.2011,
        0.3887,
        0.2118,
        0.3120,
    ),
    weights=(
        0.9023,
        1.2626,
        -0.4139,
        -0.0785,
        0.4423,
    ),
    bias=1.7495,
)
