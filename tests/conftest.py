"""Suite-wide guards: no test may reach the real network (loopback services are fine)."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class RealNetworkError(RuntimeError):
    """A test tried to talk to something that is not on this machine."""


def _is_local(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if not _is_local(host):
        raise RealNetworkError(f"test tried to connect to {address!r}")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    host = address[0] if isinstance(address, tuple) else address
    if not _is_local(host):
        raise RealNetworkError(f"test tried to connect to {address!r}")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None and not _is_local(host):
        raise RealNetworkError(f"test tried to resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


# -- databases: every storage test runs on SQLite and on the PostgreSQL at 127.0.0.1:5432 ---------

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else why not."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("select 1"))
    except Exception as error:  # any failure means: no usable PostgreSQL here
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[Callable[[], str]]:
    """Makes URLs of fresh PostgreSQL schemas (one per test), dropped at the end of the run."""
    import uuid

    import sqlalchemy

    problem = _postgres_reachable()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required under CI=true: {problem}")
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({problem})")
    engine = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        schema = f"fd_test_{uuid.uuid4().hex[:12]}"
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"

    yield make
    with engine.connect() as connection:
        for schema in made:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontdesk.db'}"
    maker: Callable[[], str] = request.getfixturevalue("postgres_schema_url")
    return maker()
