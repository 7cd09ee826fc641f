"""The knowledge base in force in a running bot, swapped only for a KB that loads cleanly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.clock import Clock
from bot.kb.loader import LoadResult, inspect_kb
from bot.kb.problems import KBLoadError
from intents.decision import Decision
from intents.kb import KnowledgeBase

log = logging.getLogger(__name__)


class Matcher(Protocol):
    """What the bot needs of a matcher (`intents.matcher.Matcher` fits)."""

    def match(self, text: str) -> Decision: ...


MatcherFactory = Callable[[KnowledgeBase], Matcher]


@dataclass(frozen=True)
class ActiveKB:
    kb: KnowledgeBase
    matcher: Matcher
    loaded_at: datetime


class LiveKB:
    """Holds the active KB and matcher; `reload` keeps the old pair if the new KB has errors."""

    def __init__(self, directory: Path, build_matcher: MatcherFactory, clock: Clock) -> None:
        self._directory = directory
        self._build_matcher = build_matcher
        self._clock = clock
        self._lock = threading.Lock()
        result = inspect_kb(directory)
        if result.kb is None:
            raise KBLoadError(list(result.problems))
        self._active = ActiveKB(result.kb, build_matcher(result.kb), clock.now())
        self._fingerprint = fingerprint(directory)

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def active(self) -> ActiveKB:
        return self._active

    @property
    def kb(self) -> KnowledgeBase:
        return self._active.kb

    def match(self, text: str) -> Decision:
        return self._active.matcher.match(text)

    def reload_if_changed(self) -> LoadResult | None:
        """Reload when a KB file was added, removed or modified since the last look."""
        current = fingerprint(self._directory)
        if current == self._fingerprint:
            return None
        self._fingerprint = current
        return self.reload()

    def reload(self) -> LoadResult:
        """Load the KB again; swap it in only if it has no errors. Returns what was found."""
        with self._lock:
            result = inspect_kb(self._directory)
            if result.kb is None:
                log.warning(
                    "KB reload refused, keeping the running KB: %d error(s)", len(result.errors)
                )
                return result
            self._active = ActiveKB(result.kb, self._build_matcher(result.kb), self._clock.now())
            log.info(
                "KB reloaded: %d entries, %d units", len(result.kb.entries), len(result.kb.units)
            )
            return result


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of every TOML file under `directory`."""
    found: list[tuple[str, int, int]] = []
    for path in sorted(directory.rglob("*.toml")):
        try:
            stat = path.stat()
        except OSError:
            continue  # deleted between listing and stat: the next look sees it gone
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)
