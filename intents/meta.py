"""Meta-intents: messages about the conversation itself, not questions for the KB.

Only a message that is essentially the meta phrase counts ("谢谢", "thanks!", "转人工吧"): a
question that merely contains one ("你好，校园网连不上") is a question.
"""

from __future__ import annotations

import enum
import re

from intents.normalize import normalize


class MetaIntent(enum.Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    HUMAN = "human"
    STATUS = "status"
    CANCEL = "cancel"


_PHRASES: dict[MetaIntent, tuple[str, ...]] = {
    MetaIntent.GREETING: (
        "你好",
        "您好",
        "嗨",
        "哈喽",
        "在吗",
        "在不在",
        "老师好",
        "老师您好",
        "早上好",
        "下午好",
        "晚上好",
        "hello",
        "hi",
        "hey",
        "good morning",
        "good afternoon",
        "good evening",
        "anyone there",
    ),
    MetaIntent.THANKS: (
        "谢谢",
        "谢谢你",
        "谢谢您",
        "谢谢老师",
        "多谢",
        "感谢",
        "非常感谢",
        "好的谢谢",
        "好的 谢谢",
        "thanks",
        "thank you",
        "thx",
        "ok thanks",
        "thanks a lot",
        "many thanks",
        "好的",
        "明白了",
        "知道了",
        "ok",
        "okay",
        "got it",
    ),
    MetaIntent.HELP: (
        "帮助",
        "help",
        "怎么用",
        "你能做什么",
        "你会什么",
        "使用说明",
        "菜单",
        "功能",
        "what can you do",
        "how does this work",
        "how to use",
    ),
    MetaIntent.HUMAN: (
        "转人工",
        "人工",
        "人工客服",
        "人工服务",
        "找人工",
        "我要人工",
        "转人工服务",
        "找老师",
        "联系老师",
        "真人",
        "找真人",
        "talk to a person",
        "talk to a human",
        "human",
        "agent",
        "real person",
        "speak to someone",
        "talk to someone",
        "operator",
    ),
    MetaIntent.STATUS: (
        "进度",
        "查进度",
        "查询进度",
        "我的问题",
        "我的工单",
        "工单状态",
        "问题进度",
        "处理进度",
        "办理进度",
        "我的问题进度",
        "问题处理到哪了",
        "status",
        "my tickets",
        "my questions",
        "status of my question",
        "ticket status",
    ),
    MetaIntent.CANCEL: ("取消", "算了", "不用了", "cancel", "never mind", "nevermind", "stop"),
}

# Filler allowed around a meta phrase: "请帮我转人工吧", "thanks!!", "好的，谢谢老师".
_FILLER = re.compile(
    r"^(?:请|麻烦|帮我|我要|我想|能|可以|please|pls|ok|好的|嗯|那|那就)*\s*|"
    r"\s*(?:吧|啊|呀|哈|哦|了|一下|please|pls|老师|吗|呢|下)*$"
)
_LOOKUP = {normalize(p): intent for intent, phrases in _PHRASES.items() for p in phrases}


def detect_meta(text: str) -> MetaIntent | None:
    """The meta-intent `text` expresses, or None when it is (also) a real question."""
    clean = normalize(text)
    if not clean or len(clean) > 40:
        return None
    for candidate in (clean, _FILLER.sub("", clean).strip(), clean.replace(" ", "")):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    return None
