"""On PostgreSQL a publication reaches every process through a notification, not a poll: the writer
issues `NOTIFY oralblanc_catalog` in the publishing transaction (`storage.notifications`), and each
process's listener (a dedicated psycopg connection doing `LISTEN`) reloads its catalog on it.

The poll is set to a day in these tests (off for the worker process): what they see can only come
from the notification, or from the refresh the listener makes each time it (re)connects.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.catalog import load_catalog
from bot.config import CATALOG_POLL_SECONDS, CATALOG_SAFETY_NET_SECONDS, Settings
from bot.services import Services, open_services
from scenarios.model import Scenario
from storage.db import make_engine
from storage.notifications import CATALOG_CHANNEL, CatalogListener, libpq_url, notify_catalog
from storage.repository import AsyncRepository, Repository
from storage.tables import PublishedScriptRow
from tests.conftest import PostgresServer
from tests.telegram_support import SCENARIO
from tests.test_telegram_jury_exam import _script

ROOT = Path(__file__).resolve().parent.parent
A_DAY = 86_400.0
SEEN_WITHIN = 2.0  # seconds from the commit to the other catalog


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    try:
        yield postgres_server.url_for(name)
    finally:
        postgres_server.drop_database(name)


def _settings(database_url: str, tmp_path: Path, poll: float | None = A_DAY) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        engine="scripted",
        openai_api_key=None,
        openai_base_url=None,
        judge=False,
        catalog_refresh_seconds=poll,
    )


@pytest.fixture
async def two(pg_url: str, tmp_path: Path) -> AsyncIterator[tuple[Services, Services]]:
    """Two processes' services on one database: `here` publishes, `there` listens (poll: a day)."""
    here = await open_services(_settings(pg_url, tmp_path))
    there = await open_services(_settings(pg_url, tmp_path))
    try:
        yield here, there
    finally:
        await here.close()
        await there.close()


def _upload(repo: Repository, scenario: Scenario, version: int) -> int:
    return repo.save_script(scenario.model_copy(update={"version": version}), "source", uploaded_by=None)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when returned: nothing listens there


async def _until_sync(condition: Callable[[], bool], timeout: float) -> None:
    """`_until` for a condition that does I/O: checked in a thread."""
    started = time.monotonic()
    while not await asyncio.to_thread(condition):
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.05)


async def _until(condition: Callable[[], bool], timeout: float) -> float:
    """Seconds until `condition()` holds; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def _version(services: Services) -> int:
    return services.catalog.scenario(SCENARIO).version


def _admin(server: PostgresServer) -> psycopg.Connection[Any]:
    return psycopg.connect(server.admin_url, autocommit=True)


async def test_a_publication_reaches_the_other_process_through_its_notification(
    two: tuple[Services, Services],
) -> None:
    here, there = two
    there.watch_catalog()
    listener = there._listener
    assert listener is not None and there._watcher is not None  # the listener, and the day-long poll
    await listener.wait_listening(10)
    live = _version(there)

    number = await asyncio.to_thread(_upload, here.repo.sync, here.catalog.scenario(SCENARIO), live + 1)
    await here.repo.publish_script(number)
    took = await _until(lambda: _version(there) == live + 1, SEEN_WITHIN)
    assert listener.notifications == 1 and listener.connections == 1
    assert there.rehearsal.catalog is there.catalog
    print(f"publication seen by the other process {took * 1000:.0f} ms after its commit")

    await here.refresh_catalog()  # the publisher's own refresh, as /publish does
    number = await asyncio.to_thread(_upload, here.repo.sync, here.catalog.scenario(SCENARIO), live + 2)
    await here.repo.publish_script(number)
    await _until(lambda: _version(there) == live + 2, SEEN_WITHIN)
    assert listener.notifications == 2


async def test_a_notify_in_a_rolled_back_transaction_is_never_delivered(
    two: tuple[Services, Services],
) -> None:
    here, there = two
    listener = there.listen_for_publications()
    assert listener is not None
    await listener.wait_listening(10)
    live = _version(there)
    number = await asyncio.to_thread(_upload, here.repo.sync, here.catalog.scenario(SCENARIO), live + 1)

    def publish_then_fail() -> None:  # a writer that fails after its NOTIFY: the transaction is rolled back
        with pytest.raises(RuntimeError), here.repo.sync._session() as s, s.begin():
            row = s.get(PublishedScriptRow, number)
            assert row is not None
            row.published = True
            s.flush()
            notify_catalog(s, "rolled back")
            raise RuntimeError("the writer failed")

    await asyncio.to_thread(publish_then_fail)
    await asyncio.sleep(1.0)
    assert listener.notifications == 0
    assert _version(there) == live
    assert not await there.refresh_if_published()  # nothing was published: nothing to reload

    await here.repo.publish_script(number)  # committed this time: heard
    await _until(lambda: _version(there) == live + 1, SEEN_WITHIN)
    assert listener.notifications == 1


async def test_the_listener_reconnects_and_catches_up_with_what_it_missed(
    two: tuple[Services, Services], postgres_server: PostgresServer
) -> None:
    here, there = two
    listener = there.listen_for_publications(min_backoff=1.0, max_backoff=2.0)
    assert listener is not None
    await listener.wait_listening(10)
    live = _version(there)
    pid = listener.backend_pid
    assert pid is not None

    with _admin(postgres_server) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
    await _until(lambda: not listener.listening.is_set(), 5)  # it noticed at once
    # published while nobody listens: the notification goes to no one
    number = await asyncio.to_thread(_upload, here.repo.sync, here.catalog.scenario(SCENARIO), live + 1)
    await here.repo.publish_script(number)
    assert _version(there) == live

    await _until(lambda: _version(there) == live + 1, 10)  # the refresh made on reconnecting
    assert listener.connections == 2 and listener.notifications == 0
    assert listener.backend_pid not in (None, pid)

    number = await asyncio.to_thread(_upload, here.repo.sync, here.catalog.scenario(SCENARIO), live + 2)
    await here.repo.publish_script(number)  # and it hears the next one
    await _until(lambda: _version(there) == live + 2, SEEN_WITHIN)
    assert listener.notifications == 1


async def test_the_listener_waits_out_a_database_that_refuses_it(pg_url: str) -> None:
    """A listener that cannot connect keeps trying (with backoff) without blocking the event loop,
    and listens (after a refresh) as soon as it can."""
    heard: list[str | None] = []

    async def on_change(payload: str | None) -> None:
        heard.append(payload)

    listener = CatalogListener(pg_url, on_change, min_backoff=0.05, max_backoff=0.1)
    real = listener.conninfo
    listener.conninfo = str(make_url(real).set(port=_closed_port()))
    listener.start()
    try:
        ticks = 0
        for _ in range(50):  # the loop keeps turning meanwhile
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 50 and listener.running and not listener.listening.is_set() and heard == []
        listener.conninfo = real
        await listener.wait_listening(5)
        assert heard == [None] and listener.connections == 1  # the refresh made on connecting
    finally:
        await listener.aclose()
    assert not listener.running


async def test_the_listener_is_closed_with_the_services(pg_url: str, tmp_path: Path) -> None:
    services = await open_services(_settings(pg_url, tmp_path))
    try:
        services.watch_catalog()
        listener = services._listener
        assert listener is not None
        await listener.wait_listening(10)
        assert await asyncio.to_thread(_listeners, pg_url) == 1
    finally:
        await services.close()
    assert not listener.running and services._listener is None and services._watcher is None
    await _until_sync(lambda: _listeners(pg_url) == 0, 5)  # its backend ends just after


async def test_a_publication_from_the_command_line_reaches_a_running_process(
    pg_url: str, tmp_path: Path
) -> None:
    """Two processes: `oralblanc jury upload` + `publish` in a child process; this one hears it."""
    services = await open_services(_settings(pg_url, tmp_path))
    try:
        services.watch_catalog()
        assert services._listener is not None
        await services._listener.wait_listening(10)
        live = _version(services)
        script = tmp_path / "newer.yaml"
        script.write_bytes(_script(live + 1))
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")},
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": pg_url,
            "ORALBLANC_DATA_DIR": str(tmp_path),
        }
        for args in (("upload", str(script)), ("publish", SCENARIO)):
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from bot.cli import app; app()",
                "jury",
                *args,
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            out, _ = await asyncio.wait_for(child.communicate(), 120)
            assert child.returncode == 0, out.decode(errors="replace")
            if args[0] == "upload":
                assert _version(services) == live  # an upload is not a publication
        await _until(lambda: _version(services) == live + 1, SEEN_WITHIN)
        assert services._listener.notifications == 1
    finally:
        await services.close()


async def test_sqlite_polls_and_postgresql_polls_only_as_a_safety_net(tmp_path: Path, pg_url: str) -> None:
    sqlite = _settings(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, poll=None)
    assert sqlite.catalog_poll_seconds(notified=False) == CATALOG_POLL_SECONDS == 30
    assert sqlite.catalog_poll_seconds(notified=True) == CATALOG_SAFETY_NET_SECONDS == 600
    assert _settings(pg_url, tmp_path, poll=5).catalog_poll_seconds(notified=True) == 5  # as set

    services = await open_services(sqlite)
    try:
        assert not services.notified
        services.watch_catalog()
        assert services._listener is None and services._watcher is not None  # the poll alone
    finally:
        await services.close()


def test_notify_is_postgresql_only(repo: Repository) -> None:
    """On SQLite announcing a change does nothing (and does not fail the writer); on PostgreSQL a
    listening connection hears it once the transaction commits."""
    with repo._session() as s, s.begin():
        notify_catalog(s, "nothing listens")
    if repo.engine.dialect.name != "postgresql":
        return
    url = libpq_url(repo.engine.url.render_as_string(hide_password=False))
    with psycopg.connect(url, autocommit=True) as listening:
        listening.execute(f"LISTEN {CATALOG_CHANNEL}")
        with repo._session() as s, s.begin():
            notify_catalog(s, "heard")
        assert [n.payload for n in listening.notifies(timeout=2, stop_after=1)] == ["heard"]


def test_the_web_console_follows_publications_made_elsewhere(pg_url: str, tmp_path: Path) -> None:
    """The console holds a catalog too: on PostgreSQL it hears a publication made by another process
    (here a repository of its own, as `oralblanc jury publish` would), and stops listening at shutdown."""
    from starlette.testclient import TestClient

    from bot.web.app import create_app

    console = Repository(make_engine(pg_url))
    elsewhere = Repository(make_engine(pg_url, migrate=False))
    try:
        app = create_app(_settings(pg_url, tmp_path), repo=AsyncRepository(console), use_bot=False)
        with TestClient(app):
            web = app.state.web
            live = web.catalog.scenario(SCENARIO)
            deadline = time.monotonic() + 10
            while not _listeners(pg_url):
                assert time.monotonic() < deadline, "the console never listened"
                time.sleep(0.02)
            elsewhere.publish_script(_upload(elsewhere, live, live.version + 1))
            published = time.monotonic()
            while web.catalog.scenario(SCENARIO).version != live.version + 1:
                assert time.monotonic() - published < SEEN_WITHIN, "the console did not hear it"
                time.sleep(0.01)
            assert web.rehearsal.catalog is web.catalog  # its trials play the new version too
        stopped = time.monotonic()
        while _listeners(pg_url):  # its backend ends just after the connection closes
            assert time.monotonic() - stopped < 5, "the console still listens after its shutdown"
            time.sleep(0.02)
    finally:
        console.engine.dispose()
        elsewhere.engine.dispose()


async def test_a_worker_process_plays_a_script_published_elsewhere_two_seconds_later(
    pg_url: str, tmp_path: Path
) -> None:
    """Real processes: the ingress and a worker (`oralblanc worker`, its poll off:
    ORALBLANC_CATALOG_REFRESH_SECONDS=0); the script is published from this process; two seconds later
    a candidate's /play, handled by the worker, starts on the new version. One listener on the
    database: the worker's (the ingress holds no catalog)."""
    from tests.fake_bot_api import FakeBotAPI
    from tests.test_queue_scale_out import cluster, send

    async with FakeBotAPI() as api, cluster(api, pg_url, tmp_path, workers=1) as running:
        assert running.env()["ORALBLANC_CATALOG_REFRESH_SECONDS"] == "0"
        await _until_sync(lambda: _listeners(pg_url) == 1, 30)
        repo = Repository(make_engine(pg_url, migrate=False))
        try:
            library = load_catalog().scenario(SCENARIO)
            live = library.version
            number = await asyncio.to_thread(_upload, repo, library, live + 1)
            await asyncio.to_thread(repo.publish_script, number)
            await asyncio.sleep(SEEN_WITHIN)
            ana = api.user(4300, "Ana", "en")
            assert await running.post(send(api, ana, f"/play {SCENARIO} en")) == 200
            await api.wait_outbox(ana.id, 2, timeout=60)
            user = await asyncio.to_thread(repo.find_user, f"tg:{ana.id}")
            sessions = await asyncio.to_thread(repo.sessions_for_user, user.id)
            assert [s.scenario_version for s in sessions] == [live + 1]
        finally:
            repo.engine.dispose()


def _listeners(pg_url: str) -> int:
    """Catalog listeners connected to this database (other than this connection)."""
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'oralblanc-catalog-listener'"
            " AND datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        return int(row[0]) if row else 0
