"""Complaint cues: what needs a person, and what only sounds like it."""

from __future__ import annotations

import pytest

from intents.complaints import asks, complaint_cue, is_complaint
from intents.normalize import normalize


@pytest.mark.parametrize(
    "message",
    [
        "食堂太难吃了我要投诉",
        "网络报修电话一直没人接 太不负责了",
        "补卡窗口去了三次都没人",
        "报销材料交了两个月还没消息",
        "辅导员请假条一直不批 耽误我回家了",
        "the library staff were rude to me",
        "i have emailed them for weeks and still no reply",
        "水龙头漏水报修好几次了物业也不修",
        "电费被多扣了一百 找了也不退",
        "改了三遍材料还让我再跑一趟 太过分了",
        "约好下午来修网 我在宿舍干等了一下午",
        "交了钱的校园网还不如手机热点",
        "这种服务态度 必须给个说法",
        "I got no reply to three emails, this is a serious problem",
    ],
)
def test_complaints_and_grievances_are_heard(message: str) -> None:
    assert is_complaint(normalize(message), guide_text="")


@pytest.mark.parametrize(
    ("message", "guide"),
    [
        ("怎么实名举报违纪问题", "发现违规违纪问题怎么实名举报"),  # asks about the procedure
        ("投诉渠道有哪些", "对处理不满意 怎么投诉"),
        ("校园卡充值两天了还没到账怎么查", "校园卡怎么充值"),  # a grievance that asks how
        ("补考什么时候", "考试挂科了什么时候补考"),  # no cue at all
        ("校园网一直没网", "校园无线网连不上怎么办"),  # a fault to fix, not a grievance
        ("图书馆周日开门不？不想白跑一趟", "图书馆开放时间"),  # "...不?" asks
    ],
)
def test_questions_are_not_complaints(message: str, guide: str) -> None:
    assert not is_complaint(normalize(message), normalize(guide))


def test_a_complaint_that_names_the_guide_word_without_asking_is_still_one() -> None:
    # "我要投诉" asks nothing, so a guide about how to complain does not excuse it.
    assert is_complaint(normalize("我要投诉宿管"), normalize("对处理不满意 怎么投诉"))
    cue = complaint_cue(normalize("我要投诉宿管"))
    assert cue is not None
    assert cue.words == "投诉"
    assert not cue.asking


@pytest.mark.parametrize(
    ("message", "asking"),
    [
        ("校园卡丢了怎么补办", True),
        ("宿舍能不能养猫", True),
        ("图书馆周末开门吗", True),
        ("Where is the one-stop service hall?", True),
        ("how can i reset my password", True),
        ("服务大厅中午开门不？", True),
        ("能换宿舍不", True),
        ("食堂的菜越来越难吃了", False),
        ("宿管阿姨说话也太冲了吧", False),
        ("The canteen food is terrible.", False),
    ],
)
def test_whether_a_message_asks_something(message: str, asking: bool) -> None:
    assert asks(normalize(message)) is asking
