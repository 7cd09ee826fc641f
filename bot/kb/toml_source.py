"""Parse one TOML file and remember where each array-of-tables item starts.

tomllib gives values but no positions; admins need file:line, so the header lines of `[[name]]`
items are found in the text and matched to the parsed items in order.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.kb.problems import Problem

_LINE_IN_ERROR = re.compile(r"\(at line (\d+), column \d+\)")
# A key whose value opens a multi-line string (a comment mentioning '"""' opens nothing).
_MULTILINE_OPENING = re.compile(r"""^\s*[A-Za-z0-9_\-."]+\s*=\s*(\"\"\"|''')""")


def _closes(text: str, delimiter: str) -> bool:
    """Whether `text` ends a multi-line string opened with `delimiter` (a basic string's
    escaped \\\" does not)."""
    if delimiter == "'''":
        return delimiter in text
    return re.search(r'(?<!\\)"""', text) is not None


@dataclass(frozen=True)
class TomlItem:
    """One `[[table]]` item with the line of its header and the lines of its keys."""

    data: dict[str, Any]
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class TomlSource:
    path: Path
    label: str  # how messages name the file, e.g. "kb/nic.toml"
    data: dict[str, Any]
    text: str

    def items(self, table: str) -> list[TomlItem]:
        """The items of `[[table]]`, each with its header line (0 if it cannot be placed)."""
        raw = self.data.get(table, [])
        values = raw if isinstance(raw, list) else []
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        key = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
        starts: list[int] = []
        key_lines: list[dict[str, int]] = []
        in_item = False
        open_string: str | None = None  # the delimiter of a multi-line string being read
        for number, line in enumerate(self.text.splitlines(), start=1):
            if open_string is not None:
                # An answer's own lines ("[注意]", even "[[entry]]") are text, not TOML.
                if _closes(line, open_string):
                    open_string = None
                continue
            if opening := _MULTILINE_OPENING.match(line):
                delimiter = opening.group(1)
                if not _closes(line[opening.end() :], delimiter):
                    open_string = delimiter
            if header.match(line):
                starts.append(number)
                key_lines.append({})
                in_item = True
            elif line.lstrip().startswith("["):
                in_item = False
            elif in_item and (found := key.match(line)):
                key_lines[-1].setdefault(found.group(1), number)
        items: list[TomlItem] = []
        for index, value in enumerate(values):
            start = starts[index] if index < len(starts) else 0
            keys = key_lines[index] if index < len(key_lines) else {}
            items.append(TomlItem(value if isinstance(value, dict) else {}, start, keys))
        return items


def read_toml(path: Path, label: str) -> TomlSource | Problem:
    """Parse `path`, or return the problem (syntax errors carry their line)."""
    try:
        # utf-8-sig: Windows Notepad starts a saved file with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(label, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return Problem(label, 0, f"cannot read: {exc.strerror}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _LINE_IN_ERROR.search(message)
        line = int(found.group(1)) if found else 0
        return Problem(label, line, f"TOML syntax error: {_LINE_IN_ERROR.sub('', message).strip()}")
    return TomlSource(path, label, data, text)
