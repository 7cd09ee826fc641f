"""Matcher quality on a labelled question file: what admins and the benchmark both report.

A labelled file is JSON Lines: `{"question", "entry" (id or null), "unit", "kind"}`. `entry`
null means out of scope (or a complaint): the right outcome is a ticket, never a guide.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.decision import Decision


@dataclass(frozen=True)
class Labelled:
    question: str
    entry: str | None
    unit: str | None
    kind: str
    line: int


@dataclass(frozen=True)
class Outcome:
    case: Labelled
    decision: Decision

    @property
    def in_scope(self) -> bool:
        return self.case.entry is not None

    @property
    def ranked(self) -> list[str]:
        return [candidate.entry for candidate in self.decision.candidates]

    @property
    def top1(self) -> bool:
        return self.in_scope and self.ranked[:1] == [self.case.entry]

    @property
    def top3(self) -> bool:
        return self.in_scope and self.case.entry in self.ranked[:3]

    @property
    def direct_right(self) -> bool:
        return (
            self.in_scope
            and self.decision.kind == "answer"
            and self.decision.entry == self.case.entry
        )

    @property
    def wrong_answer(self) -> bool:
        """Answered with a guide that is not the right one (any guide, when out of scope)."""
        return self.decision.kind == "answer" and self.decision.entry != self.case.entry


@dataclass(frozen=True)
class Scores:
    questions: int
    in_scope: int
    top1: float
    top3: float
    direct_right: float  # of in-scope questions
    wrong_answers: float  # of all questions
    out_of_scope_answered: float  # of out-of-scope questions


@dataclass(frozen=True)
class Evaluation:
    overall: Scores
    by_kind: dict[str, Scores]
    outcomes: tuple[Outcome, ...]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong_answer or (o.in_scope and not o.top1)]


class LabelError(ValueError):
    """A labelled file has a line that is not a valid case (the message names file and line)."""


def read_labelled(path: Path) -> list[Labelled]:
    cases: list[Labelled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            cases.append(
                Labelled(
                    question=str(data["question"]),
                    entry=data.get("entry"),
                    unit=data.get("unit"),
                    kind=str(data.get("kind", "unlabelled")),
                    line=number,
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise LabelError(f"{path}:{number}: not a labelled question ({error})") from error
    return cases


def evaluate(cases: Sequence[Labelled], match: Callable[[str], Decision]) -> Evaluation:
    outcomes = tuple(Outcome(case, match(case.question)) for case in cases)
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.case.kind].append(outcome)
    return Evaluation(
        overall=_scores(outcomes),
        by_kind={kind: _scores(group) for kind, group in sorted(groups.items())},
        outcomes=outcomes,
    )


def _scores(outcomes: Iterable[Outcome]) -> Scores:
    items = list(outcomes)
    inside = [o for o in items if o.in_scope]
    outside = [o for o in items if not o.in_scope]

    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    return Scores(
        questions=len(items),
        in_scope=len(inside),
        top1=share(sum(o.top1 for o in inside), len(inside)),
        top3=share(sum(o.top3 for o in inside), len(inside)),
        direct_right=share(sum(o.direct_right for o in inside), len(inside)),
        wrong_answers=share(sum(o.wrong_answer for o in items), len(items)),
        out_of_scope_answered=share(
            sum(o.decision.kind == "answer" for o in outside), len(outside)
        ),
    )


def format_evaluation(evaluation: Evaluation, *, show_failures: int = 40) -> str:
    header = f"{'kind':<14}{'n':>5}{'top-1':>8}{'top-3':>8}{'direct':>8}{'wrong':>8}{'oos-ans':>9}"
    lines = [header, "-" * len(header)]

    def row(name: str, scores: Scores) -> str:
        def pct(value: float, applicable: bool = True) -> str:
            return f"{value:7.1%}" if applicable else f"{'—':>7}"

        inside = scores.in_scope > 0
        outside = scores.questions > scores.in_scope
        return (
            f"{name:<14}{scores.questions:>5} {pct(scores.top1, inside)} {pct(scores.top3, inside)}"
            f" {pct(scores.direct_right, inside)} {pct(scores.wrong_answers)}"
            f"  {pct(scores.out_of_scope_answered, outside)}"
        )

    for kind, scores in evaluation.by_kind.items():
        lines.append(row(kind, scores))
    lines.append("-" * len(header))
    lines.append(row("ALL", evaluation.overall))
    failures = evaluation.failures
    if failures:
        lines.append("")
        lines.append(f"went wrong ({len(failures)}, first {min(len(failures), show_failures)}):")
        for outcome in failures[:show_failures]:
            decision = outcome.decision
            got = decision.entry if decision.kind == "answer" else ",".join(outcome.ranked[:3])
            mark = "WRONG ANSWER" if outcome.wrong_answer else decision.kind
            lines.append(
                f"  line {outcome.case.line} [{outcome.case.kind}] {outcome.case.question!r}: "
                f"want {outcome.case.entry or 'route:' + str(outcome.case.unit)}, "
                f"got {mark} {got}"
            )
    return "\n".join(lines)
