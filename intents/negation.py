"""Drop what a student says a question is *not* about: "宿舍插座没电了怎么报修，不是网的问题".

Matching counts words, and sentence embeddings barely notice "not": left in, "网" pulls the
question to the network-repair guide the student just ruled out. Only explicit disclaimers are
removed — "不是…的问题", "不是X，是Y" (X goes, the correction stays), "跟…没关系",
"not a … problem", "not X but Y", a trailing ", not the …" — never a negation that is the
question itself ("不是本校学生能进图书馆吗", "why can't I log in").
"""

from __future__ import annotations

import re

_CLAUSE = r"[^,，、;；。.!！?？\n]"
_DISCLAIMERS = (
    # 不是网的问题 / 也不是网络故障 / 而不是缴费的事 / 并非系统原因
    re.compile(
        rf"(?:但|而|也|并|可)?(?:不是|并非|并不是|不属于){_CLAUSE}{{1,12}}?"
        r"(?:的)?(?:问题|故障|毛病|原因|事情|事儿|事)(?:啊|哈|哦|呀)?"
    ),
    # 不是学生证，是饭卡丢了 / 不是补考是想推迟考 / 并不是退学而是休学: the correction stays
    re.compile(
        rf"(?<!是)(?:但|也|并)?(?:不是|并非|并不是){_CLAUSE}{{2,12}}?(?=[,，]?\s*(?:而|其实)?是)"
    ),
    # 跟网络没关系 / 和学费无关 / 与宿舍没有关系
    re.compile(rf"(?:跟|和|与|同){_CLAUSE}{{1,12}}?(?:没有?(?:什么)?关系|无关)(?:啊|哦|呀)?"),
    # it's not a network problem / not an issue with the wifi
    re.compile(
        r"\b(?:(?:it|this|that)(?:'s| is) )?not (?:a |an |the |my |about (?:the |my )?)?"
        r"[a-z-]+(?: [a-z-]+){0,3}? (?:problem|issue|thing|question)\b"
        r"|\bnot an? (?:problem|issue) with (?:the |my )?[a-z-]+(?: [a-z-]+){0,2}"
    ),
    # not the student card but the campus card / i don't need a transcript, but ...
    re.compile(
        r"\b(?:(?:i )?(?:don't|do not) (?:need|want|mean) |not )(?:the |my |a |an |about )?"
        r"[a-z-]+(?: [a-z-]+){0,3}?,? (?=but\b)"
    ),
    # not the library card, my campus card ... (an opening alternative ruled out)
    re.compile(r"^not (?:the |my |a |an )?[a-z-]+(?: [a-z-]+){0,2}\s*[,，:：]"),
    # nothing to do with the network / has nothing to do with wifi
    re.compile(
        r"\b(?:(?:it|this) )?(?:has )?nothing to do with (?:the |my )?[a-z-]+(?: [a-z-]+){0,2}"
    ),
    # ..., not the network.  (a trailing alternative ruled out)
    re.compile(r"[,，]\s*(?:but |and )?not (?:the |my |a |an )?[a-z-]+(?: [a-z-]+){0,2}\s*[.!?]*$"),
)
_CONTENT = re.compile(r"[\u3400-\u9fff]{2}|[a-z]{3}", re.IGNORECASE)


def strip_disclaimers(text: str) -> str:
    """`text` without the parts that say what it is not about (when something is left)."""
    kept = text
    for pattern in _DISCLAIMERS:
        kept = pattern.sub(" ", kept)
    # A removed part leaves its separators behind: "插座坏了 ，找谁修" -> "插座坏了，找谁修".
    kept = re.sub(r"\s+(?=[,，、;；])", "", kept)
    kept = re.sub(r"([,，、;；])(?:\s*[,，、;；])+", r"\1", kept)
    kept = re.sub(r"\s{2,}", " ", kept).strip(" ,，、;；:：")
    return kept if _CONTENT.search(kept) else text
