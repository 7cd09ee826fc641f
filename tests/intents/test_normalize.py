"""Normalisation: width, case, script and punctuation never decide a match."""

from __future__ import annotations

import pytest

from intents.normalize import compact, has_cjk, normalize, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("校園網連不上怎麼辦？", "校园网连不上怎么办"),
        ("ＶＰＮ　连不上！！", "vpn 连不上"),
        ("  WiFi\t\n密码 ", "wifi 密码"),
        ("<b>缓考</b>*申请*", "b 缓考 b 申请"),
        ("🙂🙂🙂", ""),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_compact_joins_chinese_but_keeps_latin_words_apart() -> None:
    assert compact("校园 网 vpn 连 不上") == "校园网 vpn 连不上"


def test_simplified_and_script_detection() -> None:
    assert to_simplified("學生證補辦") == "学生证补办"
    assert to_simplified("plain ascii") == "plain ascii"
    assert has_cjk("vpn连不上")
    assert not has_cjk("vpn is down")
