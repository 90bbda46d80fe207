"""The Bot API's limits across processes: token buckets in PostgreSQL, shared by every worker.

Telegram counts a bot's messages whatever process sends them (about 30 a second overall, one a
second in a private chat after a short burst, 20 a minute in a group). Each bucket is one row of
`oralblanc_rate_buckets` (created by `bot.queue.jobs.ensure_schema`), updated in one statement: the
statement refills the bucket for the time elapsed, takes one token and returns the balance. A
negative balance is a reservation: the caller waits `-balance / rate` seconds and sends (so callers
are served in the order their statements ran, across processes, with no polling). A 429 empties the
overall bucket for `retry_after` seconds: every worker waits it out, not only the one that got it.

`FloodControl(shared=SharedBuckets(conninfo))` (`bot.telegram.flood`) uses it in queue mode.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.queue.jobs import LIMITER_TABLE

log = logging.getLogger(__name__)

OVERALL = "overall"

_TAKE = f"""
INSERT INTO {LIMITER_TABLE} AS b (key, tokens, stamp) VALUES (%(key)s, %(burst)s - 1, clock_timestamp())
ON CONFLICT (key) DO UPDATE SET
    tokens = LEAST(%(burst)s, b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.stamp) * %(rate)s) - 1,
    stamp = clock_timestamp()
RETURNING tokens
"""

_PAUSE = f"""
INSERT INTO {LIMITER_TABLE} AS b (key, tokens, stamp) VALUES (%(key)s, -%(seconds)s * %(rate)s, clock_timestamp())
ON CONFLICT (key) DO UPDATE SET
    tokens = LEAST(b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.stamp) * %(rate)s, -%(seconds)s * %(rate)s),
    stamp = clock_timestamp()
"""


class SharedBuckets:
    """Token buckets in PostgreSQL (`conninfo`: a libpq URL), through a small connection pool."""

    def __init__(self, conninfo: str, *, max_connections: int = 4) -> None:
        self.conninfo = conninfo
        self.max_connections = max_connections
        self._pool: Any = None
        self.waited = 0.0  # seconds spent waiting for tokens (tests, logs)

    async def open(self) -> None:
        if self._pool is not None:
            return
        from psycopg_pool import AsyncConnectionPool

        self._pool = AsyncConnectionPool(
            self.conninfo, min_size=1, max_size=self.max_connections, kwargs={"autocommit": True}, open=False
        )
        await self._pool.open()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def take(self, key: str, rate: float, burst: float) -> float:
        """Take one token from bucket `key` (`rate` per second, at most `burst` saved up): the seconds
        to wait before using it (0 when one was there)."""
        await self.open()
        async with self._pool.connection() as connection:
            row = await (
                await connection.execute(_TAKE, {"key": key, "rate": rate, "burst": burst})
            ).fetchone()
        balance = float(row[0])
        return 0.0 if balance >= 0 else -balance / rate

    async def acquire(self, key: str, rate: float, burst: float) -> None:
        """Take a token and wait until it is due."""
        wait = await self.take(key, rate, burst)
        if wait > 0:
            self.waited += wait
            await asyncio.sleep(wait)

    async def pause(self, seconds: float, rate: float, key: str = OVERALL) -> None:
        """Nothing from bucket `key` for `seconds` (a 429's retry_after), in every process."""
        await self.open()
        async with self._pool.connection() as connection:
            await connection.execute(_PAUSE, {"key": key, "seconds": seconds, "rate": rate})
        log.warning("flood limit: every worker pauses for %.1f s", seconds)


__all__ = ["OVERALL", "SharedBuckets"]
