"""Strip the polite wrapping of long messages: "老师您好，我是大二的，想问一下…谢谢老师！".

Students open with greetings and who they are and close with thanks; none of that says what
they need, and all of it adds words that match nothing (or the wrong thing).
"""

from __future__ import annotations

import re

_OPENERS = re.compile(
    r"^(?:"
    r"(?:尊敬的)?(?:老师|同学|学长|学姐|工作人员|管理员)(?:您好|你好|好)?[呀啊]?|(?:您好|你好|嗨|哈喽)[呀啊哈]?|"
    r"(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b(?:\s+(?:there|teacher|teachers|"
    r"sir|madam|or|all|everyone|team|staff|professor|miss|mr|ms|mrs)\b)*|"
    r"sorry to (?:bother|disturb|trouble) you|excuse me|"
    r"打扰(?:一下|了|您了)?|不好意思|抱歉|冒昧问一下|"
    r"我是[^，,。！!？?]{0,16}?(?:的(?:学生|同学|新生|研究生|本科生|留学生)?|学生|同学|新生|研究生|本科生|留学生)"
    r"(?:的(?:家长|父亲|母亲|爸爸|妈妈|室友|朋友))?|"
    r"(?:我)?(?:想|要)?(?:问|咨询|请教|了解)(?:一下|下)?|请问(?:一下)?|"
    r"(?:i am|i'm)\s+(?:an?\s+)?[a-z\s-]{0,30}?student(?:\s+(?:from|at|in|of)\s+[a-z]+)?"
    r"(?:\s+and)?|"
    r"i have a question|quick question|"
    r"(?:i would like to|i'd like to|i want to|i wanna)\s+(?:ask|know|inquire)"
    r"(?:\s+(?:about|if|whether))?|i (?:was )?wonder(?:ing)?(?:\s+(?:if|whether))?|"
    r"(?:could|can) (?:you|someone) (?:please )?tell me|please tell me"
    r")\s*[，,。.!！：:\s]*",
    re.IGNORECASE,
)
_CLOSERS = re.compile(
    r"[，,。.!！\s]*(?:谢谢(?:老师|您|你)?|麻烦(?:老师|您|你)?了|辛苦(?:老师|了)*|感谢|"
    r"thanks?(?: you)?(?: so much| a lot)?|thx)[！!。.~～\s]*$",
    re.IGNORECASE,
)


def strip_preamble(text: str) -> str:
    """`text` without leading greetings/self-introduction and trailing thanks (if anything
    is left; a message that is only politeness is returned as it was)."""
    current = text.strip()
    for _ in range(6):
        stripped = _OPENERS.sub("", current, count=1).strip()
        stripped = _CLOSERS.sub("", stripped).strip()
        if stripped == current or not stripped:
            break
        current = stripped
    return current or text.strip()
