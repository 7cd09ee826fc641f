"""End-to-end fixtures: the emulator (one per session) and a freshly started bot per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import (
    MINIMAL_KB,
    Chats,
    EmulatorMissing,
    RunningBot,
    e2e_settings,
    emulator_process,
    new_token,
)


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    """Base URL of telegram-test-api, started by the tests on 127.0.0.1.

    Without Node.js or `npm ci` the end-to-end tests skip, except under CI=true: there they
    must run, so a missing emulator fails them."""
    try:
        with emulator_process() as url:
            yield url
    except EmulatorMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs the emulator: {missing}")
        pytest.skip(str(missing))


@pytest.fixture
async def running(emulator: str, tmp_path: Path) -> AsyncIterator[tuple[RunningBot, Chats]]:
    """The bot running against the emulator with its own token and SQLite file."""
    token = new_token()
    bot = RunningBot(e2e_settings(emulator, token, f"sqlite:///{tmp_path / 'e2e.db'}", MINIMAL_KB))
    await bot.start()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            yield bot, Chats(emulator, token, http)
    finally:
        await bot.stop()
