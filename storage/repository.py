"""The only code that reads and writes the database: rows in, domain objects out.

`Repository` is synchronous and thread-safe (one short transaction per method, each committed before
it returns). `AsyncRepository` runs the same methods in a worker thread (`asyncio.to_thread`) so the
bot never blocks its event loop.

Guarantees the rest of the application relies on:
- **write-ahead**: `add_turn` commits the turn (and its raw audio) before it returns, so a turn is
  never lost to what follows (LLM, a crash); `session()` then resumes from the last committed turn.
  A voice note comes first: `hold_voice` commits its raw audio to `voice_inbox` before it is
  transcribed, and `add_turn(update_id=...)` deletes that row in the turn's own transaction, so a
  note is always either held or a turn (never both, never neither) until it is refused
  (`release_voice`); `held_voices` lists what a crash left to transcribe;
- **turn numbers** start at 1 (the numbers scorecards quote) and are assigned atomically by
  incrementing `sessions.turn_count` in the same transaction as the insert: concurrent writers get
  distinct consecutive numbers on SQLite (the write lock) and on PostgreSQL (the row lock);
- **idempotent updates**: `mark_update_processed` and `add_turn(update_id=...)` rely on the unique
  key of `processed_updates` (INSERT ... ON CONFLICT DO NOTHING), so a redelivered Telegram update is
  handled once, even by two workers at the same time;
- **frozen scripts**: a session stores the scenario as played (and its digest); `session().scenario`
  is that copy, never the current library file, validated once per process (`storage.frozen_scripts`);
- **the director's state** is stored with the turn it follows (`add_turn(director_state=...)`, same
  transaction), so it never disagrees with the turns; `session(..., last_turns=n)` reads only the last
  turns (the turn path's cost does not grow with the session);
- **privacy**: `export_user` (what the person said and what was decided about them: scripts by id
  and version only, an unreleased exam scorecard withheld, see `scorecard_released`), `erase_user`
  (nothing left that names the user; on SQLite deleted pages are zeroed and the WAL truncated) and
  `purge_audio` (raw audio past its retention period).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, defer
from sqlmodel import col

from scenarios.model import Audio, Lang, Scenario, Transcript, Turn, Word
from storage.frozen_scripts import frozen_scripts, script_digest
from storage.records import (
    AmbiguousUser,
    AssignmentMode,
    AssignmentRecord,
    CohortRecord,
    DuplicateUpdate,
    ErasureReport,
    HeldVoice,
    NotFound,
    PendingUpdate,
    Role,
    ScorecardRecord,
    ScriptRecord,
    SessionClosed,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    StorageError,
    TurnMeta,
    UserRecord,
)
from storage.tables import (
    AssignmentRow,
    AudioBlobRow,
    CohortRow,
    MembershipRow,
    ProcessedUpdateRow,
    PublishedScriptRow,
    ScorecardRow,
    SessionRow,
    TurnRow,
    UpdateInboxRow,
    UserRow,
    VoiceInboxRow,
    WebLinkRow,
    utcnow,
)

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "oralblanc.user-export/2"  # /2: no frozen script; an unreleased exam scorecard withheld
_MAX_ID = 2**31 - 1  # primary keys are 32-bit integers
T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


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
        id=row.id, name=row.name, invite_code=row.invite_code, owner_id=row.owner_id, created_at=row.created_at
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


# --- what a candidate may see of their own sessions ----------------------------------------------

# The part of `sessions.state` that is the transport's settings for the session (the Telegram chat,
# voice replies, exam mode and deadline, a jury member's trial): exported; any other key is machinery.
TRANSPORT_STATE_KEY = "telegram"
WITHHELD_NOTE = (
    "An exam scorecard exists for this session; it is withheld until a trainer releases it "
    "(confirms or amends it), then it is part of your data like any other."
)


def _transport_prefs(state: Mapping[str, Any] | None) -> dict[str, Any]:
    prefs = (state or {}).get(TRANSPORT_STATE_KEY)
    return dict(prefs) if isinstance(prefs, Mapping) else {}


def _is_exam(row: SessionRow, assignment_mode: str | None) -> bool:
    """A mock exam whose scorecard waits for a trainer: exam mode (the transport's flag, an exam
    assignment or an exam script), unless it is a jury member trying a script."""
    prefs = _transport_prefs(row.state)
    if prefs.get("trial"):
        return False
    return bool(prefs.get("exam") or assignment_mode == "exam" or (row.script or {}).get("exam"))


def _withheld(exam: bool, card: ScorecardRow) -> bool:
    """An exam scorecard no trainer has confirmed or amended yet: its candidate may not see it."""
    return exam and card.review_status == "proposed"


# --- the repository ------------------------------------------------------------------------------


class Repository:
    """Synchronous storage API; every method is one committed transaction."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utcnow) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise StorageError(f"unsupported database: {engine.dialect.name}")
        self.engine = engine
        self._clock = clock

    # helpers ---------------------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _insert_ignore(self, s: Session, row_class: type[Any], values: dict[str, Any]) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING; True if a row was inserted."""
        dialect_insert = sqlite.insert if self.engine.dialect.name == "sqlite" else postgresql.insert
        key = sa_inspect(row_class).primary_key[0]
        statement = dialect_insert(row_class).values(**values).on_conflict_do_nothing().returning(key)
        return s.execute(statement).first() is not None  # rowcount is not reliable here (psycopg)

    @staticmethod
    def _get(s: Session, row_class: type[T], key: int, what: str) -> T:
        row = s.get(row_class, key) if 0 < key <= _MAX_ID else None
        if row is None:
            raise NotFound(f"no {what} {key}")
        return row

    # users -----------------------------------------------------------------------------------

    def get_or_create_user(
        self,
        *,
        telegram_id: int | None = None,
        display_name: str,
        language: Lang = "fr",
        role: Role = "candidate",
    ) -> int:
        """The id of the user with this Telegram id (or, without one, this display name, among users
        without Telegram), created with these values if new; an existing user is left unchanged
        (see `update_user`, and `user` for the record). Race-safe for Telegram users (unique key).
        """
        with self._session() as s, s.begin():
            if telegram_id is not None:
                values = dict(
                    telegram_id=telegram_id,
                    display_name=display_name,
                    language=language,
                    role=role,
                    created_at=self._clock(),
                )
                if self._insert_ignore(s, UserRow, values):
                    logger.info("new user for a Telegram account")
                found_id = s.scalars(select(UserRow.id).where(col(UserRow.telegram_id) == telegram_id)).one()
                assert found_id is not None
                return found_id
            found = s.scalars(
                select(UserRow.id)
                .where(col(UserRow.telegram_id).is_(None), col(UserRow.display_name) == display_name)
                .order_by(col(UserRow.id))
            ).first()
            if found is not None:
                return found
            row = UserRow(display_name=display_name, language=language, role=role, created_at=self._clock())
            s.add(row)
            s.flush()
            assert row.id is not None
            logger.info("new local user %s", row.id)
            return row.id

    def telegram_user(self, telegram_id: int, *, display_name: str, language: Lang = "fr") -> UserRecord:
        """The user of this Telegram account: one read when it exists (the common case, no write);
        created with these values (as `get_or_create_user`, race-safe) on first contact."""
        with self._session() as s:
            row = s.scalars(select(UserRow).where(col(UserRow.telegram_id) == telegram_id)).first()
            if row is not None:
                return _user(row)
        return self.user(self.get_or_create_user(telegram_id=telegram_id, display_name=display_name, language=language))

    def user(self, user_id: int) -> UserRecord:
        with self._session() as s:
            return _user(self._get(s, UserRow, user_id, "user"))

    def update_user(
        self,
        user_id: int,
        *,
        display_name: str | None = None,
        language: Lang | None = None,
        role: Role | None = None,
        voice_replies: bool | None = None,
    ) -> UserRecord:
        """Change a user's display name, language, role or voice-reply choice (None leaves a field as
        it is)."""
        with self._session() as s, s.begin():
            row = self._get(s, UserRow, user_id, "user")
            if display_name is not None:
                row.display_name = display_name
            if language is not None:
                row.language = language
            if role is not None:
                row.role = role
            if voice_replies is not None:
                row.voice_replies = voice_replies
            return _user(row)

    def find_user(self, ref: str | int) -> UserRecord:
        """A user by reference, for the CLI.

        `id:12`, `tg:123456789` (or `telegram:`), `name:Alice` are explicit; a bare number is a user
        id or a Telegram id (ambiguous if it is both, for different users); anything else a display
        name. Raises `NotFound` or `AmbiguousUser`.
        """
        with self._session() as s:
            if isinstance(ref, int):
                return _user(self._get(s, UserRow, ref, "user"))
            ref = ref.strip()
            kind, _, value = ref.partition(":")
            if value and kind in ("id", "tg", "telegram", "name"):
                if kind == "name":
                    return self._by_name(s, value)
                if not value.lstrip("-").isdigit():
                    raise NotFound(f"not a number: {value!r}")
                if kind == "id":
                    return _user(self._get(s, UserRow, int(value), "user"))
                row = s.scalars(select(UserRow).where(col(UserRow.telegram_id) == int(value))).first()
                if row is None:
                    raise NotFound(f"no user with Telegram id {value}")
                return _user(row)
            if ref.isdigit():
                by_id = s.get(UserRow, int(ref)) if int(ref) <= _MAX_ID else None
                by_tg = s.scalars(select(UserRow).where(col(UserRow.telegram_id) == int(ref))).first()
                if by_id is not None and by_tg is not None and by_id.id != by_tg.id:
                    raise AmbiguousUser(f"{ref} is user id {by_id.id} and the Telegram id of user {by_tg.id}")
                found = by_id or by_tg
                if found is not None:
                    return _user(found)
            return self._by_name(s, ref)

    @staticmethod
    def _by_name(s: Session, name: str) -> UserRecord:
        rows = list(s.scalars(select(UserRow).where(col(UserRow.display_name) == name)))
        if not rows:
            raise NotFound(f"no user named {name!r}")
        if len(rows) > 1:
            ids = ", ".join(str(r.id) for r in rows)
            raise AmbiguousUser(f"{len(rows)} users are named {name!r} (ids {ids}): use id:N")
        return _user(rows[0])

    # cohorts and assignments -------------------------------------------------------------------

    def create_cohort(self, name: str, *, owner_id: int | None = None, invite_code: str | None = None) -> int:
        with self._session() as s, s.begin():
            row = CohortRow(name=name, owner_id=owner_id, invite_code=invite_code, created_at=self._clock())
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def cohort_by_invite(self, invite_code: str) -> CohortRecord | None:
        with self._session() as s:
            row = s.scalars(select(CohortRow).where(col(CohortRow.invite_code) == invite_code)).first()
            return _cohort(row) if row else None

    def add_member(self, cohort_id: int, user_id: int) -> bool:
        """Put a user in a cohort; False if they already were."""
        with self._session() as s, s.begin():
            values = dict(cohort_id=cohort_id, user_id=user_id, joined_at=self._clock())
            return self._insert_ignore(s, MembershipRow, values)

    def members(self, cohort_id: int) -> list[UserRecord]:
        with self._session() as s:
            rows = s.scalars(
                select(UserRow)
                .join(MembershipRow, col(MembershipRow.user_id) == col(UserRow.id))
                .where(col(MembershipRow.cohort_id) == cohort_id)
                .order_by(col(UserRow.id))
            )
            return [_user(r) for r in rows]

    def assign(
        self,
        scenario_id: str,
        *,
        scenario_version: int | None = None,
        cohort_id: int | None = None,
        user_id: int | None = None,
        due_at: datetime | None = None,
        mode: AssignmentMode = "practice",
        created_by: int | None = None,
        attempts: int | None = None,
    ) -> int:
        """Assign a scenario to a cohort or to one user (exactly one of them); `attempts`: how many
        sessions each candidate may start for it (None: unlimited)."""
        if (cohort_id is None) == (user_id is None):
            raise ValueError("assign to a cohort or to a user (exactly one)")
        with self._session() as s, s.begin():
            row = AssignmentRow(
                scenario_id=scenario_id,
                scenario_version=scenario_version,
                cohort_id=cohort_id,
                user_id=user_id,
                due_at=due_at,
                mode=mode,
                created_by=created_by,
                attempts=attempts,
                created_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def cohort(self, cohort_id: int) -> CohortRecord:
        with self._session() as s:
            return _cohort(self._get(s, CohortRow, cohort_id, "cohort"))

    def cohorts_owned(self, owner_id: int | None = None) -> list[CohortRecord]:
        """The cohorts a trainer owns (every cohort when `owner_id` is None), oldest first."""
        with self._session() as s:
            query = select(CohortRow).order_by(col(CohortRow.id))
            if owner_id is not None:
                query = query.where(col(CohortRow.owner_id) == owner_id)
            return [_cohort(r) for r in s.scalars(query)]

    def cohorts_of_member(self, user_id: int) -> list[CohortRecord]:
        """The cohorts a user belongs to."""
        with self._session() as s:
            rows = s.scalars(
                select(CohortRow)
                .join(MembershipRow, col(MembershipRow.cohort_id) == col(CohortRow.id))
                .where(col(MembershipRow.user_id) == user_id)
                .order_by(col(CohortRow.id))
            )
            return [_cohort(r) for r in rows]

    def cohort_scorecards(self, cohort_id: int) -> list[tuple[UserRecord, SessionSummary, ScorecardRecord]]:
        """Every member's finished sessions with their latest scorecard, by member then session."""
        with self._session() as s:
            members = select(MembershipRow.user_id).where(col(MembershipRow.cohort_id) == cohort_id)
            rows = s.execute(
                select(UserRow, SessionRow, ScorecardRow)
                .join(SessionRow, col(SessionRow.user_id) == col(UserRow.id))
                .join(ScorecardRow, col(ScorecardRow.session_id) == col(SessionRow.id))
                .where(col(UserRow.id).in_(members), col(SessionRow.status) == "finished")
                .order_by(col(UserRow.id), col(SessionRow.started_at), col(SessionRow.id), col(ScorecardRow.id))
            ).all()
            latest: dict[int, tuple[UserRecord, SessionSummary, ScorecardRecord]] = {}
            for user, session, card in rows:
                assert session.id is not None
                latest[session.id] = (_user(user), _summary(session), _scorecard(card))
            return list(latest.values())

    def scorecard(self, scorecard_id: int) -> ScorecardRecord:
        with self._session() as s:
            return _scorecard(self._get(s, ScorecardRow, scorecard_id, "scorecard"))

    def proposed_scorecards(self, owner_id: int | None = None) -> list[tuple[UserRecord, SessionSummary, ScorecardRecord]]:
        """Scorecards waiting for a decision, of members of the cohorts `owner_id` owns (all when None)."""
        with self._session() as s:
            cohorts = select(CohortRow.id)
            if owner_id is not None:
                cohorts = cohorts.where(col(CohortRow.owner_id) == owner_id)
            members = select(MembershipRow.user_id).where(col(MembershipRow.cohort_id).in_(cohorts))
            rows = s.execute(
                select(UserRow, SessionRow, ScorecardRow)
                .join(SessionRow, col(SessionRow.user_id) == col(UserRow.id))
                .join(ScorecardRow, col(ScorecardRow.session_id) == col(SessionRow.id))
                .where(col(UserRow.id).in_(members), col(ScorecardRow.review_status) == "proposed")
                .order_by(col(ScorecardRow.id))
            ).all()
            return [(_user(u), _summary(se), _scorecard(c)) for u, se, c in rows]

    def assignments_for_user(self, user_id: int) -> list[AssignmentRecord]:
        """What a user has to play: assigned to them or to one of their cohorts."""
        with self._session() as s:
            cohorts = select(MembershipRow.cohort_id).where(col(MembershipRow.user_id) == user_id)
            rows = s.scalars(
                select(AssignmentRow)
                .where((col(AssignmentRow.user_id) == user_id) | col(AssignmentRow.cohort_id).in_(cohorts))
                .order_by(col(AssignmentRow.id))
            )
            return [_assignment(r) for r in rows]

    def attempts_used(self, user_id: int, assignment_id: int) -> int:
        """How many sessions (any status) the user has started for this assignment."""
        with self._session() as s:
            rows = s.scalars(
                select(SessionRow.id).where(
                    col(SessionRow.user_id) == user_id, col(SessionRow.assignment_id) == assignment_id
                )
            )
            return len(list(rows))

    # jury scripts ------------------------------------------------------------------------------

    def save_script(self, scenario: Scenario, source: str, *, uploaded_by: int | None = None) -> int:
        """Store an uploaded script (not published yet); returns its id."""
        with self._session() as s, s.begin():
            row = PublishedScriptRow(
                scenario_id=scenario.id,
                version=scenario.version,
                script=scenario.model_dump(mode="json"),
                source=source,
                uploaded_by=uploaded_by,
                published=False,
                uploaded_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def latest_upload(self, scenario_id: str) -> ScriptRecord | None:
        """The most recent upload of this scenario id (published or not)."""
        with self._session() as s:
            row = s.scalars(
                select(PublishedScriptRow)
                .where(col(PublishedScriptRow.scenario_id) == scenario_id)
                .order_by(col(PublishedScriptRow.id).desc())
            ).first()
            return _script(row) if row is not None else None

    def publish_script(self, script_id: int, *, published_by: int | None = None) -> ScriptRecord:
        """Mark an upload as published (live when no published version of its id is higher), and by whom."""
        with self._session() as s, s.begin():
            row = self._get(s, PublishedScriptRow, script_id, "script")
            row.published = True
            row.published_at = self._clock()
            row.published_by = published_by
            s.flush()
            return _script(row)

    def published_scripts(self) -> list[ScriptRecord]:
        """Every published script, by id then version (the last of an id is its live version)."""
        with self._session() as s:
            rows = s.scalars(
                select(PublishedScriptRow)
                .where(col(PublishedScriptRow.published).is_(True))
                .order_by(col(PublishedScriptRow.scenario_id), col(PublishedScriptRow.version),
                          col(PublishedScriptRow.id))
            )
            return [_script(r) for r in rows]

    def uploaded_scripts(self) -> list[ScriptRecord]:
        """Every uploaded script, published or not, oldest first."""
        with self._session() as s:
            rows = s.scalars(select(PublishedScriptRow).order_by(col(PublishedScriptRow.id)))
            return [_script(r) for r in rows]

    def publication_stamp(self) -> tuple[int, datetime | None]:
        """How many scripts have been published, and when the last was: changes on every publication
        (by any process), so a running bot can tell its catalog is out of date cheaply."""
        with self._session() as s:
            count, last = s.execute(
                select(func.count(col(PublishedScriptRow.id)), func.max(col(PublishedScriptRow.published_at)))
                .where(col(PublishedScriptRow.published).is_(True))
            ).one()
            return int(count), last

    def scenario_sessions(self, scenario_id: str) -> list[tuple[SessionSummary, ScorecardRecord | None]]:
        """Every finished session of a scenario (any version), oldest first, with its latest scorecard:
        for the jury, who read them without knowing whose they are (no user in the result)."""
        with self._session() as s:
            sessions = list(s.scalars(
                select(SessionRow)
                .where(col(SessionRow.scenario_id) == scenario_id, col(SessionRow.status) == "finished")
                .order_by(col(SessionRow.started_at), col(SessionRow.id))
            ))
            cards: dict[int, ScorecardRecord] = {}
            if sessions:
                for row in s.scalars(
                    select(ScorecardRow)
                    .where(col(ScorecardRow.session_id).in_([r.id for r in sessions]))
                    .order_by(col(ScorecardRow.id))
                ):
                    cards[row.session_id] = _scorecard(row)
            return [(_summary(r), cards.get(r.id)) for r in sessions if r.id is not None]

    # sessions --------------------------------------------------------------------------------

    def start_session(
        self,
        user_id: int,
        scenario: Scenario,
        language: Lang,
        mode: SessionMode = "text",
        engine: str = "scripted",
        *,
        assignment_id: int | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> int:
        """Open a session with the scenario frozen as it is now (and its transport `state`, written
        with it); returns its id."""
        script = scenario.model_dump(mode="json")
        with self._session() as s, s.begin():
            row = SessionRow(
                user_id=user_id,
                assignment_id=assignment_id,
                scenario_id=scenario.id,
                scenario_version=scenario.version,
                script=script,
                script_digest=script_digest(script),
                language=language,
                mode=mode,
                engine=engine,
                status="active",
                state=dict(state or {}),
                started_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            logger.info("session %s started (user %s, %s v%s)", row.id, user_id, scenario.id, scenario.version)
            return row.id

    def session(self, session_id: int, *, last_turns: int | None = None) -> SessionRecord:
        """The session with its frozen scenario and every committed turn, in order (only the last
        `last_turns` of them when given: see `SessionRecord.first_turn`)."""
        with self._session() as s:
            row = s.get(SessionRow, session_id, options=[defer(SessionRow.script)]) if 0 < session_id <= _MAX_ID else None  # type: ignore[arg-type]
            if row is None:
                raise NotFound(f"no session {session_id}")
            return self._record(s, row, last_turns)

    def _record(self, s: Session, row: SessionRow, last_turns: int | None = None) -> SessionRecord:
        assert row.id is not None
        query = select(TurnRow).where(col(TurnRow.session_id) == row.id)
        first = 1
        if last_turns is not None and row.turn_count > last_turns:
            first = row.turn_count - last_turns + 1
            query = query.where(col(TurnRow.number) >= first)
        turns = list(s.scalars(query.order_by(col(TurnRow.number))))
        if turns:
            first = turns[0].number
        with_audio = set(
            s.scalars(
                select(AudioBlobRow.turn_id).where(col(AudioBlobRow.turn_id).in_([t.id for t in turns]))
            )
        ) if turns else set()
        return SessionRecord(
            id=row.id,
            user_id=row.user_id,
            assignment_id=row.assignment_id,
            scenario=self._frozen_script(row),
            language=row.language,  # type: ignore[arg-type]
            mode=row.mode,  # type: ignore[arg-type]
            engine=row.engine,
            status=row.status,  # type: ignore[arg-type]
            started_at=row.started_at,
            ended_at=row.ended_at,
            state=dict(row.state or {}),
            turns=[_turn(t) for t in turns],
            meta=[_turn_meta(t, t.id in with_audio) for t in turns],
            director_state=dict(row.director_state) if row.director_state is not None else None,
            director_turn=row.director_turn,
            first_turn=first,
        )

    @staticmethod
    def _frozen_script(row: SessionRow) -> Scenario:
        """The session's script, validated once per process (`storage.frozen_scripts`): with its stored
        digest, the script itself is read from the database only the first time."""
        digest = row.script_digest or script_digest(row.script)
        return frozen_scripts.scenario((row.scenario_id, row.scenario_version, digest), lambda: row.script)

    def transcript(self, session_id: int) -> Transcript:
        return self.session(session_id).transcript()

    def active_session(self, user_id: int, *, last_turns: int | None = None) -> SessionRecord | None:
        """The user's most recently started session still active, if any (with only its last
        `last_turns` turns when given)."""
        with self._session() as s:
            row = s.scalars(
                select(SessionRow)
                .options(defer(SessionRow.script))  # type: ignore[arg-type]
                .where(col(SessionRow.user_id) == user_id, col(SessionRow.status) == "active")
                .order_by(col(SessionRow.started_at).desc(), col(SessionRow.id).desc())
            ).first()
            return self._record(s, row, last_turns) if row is not None else None

    def sessions_for_user(self, user_id: int, status: SessionStatus | None = None) -> list[SessionSummary]:
        """The user's sessions, oldest first (summaries: no script, no turns)."""
        with self._session() as s:
            query = select(SessionRow).where(col(SessionRow.user_id) == user_id)
            if status is not None:
                query = query.where(col(SessionRow.status) == status)
            rows = s.scalars(query.order_by(col(SessionRow.started_at), col(SessionRow.id)))
            return [_summary(r) for r in rows]

    def finish_session(self, session_id: int, status: SessionStatus = "finished") -> bool:
        """Close an active session as finished or abandoned; False if it was already closed."""
        if status == "active":
            raise ValueError("finish_session closes a session: status is 'finished' or 'abandoned'")
        with self._session() as s, s.begin():
            result = s.execute(
                update(SessionRow)
                .where(col(SessionRow.id) == session_id, col(SessionRow.status) == "active")
                .values(status=status, ended_at=self._clock())
                .execution_options(synchronize_session=False)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                logger.info("session %s %s", session_id, status)
                return True
            self._get(s, SessionRow, session_id, "session")
            return False

    def set_session_state(self, session_id: int, state: Mapping[str, Any]) -> None:
        """Replace the session's `state` (JSON: transport caches, never the only copy of a turn)."""
        with self._session() as s, s.begin():
            row = self._get(s, SessionRow, session_id, "session")
            row.state = dict(state)

    # turns -----------------------------------------------------------------------------------

    def add_turn(
        self,
        session_id: int,
        turn: Turn,
        *,
        engine: str | None = None,
        fell_back: bool = False,
        confidence: float | None = None,
        fluency: Mapping[str, Any] | None = None,
        audio_bytes: bytes | None = None,
        audio_mime_type: str = "audio/ogg",
        update_id: int | None = None,
        director_state: Mapping[str, Any] | None = None,
    ) -> int:
        """Commit a turn (write-ahead) and return its number (1, 2, ...).

        The number comes from incrementing the session's `turn_count` in the same transaction, so
        concurrent writers get distinct consecutive numbers. With `update_id`, the Telegram update
        is marked processed in the same transaction: a redelivery raises `DuplicateUpdate` and
        stores nothing; and the voice note held for that update (`hold_voice`), if any, is deleted
        in the same transaction too. Raw audio is kept in `audio_blobs` until `purge_audio`.
        With `director_state` (JSON), the session keeps it as the director's state after this turn
        (`director_turn` = this turn's number), in the same transaction: a stored state never
        disagrees with the stored turns.
        """
        now = self._clock()
        counted: dict[str, Any] = {"turn_count": col(SessionRow.turn_count) + 1}
        if director_state is not None:
            counted.update(director_state=dict(director_state), director_turn=col(SessionRow.turn_count) + 1)
        with self._session() as s, s.begin():
            number = s.execute(
                update(SessionRow)
                .where(col(SessionRow.id) == session_id, col(SessionRow.status) == "active")
                .values(**counted)
                .returning(col(SessionRow.turn_count))
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
            if number is None:
                row = self._get(s, SessionRow, session_id, "session")
                raise SessionClosed(f"session {session_id} is {row.status}")
            if update_id is not None:
                values = dict(update_id=update_id, processed_at=now)
                if not self._insert_ignore(s, ProcessedUpdateRow, values):
                    raise DuplicateUpdate(f"update {update_id} already processed")
                s.execute(
                    delete(VoiceInboxRow)
                    .where(col(VoiceInboxRow.update_id) == update_id)
                    .execution_options(synchronize_session=False)
                )
            row = TurnRow(
                session_id=session_id,
                number=number,
                speaker=turn.speaker,
                text=turn.text,
                language=turn.lang,
                audio_duration_s=turn.audio.duration_s if turn.audio else None,
                words=[w.model_dump(mode="json") for w in turn.audio.words] if turn.audio else None,
                confidence=confidence,
                fluency=dict(fluency) if fluency is not None else None,
                engine=engine,
                fell_back=fell_back,
                created_at=now,
            )
            s.add(row)
            s.flush()
            if audio_bytes is not None:
                assert row.id is not None
                s.add(AudioBlobRow(turn_id=row.id, mime_type=audio_mime_type, data=audio_bytes, created_at=now))
        logger.debug("session %s: turn %s committed (%s)", session_id, number, turn.speaker)
        return number

    def audio(self, session_id: int, number: int) -> bytes | None:
        """The raw audio of a turn, if still kept."""
        with self._session() as s:
            return s.scalars(
                select(AudioBlobRow.data)
                .join(TurnRow, col(TurnRow.id) == col(AudioBlobRow.turn_id))
                .where(col(TurnRow.session_id) == session_id, col(TurnRow.number) == number)
            ).first()

    # voice inbox -----------------------------------------------------------------------------

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
            self._insert_ignore(s, ProcessedUpdateRow, {"update_id": update_id, "processed_at": self._clock()})
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def active_session_states(self) -> list[tuple[int, int, dict[str, Any]]]:
        """(session id, user id, transport state) of every active session: what a deadline watcher
        needs, without loading scripts or turns."""
        with self._session() as s:
            rows = s.execute(
                select(SessionRow.id, SessionRow.user_id, SessionRow.state).where(col(SessionRow.status) == "active")
            ).all()
            return [(int(i), int(u), dict(state or {})) for i, u, state in rows]

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

    # scorecards ------------------------------------------------------------------------------

    def save_scorecard(
        self, session_id: int, scorecard: Mapping[str, Any] | BaseModel, scorer_version: str
    ) -> int:
        """Store the scorer's proposal (status `proposed`); returns the scorecard id."""
        with self._session() as s, s.begin():
            self._get(s, SessionRow, session_id, "session")
            row = ScorecardRow(
                session_id=session_id,
                data=_as_json_dict(scorecard),
                scorer_version=scorer_version,
                review_status="proposed",
                created_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def scorecards(self, session_id: int) -> list[ScorecardRecord]:
        """Every scorecard of a session, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(ScorecardRow).where(col(ScorecardRow.session_id) == session_id).order_by(col(ScorecardRow.id))
            )
            return [_scorecard(r) for r in rows]

    def latest_scorecard(self, session_id: int) -> ScorecardRecord | None:
        cards = self.scorecards(session_id)
        return cards[-1] if cards else None

    def review_scorecard(
        self,
        scorecard_id: int,
        *,
        reviewer_id: int,
        status: Literal["confirmed", "amended"],
        comment: str | None = None,
        amended: Mapping[str, Any] | BaseModel | None = None,
    ) -> ScorecardRecord:
        """A person's decision: confirm the proposal, or amend it (the amended scorecard required)."""
        if status == "amended" and amended is None:
            raise ValueError("an amended review needs the amended scorecard")
        if status == "confirmed" and amended is not None:
            raise ValueError("a confirmed review keeps the proposal: no amended scorecard")
        with self._session() as s, s.begin():
            row = self._get(s, ScorecardRow, scorecard_id, "scorecard")
            row.review_status = status
            row.amended_data = _as_json_dict(amended) if amended is not None else None
            row.reviewer_id = reviewer_id
            row.reviewed_at = self._clock()
            row.comment = comment
            s.flush()
            return _scorecard(row)

    # Telegram updates ------------------------------------------------------------------------

    def mark_update_processed(self, update_id: int) -> bool:
        """Record a Telegram update as handled; False if it already was (race-safe)."""
        with self._session() as s, s.begin():
            return self._insert_ignore(s, ProcessedUpdateRow, dict(update_id=update_id, processed_at=self._clock()))

    def forget_processed_updates(self, older_than: timedelta) -> int:
        """Drop update ids older than `older_than` (Telegram stops redelivering after 24 h), and the
        inbox's done updates as old."""
        cutoff = self._clock() - older_than
        with self._session() as s, s.begin():
            result = s.execute(delete(ProcessedUpdateRow).where(col(ProcessedUpdateRow.processed_at) < cutoff))
            s.execute(
                delete(UpdateInboxRow).where(
                    col(UpdateInboxRow.done_at).is_not(None), col(UpdateInboxRow.received_at) < cutoff
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # update inbox ----------------------------------------------------------------------------

    def hold_update(self, update_id: int, chat_id: int | None, payload: Mapping[str, Any]) -> bool:
        """Hold a Telegram update as received (write-ahead, before Telegram is told it arrived);
        False when it is already held or was handled (a redelivery: nothing is stored)."""
        with self._session() as s, s.begin():
            return self._insert_ignore(s, UpdateInboxRow, {
                "update_id": update_id, "chat_id": chat_id, "payload": dict(payload), "attempts": 0,
                "received_at": self._clock(),
            })

    def update_done(self, update_id: int) -> None:
        """The update has been handled to its end: its content is cleared, its id kept (a redelivery
        is recognised) until `forget_processed_updates`."""
        now = self._clock()
        with self._session() as s, s.begin():
            result = s.execute(
                update(UpdateInboxRow)
                .where(col(UpdateInboxRow.update_id) == update_id)
                .values(payload=None, done_at=now)
                .execution_options(synchronize_session=False)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                self._insert_ignore(s, UpdateInboxRow, {
                    "update_id": update_id, "chat_id": None, "payload": None, "attempts": 0,
                    "received_at": now, "done_at": now,
                })

    def pending_updates(self, *, older_than: timedelta = timedelta(0)) -> list[PendingUpdate]:
        """The held updates not handled to their end, received at least `older_than` ago, in order."""
        with self._session() as s:
            rows = s.scalars(
                select(UpdateInboxRow)
                .where(col(UpdateInboxRow.done_at).is_(None),
                       col(UpdateInboxRow.received_at) <= self._clock() - older_than)
                .order_by(col(UpdateInboxRow.update_id))
            )
            return [
                PendingUpdate(r.update_id, r.chat_id, dict(r.payload or {}), r.attempts, r.received_at) for r in rows
            ]

    def count_update_attempt(self, update_id: int) -> int:
        """One more attempt at a held update (a replay after a crash or a failure); the new count."""
        with self._session() as s, s.begin():
            return int(s.execute(
                update(UpdateInboxRow)
                .where(col(UpdateInboxRow.update_id) == update_id)
                .values(attempts=col(UpdateInboxRow.attempts) + 1)
                .returning(col(UpdateInboxRow.attempts))
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none() or 0)

    def held_update(self, update_id: int) -> PendingUpdate | None:
        """One held update not handled to its end (None when it is done or was never held): what a
        queue worker reads back by update id (`bot.queue.worker`)."""
        with self._session() as s:
            r = s.get(UpdateInboxRow, update_id)
            if r is None or r.done_at is not None:
                return None
            return PendingUpdate(r.update_id, r.chat_id, dict(r.payload or {}), r.attempts, r.received_at)

    # privacy ---------------------------------------------------------------------------------

    def export_user(self, user_id: int, *, include_audio: bool = True) -> dict[str, Any]:
        """Everything stored about a user, as JSON-able data (raw audio base64-encoded), in the
        `oralblanc.user-export/2` format.

        A person's data is what they said and what was decided about them, not the exam's answer
        key: each session names its script by `scenario_id` and `scenario_version` only (the frozen
        script, with its hidden facts, limits, objections and the scorer's patterns, is not
        exported), its `state` keeps only the transport's settings (chat, voice replies, exam mode
        and deadline), and its turns are what was said on both sides. A mock-exam scorecard that no
        trainer has confirmed or amended yet is withheld: the export says one exists
        (`"withheld": true`, with `id`, `created_at`, `review_status` and a `note`), without levels,
        evidence or advice, until it is released. Every other scorecard is exported whole
        (`"withheld": false`). A trainer's export lists the reviews they wrote.

        Voice notes held in `voice_inbox` are not exported: they are transient (seconds, until
        transcribed into a turn, which is exported) and erased with the user.
        """
        with self._session() as s:
            user = self._get(s, UserRow, user_id, "user")
            memberships = [
                {**_row_json(m, exclude={"id", "user_id"}), "cohort_name": c.name}
                for m, c in s.execute(
                    select(MembershipRow, CohortRow)
                    .join(CohortRow, col(CohortRow.id) == col(MembershipRow.cohort_id))
                    .where(col(MembershipRow.user_id) == user_id)
                    .order_by(col(MembershipRow.id))
                ).all()
            ]
            assignments = [
                _row_json(a)
                for a in s.scalars(select(AssignmentRow).where(col(AssignmentRow.user_id) == user_id))
            ]
            sessions = [
                self._export_session(s, row, include_audio)
                for row in s.scalars(
                    select(SessionRow).where(col(SessionRow.user_id) == user_id).order_by(col(SessionRow.id))
                )
            ]
            owned = [_row_json(c) for c in s.scalars(select(CohortRow).where(col(CohortRow.owner_id) == user_id))]
            created = [
                _row_json(a) for a in s.scalars(select(AssignmentRow).where(col(AssignmentRow.created_by) == user_id))
            ]
            reviews = [
                {
                    "scorecard_id": r.id,
                    "review_status": r.review_status,
                    "reviewed_at": r.reviewed_at.isoformat() if r.reviewed_at else None,
                    "comment": r.comment,
                }
                for r in s.scalars(select(ScorecardRow).where(col(ScorecardRow.reviewer_id) == user_id))
            ]
            scripts = [
                _row_json(p, exclude={"script", "source"})
                for p in s.scalars(
                    select(PublishedScriptRow)
                    .where((col(PublishedScriptRow.uploaded_by) == user_id) | (col(PublishedScriptRow.published_by) == user_id))
                    .order_by(col(PublishedScriptRow.id))
                )
            ]
            return {
                "format": EXPORT_FORMAT,
                "exported_at": self._clock().isoformat(),
                "user": _row_json(user),
                "memberships": memberships,
                "assignments": assignments,
                "sessions": sessions,
                "cohorts_owned": owned,
                "assignments_created": created,
                "reviews_written": reviews,
                "scripts_uploaded": scripts,  # or published
            }

    def _export_session(self, s: Session, row: SessionRow, include_audio: bool) -> dict[str, Any]:
        turns = []
        for turn in s.scalars(select(TurnRow).where(col(TurnRow.session_id) == row.id).order_by(col(TurnRow.number))):
            data = _row_json(turn, exclude={"session_id"})
            blob = s.scalars(select(AudioBlobRow).where(col(AudioBlobRow.turn_id) == turn.id)).first()
            data["raw_audio"] = None
            if blob is not None:
                data["raw_audio"] = {
                    "mime_type": blob.mime_type,
                    "size": len(blob.data),
                    "created_at": blob.created_at.isoformat(),
                    "base64": base64.b64encode(blob.data).decode("ascii") if include_audio else None,
                }
            turns.append(data)
        exam = _is_exam(row, self._assignment_mode(s, row))
        scorecards = []
        for card in s.scalars(
            select(ScorecardRow).where(col(ScorecardRow.session_id) == row.id).order_by(col(ScorecardRow.id))
        ):
            if _withheld(exam, card):
                scorecards.append({
                    "id": card.id, "created_at": card.created_at.isoformat(), "review_status": card.review_status,
                    "withheld": True, "note": WITHHELD_NOTE,
                })
            else:
                scorecards.append({**_row_json(card, exclude={"session_id"}), "withheld": False})
        # the script by id and version only; the director's state is derived from the turns (and would
        # hint at the hidden brief: verdicts against the persona's demand), so it is not exported either
        session = _row_json(row, exclude={"user_id", "script", "script_digest", "state", "director_state", "director_turn"})
        prefs = _transport_prefs(row.state)
        session["state"] = {TRANSPORT_STATE_KEY: prefs} if prefs else {}
        return {**session, "turns": turns, "scorecards": scorecards}

    @staticmethod
    def _assignment_mode(s: Session, row: SessionRow) -> str | None:
        if row.assignment_id is None:
            return None
        assignment = s.get(AssignmentRow, row.assignment_id)
        return assignment.mode if assignment is not None else None

    def scorecard_released(self, session_id: int) -> bool:
        """Whether the candidate may see the session's scorecard: True unless it is a mock exam (see
        `export_user`) whose latest scorecard is missing or still only proposed."""
        with self._session() as s:
            row = self._get(s, SessionRow, session_id, "session")
            if not _is_exam(row, self._assignment_mode(s, row)):
                return True
            latest = s.scalars(
                select(ScorecardRow).where(col(ScorecardRow.session_id) == session_id).order_by(col(ScorecardRow.id).desc())
            ).first()
            return latest is not None and not _withheld(True, latest)

    def erase_user(self, user_id: int) -> ErasureReport:
        """Delete a user and everything that names them, in one transaction.

        Deleted: their sessions, turns, raw audio (of turns, and voice notes still held in
        `voice_inbox`), scorecards, memberships, the assignments made to them, and the user row. Detached (kept for the other people they concern, with the link to
        this user set to NULL): cohorts they own, assignments they created, reviews they wrote
        (a review's comment stays with the other candidate's scorecard it is about).
        On SQLite the freed pages are zeroed and the WAL truncated; on PostgreSQL the deleted rows
        are invisible at once and their space is reclaimed by (auto)vacuum.
        """
        report = ErasureReport(user_id=user_id)
        with self._session() as s, s.begin():
            self._get(s, UserRow, user_id, "user")
            sessions = select(SessionRow.id).where(col(SessionRow.user_id) == user_id)
            turns = select(TurnRow.id).where(col(TurnRow.session_id).in_(sessions))
            own_assignments = select(AssignmentRow.id).where(col(AssignmentRow.user_id) == user_id)

            def run(kind: dict[str, int], name: str, statement: Any) -> None:
                kind[name] = int(s.execute(statement.execution_options(synchronize_session=False)).rowcount)

            d, u = report.deleted, report.detached
            run(d, "audio_blobs", delete(AudioBlobRow).where(col(AudioBlobRow.turn_id).in_(turns)))
            run(d, "turns", delete(TurnRow).where(col(TurnRow.session_id).in_(sessions)))
            run(d, "scorecards", delete(ScorecardRow).where(col(ScorecardRow.session_id).in_(sessions)))
            run(d, "voice_inbox", delete(VoiceInboxRow).where(col(VoiceInboxRow.session_id).in_(sessions)))
            telegram_id = s.get(UserRow, user_id).telegram_id  # type: ignore[union-attr]
            if telegram_id is not None:  # updates held from their private chat (its id is theirs)
                run(d, "update_inbox", delete(UpdateInboxRow).where(col(UpdateInboxRow.chat_id) == telegram_id))
            run(d, "sessions", delete(SessionRow).where(col(SessionRow.user_id) == user_id))
            run(
                u,
                "sessions.assignment_id",
                update(SessionRow).where(col(SessionRow.assignment_id).in_(own_assignments)).values(assignment_id=None),
            )
            run(d, "assignments", delete(AssignmentRow).where(col(AssignmentRow.user_id) == user_id))
            run(d, "memberships", delete(MembershipRow).where(col(MembershipRow.user_id) == user_id))
            run(d, "web_links", delete(WebLinkRow).where(col(WebLinkRow.user_id) == user_id))
            run(u, "cohorts.owner_id", update(CohortRow).where(col(CohortRow.owner_id) == user_id).values(owner_id=None))
            run(
                u,
                "assignments.created_by",
                update(AssignmentRow).where(col(AssignmentRow.created_by) == user_id).values(created_by=None),
            )
            run(
                u,
                "published_scripts.uploaded_by",
                update(PublishedScriptRow)
                .where(col(PublishedScriptRow.uploaded_by) == user_id)
                .values(uploaded_by=None),
            )
            run(
                u,
                "published_scripts.published_by",
                update(PublishedScriptRow)
                .where(col(PublishedScriptRow.published_by) == user_id)
                .values(published_by=None),
            )
            run(
                u,
                "scorecards.reviewer_id",
                update(ScorecardRow).where(col(ScorecardRow.reviewer_id) == user_id).values(reviewer_id=None),
            )
            run(d, "users", delete(UserRow).where(col(UserRow.id) == user_id))
        self._scrub_sqlite()
        logger.info("user %s erased: %s", user_id, report.deleted)
        return report

    def purge_audio(self, older_than: timedelta) -> int:
        """Delete raw audio stored more than `older_than` ago: of turns (`audio_blobs`) and voice notes
        still held (`voice_inbox`, never transcribed); returns how many were deleted in all.

        Turns keep what was derived from the audio (duration, word timings, confidence).
        """
        cutoff = self._clock() - older_than
        with self._session() as s, s.begin():
            result = s.execute(delete(AudioBlobRow).where(col(AudioBlobRow.created_at) < cutoff))
            blobs = int(result.rowcount)  # type: ignore[attr-defined]
            result = s.execute(delete(VoiceInboxRow).where(col(VoiceInboxRow.received_at) < cutoff))
            held = int(result.rowcount)  # type: ignore[attr-defined]
        if blobs or held:
            self._scrub_sqlite()
        logger.info("purged %s raw audio and %s held voice notes older than %s", blobs, held, older_than)
        return blobs + held

    def trial_sessions(self, scenario_id: str) -> set[int]:
        """The finished sessions of a scenario that a jury member played to try the script (`trial` in
        the transport's state): not a candidate's, so not listed with theirs."""
        with self._session() as s:
            rows = s.execute(
                select(SessionRow.id, SessionRow.state)
                .where(col(SessionRow.scenario_id) == scenario_id, col(SessionRow.status) == "finished")
            ).all()
            return {session_id for session_id, state in rows if _transport_prefs(state).get("trial")}

    def joined_at(self, cohort_id: int, user_id: int) -> datetime | None:
        """When the user joined the cohort; None if they are not a member."""
        with self._session() as s:
            return s.scalars(
                select(MembershipRow.joined_at)
                .where(col(MembershipRow.cohort_id) == cohort_id, col(MembershipRow.user_id) == user_id)
            ).first()

    def _scrub_sqlite(self) -> None:
        """SQLite: deleted pages are zeroed (`secure_delete`); also fold and truncate the WAL."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as connection:
            busy, _, _ = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            if busy:
                logger.warning("WAL checkpoint incomplete (a reader is active): old pages remain until the next one")

    # web console sign-in links ---------------------------------------------------------------

    def add_web_link(self, user_id: int, token_hash: str, *, expires_at: datetime) -> int:
        """Keep a one-time sign-in link (the hash of its token) for a user; returns its id."""
        with self._session() as s, s.begin():
            self._get(s, UserRow, user_id, "user")
            row = WebLinkRow(token_hash=token_hash, user_id=user_id, created_at=self._clock(), expires_at=expires_at)
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def spend_web_link(self, token_hash: str) -> int | None:
        """Spend a sign-in link, once: the user id when it was unused and not expired (it is then
        marked used, in one UPDATE, so two clicks at once open one session), else None."""
        now = self._clock()
        with self._session() as s, s.begin():
            row = s.scalars(select(WebLinkRow).where(col(WebLinkRow.token_hash) == token_hash)).first()
            if row is None or row.used_at is not None or row.expires_at <= now:
                return None
            spent = s.execute(
                update(WebLinkRow)
                .where(col(WebLinkRow.id) == row.id, col(WebLinkRow.used_at).is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            return row.user_id if int(spent.rowcount) == 1 else None  # type: ignore[attr-defined]

    def cohort_assignments(self, cohort_id: int) -> list[AssignmentRecord]:
        """The assignments made to a cohort, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(AssignmentRow).where(col(AssignmentRow.cohort_id) == cohort_id).order_by(col(AssignmentRow.id))
            )
            return [_assignment(r) for r in rows]


# --- async wrapper -------------------------------------------------------------------------------


def _in_thread(
    method: Callable[Concatenate[Repository, P], R],
) -> Callable[Concatenate[AsyncRepository, P], Coroutine[Any, Any, R]]:
    """An async method running `Repository.<method>` in a worker thread, same signature."""

    name = method.__name__

    @functools.wraps(method)
    async def threaded(self: AsyncRepository, *args: P.args, **kwargs: P.kwargs) -> R:
        bound: Callable[P, R] = getattr(self.sync, name)  # honours subclasses of Repository
        return await asyncio.to_thread(bound, *args, **kwargs)

    return threaded


class AsyncRepository:
    """The same API as `Repository`, each call run in a worker thread (never blocks the event loop).

    Signatures and documentation are those of the `Repository` methods of the same names.
    """

    def __init__(self, repository: Repository) -> None:
        self.sync = repository

    @classmethod
    def from_engine(cls, engine: Engine) -> AsyncRepository:
        return cls(Repository(engine))

    get_or_create_user = _in_thread(Repository.get_or_create_user)
    user = _in_thread(Repository.user)
    telegram_user = _in_thread(Repository.telegram_user)
    update_user = _in_thread(Repository.update_user)
    find_user = _in_thread(Repository.find_user)
    create_cohort = _in_thread(Repository.create_cohort)
    cohort_by_invite = _in_thread(Repository.cohort_by_invite)
    add_member = _in_thread(Repository.add_member)
    members = _in_thread(Repository.members)
    assign = _in_thread(Repository.assign)
    assignments_for_user = _in_thread(Repository.assignments_for_user)
    cohort = _in_thread(Repository.cohort)
    cohorts_owned = _in_thread(Repository.cohorts_owned)
    cohorts_of_member = _in_thread(Repository.cohorts_of_member)
    cohort_scorecards = _in_thread(Repository.cohort_scorecards)
    scorecard = _in_thread(Repository.scorecard)
    proposed_scorecards = _in_thread(Repository.proposed_scorecards)
    attempts_used = _in_thread(Repository.attempts_used)
    save_script = _in_thread(Repository.save_script)
    latest_upload = _in_thread(Repository.latest_upload)
    publish_script = _in_thread(Repository.publish_script)
    published_scripts = _in_thread(Repository.published_scripts)
    uploaded_scripts = _in_thread(Repository.uploaded_scripts)
    publication_stamp = _in_thread(Repository.publication_stamp)
    scenario_sessions = _in_thread(Repository.scenario_sessions)
    start_session = _in_thread(Repository.start_session)
    session = _in_thread(Repository.session)
    transcript = _in_thread(Repository.transcript)
    active_session = _in_thread(Repository.active_session)
    sessions_for_user = _in_thread(Repository.sessions_for_user)
    finish_session = _in_thread(Repository.finish_session)
    set_session_state = _in_thread(Repository.set_session_state)
    add_turn = _in_thread(Repository.add_turn)
    audio = _in_thread(Repository.audio)
    hold_voice = _in_thread(Repository.hold_voice)
    release_voice = _in_thread(Repository.release_voice)
    held_voices = _in_thread(Repository.held_voices)
    save_scorecard = _in_thread(Repository.save_scorecard)
    scorecards = _in_thread(Repository.scorecards)
    latest_scorecard = _in_thread(Repository.latest_scorecard)
    review_scorecard = _in_thread(Repository.review_scorecard)
    mark_update_processed = _in_thread(Repository.mark_update_processed)
    forget_processed_updates = _in_thread(Repository.forget_processed_updates)
    held_voice = _in_thread(Repository.held_voice)
    active_session_states = _in_thread(Repository.active_session_states)
    hold_update = _in_thread(Repository.hold_update)
    update_done = _in_thread(Repository.update_done)
    pending_updates = _in_thread(Repository.pending_updates)
    count_update_attempt = _in_thread(Repository.count_update_attempt)
    held_update = _in_thread(Repository.held_update)
    export_user = _in_thread(Repository.export_user)
    scorecard_released = _in_thread(Repository.scorecard_released)
    erase_user = _in_thread(Repository.erase_user)
    purge_audio = _in_thread(Repository.purge_audio)
    trial_sessions = _in_thread(Repository.trial_sessions)
    joined_at = _in_thread(Repository.joined_at)
    add_web_link = _in_thread(Repository.add_web_link)
    spend_web_link = _in_thread(Repository.spend_web_link)
    cohort_assignments = _in_thread(Repository.cohort_assignments)


__all__: Sequence[str] = (
    "AmbiguousUser",
    "AssignmentRecord",
    "AsyncRepository",
    "CohortRecord",
    "DuplicateUpdate",
    "ErasureReport",
    "HeldVoice",
    "NotFound",
    "Repository",
    "ScorecardRecord",
    "ScriptRecord",
    "SessionClosed",
    "SessionRecord",
    "SessionSummary",
    "StorageError",
    "TurnMeta",
    "UserRecord",
)
