"""Shared fixtures: a throwaway PostgreSQL server, and a clean database per test on SQLite and PostgreSQL.

- `postgres_server` (session): starts PostgreSQL on 127.0.0.1 at a free port, in a temporary
  directory, with `initdb` / `pg_ctl` from `/usr/lib/postgresql/<highest version>/bin` (or
  `ORALBLANC_PG_BINDIR`, or `initdb` on PATH). As root it runs them as the `postgres` user through
  `runuser` (initdb refuses root). Stopped and deleted at the end. Missing binaries fail the
  PostgreSQL tests loudly: they are never skipped. `ORALBLANC_TEST_POSTGRES_URL` (an admin URL,
  e.g. `postgresql://postgres@db:5432/postgres`) uses an existing server instead.
- `database_url` (parametrized `sqlite` / `postgresql`): a fresh, empty database for each test.
- `db_engine` / `repo`: an engine with the schema migrated, and a `Repository` on it.
- `sample_scenario`: a small valid `Scenario`, built in code (independent of the library files).
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from scenarios.model import Scenario
from storage.db import make_engine
from storage.repository import Repository

# The fake OpenAI server's `fake_openai` fixture, for every test (not imported test module by test module).
pytest_plugins = ["tests.fake_openai"]

PG_USER = "postgres"


# --- PostgreSQL server --------------------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.parent.name)) or (0,)


def find_pg_bindir() -> Path:
    """The directory of initdb / pg_ctl: ORALBLANC_PG_BINDIR, Debian's highest version, or PATH."""
    override = os.environ.get("ORALBLANC_PG_BINDIR")
    if override:
        if (Path(override) / "initdb").is_file() and (Path(override) / "pg_ctl").is_file():
            return Path(override)
        pytest.fail(f"ORALBLANC_PG_BINDIR={override} holds no initdb and pg_ctl", pytrace=False)
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version_key)
    if debian:
        return debian[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    pytest.fail(
        "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH). "
        "Install Debian's `postgresql` package (`make test` does it as root), set ORALBLANC_PG_BINDIR, "
        "or point ORALBLANC_TEST_POSTGRES_URL at a server.",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    admin_url: str  # libpq URL of the maintenance database

    def url_for(self, database: str) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg", database=database)
        return url.render_as_string(hide_password=False)

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10)

    def create_database(self) -> str:
        name = f"oralblanc_test_{uuid.uuid4().hex[:12]}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _LocalCluster:
    """initdb + pg_ctl in a temporary directory, as `postgres` when we are root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        if self.as_root and not Path(self.runuser).exists():
            pytest.fail("running as root, but `runuser` (util-linux) is missing", pytrace=False)
        # as root, a directory the postgres user can reach whatever TMPDIR says (e.g. under /root)
        self.base = Path(tempfile.mkdtemp(prefix="oralblanc-pg-", dir="/tmp" if self.as_root else None))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port = 0
        if self.as_root:
            try:
                account = pwd.getpwnam(PG_USER)
            except KeyError:
                shutil.rmtree(self.base, ignore_errors=True)
                pytest.fail(
                    f"running as root, but there is no `{PG_USER}` user to run PostgreSQL as "
                    "(Debian's `postgresql` package creates it)",
                    pytrace=False,
                )
            os.chown(self.base, account.pw_uid, account.pw_gid)
        self.base.chmod(0o700)

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = [self.runuser, "-u", PG_USER, "--", *command]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        result = subprocess.run(
            command, cwd=self.base, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}"
            )

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            PG_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        last_error: Exception | None = None
        for _ in range(3):  # the free port may be taken between picking and binding it
            self.port = _free_port()
            options = (
                f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=200"
            )
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                )
                return
            except RuntimeError as exc:
                last_error = exc
        raise RuntimeError(f"PostgreSQL did not start: {last_error}")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole test run (started here unless ORALBLANC_TEST_POSTGRES_URL)."""
    external = os.environ.get("ORALBLANC_TEST_POSTGRES_URL")
    if external:
        yield PostgresServer(admin_url=external.replace("postgresql+psycopg://", "postgresql://"))
        return
    cluster = _LocalCluster(find_pg_bindir())
    try:
        cluster.start()
        yield PostgresServer(admin_url=f"postgresql://{PG_USER}@127.0.0.1:{cluster.port}/postgres")
    finally:
        cluster.stop()


# --- a clean database per test -------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'oralblanc.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, schema migrated to head."""
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def repo(db_engine: Engine) -> Repository:
    return Repository(db_engine)


@pytest.fixture
def cli_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DATABASE_URL points at the test database for the `oralblanc` commands (settings cache cleared),
    and the persona is the scripted one whatever the shell's LLM settings say."""
    from bot.config import get_settings

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ORALBLANC_DATA_DIR", str(tmp_path / "data"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ORALBLANC_ENGINE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


# --- a scenario ------------------------------------------------------------------------------------


def _both(fr: Any, en: Any) -> dict[str, Any]:
    return {"fr": fr, "en": en}


def make_scenario(**changes: Any) -> Scenario:
    """A minimal valid negotiation script; keyword arguments override top-level fields."""
    data: dict[str, Any] = {
        "id": "storage-test-negotiation",
        "version": 1,
        "kind": "negotiation",
        "title": _both("Négociation test", "Test negotiation"),
        "briefing": _both("Vous rencontrez l'acheteur.", "You meet the buyer."),
        "duration_min": 10,
        "max_turns": 12,
        "difficulty": "easy",
        "persona": "claire-morel",
        "hidden_brief": {
            "interests": _both(["baisser le prix"], ["lower the price"]),
            "limits": {
                "walk_away": _both("au-delà de 5 %", "beyond 5%"),
                "never_accept": _both(["paiement à 90 jours"], ["payment at 90 days"]),
            },
            "facts": [
                {
                    "id": "volumes",
                    "fact": _both("Les volumes doublent.", "Volumes double."),
                    "reveal": _both(["Nos volumes vont doubler."], ["Our volumes will double."]),
                    "asked_by": _both(["volume"], ["volume"]),
                }
            ],
        },
        "stages": [
            {
                "id": "opening",
                "says": _both(["Bonjour, je vous écoute."], ["Hello, I'm listening."]),
                "follow_ups": _both(["Continuez."], ["Go on."]),
                "ends_when": {"min_turns": 1, "max_turns": 3},
                "objections": [
                    {
                        "id": "price",
                        "says": _both(["C'est trop cher."], ["It's too expensive."]),
                        "resolved_by": ["conditional_concession"],
                        "when_resolved": _both(["D'accord."], ["All right."]),
                        "when_unresolved": _both(["Toujours trop cher."], ["Still too expensive."]),
                    }
                ],
            }
        ],
        "closing": _both(["Au revoir."], ["Goodbye."]),
        "criteria": [{"id": "BLOC2.A2.C2.CR2", "weight": 1}],
    }
    data.update(changes)
    return Scenario.model_validate(data)


@pytest.fixture
def sample_scenario() -> Scenario:
    return make_scenario()
