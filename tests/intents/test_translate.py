"""Reading English words as the KB's Chinese words through a dictionary, backwards."""

from __future__ import annotations

import pytest

from intents.translate import MAX_WORDS_PER_TOKEN, Translator, gloss_tokens, stem

GLOSSES = {
    "补考": "to sit for a makeup exam/to resit an exam/makeup exam/resit",
    "考试": "to take an exam/exam/CL:次[ci4]",
    "宿舍": "dormitory/dorm room/living quarters/hostel/CL:間|间[jian1]",
    "食堂": "dining hall; cafeteria/CL:個|个[ge4]",
    "签证": "visa/to issue a visa",
    "火车": "train/CL:列[lie4]",  # in the dictionary, but not in this KB
    "热水": "hot water",
    "流感": "flu; influenza",
}
KB_WORDS = ["补考", "考试", "宿舍", "食堂", "签证", "校园卡", "热水", "流感"]


@pytest.mark.parametrize(
    ("query", "added"),
    [
        ("when is the resit", ["补考"]),
        ("exams", ["考试"]),  # a plural; 补考 is a "makeup exam", not any exam
        ("makeup exams", ["补考", "考试"]),
        ("my dorm room", ["宿舍"]),
        ("where is the cafeteria", ["食堂"]),
        ("visa", ["签证"]),
        ("train ticket", []),  # 火车 is not a word of this KB
        ("what is the time", []),  # nothing but words that mean nothing alone
        ("is there hot water", ["热水"]),
        ("is it going to be hot tomorrow", []),  # one word of "hot water" is not 热水
        ("where to dine", []),  # nor one of "dining hall"
        ("flu shot", ["流感"]),  # "flu; influenza": each wording alone
        ("influenza", ["流感"]),
    ],
)
def test_english_words_bring_the_kb_words_they_mean(query: str, added: list[str]) -> None:
    expanded = Translator(KB_WORDS, GLOSSES).expand(query)
    assert expanded.startswith(query)
    assert expanded[len(query) :].split() == added


def test_a_word_already_in_the_question_is_not_added_twice() -> None:
    assert Translator(KB_WORDS, GLOSSES).expand("宿舍 dorm") == "宿舍 dorm"


def test_a_token_that_glosses_too_many_kb_words_is_ignored() -> None:
    many = {f"词{i}": "office" for i in range(MAX_WORDS_PER_TOKEN + 1)}
    assert Translator(list(many), many).expand("office") == "office"
    assert len(Translator([], GLOSSES)) == 0


def test_glosses_lose_their_notes_and_endings() -> None:
    assert gloss_tokens("dining hall; cafeteria/CL:個|个[ge4]") == {"dine", "hall", "cafeteria"}
    assert gloss_tokens("to suspend schooling (temporarily)") == {"suspend", "school"}
    assert stem("proving") == stem("prove")
    assert stem("exams") == stem("exam")


def test_a_compound_the_dictionary_lacks_is_read_by_its_halves() -> None:
    glosses = {"缓": "slow/to delay/to postpone", "考": "to take an exam/to test", "宿舍": "dorm"}
    translator = Translator(["缓考", "宿舍"], glosses)
    assert translator.expand("postpone my exam") == "postpone my exam 缓考"
