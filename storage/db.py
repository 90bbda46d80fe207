"""The database engine and its schema migrations.

- `make_engine(url)` builds an engine for a URL and, by default, brings the schema up to date
  (`upgrade`), so every entry point (the bot, `oralblanc play`, the CLI) starts on the current schema.
  Pass `migrate=False` to skip that (e.g. inside `upgrade` itself, or when a deployment runs
  `oralblanc db upgrade` as a separate step).
- SQLite (the default, a file in the user's data directory): the parent directory is created, and
  each connection gets `journal_mode=WAL`, `busy_timeout`, `foreign_keys=ON`, `synchronous=NORMAL`
  and `secure_delete=ON` (erased personal data is overwritten, not just unlinked).
- PostgreSQL: `postgresql+psycopg://user:pass@host/db` (psycopg 3); plain `postgresql://` and
  `postgres://` URLs are rewritten to use psycopg. A pooled connection is tested (`SELECT 1`) before
  use only when it has been idle for `PING_AFTER_IDLE_S`, or when the server closed it or sent a notice
  on it meanwhile (its socket is readable: a restart, a terminated session): the connection is replaced
  without a round trip before every statement of a busy bot.
- `upgrade(url)` runs the Alembic migrations of `storage/migrations/` to head, without an
  `alembic.ini` (the configuration is built here; the scripts ship as package data). On PostgreSQL an
  advisory lock serialises workers that start at the same time.

This module never reads the environment: callers pass the URL (`bot.config` owns the settings).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import select
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# How long a SQLite writer waits for another one's lock before giving up (a long write elsewhere, e.g.
# a `data purge` or an erase, can hold it for seconds); past that the Telegram update is kept and
# tried again (`bot.telegram.inbox`), never dropped.
SQLITE_BUSY_TIMEOUT_MS = 45_000
# A pooled server connection idle for longer than this is tested before use (SQLAlchemy's
# `pool_pre_ping` tests every checkout: 6 extra round trips per candidate line on PostgreSQL).
PING_AFTER_IDLE_S = 10.0
# Any constant: the key of the PostgreSQL advisory lock taken while migrating.
_MIGRATION_LOCK_KEY = 0x6F72616C  # "oral"


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def normalize_url(url: str) -> str:
    """Make PostgreSQL URLs use psycopg 3 (`postgresql+psycopg://`); leave others as they are."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # erased and purged data is zeroed on disk
    finally:
        cursor.close()


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Test a pooled connection before handing it out when it has been idle for a while, or when the
    server has spoken on it while it sat in the pool (a server that restarts or ends a session sends a
    notice and closes it: its socket is readable; checking that costs no round trip). A dead one
    raises `DisconnectionError`, on which the pool discards it and hands out another."""
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None:  # just connected
        return
    if time.monotonic() - checked_in_at < PING_AFTER_IDLE_S and not _server_spoke(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1")
    except Exception as error:
        raise DisconnectionError("the pooled connection is gone") from error
    finally:
        with contextlib.suppress(Exception):  # a dead connection's cursor may not close cleanly
            cursor.close()
    if not getattr(dbapi_connection, "autocommit", True):
        dbapi_connection.rollback()  # end the transaction the test opened


def _server_spoke(dbapi_connection: Any) -> bool:
    """Whether the server has sent something (or closed the connection) on an idle connection: a
    readable socket. An idle connection of the pool expects nothing, so this means a notice or EOF."""
    try:
        poller = select.poll()  # not select.select: it fails on descriptors past 1023
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # closed already, or not a psycopg connection: test it
        return True


def make_engine(url: str, *, migrate: bool = True, echo: bool = False) -> Engine:
    """An engine for `url`, with the schema upgraded to the latest migration unless `migrate=False`."""
    url = normalize_url(url)
    parsed = make_url(url)
    # hide_parameters: an error's message never carries the values bound to it (names, lines).
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _ping_if_idle)
    if migrate:
        try:
            upgrade_engine(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def is_unavailable(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) is the database failing, not the request: unreachable or
    restarted server, a lock held too long, a full disk. What was being written was not stored."""
    from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)):
            return True
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT):
            return True
        if type(error).__module__ in ("sqlite3", "psycopg", "psycopg.errors") and type(error).__name__ in (
            "OperationalError",
            "InterfaceError",
            "AdminShutdown",
            "ConnectionTimeout",
            "DiskFull",
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def alembic_config() -> Config:
    """The Alembic configuration of storage's migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` on `engine`'s database."""
    config = alembic_config()
    with engine.connect() as connection:
        locked = connection.dialect.name == "postgresql"
        if locked:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if locked:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                connection.commit()
    logger.info("database schema at %s (%s)", revision, engine.url.render_as_string(hide_password=True))


def upgrade(url: str, revision: str = "head") -> None:
    """Run the migrations up to `revision` on the database at `url` (`oralblanc db upgrade`)."""
    engine = make_engine(url, migrate=False)
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The latest migration of this version of the code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
