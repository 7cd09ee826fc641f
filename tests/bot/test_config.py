"""Settings: the file, the environment over it, and clear errors for bad values."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, settings_from_mapping

REPO_CONFIG = Path(__file__).parents[2] / "config.toml"


def test_repository_config_loads_and_matches_the_documented_defaults() -> None:
    settings = load_settings(REPO_CONFIG, {})
    assert settings.database_url == "sqlite:///frontdesk.db"
    assert settings.kb_dir == Path("kb")
    assert settings.sla.respond_hours == 24
    assert settings.sla.resolve_hours == 24
    assert settings.sla.warn_before_hours == (4.0, 1.0)
    assert settings.sla.working_hours[0] == (time(8, 30), time(12, 0))
    assert settings.telegram.token is None
    assert (settings.matching.encoder_threads, settings.matching.encoder_spin) == (2, 1000)
    assert settings.matching.choice_floor == 0.01


@pytest.mark.parametrize(
    ("environ", "attribute", "expected"),
    [
        (
            {"FRONTDESK_DATABASE_URL": "postgresql+psycopg://u@h/db"},
            "database_url",
            "postgresql+psycopg://u@h/db",
        ),
        ({"FRONTDESK_KB": "/srv/kb"}, "kb_dir", Path("/srv/kb")),
        ({"FRONTDESK_TELEGRAM_TOKEN": "123:abc"}, "telegram.token", "123:abc"),
        ({"FRONTDESK_EMBEDDINGS": "0"}, "matching.embeddings", False),
        ({"FRONTDESK_EMBEDDINGS": "yes"}, "matching.embeddings", True),
    ],
)
def test_environment_overrides_the_file(
    environ: dict[str, str], attribute: str, expected: object
) -> None:
    value: object = load_settings(REPO_CONFIG, environ)
    for part in attribute.split("."):
        value = getattr(value, part)
    assert value == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"matching": {"answer": "high"}}, "matching.answer must be a number"),
        ({"matching": {"answer_lexical": [1]}}, "matching.answer_lexical must be a number"),
        ({"matching": {"answer": 85}}, "matching.answer must be between 0 and 1, got 85"),
        ({"matching": {"choice_floor": -0.1}}, "matching.choice_floor must be between 0 and 1"),
        ({"sla": {"clock": "lunar"}}, "sla.clock must be 'natural' or 'working'"),
        ({"sla": {"working_hours": ["9-17"]}}, "is not 'HH:MM-HH:MM'"),
        ({"channels": {"telegram": {"unit_groups": {"nic": "group"}}}}, "must be chat ids"),
        ({"frontdesk": {"unit": 3}}, "frontdesk.unit must be a str"),
        ({"matching": {"encoder_threads": 0}}, "matching.encoder_threads must be at least 1"),
        ({"matching": {"encoder_threads": 1.5}}, "matching.encoder_threads must be a int"),
        ({"matching": {"encoder_spin": -1}}, "matching.encoder_spin must be at least 0"),
    ],
)
def test_bad_values_name_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from_mapping(data, {}, source="x.toml")


def test_broken_config_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[storage\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.toml.*line 1"):
        load_settings(path, {})


def test_unit_groups_accept_ints_and_numeric_strings() -> None:
    data = {"channels": {"telegram": {"unit_groups": {"nic": -1001, "jwc": "-1002"}}}}
    settings = settings_from_mapping(data, {})
    assert dict(settings.telegram.unit_groups) == {"nic": -1001, "jwc": -1002}
