"""`kb check`: file problems, the KB's own regression questions, and ambiguous entries.

Regression files (`kb/regression/*.toml`) hold `[[case]]` tables with a `question` and exactly
one of `expect = "entry-id"` (the best candidate must be that entry, answered or suggested) or
`route = "unit-id"` (the question must become a ticket, for that unit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.kb.loader import inspect_kb
from bot.kb.problems import Problem
from bot.kb.toml_source import read_toml
from intents.decision import Decision
from intents.kb import KnowledgeBase
from intents.weights import THIN_KB_SIMILAR, is_thin, similar_per_entry

Match = Callable[[str], Decision]


@dataclass(frozen=True)
class RegressionCase:
    question: str
    expect: str | None
    route: str | None
    where: str  # file:line


@dataclass(frozen=True)
class CaseResult:
    case: RegressionCase
    decision: Decision

    @property
    def passed(self) -> bool:
        best = self.decision.candidates[0].entry if self.decision.candidates else None
        if self.case.expect is not None:
            return self.decision.kind != "route" and best == self.case.expect
        return self.decision.kind == "route" and self.decision.unit == self.case.route


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...]
    results: tuple[CaseResult, ...]
    ambiguities: tuple[Problem, ...]
    entries: int
    units: int
    # Set when the KB is thin (see intents.weights): its similar questions per entry, on
    # average, and the entries that list the fewest.
    thin: tuple[float, tuple[tuple[str, int], ...]] | None = None

    @property
    def ok(self) -> bool:
        no_errors = all(p.severity != "error" for p in self.problems)
        return no_errors and all(r.passed for r in self.results)


def check_kb(
    directory: Path,
    build_match: Callable[[KnowledgeBase], Match],
    frontdesk_unit: str | None = None,
) -> CheckReport:
    """Check the KB in `directory`; matching runs only when the files load cleanly.

    `frontdesk_unit` is the configured front-desk unit, which takes every ticket no other unit
    does: the KB must define it, or those tickets reach no staff."""
    loaded = inspect_kb(directory)
    problems = list(loaded.problems)
    if loaded.kb is None:
        return CheckReport(tuple(problems), (), (), 0, 0)
    kb = loaded.kb
    if frontdesk_unit is not None and frontdesk_unit not in kb.units:
        problems.append(
            Problem(
                f"{directory.name}/units.toml",
                0,
                f"no unit {frontdesk_unit!r}: config.toml's [frontdesk] unit names it, and the"
                " tickets no other unit takes go there",
            )
        )
    cases = load_regression(directory, kb, problems)
    if any(p.severity == "error" for p in problems):
        return CheckReport(tuple(problems), (), (), len(kb.entries), len(kb.units))
    match = build_match(kb)
    results = tuple(CaseResult(case, match(case.question)) for case in cases)
    return CheckReport(
        tuple(problems),
        results,
        find_ambiguities(kb, match),
        len(kb.entries),
        len(kb.units),
        thinness(kb),
    )


THINNEST_SHOWN = 5


def thinness(kb: KnowledgeBase) -> tuple[float, tuple[tuple[str, int], ...]] | None:
    """For a thin KB, its similar questions per entry and the entries with the fewest."""
    similar = similar_per_entry(kb)
    if similar is None or not is_thin(kb):
        return None
    counts = sorted(((entry.id, len(entry.similar)) for entry in kb.entries), key=lambda c: c[1])
    return similar, tuple(counts[:THINNEST_SHOWN])


def load_regression(
    directory: Path, kb: KnowledgeBase, problems: list[Problem]
) -> list[RegressionCase]:
    cases: list[RegressionCase] = []
    for path in sorted((directory / "regression").glob("*.toml")):
        label = str(Path(directory.name) / path.relative_to(directory))
        source = read_toml(path, label)
        if isinstance(source, Problem):
            problems.append(source)
            continue
        for item in source.items("case"):
            question, expect, route = (item.data.get(k) for k in ("question", "expect", "route"))
            if not isinstance(question, str) or not question.strip():
                problems.append(Problem(label, item.line, "a case needs a non-empty 'question'"))
                continue
            if (expect is None) == (route is None):
                problems.append(
                    Problem(label, item.line, "a case needs exactly one of 'expect' or 'route'")
                )
                continue
            if expect is not None and expect not in kb.by_id:
                problems.append(
                    Problem(
                        label, item.line_of("expect"), f"'expect' names unknown entry {expect!r}"
                    )
                )
                continue
            if route is not None and route not in kb.units:
                problems.append(
                    Problem(label, item.line_of("route"), f"'route' names unknown unit {route!r}")
                )
                continue
            cases.append(RegressionCase(question, expect, route, f"{label}:{item.line}"))
    return cases


# A phrasing whose runner-up scores within this of its own entry cannot be answered directly.
AMBIGUITY_MARGIN = 0.1


def find_ambiguities(kb: KnowledgeBase, match: Match) -> tuple[Problem, ...]:
    """Entries whose own phrasings lead to a different entry, or barely ahead of one."""
    found: list[Problem] = []
    for entry in kb.entries:
        file, _, line = entry.source.rpartition(":")
        for phrasing in entry.phrasings:
            decision = match(phrasing)
            ranked = decision.candidates
            if not ranked:
                continue
            best = ranked[0]
            if best.entry != entry.id:
                found.append(
                    Problem(
                        file,
                        int(line or 0),
                        f"{entry.id}: {phrasing!r} matches {best.entry!r} better "
                        f"({best.score:.2f}); students asking this get the wrong guide",
                        "warning",
                    )
                )
            elif len(ranked) > 1 and ranked[1].score >= best.score - AMBIGUITY_MARGIN:
                found.append(
                    Problem(
                        file,
                        int(line or 0),
                        f"{entry.id}: {phrasing!r} is ambiguous with {ranked[1].entry!r} "
                        f"({best.score:.2f} vs {ranked[1].score:.2f})",
                        "warning",
                    )
                )
    return tuple(found)


def format_report(report: CheckReport) -> str:
    lines = [str(p) for p in report.problems]
    failed = [r for r in report.results if not r.passed]
    for result in failed:
        case, decision = result.case, result.decision
        want = f"entry {case.expect}" if case.expect else f"a ticket for {case.route}"
        best = decision.candidates[0].entry if decision.candidates else "-"
        got = f"{decision.kind} {decision.entry or decision.unit or ''} (best {best})"
        lines.append(f"{case.where}: error: {case.question!r} should give {want}, got {got}")
    lines.extend(str(p) for p in report.ambiguities)
    if report.thin is not None:
        mean, fewest = report.thin
        listed = ", ".join(f"{entry} ({count})" for entry, count in fewest)
        lines.append(
            f"note: the entries list {mean:.1f} similar questions on average (fewer than "
            f"{THIN_KB_SIMILAR:.0f}): more questions get a direct answer when each entry lists "
            f"the ways students ask it; fewest: {listed}"
        )
    errors = sum(p.severity == "error" for p in report.problems) + len(failed)
    warnings = sum(p.severity == "warning" for p in report.problems) + len(report.ambiguities)
    if report.results or report.entries:
        passed = len(report.results) - len(failed)
        lines.append(
            f"{report.entries} entries, {report.units} units; "
            f"regression {passed}/{len(report.results)} passed"
        )
    lines.append(f"{'OK' if report.ok else 'FAILED'}: {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)
