"""The database tables (sqlmodel). Rows, not domain objects: `storage.repository` maps between them.

Conventions:
- every timestamp is timezone-aware UTC (`UTCDateTime`), on SQLite as on PostgreSQL;
- closed vocabularies (roles, statuses, modes) are short strings guarded by CHECK constraints;
- JSON columns are JSONB on PostgreSQL, JSON text on SQLite;
- a session freezes the script exactly as played (`sessions.script`), so later edits of the YAML
  never change a past session;
- raw audio lives in its own table (`audio_blobs`), one row per spoken turn, deleted by the retention
  purge; the turn keeps only what was derived from it (duration, word timings, confidence);
- a voice note is held in `voice_inbox` (raw audio, keyed by its Telegram update id) from the moment
  it is downloaded until it is transcribed and stored as a turn (same transaction) or refused: raw
  audio held only until it is transcribed, so a crash during transcription loses nothing (the next
  start plays what is left there);
- every Telegram update is held in `update_inbox` before Telegram is told it arrived, and marked done
  only once its handling is over (its content then cleared), so a crash between the two loses nothing.

Any change here needs a new migration in `storage/migrations/versions/`
(`tests/test_storage_migrations.py` fails when the tables and the migrations disagree).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("candidate", "trainer", "jury", "admin")
ASSIGNMENT_MODES = ("exam", "practice")
SESSION_MODES = ("text", "voice")
SESSION_STATUSES = ("active", "finished", "abandoned")
SPEAKERS = ("persona", "candidate")
REVIEW_STATUSES = ("proposed", "confirmed", "amended")


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: storage only accepts timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def table_of(row_class: type[SQLModel]) -> Table:
    """The Core table of a row class, for statements built once and run with parameters."""
    return row_class.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass


# none_as_null: a Python None is SQL NULL (not the JSON text "null"), so IS NULL works.
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


class UserRow(SQLModel, table=True):
    """A person: candidate, trainer, jury member or admin (Telegram id when there is one)."""

    __tablename__ = "users"
    __table_args__ = (_one_of("role", ROLES), _one_of("language", ("fr", "en")))

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    display_name: str = Field(sa_type=String(200))
    language: str = Field(default="fr", sa_type=String(2))
    role: str = Field(default="candidate", sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    voice_replies: bool | None = None  # the persona also answers aloud (None: never chosen)


class CohortRow(SQLModel, table=True):
    """A group of candidates followed by a trainer (joined through an invite code)."""

    __tablename__ = "cohorts"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200))
    invite_code: str | None = Field(default=None, sa_type=String(64), unique=True)
    owner_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MembershipRow(SQLModel, table=True):
    """A user in a cohort."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AssignmentRow(SQLModel, table=True):
    """A scenario (id and version) assigned to a cohort or to one user, with a due date."""

    __tablename__ = "assignments"
    __table_args__ = (
        _one_of("mode", ASSIGNMENT_MODES),
        CheckConstraint("(cohort_id IS NULL) <> (user_id IS NULL)", name="cohort_or_user"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: str = Field(sa_type=String(100))
    scenario_version: int | None = None
    cohort_id: int | None = Field(default=None, foreign_key="cohorts.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mode: str = Field(default="practice", sa_type=String(16))
    attempts: int | None = None  # how many sessions a candidate may start for it (None: unlimited)
    created_by: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SessionRow(SQLModel, table=True):
    """One rehearsal: the frozen script, how it is played, and where it stands."""

    __tablename__ = "sessions"
    __table_args__ = (
        _one_of("mode", SESSION_MODES),
        _one_of("status", SESSION_STATUSES),
        _one_of("language", ("fr", "en")),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignments.id", index=True)
    scenario_id: str = Field(sa_type=String(100), index=True)
    scenario_version: int
    script: dict[str, Any] = Field(sa_type=JSONType)
    language: str = Field(sa_type=String(2))
    mode: str = Field(default="text", sa_type=String(16))
    engine: str = Field(sa_type=String(32))
    status: str = Field(default="active", sa_type=String(16))
    turn_count: int = Field(default=0)
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    script_digest: str | None = Field(
        default=None, sa_type=String(64)
    )  # sha256 of `script` (None before 0006)
    # The director's state after the turns up to number `director_turn`, written in the same
    # transaction as that turn (None: rebuilt by replaying the turns). See `Repository.add_turn`.
    director_state: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    director_turn: int | None = None
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TurnRow(SQLModel, table=True):
    """One turn of a session; `number` starts at 1 (the turn numbers scorecards quote)."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("session_id", "number"),
        _one_of("speaker", SPEAKERS),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", index=True)
    number: int
    speaker: str = Field(sa_type=String(16))
    text: str = Field(sa_type=Text)
    language: str | None = Field(default=None, sa_type=String(2))
    audio_duration_s: float | None = None
    words: list[dict[str, Any]] | None = Field(default=None, sa_type=JSONType)
    confidence: float | None = None
    fluency: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    engine: str | None = Field(default=None, sa_type=String(32))
    fell_back: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AudioBlobRow(SQLModel, table=True):
    """The raw audio of a spoken turn, kept only for the retention period."""

    __tablename__ = "audio_blobs"

    id: int | None = Field(default=None, primary_key=True)
    turn_id: int = Field(foreign_key="turns.id", unique=True)
    mime_type: str = Field(default="audio/ogg", sa_type=String(64))
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class VoiceInboxRow(SQLModel, table=True):
    """A voice note downloaded but not yet a turn (write-ahead for transcription): raw audio held only
    until it is transcribed; `add_turn(update_id=...)` deletes it in the turn's transaction."""

    __tablename__ = "voice_inbox"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", index=True)
    update_id: int = Field(sa_type=BigInteger, unique=True)  # the Telegram update that brought it
    chat_id: int = Field(sa_type=BigInteger)  # where to answer
    language: str | None = Field(default=None, sa_type=String(2))  # the session's language (STT hint)
    mime_type: str = Field(default="audio/ogg", sa_type=String(64))
    data: bytes = Field(sa_type=LargeBinary)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ScorecardRow(SQLModel, table=True):
    """A scorecard proposed by the scorer, and the trainer's decision on it."""

    __tablename__ = "scorecards"
    __table_args__ = (_one_of("review_status", REVIEW_STATUSES),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", index=True)
    data: dict[str, Any] = Field(sa_type=JSONType)
    scorer_version: str = Field(sa_type=String(64))
    review_status: str = Field(default="proposed", sa_type=String(16))
    amended_data: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    reviewer_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    comment: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PublishedScriptRow(SQLModel, table=True):
    """A script a jury member uploaded (linted clean); once `published`, it is the live version of its
    id when no published version is higher (the bundled library is the base)."""

    __tablename__ = "published_scripts"

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: str = Field(sa_type=String(100), index=True)
    version: int
    script: dict[str, Any] = Field(sa_type=JSONType)
    source: str = Field(sa_type=Text)
    uploaded_by: int | None = Field(default=None, foreign_key="users.id", index=True)
    published: bool = False
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by: int | None = Field(default=None, foreign_key="users.id", index=True)


class ProcessedUpdateRow(SQLModel, table=True):
    """A Telegram update already handled: a redelivered update is recognised and skipped."""

    __tablename__ = "processed_updates"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class UpdateInboxRow(SQLModel, table=True):
    """A Telegram update as received, held before Telegram is told it arrived (write-ahead for every
    update: a command, a line, a voice note's `file_id`). `payload` is the update's JSON until it has
    been handled; then it is cleared and `done_at` set, so a redelivery is recognised and nothing of
    its content stays. A crash leaves it pending: the next start handles it again (`attempts` counts
    how often, so an update that kills the process every time is eventually let go)."""

    __tablename__ = "update_inbox"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int | None = Field(default=None, sa_type=BigInteger, index=True)  # erased with its person
    payload: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    attempts: int = 0
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebLinkRow(SQLModel, table=True):
    """A one-time sign-in link to the web console: only the SHA-256 of its token is kept; it opens one
    session, once (`used_at`), before `expires_at`. Deleted with its person."""

    __tablename__ = "web_links"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def all_tables() -> list[str]:
    """The names of every table storage owns (the erase test scans them all)."""
    return sorted(SQLModel.metadata.tables)
