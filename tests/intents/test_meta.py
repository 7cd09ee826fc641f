"""Meta-intents fire on the phrase itself, never on a real question that contains it."""

from __future__ import annotations

import pytest

from intents.meta import MetaIntent, detect_meta


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("你好", MetaIntent.GREETING),
        ("老师您好", MetaIntent.GREETING),
        ("Hello!", MetaIntent.GREETING),
        ("谢谢老师！", MetaIntent.THANKS),
        ("thanks a lot", MetaIntent.THANKS),
        ("帮助", MetaIntent.HELP),
        ("what can you do", MetaIntent.HELP),
        ("转人工", MetaIntent.HUMAN),
        ("请帮我转人工吧", MetaIntent.HUMAN),
        ("talk to a person", MetaIntent.HUMAN),
        ("我的问题进度", MetaIntent.STATUS),
        ("status", MetaIntent.STATUS),
        ("取消", MetaIntent.CANCEL),
        ("never mind", MetaIntent.CANCEL),
        ("你好，校园网连不上", None),
        ("谢谢，另外补考什么时候", None),
        ("人工智能专业怎么转", None),
        ("缓考", None),
        ("", None),
        ("好" * 100, None),
    ],
)
def test_detect_meta(text: str, intent: MetaIntent | None) -> None:
    assert detect_meta(text) is intent
