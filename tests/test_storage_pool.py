"""The pool of server connections (PostgreSQL): a connection idle for a while is tested before use,
one in steady use is not (no round trip before every statement of a busy bot)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage import db
from storage.db import is_unavailable, make_engine
from tests.conftest import PostgresServer


@pytest.fixture
def pg_engine(postgres_server: PostgresServer) -> Iterator[tuple[Engine, PostgresServer]]:
    name = postgres_server.create_database()
    engine = make_engine(postgres_server.url_for(name), migrate=False)
    try:
        yield engine, postgres_server
    finally:
        engine.dispose()
        postgres_server.drop_database(name)


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(server: PostgresServer, pid: int) -> None:
    with psycopg.connect(server.admin_url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def test_an_idle_connection_whose_server_side_is_gone_is_replaced_before_use(
    pg_engine: tuple[Engine, PostgresServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, server = pg_engine
    first = _backend_pid(engine)
    _terminate(server, first)  # as a server restart or an idle timeout does
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # it has been idle long enough
    second = _backend_pid(engine)  # no error: the dead one was tested and replaced
    assert second != first


def test_a_connection_in_steady_use_is_not_tested_and_a_dead_one_fails_once(
    pg_engine: tuple[Engine, PostgresServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, server = pg_engine
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    first = _backend_pid(engine)
    _terminate(server, first)
    with pytest.raises(OperationalError) as failure:  # not tested before use: the statement fails…
        _backend_pid(engine)
    assert is_unavailable(failure.value)  # …as "the database is unavailable" (the update is retried)
    assert _backend_pid(engine) != first  # and the pool has let the dead connection go
