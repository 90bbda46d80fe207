"""The Bot API's limits across workers: token buckets in PostgreSQL (`bot.queue.limiter`), used by
`FloodControl(shared=...)`; and the queue's refusal of anything but PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.queue.jobs import LIMITER_DDL, NotPostgres, require_postgres, update_lock
from bot.queue.limiter import SharedBuckets
from bot.telegram.flood import FloodControl
from tests.conftest import PostgresServer


@pytest.fixture
def conninfo(postgres_server: PostgresServer) -> Any:
    import psycopg

    name = postgres_server.create_database()
    url = postgres_server.url_for(name).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(LIMITER_DDL)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


async def test_two_workers_share_one_bucket(conninfo: str) -> None:
    """Two processes' worth of buckets (two pools), 21 messages at 20/s with no burst: about 1 s in all,
    and never more than the rate allows, whichever worker sends."""
    first, second = SharedBuckets(conninfo), SharedBuckets(conninfo)
    try:
        await asyncio.gather(first.open(), second.open())
        sent: list[float] = []

        async def send(buckets: SharedBuckets) -> None:
            await buckets.acquire("overall", 20.0, 1.0)
            sent.append(time.monotonic())

        started = time.monotonic()
        await asyncio.gather(*(send(first if i % 2 else second) for i in range(21)))
        elapsed = time.monotonic() - started
        assert 0.9 <= elapsed < 3.0, elapsed
        sent.sort()
        window = [t for t in sent if t - sent[0] < 0.5]
        assert len(window) <= 12, len(window)  # 0.5 s at 20/s, plus the first token (and jitter)
    finally:
        await asyncio.gather(first.close(), second.close())


async def test_a_private_chat_gets_its_burst_then_one_a_second(conninfo: str) -> None:
    buckets = SharedBuckets(conninfo)
    try:
        waits = [await buckets.take("chat:42", 1.0, 3.0) for _ in range(5)]
        assert waits[:3] == [0.0, 0.0, 0.0]
        assert 0.8 < waits[3] <= 1.0 and 1.8 < waits[4] <= 2.0, waits
        assert await buckets.take("chat:43", 1.0, 3.0) == 0.0  # another chat: its own bucket
    finally:
        await buckets.close()


async def test_a_429_in_one_worker_pauses_every_worker(conninfo: str) -> None:
    one = FloodControl(overall_rate=30.0, max_retries=2, shared=SharedBuckets(conninfo))
    other = FloodControl(overall_rate=30.0, max_retries=2, shared=SharedBuckets(conninfo))
    await asyncio.gather(one.initialize(), other.initialize())
    try:
        calls: list[tuple[str, float]] = []
        failures = {"left": 1}

        async def call(who: str) -> bool:
            calls.append((who, time.monotonic()))
            if who == "one" and failures["left"]:
                failures["left"] -= 1
                raise RetryAfter(timedelta(seconds=1))
            return True

        started = time.monotonic()
        first = asyncio.create_task(
            one.process_request(call, ("one",), {}, "sendMessage", {"chat_id": 1}, None)
        )
        await asyncio.sleep(0.3)  # the 429 has been answered and recorded
        assert await other.process_request(call, ("other",), {}, "sendMessage", {"chat_id": 2}, None) is True
        assert await first is True
        other_at = next(at for who, at in calls if who == "other")
        assert other_at - started >= 0.9, "the other worker did not wait out the 429"
        assert one.retries == 1
    finally:
        await asyncio.gather(one.shutdown(), other.shutdown())


def test_the_queue_needs_postgresql() -> None:
    assert require_postgres("postgresql+psycopg://u:p@db:5432/ob") == "postgresql://u:p@db:5432/ob"
    assert require_postgres("postgres://u@db/ob") == "postgresql://u@db/ob"
    for url in (None, "", "sqlite:///tmp/x.sqlite3"):
        with pytest.raises(NotPostgres):
            require_postgres(url)
    assert update_lock(42, 7) == "chat:42" and update_lock(None, 7) == "update:7"
