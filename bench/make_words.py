"""Regenerate bot/matching/data/words.txt from jieba's own dictionary (see its README)."""

from __future__ import annotations

import os
from pathlib import Path

import jieba

TOP_WORDS = 40_000


def main() -> None:
    source = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    rows = [line.split() for line in source.read_text(encoding="utf-8").splitlines() if line]
    rows.sort(key=lambda row: -int(row[1]))
    kept = rows[:TOP_WORDS] + [row for row in rows[TOP_WORDS:] if len(row[0]) == 1]
    target = Path(__file__).resolve().parents[1] / "bot" / "matching" / "data" / "words.txt"
    target.write_text("".join(" ".join(row) + "\n" for row in kept), encoding="utf-8")
    print(f"wrote {len(kept):,} words to {target}")


if __name__ == "__main__":
    main()
