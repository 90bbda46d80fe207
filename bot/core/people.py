"""The people the doors meet: who a Telegram account or a terminal user is, and their own choices.

A person is the stored user (`UserRecord`, published by `bot.core.principal`): id, Telegram id,
display name, language, role, voice replies. A Telegram account's person is created on first contact
(one read otherwise); a terminal user's is found by display name among people without Telegram, or
created. A person changes their own language and voice-reply choice; roles are `bot.core.roles`'.
"""

from __future__ import annotations

from bot.core.principal import UserRecord
from bot.core.sessions import SessionView
from scenarios.model import Lang
from storage.repository import AsyncRepository


async def of_telegram(
    repo: AsyncRepository, telegram_id: int, *, display_name: str, language: Lang
) -> UserRecord:
    """The person of a Telegram account (one read), created with these values on first contact."""
    return await repo.telegram_user(telegram_id, display_name=display_name, language=language)


async def of_telegram_playing(
    repo: AsyncRepository, telegram_id: int, *, display_name: str, language: Lang, last_turns: int | None
) -> tuple[UserRecord, SessionView | None]:
    """`of_telegram`, with the session they are playing (its last `last_turns` turns), in one read:
    the turn path's."""
    return await repo.telegram_user_and_active_session(
        telegram_id, display_name=display_name, language=language, last_turns=last_turns
    )


async def of_terminal(repo: AsyncRepository, display_name: str, language: Lang) -> int:
    """The id of the terminal user of this name (people without Telegram), created if new."""
    return await repo.get_or_create_user(display_name=display_name, language=language)


async def by_id(repo: AsyncRepository, user_id: int) -> UserRecord:
    """The person of this id (`NotFound` when there is none)."""
    return await repo.user(user_id)


async def set_language(repo: AsyncRepository, user_id: int, language: Lang) -> UserRecord:
    """Their language of the bot's messages, from now on."""
    return await repo.update_user(user_id, language=language)


async def set_voice_replies(repo: AsyncRepository, user_id: int, on: bool) -> UserRecord:
    """Whether the persona also answers them with voice notes, from now on."""
    return await repo.update_user(user_id, voice_replies=on)


__all__ = [
    "UserRecord",
    "by_id",
    "of_telegram",
    "of_telegram_playing",
    "of_terminal",
    "set_language",
    "set_voice_replies",
]
