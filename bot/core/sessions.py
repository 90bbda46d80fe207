"""A rehearsal session as the doors see it: the names of what the core hands them, and its errors.

The core publishes these names so that no door imports `storage` (the records are the plain frozen
data classes the repository builds; a door reads them, never writes them):

- `SessionView`     one session as stored: its frozen scenario, language, mode, engine, status, turns
                    (all, or only the last ones on the turn path), and the transport's own `state`
- `SessionSummary`  one line of a candidate's list of sessions (numbered by `/progress`, `/report n`)
- `HeldNote`        a voice note held before transcription (`bot.core.inbox`); `HeldUpdate` an update
                    held until handled

Its errors:
- `NotFound`        no such session (or user)
- `SessionClosed`   a turn for a session that is over
- `DuplicateUpdate` a line already stored under its update id (a redelivery)
- `CoreError`       any of them
- `unavailable(error)`: whether an error means the database could not be reached or used (down,
  restarted, locked too long, disk full): what the person sent may not be stored, so a door keeps the
  update for a retry and says so instead of asking them to send it again.

The rehearsal's use cases themselves (start, turn, resume, finish, the scorecard, and the reads
around them: a session, the one in progress, a candidate's list, whether a report is released)
are `bot.rehearsal.Rehearsal`'s methods.
"""

from __future__ import annotations

from storage.db import is_unavailable
from storage.records import (
    DuplicateUpdate,
    HeldVoice,
    NotFound,
    PendingUpdate,
    SessionClosed,
    SessionRecord,
    SessionSummary,
    StorageError,
)

SessionView = SessionRecord
HeldNote = HeldVoice
HeldUpdate = PendingUpdate
CoreError = StorageError


def unavailable(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) means the database could not be reached or used."""
    return is_unavailable(error)


__all__ = [
    "CoreError",
    "DuplicateUpdate",
    "HeldNote",
    "HeldUpdate",
    "NotFound",
    "SessionClosed",
    "SessionSummary",
    "SessionView",
    "unavailable",
]
