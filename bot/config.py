"""Settings: config.toml values overlaid with environment variables, as frozen dataclasses.

Nothing reads the file or the environment at import time: `load_settings` is handed both, so tests
pass their own mapping instead of patching `os.environ`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, Literal

ClockKind = Literal["natural", "working"]


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class MatchingSettings:
    answer: float = 0.85
    answer_lexical: float = 0.85  # when the embedding model is off or missing
    margin: float = 0.02
    answer_share: float = 0.70
    suggest: float = 0.20
    max_suggestions: int = 3
    choice_floor: float = 0.01
    embeddings: bool = True
    # The encoder's threads, and how long (GNU OpenMP spin iterations) an idle one spins
    # before it sleeps; see config.toml.
    encoder_threads: int = 2
    encoder_spin: int = 1000


@dataclass(frozen=True)
class SlaSettings:
    respond_hours: float = 24
    resolve_hours: float = 24
    complex_resolve_days: float = 7
    warn_before_hours: tuple[float, ...] = (4, 1)
    remind_every_hours: float = 4
    rating_followup_hours: float = 24
    reopen_days: float = 7
    clock: ClockKind = "natural"
    working_hours: tuple[tuple[time, time], ...] = (
        (time(8, 30), time(12)),
        (time(14), time(17, 30)),
    )
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class ConversationSettings:
    sign_with_staff_name: bool = False
    show_student_identity: bool = False


@dataclass(frozen=True)
class TelegramSettings:
    token: str | None = None
    base_url: str = "https://api.telegram.org/bot"
    poll_interval: float = 0.0
    unit_groups: Mapping[str, int] = field(default_factory=dict)
    webhook_secret: str | None = None


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///frontdesk.db"
    kb_dir: Path = Path("kb")
    frontdesk_unit: str = "frontdesk"
    admins: tuple[str, ...] = ("terminal:admin",)
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    sla: SlaSettings = field(default_factory=SlaSettings)
    conversation: ConversationSettings = field(default_factory=ConversationSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)


def load_settings(
    path: Path | None, environ: Mapping[str, str], *, kb_dir: Path | None = None
) -> Settings:
    """Read `path` (else FRONTDESK_CONFIG, else ./config.toml if present) and the environment."""
    chosen = path or (Path(environ["FRONTDESK_CONFIG"]) if "FRONTDESK_CONFIG" in environ else None)
    if chosen is None and Path("config.toml").is_file():
        chosen = Path("config.toml")
    data: dict[str, Any] = {}
    if chosen is not None:
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{chosen}: cannot read: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{chosen}: {exc}") from exc
    return settings_from_mapping(data, environ, kb_dir=kb_dir, source=str(chosen or "defaults"))


def settings_from_mapping(
    data: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    kb_dir: Path | None = None,
    source: str = "config",
) -> Settings:
    """Build settings from parsed TOML and the environment (which wins)."""
    reader = _Reader(data, source)
    defaults = Settings()
    tg_default = TelegramSettings()
    sla_default = SlaSettings()
    match_default = MatchingSettings()
    conv_default = ConversationSettings()
    groups = reader.table("channels.telegram.unit_groups")
    return Settings(
        database_url=environ.get("FRONTDESK_DATABASE_URL")
        or reader.get("storage.database_url", str, defaults.database_url),
        kb_dir=kb_dir
        or Path(environ.get("FRONTDESK_KB") or reader.get("kb.dir", str, str(defaults.kb_dir))),
        frontdesk_unit=reader.get("frontdesk.unit", str, defaults.frontdesk_unit),
        admins=tuple(reader.get("frontdesk.admins", list, list(defaults.admins))),
        matching=MatchingSettings(
            answer=reader.share("matching.answer", match_default.answer),
            answer_lexical=reader.share("matching.answer_lexical", match_default.answer_lexical),
            margin=reader.share("matching.margin", match_default.margin),
            answer_share=reader.share("matching.answer_share", match_default.answer_share),
            suggest=reader.share("matching.suggest", match_default.suggest),
            max_suggestions=reader.get(
                "matching.max_suggestions", int, match_default.max_suggestions
            ),
            choice_floor=reader.share("matching.choice_floor", match_default.choice_floor),
            embeddings=_env_flag(environ, "FRONTDESK_EMBEDDINGS")
            if "FRONTDESK_EMBEDDINGS" in environ
            else reader.get("matching.embeddings", bool, match_default.embeddings),
            encoder_threads=reader.count(
                "matching.encoder_threads", match_default.encoder_threads, least=1
            ),
            encoder_spin=reader.count("matching.encoder_spin", match_default.encoder_spin, least=0),
        ),
        sla=SlaSettings(
            respond_hours=reader.number("sla.respond_hours", sla_default.respond_hours),
            resolve_hours=reader.number("sla.resolve_hours", sla_default.resolve_hours),
            complex_resolve_days=reader.number(
                "sla.complex_resolve_days", sla_default.complex_resolve_days
            ),
            warn_before_hours=tuple(
                float(h)
                for h in reader.get(
                    "sla.warn_before_hours", list, list(sla_default.warn_before_hours)
                )
            ),
            remind_every_hours=reader.number(
                "sla.remind_every_hours", sla_default.remind_every_hours
            ),
            rating_followup_hours=reader.number(
                "sla.rating_followup_hours", sla_default.rating_followup_hours
            ),
            reopen_days=reader.number("sla.reopen_days", sla_default.reopen_days),
            clock=_clock_kind(reader.get("sla.clock", str, sla_default.clock), source),
            working_hours=tuple(
                _parse_span(span, source)
                for span in reader.get("sla.working_hours", list, None) or []
            )
            or sla_default.working_hours,
            timezone=reader.get("sla.timezone", str, sla_default.timezone),
        ),
        conversation=ConversationSettings(
            sign_with_staff_name=reader.get(
                "conversation.sign_with_staff_name", bool, conv_default.sign_with_staff_name
            ),
            show_student_identity=reader.get(
                "conversation.show_student_identity", bool, conv_default.show_student_identity
            ),
        ),
        telegram=TelegramSettings(
            token=environ.get("FRONTDESK_TELEGRAM_TOKEN") or None,
            base_url=environ.get("FRONTDESK_TELEGRAM_BASE_URL")
            or reader.get("channels.telegram.base_url", str, tg_default.base_url),
            poll_interval=reader.number(
                "channels.telegram.poll_interval", tg_default.poll_interval
            ),
            unit_groups={str(unit): _chat_id(chat, source) for unit, chat in groups.items()},
            webhook_secret=environ.get("FRONTDESK_TELEGRAM_WEBHOOK_SECRET") or None,
        ),
    )


class _Reader:
    """Dotted-key access with type checks that name the offending key."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self._data = data
        self._source = source

    def _lookup(self, dotted: str) -> Any:
        node: Any = self._data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node

    def get(self, dotted: str, kind: type[Any], default: Any) -> Any:
        value = self._lookup(dotted)
        if value is None:
            return default
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{self._source}: {dotted} must be a {kind.__name__}, got {value!r}")
        return value

    def count(self, dotted: str, default: int, least: int) -> int:
        value: int = self.get(dotted, int, default)
        if value < least:
            raise ConfigError(f"{self._source}: {dotted} must be at least {least}, got {value}")
        return value

    def number(self, dotted: str, default: float) -> float:
        value = self._lookup(dotted)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self._source}: {dotted} must be a number, got {value!r}")
        return float(value)

    def share(self, dotted: str, default: float) -> float:
        """A number from 0 to 1: a probability the matcher's confidence is compared with."""
        value = self.number(dotted, default)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{self._source}: {dotted} must be between 0 and 1, got {value!r}")
        return value

    def table(self, dotted: str) -> Mapping[str, Any]:
        value = self._lookup(dotted)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self._source}: {dotted} must be a table")
        return value


def _env_flag(environ: Mapping[str, str], name: str) -> bool:
    return environ[name].strip().lower() not in {"0", "false", "no", "off", ""}


def _clock_kind(value: str, source: str) -> ClockKind:
    if value == "natural":
        return "natural"
    if value == "working":
        return "working"
    raise ConfigError(f"{source}: sla.clock must be 'natural' or 'working', got {value!r}")


def _parse_span(span: object, source: str) -> tuple[time, time]:
    try:
        start, end = str(span).split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError as exc:
        raise ConfigError(
            f"{source}: sla.working_hours item {span!r} is not 'HH:MM-HH:MM'"
        ) from exc


def _chat_id(value: object, source: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise ConfigError(
        f"{source}: channels.telegram.unit_groups values must be chat ids, got {value!r}"
    )
