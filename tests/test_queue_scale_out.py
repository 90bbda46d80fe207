"""Past one machine, as real processes on the test's PostgreSQL: a webhook ingress (`oralblanc bot
--queue`) and two workers (`oralblanc worker`), driven through the fake Bot API in webhook mode.

Several candidates play at once; one worker is killed with SIGKILL in the middle of the run and started
again: every line is answered, each turn is stored once, in order per chat. A duplicate delivery is
stored once and not queued again; a post without the secret is refused.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import PostgresServer
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, line

ROOT = Path(__file__).resolve().parent.parent
SECRET = "queue-Secret_1"
HOOK_PATH = "tg/hook"
CANDIDATES = 6
LINES = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """An ingress and workers (child processes) on one database, posting to the fake Bot API."""

    api: FakeBotAPI
    database_url: str
    tmp_path: Path
    ingress_port: int = 0
    processes: dict[str, asyncio.subprocess.Process] | None = None
    worker_ports: dict[str, int] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "DATABASE_URL": self.database_url,
                "ORALBLANC_DATA_DIR": str(self.tmp_path),
                "ORALBLANC_ENGINE": "scripted",
                "ORALBLANC_DEFAULT_SCENARIO": SCENARIO,
                "TELEGRAM_BOT_TOKEN": self.api.token,
                "TELEGRAM_API_BASE_URL": self.api.base_url,
                "ORALBLANC_UPDATE_RETRY_SECONDS": "1",
                "ORALBLANC_CATALOG_REFRESH_SECONDS": "0",
            }
        )
        return env

    async def _spawn(self, name: str, *args: str, **env: str) -> None:
        assert self.processes is not None
        with open(self.tmp_path / f"{name}.log", "ab") as log:  # the child keeps its own descriptors
            self.processes[name] = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from bot.cli import app; app()",
                *args,
                cwd=ROOT,
                env={**self.env(), **env},
                stdout=log,
                stderr=log,
            )

    async def start_ingress(self) -> None:
        self.ingress_port = _free_port()
        await self._spawn(
            "ingress",
            "bot",
            "--webhook-url",
            f"https://bot.example.org/{HOOK_PATH}",
            "--listen",
            "127.0.0.1",
            "--port",
            str(self.ingress_port),
            "--secret-token",
            SECRET,
            "--queue",
        )
        await self.wait_healthy(self.ingress_port, "ingress")

    async def start_worker(self, name: str, extra: tuple[str, ...] = (), **env: str) -> None:
        """Start a worker (`extra`: more options, the last of a repeated one wins); wait until healthy."""
        assert self.worker_ports is not None
        port = self.worker_ports.setdefault(name, _free_port())
        await self._spawn(
            name,
            "worker",
            "--concurrency",
            "4",
            "--metrics-port",
            str(port),
            "--metrics-listen",
            "127.0.0.1",
            "--heartbeat",
            "0.5",
            "--stalled-after",
            "2",
            "--check-every",
            "0.5",
            "--sweep-after",
            "5",
            "--no-preload-speech",
            *extra,
            **env,
        )
        await self.wait_healthy(port, name)

    async def wait_healthy(self, port: int, name: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                process = (self.processes or {}).get(name)
                if process is not None and process.returncode is not None:
                    break
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz", timeout=2)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        log = (self.tmp_path / f"{name}.log").read_text(errors="replace")[-4000:]
        raise AssertionError(f"{name} not healthy:\n{log}")

    async def kill(self, name: str) -> None:
        assert self.processes is not None
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        assert await process.wait() == -9

    async def stop(self) -> None:
        for process in (self.processes or {}).values():
            if process.returncode is None:
                process.terminate()
        for process in (self.processes or {}).values():
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"http://127.0.0.1:{self.ingress_port}/{HOOK_PATH}", json=update, headers=headers, timeout=10
            )
        return response.status_code


@asynccontextmanager
async def cluster(
    api: FakeBotAPI, database_url: str, tmp_path: Path, workers: int = 2
) -> AsyncIterator[Cluster]:
    running = Cluster(api, database_url, tmp_path, processes={}, worker_ports={})
    try:
        await running.start_ingress()
        await asyncio.gather(*(running.start_worker(f"worker{i + 1}") for i in range(workers)))
        yield running
    finally:
        await running.stop()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Any:
    name = postgres_server.create_database()
    try:
        yield postgres_server.url_for(name)
    finally:
        postgres_server.drop_database(name)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def send(api: FakeBotAPI, user: FakeUser, text: str) -> dict[str, Any]:
    """The update `user` sends (as Telegram would post it to the webhook)."""
    update_id = user.send_text(text)
    api._queue.clear()  # webhook mode: nothing is polled
    return api.update(update_id)


def _persona(texts: list[str]) -> list[str]:
    return [t for t in texts if t.startswith("🗣")]


async def test_ingress_and_two_workers_lose_nothing_when_a_worker_is_killed(
    pg_url: str, tmp_path: Path
) -> None:
    """worker1 first runs alone and kills itself (SIGKILL) in its first job, replies sent but the update
    not settled; it is started again beside worker2; later worker2 is killed from outside while lines
    are in flight, and started again."""
    async with FakeBotAPI() as api, cluster(api, pg_url, tmp_path, workers=0) as running:
        await running.start_worker("worker1", ORALBLANC_CRASH_POINTS="queue.handled")
        assert api.webhook["url"] == f"https://bot.example.org/{HOOK_PATH}"
        assert api.webhook["secret_token"] == SECRET
        users = [api.user(4100 + i, f"Cand{i}", "en") for i in range(CANDIDATES)]
        sent_lines: dict[int, list[str]] = {u.id: [] for u in users}
        answered = {"lines": 0}
        killed = asyncio.Event()

        async def play(user: FakeUser) -> None:
            assert await running.post(send(api, user, f"/play {SCENARIO} en")) == 200
            await api.wait_outbox(user.id, 2, timeout=60)
            for n in range(LINES):
                before = len(_persona(api.texts(user.id)))
                text = line(n)
                sent_lines[user.id].append(text)
                assert await running.post(send(api, user, text)) == 200
                await api.wait_for(
                    lambda before=before: len(_persona(api.texts(user.id))) > before,
                    timeout=60,
                    what=f"an answer to line {n} of {user.id}",
                )
                answered["lines"] += 1

        async def killer() -> None:
            assert running.processes is not None
            assert await asyncio.wait_for(running.processes["worker1"].wait(), 60) == -9  # its crash point
            await asyncio.gather(running.start_worker("worker1"), running.start_worker("worker2"))
            await api.wait_for(lambda: answered["lines"] >= CANDIDATES, timeout=90, what="lines answered")
            await running.kill("worker2")  # mid-run: lines are being handled meanwhile
            killed.set()
            await asyncio.sleep(1.0)
            await running.start_worker("worker2")

        started = time.monotonic()
        await asyncio.gather(killer(), *(play(u) for u in users))
        assert killed.is_set()
        await asyncio.sleep(1.5)  # anything sent twice would arrive now
        elapsed = time.monotonic() - started

        from storage.db import make_engine
        from storage.repository import Repository

        repo = Repository(make_engine(pg_url, migrate=False))
        try:
            for user in users:
                record_user = repo.find_user(f"tg:{user.id}")
                sessions = repo.sessions_for_user(record_user.id)
                assert len(sessions) == 1, f"{user.id}: {len(sessions)} sessions"
                record = repo.session(sessions[0].id)
                candidate = [t.text for t in record.turns if t.speaker == "candidate"]
                assert candidate == sent_lines[user.id], (
                    f"{user.id}: turns {candidate}"
                )  # once each, in order
                persona = [t.text for t in record.turns if t.speaker == "persona"]
                assert [t.speaker for t in record.turns] == ["persona"] + ["candidate", "persona"] * LINES
                shown = _persona(api.texts(user.id))
                opening = shown[0]
                answers = [t for t in shown if t != opening]  # a replayed /play shows its opening again
                assert len(answers) == LINES, f"{user.id}: {answers}"
                for text, reply in zip(persona[1:], answers, strict=True):
                    assert text in reply
            assert repo.pending_updates() == []
        finally:
            repo.engine.dispose()
        with psycopg.connect(_libpq(pg_url)) as connection:
            statuses = dict(
                connection.execute(
                    "SELECT status, count(*) FROM procrastinate_jobs WHERE task_name = 'oralblanc.handle_update' "
                    "GROUP BY status"
                ).fetchall()
            )
            assert set(statuses) == {"succeeded"}, statuses
            assert statuses["succeeded"] == CANDIDATES * (1 + LINES)
        logs = "".join((tmp_path / f"worker{i}.log").read_text(errors="replace") for i in (1, 2))
        assert "crash point queue.handled reached" in logs
        assert "of a stopped worker: retried" in logs  # the job the crash left `doing`
        print(
            f"{CANDIDATES} candidates x {LINES} lines through ingress + 2 workers, one killed: {elapsed:.1f} s"
        )


async def test_a_duplicate_delivery_is_stored_once_and_bad_posts_are_refused(
    pg_url: str, tmp_path: Path
) -> None:
    async with FakeBotAPI(first_update_id=9001) as api, cluster(api, pg_url, tmp_path, workers=1) as running:
        lea = api.user(4200, "Lea", "en")
        start = send(api, lea, "/start")
        assert await running.post(start, secret=None) == 403
        assert await running.post(start, secret="guess") == 403
        async with httpx.AsyncClient() as client:
            bad = await client.post(
                f"http://127.0.0.1:{running.ingress_port}/{HOOK_PATH}",
                content=b"{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert bad.status_code == 400
        codes = await asyncio.gather(*(running.post(start) for _ in range(3)))  # redelivered at once
        assert codes == [200, 200, 200]
        await api.wait_outbox(lea.id, 1, timeout=30)
        assert await running.post(start) == 200  # redelivered once handled
        await asyncio.sleep(1.5)
        assert len(api.outbox(lea.id)) == 1 and api.texts(lea.id)[0].startswith("Hello Lea!")
        with psycopg.connect(_libpq(pg_url)) as connection:
            held = connection.execute(
                "SELECT count(*), bool_and(done_at IS NOT NULL), bool_and(payload IS NULL) "
                "FROM update_inbox WHERE update_id = %s",
                (start["update_id"],),
            ).fetchone()
            assert held == (1, True, True)
            jobs = connection.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'oralblanc.handle_update'"
            ).fetchone()
            assert jobs == (1,)
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{running.ingress_port}/metrics")).text
            assert 'oralblanc_updates_received_total{outcome="duplicate"} 3.0' in metrics
            assert 'oralblanc_updates_received_total{outcome="refused"} 2.0' in metrics
            assert 'oralblanc_queue_depth{queue="updates"}' in metrics
            port = running.worker_ports["worker1"]  # type: ignore[index]
            worker = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            assert 'oralblanc_updates_handled_total{outcome="done"} 1.0' in worker
            assert "oralblanc_update_reply_seconds_count 1.0" in worker
