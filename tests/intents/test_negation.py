"""What a question is said not to be about is dropped; negations that are the question stay."""

from __future__ import annotations

import pytest

from intents.negation import strip_disclaimers


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("宿舍插座没电了怎么报修，不是网的问题", "宿舍插座没电了怎么报修"),
        ("不是网络故障，是宿舍插座没电了怎么报修", "是宿舍插座没电了怎么报修"),
        ("是插座坏了而不是网络的问题，找谁修", "是插座坏了，找谁修"),
        ("电费怎么交，跟网费没关系", "电费怎么交"),
        ("校园卡丢了怎么补办，和饭卡充值无关哦", "校园卡丢了怎么补办"),
        (
            "the socket in my dorm has no power, it's not a network problem",
            "the socket in my dorm has no power",
        ),
        ("how do i get a new card, not the temporary one.", "how do i get a new card"),
        (
            "my laptop charger burned the socket, nothing to do with wifi",
            "my laptop charger burned the socket",
        ),
        ("不是学生证，是吃饭刷的卡丢了", "是吃饭刷的卡丢了"),
        ("不是补考是想推迟考试", "是想推迟考试"),
        ("我想办的并不是退学而是休学", "我想办的 而是休学"),
        ("i lost not the student id but the campus card", "i lost but the campus card"),
        (
            "i don't need a transcript, but an enrollment certificate",
            "but an enrollment certificate",
        ),
        ("not the library card, my campus card is locked", "my campus card is locked"),
        (
            "it is not a network problem: my air conditioner is broken",
            "my air conditioner is broken",
        ),
        # The negation is the question: kept as it is.
        ("不是本校学生能进图书馆吗", "不是本校学生能进图书馆吗"),
        ("我不是本校学生，能进图书馆吗", "我不是本校学生，能进图书馆吗"),
        ("是不是要先缴费才能注册", "是不是要先缴费才能注册"),
        ("不是本校的能借书吗", "不是本校的能借书吗"),
        ("毕业了不是还要交档案吗", "毕业了不是还要交档案吗"),
        ("why can't i log in to the campus network", "why can't i log in to the campus network"),
        (
            "i do not have a student card yet, can i borrow books",
            "i do not have a student card yet, can i borrow books",
        ),
        # Nothing else left: the message stays whole.
        ("不是网的问题", "不是网的问题"),
    ],
)
def test_strip_disclaimers(text: str, kept: str) -> None:
    assert strip_disclaimers(text) == kept
