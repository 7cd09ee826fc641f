"""Word segmentation with jieba, taught the KB's own vocabulary.

A private `jieba.Tokenizer` (never the process-wide one) so that two KBs in one process — a
running bot and a `kb check` of an edited copy — never share added words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

# Words that carry no meaning for matching: politeness, question words, particles.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "嘛",
        "么",
        "着",
        "过",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "有",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "它",
        "这",
        "那",
        "这个",
        "那个",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "什么",
        "哪里",
        "哪儿",
        "哪",
        "几",
        "多少",
        "为什么",
        "是否",
        "能否",
        "能不能",
        "可不可以",
        "可以",
        "能",
        "要",
        "想",
        "需要",
        "请问",
        "请",
        "问",
        "问一下",
        "一下",
        "老师",
        "您好",
        "你好",
        "同学",
        "谢谢",
        "麻烦",
        "打扰",
        "不好意思",
        "就",
        "都",
        "也",
        "还",
        "又",
        "再",
        "吗",
        "呢",
        "个",
        "一个",
        "把",
        "被",
        "给",
        "让",
        "对",
        "从",
        "到",
        "去",
        "来",
        "做",
        "办",
        "弄",
        "搞",
        "该",
        "应该",
        "得",
        "地",
        "之",
        "其",
        "所",
        "以",
        "而",
        "啥",
        "帮",
        "帮我",
        "帮忙",
        "一下子",
        "写",
        "咋",
        "呗",
        "哈",
        "嗯",
        "喔",
        "诶",
        "额",
        "一些",
        "有些",
        "现在",
        "然后",
        "但是",
        "因为",
        "所以",
        "如果",
        "关于",
        "the",
        "a",
        "an",
        "to",
        "of",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "do",
        "does",
        "did",
        "i",
        "my",
        "me",
        "you",
        "your",
        "how",
        "what",
        "where",
        "when",
        "can",
        "could",
        "please",
        "for",
        "in",
        "on",
        "at",
        "with",
        "it",
        "this",
        "that",
        "there",
    ]
)
_WORDS = re.compile(r"[0-9a-z]+|[\u3400-\u4dbf\u4e00-\u9fff]+")


@lru_cache(maxsize=4)
def _base_tokenizer(dictionary: str | None) -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer(dictionary) if dictionary else jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


class Segmenter:
    """Splits normalised text into meaningful words, knowing the KB's terms.

    `dictionary` is a jieba word-list file handed in by the caller (a smaller one starts
    much faster); by default jieba's own full dictionary.
    """

    def __init__(self, vocabulary: Iterable[str] = (), dictionary: Path | None = None) -> None:
        import copy

        # Initialising jieba reads its dictionary; copies share that work.
        self._tokenizer = copy.copy(_base_tokenizer(str(dictionary) if dictionary else None))
        self._tokenizer.FREQ = dict(self._tokenizer.FREQ)
        self._tokenizer.user_word_tag_tab = {}
        for word in sorted({w.strip() for w in vocabulary if len(w.strip()) > 1}):
            self._tokenizer.add_word(word, freq=2000)

    def words(self, text: str) -> list[str]:
        """Words of already-normalised text, stopwords removed, in order."""
        out: list[str] = []
        for chunk in _WORDS.findall(text):
            if chunk.isascii():
                if chunk not in STOPWORDS:
                    out.append(chunk)
                continue
            for word in self._tokenizer.lcut(chunk, HMM=False):
                if word not in STOPWORDS and word.strip():
                    out.append(word)
        return out
