"""Benchmark past one machine: the webhook ingress and 1, 2, 4 … workers as real processes on a
throwaway PostgreSQL, driven through the fake Bot API in webhook mode (the set-up of
`tests/test_queue_scale_out.py`); and, in the same run, with the same candidates and lines, the
single-process default (`oralblanc bot`: long polling, one process) on SQLite (the default) or on
PostgreSQL.

Every candidate `/play`s the negotiation scenario and gets its opening (not measured); then, all at
once, every candidate sends `--lines` lines, each as soon as the persona's previous answer arrived. A
share of the lines (`--voice-share`, spread evenly and the same in every configuration) are voice notes:
the FLEURS samples carried in `tests/data/speech/` (Google, CC BY 4.0), transcribed by the local
faster-whisper model (the bundled default), loaded at start-up by every worker and by the single process.

Latency is update → reply: from the moment the update is posted to the ingress (webhook) or queued for
getUpdates (long polling) to the moment the persona's answer reaches the fake Bot API (its own clock,
not the moment the client notices). Throughput is lines answered per second over the lines phase.
Afterwards every chat is checked in the database: one session, every line stored once and in order
(text lines by their text, voice notes by their stored audio, byte for byte), every line answered once.

The fake Bot API and the simulated candidates run in this process; the bot's processes (the ingress
and the workers, or the single process) in their own, whose CPU time over the lines phase is counted,
as is the PostgreSQL server's when it runs on this machine (the throwaway one does).

Usage:
    .venv/bin/python bench/bench_queue.py --candidates 20 --voice-share 0.2 --workers 1 --single-process
    .venv/bin/python bench/bench_queue.py --candidates 500 --lines 3 --voice-share 0.03 \\
        --workers 1 2 4 --single-process sqlite postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.throwaway_postgres import postgres_database  # noqa: E402
from tests.fake_bot_api import Call, FakeBotAPI, FakeUser  # noqa: E402
from tests.telegram_support import SCENARIO, line  # noqa: E402
from tests.test_queue_scale_out import HOOK_PATH, SECRET, Cluster  # noqa: E402

SPEECH = ROOT / "tests" / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0 (see SOURCES.md there)
FIRST_USER = 5000
# production intervals for the workers (the tests' shortened ones would take a worker busy
# transcribing for a dead one); `--check-every` (5 s) is given apart
WORKER_INTERVALS = ("--heartbeat", "5", "--stalled-after", "30", "--sweep-after", "60")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


@dataclass
class Plan:
    """What every candidate sends, the same in every configuration: per candidate, its lines in order,
    each a text or the bytes of a voice note."""

    candidates: int
    lines: list[list[str | bytes]]

    @classmethod
    def make(cls, candidates: int, lines: int, voice_share: float) -> Plan:
        samples = [p.read_bytes() for p in sorted(SPEECH.glob("fleurs-en-*.ogg"))]
        plan: list[list[str | bytes]] = []
        voices = 0
        for i in range(candidates):
            sent: list[str | bytes] = []
            for n in range(lines):
                k = i * lines + n  # voice notes spread evenly over all the lines sent
                if int((k + 1) * voice_share) > int(k * voice_share):
                    sent.append(samples[voices % len(samples)])
                    voices += 1
                else:
                    sent.append(line(n))
            plan.append(sent)
        return cls(candidates, plan)

    @property
    def voices(self) -> int:
        return sum(isinstance(x, bytes) for sent in self.lines for x in sent)


@dataclass
class Measured:
    text: list[float] = field(default_factory=list)
    voice: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    cpu_s: float = 0.0  # CPU time the bot's processes (ingress and workers, or the one process) used
    database_cpu_s: float | None = None  # and the PostgreSQL server's (when it runs on this machine)


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _postgres_cpu(postmaster: int | None) -> float | None:
    """CPU seconds of a PostgreSQL server so far: the postmaster, its ended children (reaped into its
    own account) and its live ones (the backends, the background processes)."""
    if postmaster is None:
        return None
    fields = _stat(postmaster)
    ticks = sum(int(x) for x in fields[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                child = _stat(int(entry.name))
            except OSError:
                continue
            if int(child[1]) == postmaster:
                ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used so far (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Chats:
    """Wakes up the one candidate whose chat got a reply (the fake server's own `wait_for` wakes every
    waiter at every call: with hundreds of candidates the benchmark's process would measure itself)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.events: dict[int, asyncio.Event] = {}
        record = api._record

        def _record(call: Call) -> None:
            record(call)
            event = self.events.get(call.chat_id) if call.chat_id is not None else None
            if event is not None:
                event.set()

        api._record = _record  # type: ignore[method-assign]

    def persona(self, chat: int) -> list[Call]:
        return [c for c in self.api.outbox(chat) if c.text.startswith("🗣")]

    async def wait(self, chat: int, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        event = self.events.setdefault(chat, asyncio.Event())
        deadline = time.monotonic() + timeout
        while True:
            event.clear()
            value = ready()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"chat {chat}: timed out waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)


def _message_update(api: FakeBotAPI, user: FakeUser, item: str | bytes) -> int:
    if isinstance(item, bytes):
        return user.send_voice(item, duration=10)
    return user.send_text(item)


async def _play(
    api: FakeBotAPI,
    chats: Chats,
    users: list[FakeUser],
    plan: Plan,
    deliver: Callable[[int], Awaitable[float]],
    timeout: float,
    pids: list[int],
    postmaster: int | None,
) -> tuple[Measured, float]:
    """Every candidate /plays (not measured), then sends its lines; (latencies, seconds of the lines)."""
    measured = Measured()

    async def opening(user: FakeUser) -> None:
        await deliver(user.send_text(f"/play {SCENARIO} en"))
        await chats.wait(user.id, lambda: chats.persona(user.id), timeout, "the opening")

    async def lines(user: FakeUser, sent: list[str | bytes]) -> None:
        for n, item in enumerate(sent):
            before = len(chats.persona(user.id))

            def answer_to_it(before: int = before) -> Call | None:
                persona = chats.persona(user.id)
                return persona[before] if len(persona) > before else None

            posted = await deliver(_message_update(api, user, item))
            try:
                answer = await chats.wait(user.id, answer_to_it, timeout, f"the answer to line {n}")
            except TimeoutError as error:
                measured.failures.append(str(error))
                return
            (measured.voice if isinstance(item, bytes) else measured.text).append(answer.at - posted)

    await asyncio.gather(*(opening(u) for u in users))
    cpu_before, database_before = _cpu_seconds(pids), _postgres_cpu(postmaster)
    started = time.perf_counter()
    await asyncio.gather(*(lines(u, sent) for u, sent in zip(users, plan.lines, strict=True)))
    seconds = time.perf_counter() - started
    measured.cpu_s = _cpu_seconds(pids) - cpu_before
    database_after = _postgres_cpu(postmaster)
    if database_before is not None and database_after is not None:
        measured.database_cpu_s = database_after - database_before
    return measured, seconds


def _check(database_url: str, api: FakeBotAPI, chats: Chats, plan: Plan, queue: bool) -> bool:
    """One session per candidate, every line stored once and in order (voice notes by their audio),
    every line answered once, nothing left pending."""
    from storage.db import make_engine
    from storage.repository import Repository

    repo = Repository(make_engine(database_url, migrate=False))
    try:
        for i, sent in enumerate(plan.lines):
            user = repo.find_user(f"tg:{FIRST_USER + i}")
            sessions = repo.sessions_for_user(user.id)
            if len(sessions) != 1:
                return False
            record = repo.session(sessions[0].id)
            if [t.speaker for t in record.turns] != ["persona"] + ["candidate", "persona"] * len(sent):
                return False
            for n, item in enumerate(sent):
                index = 1 + 2 * n  # the candidate's n-th turn
                if isinstance(item, bytes):
                    if repo.audio(record.id, index + 1) != item:
                        return False
                elif record.turns[index].text != item:
                    return False
            if len(chats.persona(FIRST_USER + i)) != 1 + len(sent):  # the opening, then one answer each
                return False
        return not (queue and repo.pending_updates())
    finally:
        repo.engine.dispose()


def _row(
    configuration: str,
    database: str,
    plan: Plan,
    measured: Measured,
    seconds: float,
    stored: bool,
    load: tuple[float, float],
) -> dict[str, Any]:
    answered = len(measured.text) + len(measured.voice)

    def ms(values: list[float], q: float) -> int | None:
        return round(1000 * _percentile(values, q)) if values else None

    return {
        "configuration": configuration,
        "database": database,
        "candidates": plan.candidates,
        "lines": answered,
        "voice_notes": len(measured.voice),
        "seconds": round(seconds, 1),
        "lines_per_s": round(answered / seconds, 1),
        "text_p50_ms": ms(measured.text, 0.5),
        "text_p95_ms": ms(measured.text, 0.95),
        "voice_p50_ms": ms(measured.voice, 0.5),
        "voice_p95_ms": ms(measured.voice, 0.95),
        "bot_cpu_ms_per_line": round(1000 * measured.cpu_s / answered, 1) if answered else None,
        "postgres_cpu_ms_per_line": (
            round(1000 * measured.database_cpu_s / answered, 1)
            if answered and measured.database_cpu_s is not None
            else None
        ),
        "unanswered": len(measured.failures),
        "stored_once_in_order": stored,
        "load_average_before_after": [round(load[0], 1), round(load[1], 1)],
    }


async def _queue_run(
    server: Any, postmaster: int | None, workers: int, plan: Plan, args: argparse.Namespace
) -> dict[str, Any]:
    name = server.create_database()
    database_url = server.url_for(name)
    load_before = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp:
            async with FakeBotAPI() as api, httpx.AsyncClient(timeout=30) as client:
                chats = Chats(api)
                running = Cluster(api, database_url, Path(tmp), processes={}, worker_ports={})
                try:
                    await running.start_ingress()
                    extra = (
                        *WORKER_INTERVALS,
                        "--check-every",
                        str(args.check_every),
                        "--concurrency",
                        str(args.concurrency),
                        "--flood-rate",
                        str(args.flood_rate),
                        "--preload-speech",
                    )
                    await asyncio.gather(
                        *(running.start_worker(f"worker{i + 1}", extra=extra) for i in range(workers))
                    )
                    hook = f"http://127.0.0.1:{running.ingress_port}/{HOOK_PATH}"

                    async def deliver(update_id: int) -> float:
                        api._queue.clear()  # webhook mode: nothing is polled
                        posted = time.perf_counter()
                        response = await client.post(
                            hook,
                            json=api.update(update_id),
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                        )
                        response.raise_for_status()
                        return posted

                    users = [api.user(FIRST_USER + i, f"B{i}", "en") for i in range(plan.candidates)]
                    pids = [p.pid for p in running.processes.values()]  # type: ignore[union-attr]
                    measured, seconds = await _play(
                        api, chats, users, plan, deliver, args.timeout, pids, postmaster
                    )
                    await asyncio.sleep(1.0)  # anything answered twice would arrive now
                finally:
                    await running.stop()
                stored = not measured.failures and _check(database_url, api, chats, plan, queue=True)
    finally:
        server.drop_database(name)
    configuration = f"{workers} worker{'s' if workers > 1 else ''} + ingress"
    return _row(
        configuration, "postgresql", plan, measured, seconds, stored, (load_before, os.getloadavg()[0])
    )


async def _single_run(
    server: Any, postmaster: int | None, database: str, plan: Plan, args: argparse.Namespace
) -> dict[str, Any]:
    """The default: `oralblanc bot`, long polling, one process, on SQLite (its default) or PostgreSQL."""
    name = server.create_database() if database == "postgresql" else None
    load_before = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp:
            database_url = (
                server.url_for(name) if name is not None else f"sqlite:///{Path(tmp) / 'oralblanc.sqlite3'}"
            )
            async with FakeBotAPI() as api:
                chats = Chats(api)
                running = Cluster(api, database_url, Path(tmp), processes={}, worker_ports={})
                env = running.env()
                if name is None:
                    del env["DATABASE_URL"]  # the default: the SQLite file in the data directory
                with open(Path(tmp) / "bot.log", "ab") as log:
                    process = await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-c",
                        "from bot.cli import app; app()",
                        "bot",
                        "--flood-rate",
                        str(args.flood_rate),
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=log,
                    )
                try:
                    # getMe, the model loaded, the menus, then deleteWebhook as polling starts
                    await api.wait_for(
                        lambda: api.calls_to("deleteWebhook") or process.returncode is not None,
                        timeout=120,
                        what="the bot polling",
                    )
                    if process.returncode is not None:
                        raise SystemExit((Path(tmp) / "bot.log").read_text(errors="replace")[-3000:])

                    async def deliver(update_id: int) -> float:
                        return api.pushed_at[update_id]  # queued for getUpdates

                    users = [api.user(FIRST_USER + i, f"B{i}", "en") for i in range(plan.candidates)]
                    measured, seconds = await _play(
                        api, chats, users, plan, deliver, args.timeout, [process.pid], postmaster
                    )
                    await asyncio.sleep(1.0)
                finally:
                    if process.returncode is None:
                        process.terminate()
                    try:
                        await asyncio.wait_for(process.wait(), 30)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
                stored = not measured.failures and _check(database_url, api, chats, plan, queue=False)
    finally:
        if name is not None:
            server.drop_database(name)
    return _row(
        "single process (`oralblanc bot`)",
        database,
        plan,
        measured,
        seconds,
        stored,
        (load_before, os.getloadavg()[0]),
    )


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    from tests.conftest import PostgresServer

    plan = Plan.make(args.candidates, args.lines, args.voice_share)
    results = []
    with postgres_database() as any_database:  # the throwaway server; each configuration its own database
        from sqlalchemy.engine import make_url

        admin = (
            make_url(any_database)
            .set(drivername="postgresql", database="postgres")
            .render_as_string(hide_password=False)
        )
        server = PostgresServer(admin_url=admin)
        postmaster = _postmaster(admin)
        for database in args.single_process or ():
            results.append(await _single_run(server, postmaster, database, plan, args))
            _show_progress(results[-1])
        for workers in args.workers:
            results.append(await _queue_run(server, postmaster, workers, plan, args))
            _show_progress(results[-1])
    return results


def _postmaster(admin_url: str) -> int | None:
    """The process id of the PostgreSQL server, when it runs on this machine (its data directory is
    readable here); None otherwise (an external server: its CPU is not counted)."""
    import psycopg

    with psycopg.connect(admin_url) as connection:
        row = connection.execute("SHOW data_directory").fetchone()
    pid_file = Path(row[0]) / "postmaster.pid" if row else None
    try:
        return int(pid_file.read_text().split()[0]) if pid_file else None
    except (OSError, ValueError, IndexError):
        return None


def _show_progress(row: dict[str, Any]) -> None:
    print(json.dumps(row), file=sys.stderr, flush=True)


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:g} ms"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    return str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--lines", type=int, default=3, help="lines per candidate")
    parser.add_argument(
        "--voice-share", type=float, default=0.0, help="share of the lines sent as voice notes (0 to 1)"
    )
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument(
        "--single-process",
        nargs="*",
        choices=("sqlite", "postgresql"),
        default=None,
        help="also measure `oralblanc bot` (long polling, one process) on these databases "
        "(no value: sqlite, its default)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="jobs at once per worker")
    parser.add_argument(
        "--flood-rate",
        type=float,
        default=1000.0,
        help="the bot-wide message rate given to the workers and the single process (Telegram's is 30/s)",
    )
    parser.add_argument(
        "--check-every",
        type=float,
        default=5.0,
        help="the workers' --check-every (5 s, the default): also how often a worker with no job it "
        "may take looks again, when no new job woke it up",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for one answer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.single_process == []:
        args.single_process = ["sqlite"]
    if not 0 <= args.voice_share <= 1:
        parser.error("--voice-share is a share, between 0 and 1")
    results = asyncio.run(run(args))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            "| configuration | database | candidates | lines (voice) | seconds | lines/s | text p50 | "
            "text p95 | voice p50 | voice p95 | CPU per line: bot + PostgreSQL | stored once, in order | "
            "load avg before → after |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in results:
            lines = f"{r['lines']} ({r['voice_notes']})"
            if r["unanswered"]:
                lines += f", {r['unanswered']} unanswered"
            print(
                f"| {r['configuration']} | {r['database']} | {r['candidates']} | {lines} | {r['seconds']} | "
                f"{r['lines_per_s']} | {_ms(r['text_p50_ms'])} | {_ms(r['text_p95_ms'])} | "
                f"{_ms(r['voice_p50_ms'])} | {_ms(r['voice_p95_ms'])} | "
                f"{_ms(r['bot_cpu_ms_per_line'])} + {_ms(r['postgres_cpu_ms_per_line'])} | "
                f"{_cell(r['stored_once_in_order'])} | "
                f"{r['load_average_before_after'][0]} → {r['load_average_before_after'][1]} |"
            )
    return 0 if all(r["stored_once_in_order"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
