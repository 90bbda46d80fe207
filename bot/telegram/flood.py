"""Flood control for outgoing Bot API calls: stay under Telegram's limits, wait out a 429.

Telegram allows about 30 messages per second overall, 20 per minute in a group, and a short burst then
about one per second in a private chat. `FloodControl` (a PTB `BaseRateLimiter`, no extra dependency)
throttles requests that target a chat with token buckets, and when the Bot API still answers 429 it
pauses every request for `retry_after` seconds and tries again, up to `max_retries` times.
`getUpdates` never goes through a rate limiter (PTB skips it).

With `shared` (queue mode, `bot.queue.limiter.SharedBuckets`), the buckets and the 429 pause live in
PostgreSQL, so the limits hold across every worker, not per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Not messages: chat actions expire by themselves, button answers are due within seconds. Not throttled
# (a 429 on them is still waited out).
_NOT_MESSAGES = frozenset({"sendChatAction", "answerCallbackQuery"})


class TokenBucket:
    """`rate` tokens per second, at most `burst` saved up; `acquire` waits for one."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    @property
    def idle(self) -> bool:
        """Full again: nothing would be lost by forgetting this bucket."""
        self._refill()
        return self._tokens >= self.burst

    async def acquire(self) -> None:
        async with self._lock:  # first come, first served
            while True:
                self._refill()
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


class FloodControl(BaseRateLimiter[int]):
    """Token buckets (overall, per group, per private chat) and RetryAfter handling.

    `overall_rate` 0 disables throttling (a 429 is still waited out). `rate_limit_args`, when a call
    passes one, overrides `max_retries` for that call.
    """

    def __init__(
        self,
        *,
        overall_rate: float = 30.0,
        group_per_minute: float = 20.0,
        chat_rate: float = 1.0,
        chat_burst: float = 5.0,
        max_retries: int = 3,
        max_wait: float = 60.0,
        shared: Any = None,
    ) -> None:
        self.overall = TokenBucket(overall_rate, max(1.0, overall_rate)) if overall_rate > 0 else None
        self.throttle = overall_rate > 0
        self.group_per_minute = group_per_minute
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._chats: dict[int | str, TokenBucket] = {}
        self._open = asyncio.Event()
        self._open.set()
        self.retries = 0  # how many 429s were waited out (for logs and tests)
        self.overall_rate = overall_rate
        self.shared = shared  # buckets in PostgreSQL, shared by every worker (`bot.queue.limiter`)

    async def initialize(self) -> None:
        """Open the shared buckets' connections, if any."""
        if self.shared is not None:
            await self.shared.open()

    async def shutdown(self) -> None:
        """Close the shared buckets' connections, if any."""
        if self.shared is not None:
            await self.shared.close()

    async def _acquire(self, chat_id: int | str) -> None:
        if self.shared is None:
            await self._chat_bucket(chat_id).acquire()
            assert self.overall is not None
            await self.overall.acquire()
            return
        group = isinstance(chat_id, str) or chat_id < 0
        if group:
            await self.shared.acquire(f"chat:{chat_id}", self.group_per_minute / 60.0, self.group_per_minute)
        else:
            await self.shared.acquire(f"chat:{chat_id}", self.chat_rate, self.chat_burst)
        await self.shared.acquire("overall", self.overall_rate, max(1.0, self.overall_rate))

    def _chat_bucket(self, chat_id: int | str) -> TokenBucket:
        if len(self._chats) > 1024:
            for key in [k for k, b in self._chats.items() if b.idle]:
                del self._chats[key]
        bucket = self._chats.get(chat_id)
        if bucket is None:
            group = isinstance(chat_id, str) or chat_id < 0
            bucket = (
                TokenBucket(self.group_per_minute / 60.0, self.group_per_minute)
                if group
                else TokenBucket(self.chat_rate, self.chat_burst)
            )
            self._chats[chat_id] = bucket
        return bucket

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        for attempt in range(retries + 1):
            if self.throttle and chat_id is not None and endpoint not in _NOT_MESSAGES:
                await self._acquire(chat_id)
            await self._open.wait()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = min(self.max_wait, _seconds(exc)) + 0.1
                if attempt == retries:
                    log.error("%s: still flood-limited after %d retries", endpoint, retries)
                    raise
                self.retries += 1
                if self.shared is not None:  # every worker waits it out, not only this one
                    try:
                        await self.shared.pause(wait, self.overall_rate if self.throttle else 30.0)
                    except Exception:
                        log.warning("flood limit: the shared pause could not be recorded", exc_info=True)
                log.warning("%s: flood limit (429), pausing all requests for %.1f s", endpoint, wait)
                self._open.clear()
                try:
                    await asyncio.sleep(wait)
                finally:
                    self._open.set()
        raise AssertionError("unreachable")


def _seconds(exc: RetryAfter) -> float:
    """`retry_after` in seconds (PTB 22 keeps a timedelta; its public property may warn)."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
