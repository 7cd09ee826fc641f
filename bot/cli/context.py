"""What every CLI command receives: settings, environment, clock, streams, and the app builder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.clock import Clock
from bot.config import Settings

if TYPE_CHECKING:
    from bot.app import FrontDesk


@dataclass
class CliContext:
    settings: Settings
    environ: Mapping[str, str]
    clock: Clock
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    cache_dir: Path | None = None
    _frontdesk: FrontDesk | None = field(default=None, init=False, repr=False)

    def frontdesk(self) -> FrontDesk:
        """The application, built on first use (migrating the database) and then reused."""
        if self._frontdesk is None:
            from bot.app import (
                build_frontdesk,
            )  # the full app is only built when a command needs it

            self._frontdesk = build_frontdesk(
                self.settings, clock=self.clock, cache_dir=self.cache_dir
            )
        return self._frontdesk

    def close(self) -> None:
        if self._frontdesk is not None:
            self._frontdesk.close()
            self._frontdesk = None

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def fail(self, text: str) -> int:
        print(text, file=self.stderr, flush=True)
        return 1
