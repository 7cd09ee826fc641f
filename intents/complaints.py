"""Complaints and grievances: messages that need a person, even when a guide shares their words.

"网络报修电话一直没人接，太不负责了" names the repair guide's words, but the student is not asking
how to report a fault; answering with the guide would be the costliest kind of wrong answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMPLAINT = re.compile(
    r"投诉|举报|态度(?:太)?(?:差|恶劣|不好)|太差|很差|差劲|垃圾|恶心|不满|气死|受不了|"
    r"不作为|乱收费|凭什么|曝光|不负责|没人管|也不管|都不管|没人接|没人理|不理人|没有回音|没回音|"
    r"石沉大海|推诿|踢皮球|拖着不办|一直没人|太过分|太离谱|给个说法|讨个说法|什么服务|死不承认|"
    r"伤自尊|吃不起|还好意思|重视一下|就不管|不管了|还不如|到底谁|打发|"
    r"complain|complaint|terrible|rude|awful|disgusting|outrageous|"
    r"unacceptable|nobody (?:answers|cares|responds)|ignored"
)
# Grievances that are complaints only when the message does not also ask how to do something:
# "补卡窗口去了三次都没人" reports a failure, "去了三次都没人，还能去哪里补" asks for the guide.
_GRIEVANCE = re.compile(
    r"(?:[0-9一二两三四五六七八九十几半多]+ *个?(?:天|周|星期|礼拜|月|小时)|好久|很久|这么久|"
    r"半天|好几次|几次|三番五次).{0,8}(?:没|不|还是|仍|依然)|"
    r"没有?(?:任何)?(?:消息|动静|下文|回复|回应|人来|人修|人处理|人回|人)$|不回(?:复|消息|邮件)|"
    r"打不通|敷衍|拖拉|拖延|推来推去|推三阻四|爱答不理|态度.{0,4}(?:差|凶|恶劣|冷漠)|不公平|"
    r"不公正|太(?:慢|吵|贵|乱|烂|脏|难吃|低|高|冷|热)|难吃|一团乱|说好的|到底(?:管不管|有没有人)|"
    r"我要反映|(?:也|都|还|又)不(?:修|退|处理|理|回|认真|来)|好几个?(?:天|周|星期|礼拜|月)了|"
    r"白跑|白等|白交|扑了个?空|人影|干等|乱成|一改再改|太(?:复杂|麻烦|凶)|特别凶|顶替|要求学校|"
    r"退钱|根本没|"
    r"(?:寄|弄|搞|办|填|算)错了?|一直(?:不|没)(?:人|回|理|管|处理|解决|批|给|办|修|来)|根本(?:没人|不管|不理|不回|来不及)|耽误|谁负责|不像话|"
    r"never (?:answer|respond|reply|repl)|no one|nobody|still (?:no|not|waiting|hasn)|"
    r"for (?:weeks|months)|so slow|too slow|unfair|disappointed|fed up|ridiculous|"
    r"serious problem|(?:got|had|get) no (?:reply|response|answer)|waste of (?:time|money)"
)
_ASKING = re.compile(
    r"怎么|怎样|如何|能不能|可不可以|可以吗|能吗|吗$|吗 |哪里|哪儿|去哪|找谁|是否|能否|可否|"
    r"渠道|途径|方式|流程|办法|(?<=[\u4e00-\u9fff])不(?: |$)|"
    r"\b(?:how|where|can i|could i|what|who|which|is there|are there)\b"
)


def asks(text: str) -> bool:
    """Normalised `text` asks something (怎么, 能不能, 吗, how, where…): most questions for a guide
    do, most complaints do not."""
    return _ASKING.search(text) is not None


@dataclass(frozen=True)
class Cue:
    """What made a message sound like a complaint, and whether it also asks something."""

    words: str
    asking: bool


def complaint_cue(text: str) -> Cue | None:
    """The complaint cue in normalised `text` (or a grievance that asks nothing), if any."""
    asking = asks(text)
    found = _COMPLAINT.search(text)
    if found is None and not asking:
        found = _GRIEVANCE.search(text)
    return Cue(found.group(), asking) if found else None


def is_complaint(text: str, guide_text: str) -> bool:
    """A complaint — unless the message asks about the very thing the guide explains (如何实名
    举报, 投诉渠道): that wants the guide."""
    cue = complaint_cue(text)
    return cue is not None and not (cue.asking and cue.words in guide_text)
