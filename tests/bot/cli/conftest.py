"""Run `frontdesk …` in-process with its own environment, clock and streams."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import ManualClock
from tests.support.tickets import START


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


CliRunner = Callable[..., Run]


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """`cli("ask", "缓考", stdin="…")` runs the command on a fresh SQLite file, embeddings off."""
    clock = ManualClock(START)
    environ = {
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "FRONTDESK_EMBEDDINGS": "0",
        "FRONTDESK_CACHE_DIR": str(tmp_path / "cache"),
        "USER": "tester",
    }

    def run(*argv: str, stdin: str = "", env: dict[str, str] | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            list(argv),
            environ={**environ, **(env or {})},
            clock=clock,
            stdin=io.StringIO(stdin),
            stdout=out,
            stderr=err,
        )
        return Run(code, out.getvalue(), err.getvalue())

    return run
