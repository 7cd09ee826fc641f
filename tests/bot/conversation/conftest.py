"""A real front desk for dialogue tests: SQLite file, the minimal test KB, a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import FrontDesk, build_frontdesk
from bot.clock import ManualClock
from bot.config import Settings, settings_from_mapping

MINIMAL_KB = Path(__file__).parents[2] / "data" / "kb" / "minimal"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, a Monday


def desk_settings(database_url: str, kb_dir: Path = MINIMAL_KB) -> Settings:
    settings = settings_from_mapping({}, {}, kb_dir=kb_dir)
    matching = replace(settings.matching, embeddings=False)
    return replace(settings, database_url=database_url, matching=matching)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def desk(tmp_path: Path, clock: ManualClock) -> Iterator[FrontDesk]:
    frontdesk = build_frontdesk(
        desk_settings(f"sqlite:///{tmp_path / 'desk.db'}"), clock=clock, cache_dir=tmp_path
    )
    yield frontdesk
    frontdesk.close()
