"""What the repository hands out: plain records (not rows) and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scenarios.model import Lang, Scenario, Transcript, Turn

Role = Literal["candidate", "trainer", "jury", "admin"]
SessionMode = Literal["text", "voice"]
SessionStatus = Literal["active", "finished", "abandoned"]
ReviewStatus = Literal["proposed", "confirmed", "amended"]
AssignmentMode = Literal["exam", "practice"]


# --- errors ------------------------------------------------------------------------------------


class StorageError(Exception):
    """Base of the errors storage raises on purpose."""


class NotFound(StorageError, LookupError):
    """No such user, session or scorecard."""


class AmbiguousUser(StorageError):
    """A user reference (e.g. a display name) matches several users."""


class SessionClosed(StorageError):
    """A turn was added to a session that is no longer active."""


class DuplicateUpdate(StorageError):
    """`add_turn(update_id=...)` for a Telegram update already processed: nothing was stored."""


# --- what the repository returns -----------------------------------------------------------------


@dataclass(frozen=True)
class UserRecord:
    id: int
    telegram_id: int | None
    display_name: str
    language: Lang
    role: Role
    created_at: datetime
    voice_replies: bool | None = None  # the persona also answers aloud (None: never chosen)


@dataclass(frozen=True)
class TurnMeta:
    """What storage knows about a turn beyond the transcript."""

    number: int
    engine: str | None
    fell_back: bool
    confidence: float | None
    fluency: dict[str, Any] | None
    has_audio: bool
    created_at: datetime


@dataclass(frozen=True)
class SessionSummary:
    id: int
    user_id: int
    scenario_id: str
    scenario_version: int
    language: Lang
    mode: SessionMode
    engine: str
    status: SessionStatus
    turn_count: int
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class SessionRecord:
    """A session as stored: the frozen scenario, its settings and every committed turn."""

    id: int
    user_id: int
    assignment_id: int | None
    scenario: Scenario
    language: Lang
    mode: SessionMode
    engine: str
    status: SessionStatus
    started_at: datetime
    ended_at: datetime | None
    state: dict[str, Any]
    turns: list[Turn]
    meta: list[TurnMeta]
    # The director's state as stored with the turn numbered `director_turn` (same transaction), or
    # None: the rehearsal then rebuilds it by replaying the turns (`bot.rehearsal`).
    director_state: dict[str, Any] | None = None
    director_turn: int | None = None
    # The number of `turns[0]`: 1 when every turn was read, more when only the last ones were
    # (`Repository.session(..., last_turns=n)`, for the turn path: a turn's cost does not grow).
    first_turn: int = 1

    @property
    def complete(self) -> bool:
        """Whether `turns` holds every turn of the session."""
        return self.first_turn == 1

    @property
    def scenario_id(self) -> str:
        return self.scenario.id

    @property
    def scenario_version(self) -> int:
        return self.scenario.version

    @property
    def next_turn_number(self) -> int:
        return self.first_turn + len(self.turns)

    def transcript(self) -> Transcript:
        """The session in the public `oralblanc.transcript/1` format."""
        if not self.complete:
            raise ValueError(f"session {self.id} was read without its first {self.first_turn - 1} turns")
        return Transcript(
            scenario=self.scenario.id, kind=self.scenario.kind, language=self.language, turns=self.turns
        )


@dataclass(frozen=True)
class ScorecardRecord:
    id: int
    session_id: int
    data: dict[str, Any]
    scorer_version: str
    review_status: ReviewStatus
    amended_data: dict[str, Any] | None
    reviewer_id: int | None
    reviewed_at: datetime | None
    comment: str | None
    created_at: datetime

    @property
    def effective(self) -> dict[str, Any]:
        """The scorecard that counts: the trainer's amendment if any, else the proposal."""
        return self.amended_data if self.amended_data is not None else self.data


@dataclass(frozen=True)
class CohortRecord:
    id: int
    name: str
    invite_code: str | None
    owner_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class AssignmentRecord:
    id: int
    scenario_id: str
    scenario_version: int | None
    cohort_id: int | None
    user_id: int | None
    due_at: datetime | None
    mode: AssignmentMode
    created_by: int | None
    created_at: datetime
    attempts: int | None = None  # sessions a candidate may start for it (None: unlimited)


@dataclass(frozen=True)
class ScriptRecord:
    """A script uploaded by a jury member; live once published (the highest published version wins)."""

    id: int
    scenario_id: str
    version: int
    script: dict[str, Any]
    source: str
    uploaded_by: int | None
    published: bool
    uploaded_at: datetime
    published_at: datetime | None
    published_by: int | None = None


@dataclass(frozen=True)
class HeldVoice:
    """A voice note held in the inbox: downloaded, not yet transcribed into a turn (nor refused)."""

    id: int
    session_id: int
    update_id: int
    chat_id: int
    data: bytes
    mime_type: str
    received_at: datetime
    language: str | None = None  # the session's language when it arrived (the transcription hint)


@dataclass(frozen=True)
class PendingUpdate:
    """A Telegram update held in the inbox and not yet handled to its end (a crash, or a storage
    failure, interrupted it): its JSON, to be handled again."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int
    received_at: datetime


@dataclass
class ErasureReport:
    """How many rows `erase_user` deleted (or detached), per table."""

    user_id: int
    deleted: dict[str, int] = field(default_factory=dict)
    detached: dict[str, int] = field(default_factory=dict)
