"""The pool of server connections (PostgreSQL): a connection idle for a while is tested before use,
one in steady use is not (no round trip before every statement of a busy bot)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from storage import db
from storage.db import make_engine
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


def test_a_connection_in_steady_use_closed_by_the_server_is_replaced_before_use(
    pg_engine: tuple[Engine, PostgresServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not idle long enough to be tested, but the server said it was ending it (as on a restart):
    seen without a round trip (its socket is readable), tested, replaced: no statement fails."""
    engine, server = pg_engine
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    first = _backend_pid(engine)
    _terminate(server, first)
    time.sleep(0.2)  # the notice and the close reach this side
    assert _backend_pid(engine) != first


def test_a_live_connection_in_steady_use_is_handed_out_untested(
    pg_engine: tuple[Engine, PostgresServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, _server = pg_engine
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    first = _backend_pid(engine)
    tested: list[int] = []
    real = db._server_spoke

    def noted(connection: Any) -> bool:
        spoke = real(connection)
        tested.append(spoke)
        return spoke

    monkeypatch.setattr(db, "_server_spoke", noted)
    assert [_backend_pid(engine) for _ in range(3)] == [first] * 3
    assert tested == [False, False, False]  # looked at, nothing to read: no SELECT 1 sent
