"""Voice notes held before transcription (write-ahead): each is either held or a turn, until refused."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import col

from storage.records import HeldVoice
from storage.repository.base import RepositoryBase, _held
from storage.tables import ProcessedUpdateRow, VoiceInboxRow


class VoiceInboxMixin(RepositoryBase):
    """The voice inbox."""

    def hold_voice(
        self,
        session_id: int,
        update_id: int,
        chat_id: int,
        data: bytes,
        *,
        mime_type: str = "audio/ogg",
        language: str | None = None,
    ) -> bool:
        """Hold a downloaded voice note (write-ahead, before transcription); False if this update's
        note is already held or was already played or refused (a redelivery): nothing is stored.

        The note leaves the inbox when `add_turn(update_id=...)` stores it as a turn, or through
        `release_voice`. `language`: the session's language (the transcription hint).
        """
        with self._session() as s, s.begin():
            values = {
                "session_id": session_id,
                "update_id": update_id,
                "chat_id": chat_id,
                "language": language,
                "mime_type": mime_type,
                "data": data,
                "received_at": self._clock(),
            }
            if not self._insert_ignore(s, VoiceInboxRow, values):
                return False
            # Checked after the insert: a concurrent add_turn of this update has committed by now
            # (the insert waited for it on PostgreSQL; SQLite serialises writers).
            if s.get(ProcessedUpdateRow, update_id) is not None:
                s.execute(
                    delete(VoiceInboxRow)
                    .where(col(VoiceInboxRow.update_id) == update_id)
                    .execution_options(synchronize_session=False)
                )
                return False
            return True

    def release_voice(self, update_id: int) -> bool:
        """Let go of a held voice note that will not become a turn (refused: empty or unusable audio,
        speech-to-text unavailable, session over; the user was told). The update is marked processed
        in the same transaction, so a redelivery is not held again. False if nothing was held."""
        with self._session() as s, s.begin():
            result = s.execute(
                delete(VoiceInboxRow)
                .where(col(VoiceInboxRow.update_id) == update_id)
                .execution_options(synchronize_session=False)
            )
            self._insert_ignore(
                s, ProcessedUpdateRow, {"update_id": update_id, "processed_at": self._clock()}
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def held_voice(self, update_id: int) -> HeldVoice | None:
        """The voice note held for this update, if it still is."""
        with self._session() as s:
            row = s.scalars(select(VoiceInboxRow).where(col(VoiceInboxRow.update_id) == update_id)).first()
            return _held(row) if row is not None else None

    def held_voices(self) -> list[HeldVoice]:
        """Every voice note still held (a crash left it untranscribed), oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(VoiceInboxRow).order_by(col(VoiceInboxRow.received_at), col(VoiceInboxRow.id))
            )
            return [_held(r) for r in rows]
