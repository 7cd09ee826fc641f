"""Load `kb/` into a validated `KnowledgeBase`, collecting every problem with file and line.

Layout (DESIGN.md): `units.toml` holds `[[unit]]`; every other top-level `*.toml` holds
`[[entry]]`. Sub-folders hold admin extras that are not entries: `synonyms/*.toml`
(`[[synonym]] words = [...]`) and `regression/*.toml` (read by `bot.kb.check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.kb.problems import KBLoadError, Problem
from bot.kb.toml_source import TomlItem, TomlSource, read_toml
from intents.kb import Complexity, Entry, KnowledgeBase, Unit

__all__ = ["KBLoadError", "LoadResult", "Problem", "inspect_kb", "load_kb"]

_ASCII_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_ENTRY_FIELDS = {"id", "question", "similar", "keywords", "unit", "complexity", "answer"}
# An answer is read on a phone: past this many characters (about three Telegram messages, or
# three screens) it wants shortening or splitting into entries. A warning, not an error.
LONG_ANSWER_CHARS = 3000
# Folders of a KB that hold something other than entries; any other subfolder is not read.
_KNOWN_FOLDERS = {"regression", "synonyms"}


@dataclass(frozen=True)
class LoadResult:
    kb: KnowledgeBase | None  # None when there are errors
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def load_kb(directory: Path) -> KnowledgeBase:
    """Load the KB or raise `KBLoadError` listing every error."""
    result = inspect_kb(directory)
    if result.kb is None:
        raise KBLoadError(list(result.problems))
    return result.kb


def inspect_kb(directory: Path) -> LoadResult:
    """Load the KB, returning it (if error-free) with all errors and warnings found."""
    problems: list[Problem] = []
    if not directory.is_dir():
        return LoadResult(None, (Problem(str(directory), 0, "knowledge-base folder not found"),))
    units = _load_units(directory, problems)
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    entry_files = sorted(p for p in directory.glob("*.toml") if p.name != "units.toml")
    if not entry_files:
        problems.append(Problem(_label(directory, directory), 0, "no entry files (*.toml) found"))
    for path in entry_files:
        source = read_toml(path, _label(directory, path))
        if isinstance(source, Problem):
            problems.append(source)
            continue
        entries.extend(_load_entries(source, units, seen, problems))
    synonyms = _load_synonyms(directory, problems)
    for path in sorted(directory.glob("*/**/*.toml")):
        top = path.relative_to(directory).parts[0]
        if top not in _KNOWN_FOLDERS and not top.startswith("."):
            problems.append(
                Problem(
                    _label(directory, path),
                    0,
                    "not read: entry files go at the top of the KB folder (only regression/"
                    " and synonyms/ are read from subfolders)",
                    "warning",
                )
            )
    if any(p.severity == "error" for p in problems):
        return LoadResult(None, tuple(problems))
    kb = KnowledgeBase(units=units, entries=tuple(entries), synonyms=tuple(synonyms))
    return LoadResult(kb, tuple(problems))


def _label(root: Path, path: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _load_units(directory: Path, problems: list[Problem]) -> dict[str, Unit]:
    path = directory / "units.toml"
    label = _label(directory, path)
    if not path.is_file():
        problems.append(Problem(label, 0, "units.toml is missing: every entry needs its unit"))
        return {}
    source = read_toml(path, label)
    if isinstance(source, Problem):
        problems.append(source)
        return {}
    units: dict[str, Unit] = {}
    items = source.items("unit")
    if not items:
        problems.append(Problem(label, 0, "no [[unit]] tables found"))
    for item in items:
        unit_id = _text(item, "id", source, problems)
        name = _text(item, "name", source, problems)
        aliases = _strings(item, "aliases", source, problems)
        supervisor = item.data.get("supervisor", "")
        if not isinstance(supervisor, str):
            problems.append(
                Problem(label, item.line_of("supervisor"), "'supervisor' must be a string")
            )
            supervisor = ""
        clock = item.data.get("clock", "")
        if clock not in ("", "natural", "working"):
            problems.append(
                Problem(
                    label,
                    item.line_of("clock"),
                    f'\'clock\' must be "natural" or "working", got {clock!r}',
                )
            )
            clock = ""
        if unit_id is None or name is None:
            continue
        if not _ASCII_ID.match(unit_id):
            problems.append(
                Problem(label, item.line_of("id"), f"unit id {unit_id!r} must be ASCII")
            )
        elif unit_id in units:
            problems.append(Problem(label, item.line_of("id"), f"duplicate unit id {unit_id!r}"))
        else:
            units[unit_id] = Unit(
                id=unit_id,
                name=name,
                aliases=aliases,
                supervisor=supervisor.strip(),
                clock=str(clock),
                name_en=str(item.data.get("name_en", "")).strip(),
            )
    return units


def _load_entries(
    source: TomlSource, units: dict[str, Unit], seen: dict[str, str], problems: list[Problem]
) -> list[Entry]:
    items = source.items("entry")
    unexpected = sorted(set(source.data) - {"entry"})
    if unexpected:
        problems.append(
            Problem(
                source.label,
                0,
                f"ignored top-level keys {unexpected}; entries go in [[entry]]",
                "warning",
            )
        )
    if not items:
        problems.append(Problem(source.label, 0, "no [[entry]] tables found", "warning"))
    entries: list[Entry] = []
    for item in items:
        before = len(problems)
        entry_id = _text(item, "id", source, problems)
        question = _text(item, "question", source, problems)
        unit = _text(item, "unit", source, problems)
        answer = _text(item, "answer", source, problems)
        if answer is not None and len(answer) > LONG_ANSWER_CHARS:
            problems.append(
                Problem(
                    source.label,
                    item.line_of("answer"),
                    f"the answer has {len(answer):,} characters (over {LONG_ANSWER_CHARS:,}):"
                    " students read it on a phone, in several messages; shorten it or split"
                    " the entry",
                    "warning",
                )
            )
        similar = _strings(item, "similar", source, problems)
        keywords = _strings(item, "keywords", source, problems)
        complexity = _complexity(item, source, problems)
        where = f"{source.label}:{item.line}"
        if entry_id is not None:
            if not _ASCII_ID.match(entry_id):
                problems.append(
                    Problem(
                        source.label, item.line_of("id"), f"entry id {entry_id!r} must be ASCII"
                    )
                )
            elif entry_id in seen:
                problems.append(
                    Problem(
                        source.label,
                        item.line_of("id"),
                        f"duplicate entry id {entry_id!r} (first at {seen[entry_id]})",
                    )
                )
            else:
                seen[entry_id] = where
        if unit is not None and unit not in units:
            known = ", ".join(sorted(units)) or "none"
            problems.append(
                Problem(
                    source.label,
                    item.line_of("unit"),
                    f"unknown unit {unit!r} (units.toml has: {known})",
                )
            )
        for key in sorted(set(item.data) - _ENTRY_FIELDS):
            problems.append(
                Problem(
                    source.label, item.line_of(key), f"unknown field {key!r} ignored", "warning"
                )
            )
        if len(problems) > before and any(p.severity == "error" for p in problems[before:]):
            continue
        # The checks above reported any missing field, so these are all present here.
        if entry_id is None or question is None or unit is None or answer is None:
            continue
        entries.append(
            Entry(
                id=entry_id,
                question=question,
                unit=unit,
                answer=answer,
                similar=similar,
                keywords=keywords,
                complexity=complexity,
                source=where,
            )
        )
    return entries


def _load_synonyms(directory: Path, problems: list[Problem]) -> list[tuple[str, ...]]:
    groups: list[tuple[str, ...]] = []
    for path in sorted((directory / "synonyms").glob("*.toml")):
        source = read_toml(path, _label(directory, path))
        if isinstance(source, Problem):
            problems.append(source)
            continue
        for item in source.items("synonym"):
            words = _strings(item, "words", source, problems)
            cleaned = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
            if len(cleaned) < 2:
                problems.append(
                    Problem(source.label, item.line, "a synonym group needs at least two words")
                )
            else:
                groups.append(cleaned)
    return groups


def _text(item: TomlItem, key: str, source: TomlSource, problems: list[Problem]) -> str | None:
    value: Any = item.data.get(key)
    if value is None:
        problems.append(Problem(source.label, item.line, f"missing field {key!r}"))
        return None
    if not isinstance(value, str):
        problems.append(
            Problem(source.label, item.line_of(key), f"{key!r} must be a string, got {value!r}")
        )
        return None
    if not value.strip():
        problems.append(Problem(source.label, item.line_of(key), f"{key!r} is empty"))
        return None
    return value.strip()


def _strings(
    item: TomlItem, key: str, source: TomlSource, problems: list[Problem]
) -> tuple[str, ...]:
    value: Any = item.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(
            Problem(source.label, item.line_of(key), f"{key!r} must be a list of strings")
        )
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _complexity(item: TomlItem, source: TomlSource, problems: list[Problem]) -> Complexity:
    value: Any = item.data.get("complexity", "general")
    if value == "general":
        return "general"
    if value == "complex":
        return "complex"
    problems.append(
        Problem(
            source.label,
            item.line_of("complexity"),
            f"complexity must be 'general' or 'complex', got {value!r}",
        )
    )
    return "general"
