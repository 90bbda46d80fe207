"""What the handlers share: the services built at start-up, the speech providers, the options.

One `BotRuntime` per running Application, created in `post_init` and closed in `post_shutdown`
(`bot.telegram.app`), kept in `application.bot_data`. It holds resources, never session state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram import Update, User
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.core import people
from bot.core.principal import UserRecord
from bot.core.sessions import SessionView
from bot.services import Services
from bot.speech.voice import VoiceIO
from bot.telegram.inbox import UpdateInbox
from bot.telegram.processor import ChatSerialProcessor
from bot.telegram.sending import TYPING_INTERVAL
from bot.telegram.texts import lang_of

log = logging.getLogger(__name__)

RUNTIME_KEY = "oralblanc.runtime"
MAX_TURN_CHARS = 4000


@dataclass
class BotOptions:
    """Tunables of the Telegram transport (tests shorten the intervals)."""

    typing_interval: float = TYPING_INTERVAL
    max_turn_chars: int = MAX_TURN_CHARS
    preload_speech: bool = False
    max_concurrent_updates: int = 256
    flood_overall_rate: float = 30.0  # messages per second; 0 = no throttling (429s still waited out)
    flood_max_retries: int = 3
    max_export_bytes: int = 45 * 1024 * 1024  # documents the Bot API accepts (50 MB), with room
    exam_clock_seconds: float = 5.0  # how often exam deadlines are checked (a session ends within this)
    scoring_workers: int = (
        1  # processes that score finished sessions (`bot.scoring`); 0 = in the bot's process
    )
    preload_scoring: bool = False  # start them (and load the scorer in them) at start-up


@dataclass
class BotRuntime:
    settings: Settings
    services: Services
    voice: VoiceIO
    processor: ChatSerialProcessor
    options: BotOptions = field(default_factory=BotOptions)
    inbox: UpdateInbox | None = None  # every update held until handled (`bot.telegram.inbox`)

    async def user(self, tg_user: User) -> UserRecord:
        """The stored user of a Telegram account (one read), created on first contact."""
        return await people.of_telegram(
            self.services.repo,
            tg_user.id,
            display_name=display_name(tg_user),
            language=lang_of(tg_user.language_code),
        )

    async def user_playing(
        self, tg_user: User, *, last_turns: int | None
    ) -> tuple[UserRecord, SessionView | None]:
        """`user`, with the session they are playing (its last `last_turns` turns), in one read."""
        return await people.of_telegram_playing(
            self.services.repo,
            tg_user.id,
            display_name=display_name(tg_user),
            language=lang_of(tg_user.language_code),
            last_turns=last_turns,
        )


def runtime(context: ContextTypes.DEFAULT_TYPE) -> BotRuntime:
    return context.application.bot_data[RUNTIME_KEY]


def display_name(user: User) -> str:
    name = " ".join(p for p in (user.first_name, user.last_name) if p).strip()
    return (name or user.username or str(user.id))[:200]


def chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id
