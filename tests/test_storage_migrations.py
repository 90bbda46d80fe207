"""The schema: migrations build it on an empty database, match the tables, and SQLite is tuned."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.dialects import postgresql
from sqlmodel import SQLModel

from storage.db import (
    current_revision,
    head_revision,
    make_engine,
    normalize_url,
    upgrade,
    upgrade_engine,
)
from storage.tables import all_tables


def test_migrations_build_the_schema_on_an_empty_database(database_url: str) -> None:
    engine = make_engine(database_url, migrate=False)
    try:
        assert current_revision(engine) is None
        assert inspect(engine).get_table_names() == []
        upgrade(database_url)
        assert current_revision(engine) == head_revision()
        assert set(all_tables()) <= set(inspect(engine).get_table_names())
        upgrade(database_url)  # idempotent
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrations_match_the_tables(database_url: str) -> None:
    """A change to storage/tables.py without a migration fails here."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        from alembic import command

        from storage.db import alembic_config

        config = alembic_config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.commit()
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade_engine(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_file_is_created_with_wal_and_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "oralblanc.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert path.exists()
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
    finally:
        engine.dispose()


def test_postgres_urls_use_psycopg3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_workers_starting_together_on_postgresql_migrate_once(postgres_server: object) -> None:
    """Several processes' make_engine on a fresh PostgreSQL database: the advisory lock serialises them."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import PostgresServer

    assert isinstance(postgres_server, PostgresServer)
    name = postgres_server.create_database()
    url = postgres_server.url_for(name)
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: upgrade(url), range(4)))
        engine = make_engine(url, migrate=False)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()
    finally:
        postgres_server.drop_database(name)


def test_missing_postgresql_binaries_fail_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PostgreSQL tests are never silently skipped: without a server they fail."""
    from tests.conftest import find_pg_bindir

    monkeypatch.setenv("ORALBLANC_PG_BINDIR", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="no initdb"):
        find_pg_bindir()
    monkeypatch.delenv("ORALBLANC_PG_BINDIR")
    assert (find_pg_bindir() / "pg_ctl").exists()


def test_0004_keeps_the_voice_choice_of_each_user_latest_session(database_url: str) -> None:
    engine = make_engine(database_url, migrate=False)
    try:
        upgrade_engine(engine, "0003")
        json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
        users = sa.table(
            "users",
            sa.column("id"),
            sa.column("display_name"),
            sa.column("language"),
            sa.column("role"),
            sa.column("created_at", sa.DateTime),
        )
        sessions = sa.table(
            "sessions",
            *(
                sa.column(c)
                for c in (
                    "user_id",
                    "scenario_id",
                    "scenario_version",
                    "language",
                    "mode",
                    "engine",
                    "status",
                    "turn_count",
                )
            ),
            sa.column("script", json),
            sa.column("state", json),
            sa.column("started_at", sa.DateTime),
        )
        when = datetime(2026, 11, 1)
        with engine.begin() as connection:
            for uid in (1, 2, 3):
                connection.execute(
                    sa.insert(users).values(
                        id=uid, display_name=f"u{uid}", language="fr", role="candidate", created_at=when
                    )
                )
            states = [
                (1, {"telegram": {"voice": False}}),
                (1, {"telegram": {"voice": True}}),  # latest: on
                (2, {"telegram": {"voice": True}}),
                (2, {}),
            ]  # latest says nothing
            for day, (uid, state) in enumerate(states):
                connection.execute(
                    sa.insert(sessions).values(
                        user_id=uid,
                        scenario_id="s",
                        scenario_version=1,
                        language="fr",
                        mode="text",
                        engine="scripted",
                        status="finished",
                        turn_count=0,
                        script={},
                        state=state,
                        started_at=when + timedelta(days=day),
                    )
                )
        upgrade_engine(engine)
        with engine.connect() as connection:
            chosen = dict(connection.execute(text("SELECT id, voice_replies FROM users ORDER BY id")).all())
        assert chosen == {1: True, 2: None, 3: None}
    finally:
        engine.dispose()
