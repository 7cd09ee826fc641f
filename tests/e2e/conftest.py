"""End-to-end fixtures: the emulator (one per session) and a freshly started bot per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import Chats, EmulatorMissing, RunningBot, emulator_process, new_token


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    """Base URL of a running telegram-test-api (started by the tests themselves)."""
    try:
        with emulator_process() as url:
            yield url
    except EmulatorMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(str(missing))
        pytest.skip(str(missing))


@pytest.fixture
async def running(emulator: str, tmp_path: Path) -> AsyncIterator[tuple[RunningBot, Chats]]:
    bot = RunningBot(emulator, new_token(), f"sqlite:///{tmp_path / 'e2e.db'}")
    await bot.start()
    async with httpx.AsyncClient(timeout=10) as http:
        yield bot, Chats(emulator, bot.token, http)
    await bot.stop()
