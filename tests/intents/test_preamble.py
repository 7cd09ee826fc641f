"""Polite wrapping is stripped; what the student needs stays."""

from __future__ import annotations

import pytest

from intents.preamble import strip_preamble


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("老师您好，我是大二的学生，想问一下补考什么时候开始呀，谢谢老师", "补考什么时候开始呀"),
        ("您好，请问校园网连不上怎么办？", "校园网连不上怎么办？"),
        ("您好，我是大一新生的家长，想问一下学费怎么交", "学费怎么交"),
        (
            "hi, i am an international student from korea. "
            "i would like to ask how to extend my visa",
            "how to extend my visa",
        ),
        (
            "hello teacher, sorry to bother you, where can i print my transcript?",
            "where can i print my transcript?",
        ),
        (
            "dear sir or madam, i am a first-year master student and "
            "i want to know how to choose courses",
            "how to choose courses",
        ),
        ("hello where is the library", "where is the library"),
        ("老师好，打扰一下，我是计算机学院研究生，请问开题报告什么时候交", "开题报告什么时候交"),
        (
            "Hi, I am an international student. How do I get a transcript? Thanks!",
            "How do I get a transcript?",
        ),
        ("缓考", "缓考"),
        ("谢谢", "谢谢"),
    ],
)
def test_strip_preamble(text: str, kept: str) -> None:
    assert strip_preamble(text) == kept
