"""Every Telegram update held before Telegram is told it arrived, and done only when its effects are.

python-telegram-bot acknowledges the updates of one `getUpdates` call on the next call (its `offset`),
which it makes as soon as they are in the update queue; a webhook answers 200 once the update is in
that queue. `DurableUpdateQueue.put` therefore holds the update in the database first
(`update_inbox`, through `UpdateInbox.hold`): a process killed at any moment after that finds it
again at its next start. If holding fails (the database is down), `put` raises: the poll is retried
and the update fetched again (it was not acknowledged), or the webhook answers 500 and Telegram
sends it again.

The update processor calls `UpdateInbox.settle` once the handlers are done with an update: it is
marked done (its content cleared), unless the error handler asked for it to be kept (`retry_later`:
the database failed while it was handled, so what the candidate sent may not be stored). `replay`
hands the updates still pending to the application again, in order: at start-up (what a crash
interrupted), then every `update_retry_seconds` (what a storage failure interrupted). Each replay
counts an attempt; an update that failed `MAX_ATTEMPTS` times is let go, with an apology to its chat.

What makes a replay safe: a line is stored with its update id, in the turn's transaction (a replayed
line that was stored is answered from the stored turn, never stored twice); a voice note is held by
update id (`voice_inbox`); a session opened by an update records that update's id (a replayed
`/play` sends the opening of the session it already opened).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Update

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.core.inbox import Inbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def update_chat(update: Update) -> int | None:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class UpdateInbox:
    """The bridge between the update queue, the update processor and the core's update inbox."""

    def __init__(self) -> None:
        self.store: Inbox | None = None
        self._queued: set[int] = set()  # held and handed to the application, not settled yet
        self._keep: set[int] = set()  # to be tried again (the error handler said so)

    def attach(self, store: Inbox) -> None:
        """Start holding updates in `store` (from `post_init`, before polling starts)."""
        self.store = store

    async def hold(self, update: Update) -> bool:
        """Hold a new update; False when it is already held or done (a redelivery)."""
        if self.store is None:
            return True
        new = await self.store.hold_update(update.update_id, update_chat(update), update.to_dict())
        if new:
            self._queued.add(update.update_id)
        else:
            log.info("update %s already held or done: not handled again", update.update_id)
        return new

    def retry_later(self, update_id: int) -> None:
        """Keep this update pending: `replay` will hand it over again (a storage failure)."""
        self._keep.add(update_id)

    def take_kept(self, update_id: int) -> bool:
        """Whether the error handler kept this update for a retry (forgotten here once asked): a
        queue worker settles updates itself and retries the job instead (`bot.queue.worker`)."""
        if update_id in self._keep:
            self._keep.discard(update_id)
            return True
        return False

    async def settle(self, update_id: int) -> None:
        """The handlers are done with this update: mark it done, unless it is to be tried again."""
        self._queued.discard(update_id)
        if self.store is None:
            return
        if update_id in self._keep:
            self._keep.discard(update_id)
            log.info("update %s kept, to be tried again", update_id)
            return
        try:
            await self.store.update_done(update_id)
        except Exception:
            log.warning(
                "update %s handled but not marked done: the next start handles it again",
                update_id,
                exc_info=True,
            )

    async def replay(self, application: Application, *, older_than: timedelta = timedelta(0)) -> int:
        """Hand the pending updates (held, not done, not in hand here) to `application` again, oldest
        first; an update tried `MAX_ATTEMPTS` times is let go with an apology. Returns how many."""
        if self.store is None:
            return 0
        replayed = 0
        for pending in await self.store.pending_updates(older_than=older_than):
            if pending.update_id in self._queued:
                continue
            attempts = await self.store.count_update_attempt(pending.update_id)
            if attempts > MAX_ATTEMPTS:
                log.error("update %s failed %s times: let go", pending.update_id, attempts - 1)
                await self.store.update_done(pending.update_id)
                await _apologise(application, pending.chat_id, pending.payload)
                continue
            try:
                update = Update.de_json(pending.payload, application.bot)
            except Exception:
                log.exception("update %s held but unreadable: let go", pending.update_id)
                await self.store.update_done(pending.update_id)
                continue
            if update is None:
                await self.store.update_done(pending.update_id)
                continue
            self._queued.add(update.update_id)
            log.info("update %s handled again (attempt %s)", update.update_id, attempts)
            await application.update_queue.put(_Replayed(update))
            replayed += 1
        return replayed


class _Replayed:
    """An update already held, handed to the queue again: `DurableUpdateQueue.put` does not hold it."""

    __slots__ = ("update",)

    def __init__(self, update: Update) -> None:
        self.update = update


class DurableUpdateQueue(asyncio.Queue[object]):  # PTB's `Application.update_queue` type
    """The application's update queue: an update is held in the database before it is queued."""

    def __init__(self, inbox: UpdateInbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, _Replayed):
            await super().put(item.update)
            return
        if isinstance(item, Update) and not await self.inbox.hold(item):
            return
        await super().put(item)


async def apologise(application: Application, chat_id: int | None, payload: dict[str, Any]) -> None:
    """Tell a chat that one of its updates was let go after `MAX_ATTEMPTS` tries (never raises)."""
    await _apologise(application, chat_id, payload)


async def _apologise(application: Application, chat_id: int | None, payload: dict[str, Any]) -> None:
    if chat_id is None:
        return
    from bot.telegram.texts import lang_of, t

    sender = (payload.get("message") or payload.get("callback_query") or {}).get("from") or {}
    try:
        await application.bot.send_message(
            chat_id, t(lang_of(sender.get("language_code")), "update_given_up")
        )
    except Exception:
        log.warning("could not tell chat %s that an update was let go", chat_id, exc_info=True)


__all__ = ["DurableUpdateQueue", "MAX_ATTEMPTS", "UpdateInbox", "apologise", "update_chat"]
