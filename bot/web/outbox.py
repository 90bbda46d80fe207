"""The web console's outbox: the core's notices sent to the person's own Telegram chat through the
Bot API (PTB's `Bot`, rendered as the bot renders them: `bot.telegram.outbox`) when a token is
configured; without one, nothing can be sent, and the notice is recorded as not delivered so the
page tells the trainer to tell the candidate themselves.

`Told` wraps it for one request: it remembers whether every notice reached its person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.core.outbox import Notice, Outbox, describe
from bot.core.principal import UserRecord

log = logging.getLogger(__name__)


class BotApiOutbox:
    """Sends through `bot` (a PTB `telegram.Bot`, initialised), or, when None, delivers nothing."""

    def __init__(self, bot: object | None) -> None:
        self.bot = bot
        self._telegram: Outbox | None = None
        if bot is not None:
            from bot.telegram.outbox import TelegramOutbox

            self._telegram = TelegramOutbox(bot)  # type: ignore[arg-type]

    @property
    def configured(self) -> bool:
        return self._telegram is not None

    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        if self._telegram is None:
            log.info("user %s not told (no Telegram bot configured): %s", recipient.id, describe(notice))
            return False
        return await self._telegram.notify(recipient, notice)


@dataclass
class Told:
    """One request's outbox: passes notices on, and records what was delivered."""

    outbox: BotApiOutbox
    results: list[bool] = field(default_factory=list)

    async def notify(self, recipient: UserRecord, notice: Notice) -> bool:
        sent = await self.outbox.notify(recipient, notice)
        self.results.append(sent)
        return sent

    @property
    def everyone(self) -> bool:
        return bool(self.results) and all(self.results)

    def why_not(self) -> str:
        """The key of the reason a notice did not go out."""
        return "why_unreachable" if self.outbox.configured else "why_no_bot"
