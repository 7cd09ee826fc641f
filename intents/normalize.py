"""Text normalisation shared by the KB side and the question side of matching.

Students type full-width letters, traditional characters, mixed case and every kind of
punctuation; the KB is simplified Chinese. Both sides go through the same steps so that only
the words are compared.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Anything that is not a letter, digit or CJK character separates words.
_SEPARATORS = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # loaded on first use: its dictionaries take a moment to read

    return opencc.OpenCC("t2s")


def encodable(text: str) -> str:
    """`text` with lone surrogates (bytes a caller could not decode, let through) as "?": the
    converters and encoders read UTF-8, which cannot carry them."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (a no-op on text without CJK characters)."""
    if not _CJK.search(text):
        return text
    converted: str = _t2s().convert(encodable(text))
    return converted


def normalize(text: str) -> str:
    """NFKC (full/half width), lower case, simplified Chinese, punctuation to single spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SEPARATORS.sub(" ", to_simplified(folded)).strip()


def compact(text: str) -> str:
    """`normalize` without spaces between CJK characters, for character-level comparison."""
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", normalize(text))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
