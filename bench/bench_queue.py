"""Benchmark past one machine: the webhook ingress and 1, 2, … workers as real processes on a throwaway
PostgreSQL, driven through the fake Bot API in webhook mode (the same set-up as
`tests/test_queue_scale_out.py`).

Every candidate `/play`s the negotiation scenario, then sends `--lines` lines, each as soon as the
persona's previous answer arrived. Latency is update → reply: from the moment the update is posted to
the ingress to the moment the persona's answer reaches the fake Bot API. Throughput is lines answered
per second over the whole run. Afterwards every line is checked stored once, in order.

Usage:
    .venv/bin/python bench/bench_queue.py                                  # 40 candidates, 1 and 2 workers
    .venv/bin/python bench/bench_queue.py --candidates 100 --lines 5 --workers 1 2 4 --flood-rate 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway_postgres import postgres_database  # noqa: E402
from tests.fake_bot_api import FakeBotAPI, FakeUser  # noqa: E402
from tests.telegram_support import SCENARIO, line  # noqa: E402
from tests.test_queue_scale_out import Cluster, send  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _persona(api: FakeBotAPI, chat: int) -> int:
    return sum(1 for t in api.texts(chat) if t.startswith("🗣"))


async def _one_run(admin_url: str, workers: int, args: argparse.Namespace) -> dict[str, object]:
    from tests.conftest import PostgresServer

    server = PostgresServer(admin_url=admin_url)
    name = server.create_database()
    database_url = server.url_for(name)
    latencies: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp:
            async with FakeBotAPI() as api:
                running = Cluster(api, database_url, Path(tmp), processes={}, worker_ports={})
                try:
                    await running.start_ingress()
                    for i in range(workers):
                        await running.start_worker(
                            f"worker{i + 1}",
                            extra=(
                                "--concurrency",
                                str(args.concurrency),
                                "--flood-rate",
                                str(args.flood_rate),
                            ),
                        )

                    async def play(user: FakeUser) -> None:
                        await running.post(send(api, user, f"/play {SCENARIO} en"))
                        await api.wait_outbox(user.id, 2, timeout=120)
                        for n in range(args.lines):
                            before = _persona(api, user.id)
                            posted = time.perf_counter()
                            await running.post(send(api, user, line(n)))
                            await api.wait_for(
                                lambda before=before: _persona(api, user.id) > before,
                                timeout=120,
                                what="answer",
                            )
                            latencies.append(time.perf_counter() - posted)

                    users = [api.user(5000 + i, f"B{i}", "en") for i in range(args.candidates)]
                    started = time.perf_counter()
                    await asyncio.gather(*(play(u) for u in users))
                    elapsed = time.perf_counter() - started
                finally:
                    await running.stop()
        stored = _check(database_url, args.candidates, args.lines)
    finally:
        server.drop_database(name)
    return {
        "workers": workers,
        "candidates": args.candidates,
        "lines": len(latencies),
        "seconds": round(elapsed, 2),
        "lines_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * _percentile(latencies, 0.5)),
        "p95_ms": round(1000 * _percentile(latencies, 0.95)),
        "stored_once_in_order": stored,
    }


def _check(database_url: str, candidates: int, lines: int) -> bool:
    from storage.db import make_engine
    from storage.repository import Repository

    repo = Repository(make_engine(database_url, migrate=False))
    try:
        for i in range(candidates):
            user = repo.find_user(f"tg:{5000 + i}")
            record = repo.session(repo.sessions_for_user(user.id)[0].id)
            said = [t.text for t in record.turns if t.speaker == "candidate"]
            if said != [line(n) for n in range(lines)]:
                return False
        return True
    finally:
        repo.engine.dispose()


async def run(args: argparse.Namespace) -> list[dict[str, object]]:
    results = []
    with postgres_database() as any_database:  # starts the throwaway server; each run gets its own database
        from sqlalchemy.engine import make_url

        admin = (
            make_url(any_database)
            .set(drivername="postgresql", database="postgres")
            .render_as_string(hide_password=False)
        )
        for workers in args.workers:
            results.append(await _one_run(admin, workers, args))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--lines", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--flood-rate",
        type=float,
        default=1000.0,
        help="the bot-wide message rate given to the workers (Telegram's is 30/s)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            "| workers | candidates | lines | seconds | lines/s | p50 ms | p95 ms | stored once, in order |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for r in results:
            print(
                f"| {r['workers']} | {r['candidates']} | {r['lines']} | {r['seconds']} | {r['lines_per_s']} | "
                f"{r['p50_ms']} | {r['p95_ms']} | {r['stored_once_in_order']} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
