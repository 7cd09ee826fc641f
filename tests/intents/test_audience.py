"""Who a question is asked for: a table of texts and the audiences they name."""

from __future__ import annotations

import pytest

from intents.audience import audiences
from intents.normalize import normalize


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("我是研一新生，选课系统什么时候开放", {"graduate"}),
        ("研究僧选课", {"graduate"}),
        ("硕士论文送审", {"graduate"}),
        ("本科生选课时间", {"undergraduate"}),
        ("我是大二的学生，想问补考", {"undergraduate"}),
        ("留學生保險怎麼買", {"international"}),  # traditional, folded by normalize
        ("I'm an international student, how do I claim insurance?", {"international"}),
        ("Can a PhD student get a dorm?", {"graduate"}),
        ("As a Master's student, where is my transcript?", {"graduate"}),
        ("我是来华留学的研究生", {"graduate", "international"}),
        # No audience: the question is for everyone; "graduation" is not "graduate student".
        ("在读证明怎么开", set()),
        ("How do I report my post-graduation destination?", set()),
        ("研究生院在哪", {"graduate"}),
    ],
)
def test_audiences_named(text: str, named: set[str]) -> None:
    assert audiences(normalize(text)) == named
