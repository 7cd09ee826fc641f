"""What a text is compared by: its words, its character pairs and the sounds of those pairs.

Words (jieba) catch rephrasing, character bigrams catch segmentation differences and partial
words, pinyin bigrams catch homophone typos (校园往 for 校园网, 缓烤 for 缓考).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=65536)
def pinyin_of(char: str) -> str:
    """A character's toneless pinyin, from pypinyin (imported on first use: it is slow)."""
    from pypinyin import Style, lazy_pinyin

    return str(lazy_pinyin(char, style=Style.NORMAL)[0])


@dataclass(frozen=True)
class Features:
    words: frozenset[str]
    bigrams: frozenset[str]
    sounds: frozenset[str]


def features(
    text: str,
    words: Callable[[str], list[str]],
    stop_chars: frozenset[str],
    sound: Callable[[str], str] = pinyin_of,
) -> Features:
    """Features of normalised `text`; `words` segments it, `sound` gives a character's pinyin."""
    word_list = words(text)
    bigrams: set[str] = set()
    sounds: set[str] = set()
    for run in _CJK_RUN.findall(text):
        chars = [c for c in run if c not in stop_chars] or list(run)
        if len(chars) == 1:
            bigrams.add(chars[0])
            sounds.add(sound(chars[0]))
        for first, second in itertools.pairwise(chars):
            bigrams.add(first + second)
            sounds.add(sound(first) + " " + sound(second))
    for latin in _LATIN.findall(text):
        bigrams.add(latin)
    return Features(frozenset(word_list), frozenset(bigrams), frozenset(sounds))
