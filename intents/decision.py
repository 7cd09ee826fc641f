"""What the matcher concludes about one question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DecisionKind = Literal["answer", "suggest", "route"]


@dataclass(frozen=True)
class Candidate:
    """A KB entry ranked for a question; `score` is in [0, 1], higher is better."""

    entry: str
    unit: str
    score: float


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds; the calibrated values live in config.toml."""

    answer: float  # best score needed to answer directly
    margin: float  # and its lead over the runner-up
    suggest: float  # best score needed to offer "did you mean" choices
    max_suggestions: int = 3


@dataclass(frozen=True)
class Decision:
    """`answer` with `entry`, `suggest` the candidates, or `route` a ticket to `unit`."""

    kind: DecisionKind
    entry: str | None
    unit: str | None
    score: float
    candidates: tuple[Candidate, ...]
