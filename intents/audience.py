"""Who a question is asked for, and who an entry serves: undergraduates, graduate students,
international students.

Universities keep one guide per audience for the same task (本科生选课 and 研究生选课, 在读证明 at
the academic-affairs office and at the graduate school, 学生医保 and 留学生保险), and the two share
nearly every word. What tells them apart is who is asking: "我是研一新生，选课系统什么时候开放" is
the graduate guide's question. Words alone cannot weigh that, so the matcher gets it as evidence:
the question names an audience the entry serves, or one the entry is explicitly not for.
"""

from __future__ import annotations

import re

# Text is normalised first (simplified, lower case). English forms cover what international
# students write; "研究僧" is the common joke spelling of 研究生.
_AUDIENCES: dict[str, tuple[str, ...]] = {
    "graduate": (
        "研究生",
        "研究僧",
        "硕士",
        "博士",
        "研一",
        "研二",
        "研三",
        "读研",
        "博一",
        "博二",
        "直博",
        r"\bgraduate students?\b",
        r"\bpostgrad",
        r"\bmaster'? ?s\b",
        r"\bph\.? ?d\b",
        r"\bdoctoral\b",
    ),
    "undergraduate": (
        "本科",
        "大一",
        "大二",
        "大三",
        "大四",
        r"\bundergrad",
        r"\bfreshman\b",
        r"\bsophomore\b",
    ),
    "international": (
        "留学生",
        "国际学生",
        "外国学生",
        "外籍",
        "来华",
        r"\binternational students?\b",
        r"\bforeign students?\b",
        r"\boverseas students?\b",
    ),
}
_PATTERNS = {name: re.compile("|".join(words)) for name, words in _AUDIENCES.items()}
AUDIENCES = tuple(_AUDIENCES)  # every audience `audiences` may name


def audiences(normalized: str) -> frozenset[str]:
    """The audiences a normalised text names ("graduate", "undergraduate", "international")."""
    return frozenset(name for name, pattern in _PATTERNS.items() if pattern.search(normalized))
