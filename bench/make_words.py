"""Regenerate bot/matching/data/words.txt (jieba's most frequent words) and pinyin.txt (the
toneless pinyin of every character pypinyin knows): see that folder's README."""

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
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    chars = sorted(chr(code) for code in pinyin_dict if 0x3400 <= code <= 0x9FFF)
    table = target.with_name("pinyin.txt")
    lines = [f"{c} {lazy_pinyin(c, style=Style.NORMAL)[0]}\n" for c in chars]
    table.write_text("".join(lines), encoding="utf-8")
    print(f"wrote {len(lines):,} characters to {table}")


if __name__ == "__main__":
    main()
