"""What the matcher concludes about one question."""

from __future__ import annotations

from collections.abc import Sequence
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
    # And the best entry's own probability among the entries: a message that could be about
    # several guides ("宿舍", "证明") is offered them, not answered with one.
    share: float = 0.0
    # A candidate is offered as a choice only from this probability up: the best one always.
    choice_floor: float = 0.0

    def choice_count(self, scores: Sequence[float]) -> int:
        """How many of the candidates scored `scores` (best first) a suggestion offers."""
        offered = scores[: self.max_suggestions]
        return max(1, sum(1 for score in offered if score >= self.choice_floor))


@dataclass(frozen=True)
class Decision:
    """`answer` with `entry`, `suggest` the `choices`, or `route` a ticket to `unit`.

    `candidates` are the best-ranked entries whatever the decision (reports and the JSON
    contract list them); `choices`, for `suggest` only, are those worth a student's tap.
    """

    kind: DecisionKind
    entry: str | None
    unit: str | None
    score: float
    candidates: tuple[Candidate, ...]
    choices: tuple[str, ...] = ()
