"""What arrives before it is handled: updates and voice notes held first (write-ahead), done after.

A door that receives from a network holds what it received in the database before it acknowledges
it, and marks it done once its effects are stored; a process killed in between finds it again.

- updates (`hold_update` → `held_update` / `pending_updates` → `update_done`): a Telegram update,
  held before Telegram is told it arrived (the polling bot's update queue, the webhook ingress),
  handled by the bot or a queue worker, replayed while pending (`count_update_attempt` counts the
  tries); `mark_update_processed` records a line that was answered without a turn (once only);
- voice notes (`hold_voice` → a turn, or `release_voice`): the downloaded audio, held before it is
  transcribed; storing it as a turn clears it in the same transaction, `held_voice(s)` is what a
  crash left to transcribe.

The method names and meanings are the repository's (which guarantees them: `storage.repository`);
`Inbox` is the core's name for that part of it, so the doors (`bot.telegram`, `bot.queue`) hold and
settle through the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.core.sessions import HeldNote, HeldUpdate
from storage.repository import AsyncRepository


class Inbox:
    """The update inbox and the voice inbox of one database."""

    def __init__(self, repo: AsyncRepository) -> None:
        self.repo = repo

    # updates ---------------------------------------------------------------------------------

    async def hold_update(self, update_id: int, chat_id: int | None, payload: Mapping[str, Any]) -> bool:
        """Hold an update as received; False when it is already held or was handled (a redelivery)."""
        return await self.repo.hold_update(update_id, chat_id, payload)

    async def held_update(self, update_id: int) -> HeldUpdate | None:
        """One held update not handled to its end (None when it is done or was never held)."""
        return await self.repo.held_update(update_id)

    async def pending_updates(self, *, older_than: timedelta = timedelta(0)) -> list[HeldUpdate]:
        """The held updates not handled to their end, received at least `older_than` ago, in order."""
        return await self.repo.pending_updates(older_than=older_than)

    async def count_update_attempt(self, update_id: int) -> int:
        """One more attempt at a held update; the new count."""
        return await self.repo.count_update_attempt(update_id)

    async def update_done(self, update_id: int) -> None:
        """The update was handled to its end (its content is cleared)."""
        await self.repo.update_done(update_id)

    async def mark_update_processed(self, update_id: int) -> bool:
        """Record an update as handled; False if it already was (a redelivery)."""
        return await self.repo.mark_update_processed(update_id)

    # voice notes -----------------------------------------------------------------------------

    async def hold_voice(
        self,
        session_id: int,
        update_id: int,
        chat_id: int,
        data: bytes,
        *,
        mime_type: str = "audio/ogg",
        language: str | None = None,
    ) -> bool:
        """Hold a downloaded voice note before transcription; False if it is already held or was
        played or refused (a redelivery)."""
        return await self.repo.hold_voice(
            session_id, update_id, chat_id, data, mime_type=mime_type, language=language
        )

    async def release_voice(self, update_id: int) -> bool:
        """Let go of a held note that will not become a turn; False if nothing was held."""
        return await self.repo.release_voice(update_id)

    async def held_voice(self, update_id: int) -> HeldNote | None:
        return await self.repo.held_voice(update_id)

    async def held_voices(self) -> list[HeldNote]:
        """The notes held and never turned into turns (a crash while transcribing), oldest first."""
        return await self.repo.held_voices()


__all__ = ["Inbox"]
