"""Test support: the people and the settings ticket tests use."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings, settings_from_mapping
from bot.tickets.model import Actor, StudentRef

MINIMAL_KB = Path(__file__).parents[1] / "data" / "kb" / "minimal"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing

STUDENT = StudentRef("terminal", "s1", "s1", "小张", "zh")
OTHER_STUDENT = StudentRef("terminal", "s2", "s2", "小李", "en")
NIC = Actor("staff", "terminal:wang", "王老师", frozenset({"nic"}))
JWC = Actor("staff", "terminal:li", "李老师", frozenset({"jwc"}))
FRONT = Actor("staff", "terminal:desk", "前台", frozenset({"frontdesk"}))
ADMIN = Actor("admin", "terminal:admin", "管理员")


def service_settings(database_url: str) -> Settings:
    settings = settings_from_mapping({}, {}, kb_dir=MINIMAL_KB)
    return replace(settings, database_url=database_url)
