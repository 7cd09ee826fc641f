"""The matcher on the demo KB (lexical mode: pure, no model), as a table of questions.

Each row: a question as students write it, and what must happen — the entry answered or
offered first, or a ticket for a unit. The confusable pairs are here on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.kb.loader import load_kb
from bot.matching.factory import dialect, glossary
from intents.decision import Thresholds
from intents.kb import Entry, KnowledgeBase, Unit
from intents.matcher import Matcher

DEMO = load_kb(Path(__file__).parents[2] / "kb")
THRESHOLDS = Thresholds(answer=0.85, margin=0.02, suggest=0.30, max_suggestions=3)
MATCHER = Matcher(DEMO, THRESHOLDS, "frontdesk", glossary=glossary(), dialect=dialect())


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("缓考怎么申请", "jwc-deferred-exam"),
        ("补考时间", "jwc-makeup-exam"),
        ("补考没过要重修怎么报名", "jwc-retake"),
        ("学生证丢了怎么补办", "xsc-student-id"),
        ("校园卡丢了先挂失", "card-loss-report"),
        ("饭卡丢了", "card-loss-report"),
        ("成绩单怎么打印", "jwc-transcript"),
        ("在读证明怎么开", "jwc-enrollment-cert"),
        ("国家奖学金怎么申请", "xsc-scholarship"),
        ("助学金怎么申请", "xsc-grant"),
        ("宿舍网口坏了报修", "nic-network-repair"),
        ("宿舍灯坏了找谁修", "hqc-dorm-repair"),
        # What the student rules out does not pull the question to it.
        ("the door lock of my dorm is broken, nothing to do with the internet", "hqc-dorm-repair"),
        ("how do i pay the electricity bill, not the network fee", "hqc-electricity"),
        ("校園網連不上怎麼辦", "nic-wifi-connect"),
        ("校园往连不上", "nic-wifi-connect"),
        ("vpn连不上", "nic-vpn"),
        ("老师您好，我是大二的学生，想问一下补考什么时候开始呀，谢谢老师", "jwc-makeup-exam"),
        ("How do I print my transcript?", "jwc-transcript"),
        ("I lost my campus card", "card-loss-report"),
        # Opening hours, however they are said (the hospital's guide says 上班).
        ("校医院周末开门吗", "hospital-visit"),
        ("食堂几点营业", "hqc-canteen"),
    ],
)
def test_best_candidate(question: str, entry: str) -> None:
    decision = MATCHER.match(question)
    assert decision.candidates[0].entry == entry, decision
    assert decision.kind in {"answer", "suggest"}


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("食堂太难吃了我要投诉", "hqc"),
        ("宿管阿姨态度特别差，我要投诉她", "hqc"),
        ("网信中心的老师能帮我看看机房打印机卡纸吗", "nic"),
        ("帮我写作业", "frontdesk"),
        ("推荐一部好看的电影", "frontdesk"),
        ("🙂🙂🙂", "frontdesk"),
        ("", "frontdesk"),
    ],
)
def test_routed_to_unit(question: str, unit: str) -> None:
    decision = MATCHER.match(question)
    assert decision.kind == "route", decision
    assert decision.unit == unit


@pytest.mark.parametrize(
    ("grievance", "unit"),
    [
        ("补卡窗口去了三次都没人", "card"),
        ("报销材料交了两个月还没消息", "hospital"),
        ("宿舍空调坏了一周了还是没人来修", "hqc"),
        ("The library staff never answer my emails", "lib"),
    ],
)
def test_grievances_become_tickets_for_the_unit_even_when_a_guide_fits(
    grievance: str, unit: str
) -> None:
    decision = MATCHER.match(grievance)
    assert decision.kind == "route", decision
    assert decision.unit == unit


@pytest.mark.parametrize(
    ("question", "entry"),
    [("校园卡充值两天了还没到账怎么查", "card-recharge"), ("成绩录错了怎么办", "jwc-grade-appeal")],
)
def test_a_grievance_that_asks_how_still_gets_the_guide(question: str, entry: str) -> None:
    decision = MATCHER.match(question)
    assert decision.kind in {"answer", "suggest"}, decision
    assert decision.candidates[0].entry == entry


def test_complaints_are_never_answered_but_questions_about_reporting_are() -> None:
    assert MATCHER.match("网络报修电话一直没人接，太不负责了").kind == "route"
    assert MATCHER.match("怎么实名举报违纪问题").candidates[0].entry == "xfb-report"


@pytest.mark.parametrize(
    ("question", "disclaimed"),
    [("电费怎么交", "电费怎么交，不是网费的问题"), ("补考时间", "补考时间，和缓考没关系")],
)
def test_a_disclaimer_changes_nothing_but_what_it_rules_out(question: str, disclaimed: str) -> None:
    plain, ruled_out = MATCHER.match(question), MATCHER.match(disclaimed)
    assert (ruled_out.kind, ruled_out.entry) == (plain.kind, plain.entry)
    assert ruled_out.candidates[0].entry == plain.candidates[0].entry


def test_candidates_always_three_best_first_scores_in_range() -> None:
    for question in ["缓考", "", "x" * 4000, "<script>alert(1)</script>", "？？？", "exam " * 3000]:
        decision = MATCHER.match(question)
        assert len(decision.candidates) >= 3
        scores = [c.score for c in decision.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert 0.0 <= decision.score <= 1.0


def matcher_with(**thresholds: float) -> Matcher:
    return Matcher(
        DEMO, replace(THRESHOLDS, **thresholds), "frontdesk", glossary=glossary(), dialect=dialect()
    )


@pytest.mark.parametrize(
    ("question", "share", "kind"),
    [
        # "宿舍" could be about changing rooms, parcels or the network: the best of them holds
        # under half of the probability, though the confidence that it is one of them is high.
        ("宿舍", 0.0, "answer"),
        ("宿舍", 0.7, "suggest"),
        ("请假", 0.7, "answer"),  # one guide is meant: answered still
    ],
)
def test_a_message_that_fits_several_guides_is_offered_them(
    question: str, share: float, kind: str
) -> None:
    decision = matcher_with(share=share).match(question)
    assert decision.kind == kind, decision


@pytest.mark.parametrize(
    ("floor", "offered"),
    [
        (0.0, ("card-loss-report", "card-replace", "cwc-bank-card")),
        (0.01, ("card-loss-report", "card-replace")),
    ],
)
def test_choices_leave_out_entries_given_next_to_no_chance(
    floor: float, offered: tuple[str, ...]
) -> None:
    decision = matcher_with(choice_floor=floor).match("卡")
    assert decision.kind == "suggest", decision
    assert decision.choices == offered
    # The JSON contract's candidates are not cut: they stay the three best.
    assert [c.entry for c in decision.candidates[:3]] == list(offered) + ["cwc-bank-card"] * (
        3 - len(offered)
    )


def test_choices_are_only_offered_with_a_suggestion() -> None:
    for question in ["请假", "宿舍网口坏了报修", "我要投诉食堂的卫生太差了"]:
        decision = matcher_with(choice_floor=0.01).match(question)
        assert decision.kind != "suggest", decision
        assert decision.choices == ()


def test_synonyms_an_admin_adds_take_effect() -> None:
    kb = KnowledgeBase(
        units={"card": Unit("card", "校园卡中心"), "frontdesk": Unit("frontdesk", "服务台")},
        entries=(
            Entry("card-loss", "校园卡丢了怎么挂失？", "card", "挂失步骤"),
            Entry("card-topup", "校园卡怎么充值？", "card", "充值步骤"),
            Entry("hall", "服务大厅在哪里？", "frontdesk", "地址"),
        ),
        synonyms=(("校园卡", "饭卡", "一卡通"),),
    )
    matcher = Matcher(kb, THRESHOLDS, "frontdesk")
    assert matcher.match("一卡通丢了").candidates[0].entry == "card-loss"
    plain = Matcher(KnowledgeBase(kb.units, kb.entries), THRESHOLDS, "frontdesk")
    # The synonym turns an unknown word into the KB's own: more lexical evidence for the entry.
    with_synonyms = matcher.signals("一卡通丢了").columns["word_f1"][0]
    assert plain.signals("一卡通丢了").columns["word_f1"][0] < with_synonyms


def test_matching_is_pure_and_repeatable() -> None:
    first = MATCHER.match("学生证和校园卡都丢了")
    second = MATCHER.match("学生证和校园卡都丢了")
    assert first == second


def test_a_kb_synonym_group_overrides_the_built_in_one_it_overlaps() -> None:
    kb = KnowledgeBase(
        units={"card": Unit("card", "卡务中心"), "frontdesk": Unit("frontdesk", "服务台")},
        entries=(
            Entry("card-loss", "一卡通丢了怎么挂失？", "card", "挂失步骤"),
            Entry("card-topup", "一卡通怎么充值？", "card", "充值步骤"),
        ),
        synonyms=(("一卡通", "校园卡"),),  # this school says 一卡通; the built-in says 校园卡
    )
    matcher = Matcher(kb, THRESHOLDS, "frontdesk", glossary=glossary())
    for question in ("校园卡丢了", "饭卡丢了", "I lost my campus card", "一卡通丢了"):
        assert matcher.match(question).candidates[0].entry == "card-loss", question
        assert matcher.signals(question).columns["word_f1"][0] > 0.3, question


def test_english_plurals_meet_the_glossary() -> None:
    singular = MATCHER.signals("graduate student course selection").query
    assert MATCHER.signals("graduate students course selections").query == singular


@pytest.mark.parametrize(
    ("cantonese", "mandarin"),
    [
        ("我嘅學生證唔見咗，點樣補辦？", "我的学生证不见了 怎么补办"),
        ("佢哋喺邊度可以攞到？", "他们在哪里可以拿到"),
        ("係咪要俾錢㗎", "是不是要给钱吗"),
    ],
)
def test_cantonese_is_read_as_the_mandarin_the_kb_is_written_in(
    cantonese: str, mandarin: str
) -> None:
    assert MATCHER.signals(cantonese).query == mandarin


def test_a_cantonese_question_is_answered_like_its_mandarin_one() -> None:
    # Its words used to count as words the KB never uses: choices instead of the answer.
    decision = MATCHER.match("我嘅學生證唔見咗，點樣補辦？")
    assert (decision.kind, decision.entry) == ("answer", "xsc-student-id")


def test_a_canonical_word_is_not_rewritten_from_inside() -> None:
    # 图书 -> 图书馆 must not turn 图书馆 into 图书馆馆.
    assert MATCHER.signals("图书馆没这本书能帮忙借吗").query.startswith("图书馆没")


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # Each is one of the entry's own phrasings, and also inside another entry's question.
        ("在读证明怎么开", "jwc-enrollment-cert"),
        ("饭卡丢了", "card-loss-report"),
    ],
)
def test_a_question_that_is_an_entrys_own_phrasing_gets_that_entry(
    question: str, entry: str
) -> None:
    decision = MATCHER.match(question)
    assert decision.kind == "answer", decision
    assert decision.entry == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("在读证明怎么开", "jwc-enrollment-cert"),
        # A particle or question word more or less is the same phrasing.
        ("在读证明怎么开呢", "jwc-enrollment-cert"),
        ("校园卡丢了吗", "card-loss-report"),
        # English read as the KB's words ("lost" -> 丢了) leaves a doubled particle.
        ("校园卡lost了", "card-loss-report"),
    ],
)
def test_an_exact_phrasing_leads(question: str, entry: str) -> None:
    logits = np.zeros(len(DEMO.entries), dtype=np.float32)
    lifted = Matcher.lift_exact(MATCHER.signals(question), logits)
    assert [e.id for e in DEMO.entries][int(np.argmax(lifted))] == entry
    assert float(np.sort(lifted)[-1] - np.sort(lifted)[-2]) >= 1.0


@pytest.mark.parametrize("question", ["在读证明怎么开？急用", "校园卡丢了三天了", "我的校园卡"])
def test_a_question_with_words_of_its_own_is_not_lifted(question: str) -> None:
    logits = np.zeros(len(DEMO.entries), dtype=np.float32)
    assert np.array_equal(Matcher.lift_exact(MATCHER.signals(question), logits), logits)


def test_none_of_these_takes_probability_from_a_weak_best() -> None:
    # The same winner, the same lead over the runner-up: only how high it scores against
    # "none of these" differs, and with it the chance that the winner is meant at all.
    signals = MATCHER.signals("校园卡丢了")
    logits = np.full(len(DEMO.entries), -10.0, dtype=np.float32)
    logits[0], logits[1] = 2.0, 0.0
    strong = Matcher.summary(signals, logits, none=-3.0)
    weak = Matcher.summary(signals, logits, none=4.0)
    assert strong["p_best"] == weak["p_best"]
    assert strong["q_best"] > 0.5 > weak["q_best"]
    assert weak["q_margin"] < 0 < strong["q_margin"]
    assert strong["over_none"] == pytest.approx(5.0)


def test_the_audience_evidence_names_the_entries_for_who_is_asking() -> None:
    ids = [entry.id for entry in DEMO.entries]

    def marked(column: str, question: str) -> set[str]:
        values = MATCHER.signals(question).columns[column]
        return {ids[i] for i in np.flatnonzero(values)}

    # Said in the greeting, which is stripped before the words are matched: still counted.
    question = "老师好，我是研一新生，想问一下选课系统什么时候开放"
    assert "yjsy-course-selection" in marked("audience_match", question)
    assert "jwc-course-selection" in marked("audience_clash", question)  # 本科生选课…
    assert "jwc-enrollment-cert" not in marked("audience_clash", question)  # for anyone
    assert not marked("audience_match", "选课系统什么时候开放")
    assert not marked("audience_clash", "选课系统什么时候开放")


def test_who_is_asking_weighs_most_for_entries_on_the_topic_asked() -> None:
    ids = [entry.id for entry in DEMO.entries]
    columns = MATCHER.signals("我是研一新生，选课系统什么时候开放").columns
    on_topic = columns["audience_match_topic"][ids.index("yjsy-course-selection")]
    off_topic = columns["audience_match_topic"][ids.index("yjsy-thesis-review")]
    assert columns["audience_match"][ids.index("yjsy-thesis-review")] == 1.0  # also for them
    assert on_topic > off_topic >= 0.0
    clash = columns["audience_clash_topic"][ids.index("jwc-course-selection")]
    assert clash > 0.0
    assert np.array_equal(
        columns["audience_match_topic"], columns["audience_match"] * columns["bigram_recall"]
    )


def test_the_clause_that_asks_is_measured_alone() -> None:
    ids = [entry.id for entry in DEMO.entries]
    columns = MATCHER.signals("校园卡丢了已经挂失了，新卡去哪领").columns
    replace, report = ids.index("card-replace"), ids.index("card-loss-report")
    # The whole message speaks of the loss as much as of the new card; what it asks does not.
    assert columns["ask_bigram_recall"][replace] > columns["ask_bigram_recall"][report]
    assert columns["ask_bigram_recall"][report] < columns["bigram_recall"][report]
    # A message of one clause asks with all of it.
    single = MATCHER.signals("新卡去哪领").columns
    assert np.array_equal(single["ask_bigram_recall"], single["bigram_recall"])
    assert np.array_equal(single["ask_word_recall"], single["word_recall"])
