"""The database: one SQLAlchemy engine for any URL, sessions, and Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session


class Database:
    """Owns the engine; `migrate()` brings the schema to the newest Alembic revision."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine: Engine = _engine(url, echo)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def migrate(self, revision: str = "head") -> None:
        """Apply every migration up to `revision` (idempotent; runs on each start)."""
        with self.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config() -> Config:
    """Alembic's config, pointing at the migrations shipped inside the package."""
    config = Config()
    location = resources.files("bot.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def _engine(url: str, echo: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_pragmas(connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets the CLI read while the bot writes (and with synchronous=NORMAL a commit does not
    # wait for the disk, yet a crash of the process loses nothing); foreign keys are off by
    # default in SQLite; the busy timeout makes a second process wait for a lock, not fail.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    if ":memory:" not in str(connection):
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
