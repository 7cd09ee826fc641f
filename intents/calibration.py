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
    means=(0.7000, 0.1491, 0.4469, 0.2177, 0.9259, 0.0283, 0.8445, 0.8852, 0.8145, 0.2754, 0.6310),
    scales=(0.1874, 0.1158, 0.2466, 0.2013, 0.0473, 0.0237, 0.3624, 0.3188, 0.3887, 0.2118, 0.3153),
    weights=(
        -0.0283,
        0.4906,
        0.5822,
        0.2630,
        0.1918,
        0.8531,
        0.2896,
        0.2728,
        -1.0074,
        -0.0017,
        0.4971,
    ),
    bias=2.1599,
)
# Features, lexical-only mode: lexical best, lexical margin, question has CJK, length/60, known
# share of words.
LEXICAL = Calibration(
    means=(0.4536, 0.2177, 0.8145, 0.2754, 0.6310),
    scales=(0.2390, 0.2013, 0.3887, 0.2118, 0.3153),
    weights=(0.8430, 1.2181, -0.3791, -0.0546, 0.5217),
    bias=1.7619,
)
