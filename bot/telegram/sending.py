"""Sending within Telegram's limits: long texts split at 4096 characters, a chat action kept alive.

- `split_text` cuts at paragraph, then line, then sentence, then word boundaries, never inside a word
  unless a single word is longer than the limit.
- `send_text` sends the parts in order; a keyboard goes on the last part.
- `ChatAction` ("typing…", "recording a voice note…") is shown at once and refreshed every
  `interval` seconds (Telegram clears it after about 5 s, or when a message is sent) until the block
  it wraps is done.

Flood limits and 429 answers are handled under this, by `bot.telegram.flood.FloodControl`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from types import TracebackType

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError

log = logging.getLogger(__name__)

MAX_MESSAGE = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
TYPING_INTERVAL = 4.0
# A reply ready sooner than this needs no "typing…": the indicator (one more Bot API call per turn)
# is shown only when the work takes long enough for the candidate to wonder.
TYPING_DELAY = 0.3
_SEPARATORS = ("\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " ")


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Parts of at most `limit` characters whose concatenation (whitespace at cuts aside) is `text`."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    if rest or not parts:
        parts.append(rest)
    return parts


def _cut(text: str, limit: int) -> int:
    window = text[: limit + 1]
    for separator in _SEPARATORS:
        at = window.rfind(separator)
        if at > limit // 4:  # do not make tiny parts
            return at + len(separator)
    return limit


async def send_text(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send `text` as one or more messages; `reply_markup` on the last one."""
    parts = split_text(text)
    sent: list[Message] = []
    for index, part in enumerate(parts):
        markup = reply_markup if index == len(parts) - 1 else None
        sent.append(await bot.send_message(chat_id, part, reply_markup=markup))
    return sent


class ChatActionLoop:
    """`async with ChatActionLoop(bot, chat_id):` shows "typing…" until the block ends, from `delay`
    seconds after it starts (a block that ends sooner sends nothing), refreshed every `interval`."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        action: str = ChatAction.TYPING,
        interval: float = TYPING_INTERVAL,
        delay: float = TYPING_DELAY,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.action = action
        self.interval = interval
        self.delay = delay
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ChatActionLoop:
        self._task = asyncio.create_task(self._run(), name=f"chat-action-{self.chat_id}")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        while True:
            try:
                await self.bot.send_chat_action(self.chat_id, self.action)
            except TelegramError as exc:  # an indicator is not worth failing a reply
                log.debug("chat action for %s failed: %s", self.chat_id, exc)
            await asyncio.sleep(self.interval)
