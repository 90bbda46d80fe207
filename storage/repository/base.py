"""What every part of the repository shares: the engine and its sessions, the race-safe insert, the
lookup by id, and the mapping from rows to domain records."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scenarios.model import Audio, Turn, Word
from storage.records import (
    AssignmentRecord,
    CohortRecord,
    HeldVoice,
    NotFound,
    ScorecardRecord,
    ScriptRecord,
    SessionSummary,
    StorageError,
    TurnMeta,
    UserRecord,
)
from storage.tables import (
    AssignmentRow,
    CohortRow,
    PublishedScriptRow,
    ScorecardRow,
    SessionRow,
    TurnRow,
    UserRow,
    VoiceInboxRow,
    table_of,
    utcnow,
)

# One logger for the whole package, under the name its records have always had.
logger = logging.getLogger("storage.repository")

_MAX_ID = 2**31 - 1  # primary keys are 32-bit integers
T = TypeVar("T")


# --- row <-> domain mapping ----------------------------------------------------------------------


def _user(row: UserRow) -> UserRecord:
    assert row.id is not None
    return UserRecord(
        id=row.id,
        telegram_id=row.telegram_id,
        display_name=row.display_name,
        language=row.language,  # type: ignore[arg-type]
        role=row.role,  # type: ignore[arg-type]
        created_at=row.created_at,
        voice_replies=row.voice_replies,
    )


def _turn(row: TurnRow) -> Turn:
    audio = None
    if row.audio_duration_s is not None:
        audio = Audio(duration_s=row.audio_duration_s, words=[Word(**w) for w in row.words or []])
    return Turn(speaker=row.speaker, text=row.text, lang=row.language, audio=audio)  # type: ignore[arg-type]


def _turn_meta(row: TurnRow, has_audio: bool) -> TurnMeta:
    return TurnMeta(
        number=row.number,
        engine=row.engine,
        fell_back=row.fell_back,
        confidence=row.confidence,
        fluency=row.fluency,
        has_audio=has_audio,
        created_at=row.created_at,
    )


def _summary(row: SessionRow) -> SessionSummary:
    assert row.id is not None
    return SessionSummary(
        id=row.id,
        user_id=row.user_id,
        scenario_id=row.scenario_id,
        scenario_version=row.scenario_version,
        language=row.language,  # type: ignore[arg-type]
        mode=row.mode,  # type: ignore[arg-type]
        engine=row.engine,
        status=row.status,  # type: ignore[arg-type]
        turn_count=row.turn_count,
        started_at=row.started_at,
        ended_at=row.ended_at,
    )


def _scorecard(row: ScorecardRow) -> ScorecardRecord:
    assert row.id is not None
    return ScorecardRecord(
        id=row.id,
        session_id=row.session_id,
        data=row.data,
        scorer_version=row.scorer_version,
        review_status=row.review_status,  # type: ignore[arg-type]
        amended_data=row.amended_data,
        reviewer_id=row.reviewer_id,
        reviewed_at=row.reviewed_at,
        comment=row.comment,
        created_at=row.created_at,
    )


def _cohort(row: CohortRow) -> CohortRecord:
    assert row.id is not None
    return CohortRecord(
        id=row.id,
        name=row.name,
        invite_code=row.invite_code,
        owner_id=row.owner_id,
        created_at=row.created_at,
    )


def _assignment(row: AssignmentRow) -> AssignmentRecord:
    assert row.id is not None
    return AssignmentRecord(
        id=row.id,
        scenario_id=row.scenario_id,
        scenario_version=row.scenario_version,
        cohort_id=row.cohort_id,
        user_id=row.user_id,
        due_at=row.due_at,
        mode=row.mode,  # type: ignore[arg-type]
        created_by=row.created_by,
        created_at=row.created_at,
        attempts=row.attempts,
    )


def _script(row: PublishedScriptRow) -> ScriptRecord:
    assert row.id is not None
    return ScriptRecord(
        id=row.id,
        scenario_id=row.scenario_id,
        version=row.version,
        script=row.script,
        source=row.source,
        uploaded_by=row.uploaded_by,
        published=row.published,
        uploaded_at=row.uploaded_at,
        published_at=row.published_at,
        published_by=row.published_by,
    )


def _held(row: VoiceInboxRow) -> HeldVoice:
    assert row.id is not None
    return HeldVoice(
        id=row.id,
        session_id=row.session_id,
        update_id=row.update_id,
        chat_id=row.chat_id,
        data=row.data,
        mime_type=row.mime_type,
        received_at=row.received_at,
        language=row.language,
    )


def _as_json_dict(value: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return dict(value)


def _row_json(row: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """A row as JSON-able data (datetimes as ISO 8601)."""
    return row.model_dump(mode="json", exclude=exclude)


# --- the repository's foundation -----------------------------------------------------------------


@functools.cache
def _insert_ignore_statement(table: Table, dialect_name: str) -> Insert:
    dialect_insert = sqlite.insert if dialect_name == "sqlite" else postgresql.insert
    key = next(iter(table.primary_key.columns))
    return dialect_insert(table).on_conflict_do_nothing().returning(key)


class RepositoryBase:
    """The engine, the clock and the helpers every concern of `Repository` uses."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utcnow) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise StorageError(f"unsupported database: {engine.dialect.name}")
        self.engine = engine
        self._clock = clock

    # helpers ---------------------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _insert_ignore(self, s: Session, row_class: type[Any], values: dict[str, Any]) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING; True if a row was inserted.

        One statement per (table, dialect), built once and run with `values` as parameters on the
        session's connection: building an ORM statement per call cost more than running it."""
        statement = _insert_ignore_statement(table_of(row_class), self.engine.dialect.name)
        # rowcount is not reliable here (psycopg): RETURNING says whether a row went in
        return s.connection().execute(statement, values).first() is not None

    @staticmethod
    def _get(s: Session, row_class: type[T], key: int, what: str) -> T:
        row = s.get(row_class, key) if 0 < key <= _MAX_ID else None
        if row is None:
            raise NotFound(f"no {what} {key}")
        return row

    @staticmethod
    def _assignment_mode(s: Session, row: SessionRow) -> str | None:
        if row.assignment_id is None:
            return None
        assignment = s.get(AssignmentRow, row.assignment_id)
        return assignment.mode if assignment is not None else None
