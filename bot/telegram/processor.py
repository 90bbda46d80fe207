"""One chat's updates in order, different chats at the same time.

PTB hands every update to the update processor as soon as it is fetched. `ChatSerialProcessor` keeps
an `asyncio.Lock` per chat: updates of one chat run one after the other, in the order they arrived
(asyncio locks are fair), while other chats proceed concurrently, up to `max_concurrent_updates`.

It also tells the handlers which candidate lines (`is_line`: text that is not a command, or a voice
note) were written before the candidate could read the persona's answer to their previous line
(`arrived_while_busy`: an answer was sent to the chat after the line arrived). Such a line is not taken
as a turn. Handlers call `answered(update)` when they send the answer to a new turn; a redelivered
line, answered by nothing new, therefore never makes the next line "busy". An update whose id is already being processed in this process (the same update delivered
twice) is dropped here; across processes and restarts the database does the same
(`processed_updates`, `update_inbox`). Once an update's handlers are done, the processor tells the
`UpdateInbox` (`settle`), which marks it done in the database. The locks and these sets are
transient: nothing about a session lives here.
"""

from __future__ import annotations

import itertools
import logging
from asyncio import Lock
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.inbox import UpdateInbox

log = logging.getLogger(__name__)


def is_line(update: Update) -> bool:
    """A candidate's line: a text message that is not a command, a voice note or an audio file."""
    message = update.message
    if message is None:
        return False
    if message.voice is not None or message.audio is not None:
        return True
    if message.document is not None and (message.document.mime_type or "").startswith("audio/"):
        return True
    return message.text is not None and not message.text.startswith("/")


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (None for updates without one, e.g. inline queries)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class ChatSerialProcessor(BaseUpdateProcessor):
    """Serialises the updates of each chat; runs different chats concurrently."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, Lock] = {}
        self._waiting: dict[int, int] = {}  # chat -> updates holding or awaiting its lock
        self._clock = itertools.count()  # orders arrivals and answers
        self._arrived: dict[int, int] = {}  # line update id -> when it arrived
        self._last_answer: dict[int, int] = {}  # chat -> when the persona last answered a new turn
        self._in_flight: set[int] = set()  # update ids being processed or waiting
        self.inbox: UpdateInbox | None = None  # told when an update's handlers are done

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release (pending updates are awaited by the Application)."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is not None and update_id in self._in_flight:
            log.info("update %s delivered twice while in flight: dropped", update_id)
            _discard(coroutine)
            return
        if key is None:
            await coroutine
            await self._settle(update_id)
            return
        if update_id is not None:
            self._in_flight.add(update_id)
            assert isinstance(update, Update)
            if is_line(update):
                self._arrived[update_id] = next(self._clock)
        try:
            await self.run_in_chat(key, coroutine)
        finally:
            if update_id is not None:
                self._in_flight.discard(update_id)
                self._arrived.pop(update_id, None)
        await self._settle(update_id)  # not reached when the process dies: the update stays pending

    async def _settle(self, update_id: int | None) -> None:
        if update_id is not None and self.inbox is not None:
            await self.inbox.settle(update_id)

    async def run_in_chat(self, chat_id: int, coroutine: Awaitable[Any]) -> Any:
        """Run `coroutine` in this chat's turn, like one of its updates (e.g. a voice note recovered
        at start-up, which must not interleave with the lines the candidate sends meanwhile)."""
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = Lock()
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock:
                return await coroutine
        finally:
            self._waiting[chat_id] -= 1
            if self._waiting[chat_id] == 0:  # nothing of this chat in flight: forget it
                del self._waiting[chat_id]
                del self._locks[chat_id]
                self._last_answer.pop(chat_id, None)

    def arrived_while_busy(self, update: Update) -> bool:
        """Whether the persona answered a new turn of this chat after this line arrived."""
        arrived = self._arrived.get(update.update_id)
        key = chat_key(update)
        return arrived is not None and key is not None and self._last_answer.get(key, -1) > arrived

    def answered(self, update: Update) -> None:
        """The persona's answer to this line (a new turn) has just been sent to its chat."""
        key = chat_key(update)
        if key is not None:
            self._last_answer[key] = next(self._clock)

    def busy(self, chat_id: int) -> bool:
        """Whether an update of this chat is being processed now."""
        lock = self._locks.get(chat_id)
        return lock is not None and lock.locked()


def _discard(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
