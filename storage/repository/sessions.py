"""Sessions and their turns: the frozen script, write-ahead turns numbered atomically, the director's
state stored with the turn it follows, raw audio."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session, defer
from sqlmodel import col

from scenarios.model import Lang, Scenario, Transcript, Turn
from storage.frozen_scripts import frozen_scripts, script_digest
from storage.records import (
    DuplicateUpdate,
    NotFound,
    SessionClosed,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SessionSummary,
)
from storage.repository.base import _MAX_ID, RepositoryBase, _summary, _turn, _turn_meta, logger
from storage.tables import AudioBlobRow, ProcessedUpdateRow, SessionRow, TurnRow, VoiceInboxRow, table_of


class SessionsMixin(RepositoryBase):
    """Sessions, turns, the director's state and raw audio."""

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
            logger.info(
                "session %s started (user %s, %s v%s)", row.id, user_id, scenario.id, scenario.version
            )
            return row.id

    def session(self, session_id: int, *, last_turns: int | None = None) -> SessionRecord:
        """The session with its frozen scenario and every committed turn, in order (only the last
        `last_turns` of them when given: see `SessionRecord.first_turn`)."""
        with self._session() as s:
            # SQLModel types the column as its value (a dict); defer() gets the attribute it is at run time
            lazy_script = defer(SessionRow.script)  # type: ignore[arg-type]
            row = s.get(SessionRow, session_id, options=[lazy_script]) if 0 < session_id <= _MAX_ID else None
            if row is None:
                raise NotFound(f"no session {session_id}")
            return self._record(s, row, last_turns)

    def _record(self, s: Session, row: SessionRow, last_turns: int | None = None) -> SessionRecord:
        assert row.id is not None
        first = 1
        if last_turns is not None and row.turn_count > last_turns:
            first = row.turn_count - last_turns + 1
        turns = list(s.scalars(_TURNS_FROM, {"session": row.id, "first": first}))
        if turns:
            first = turns[0].number
        spoken = [t.id for t in turns if t.audio_duration_s is not None]  # only spoken turns keep audio
        with_audio = (
            set(s.scalars(select(col(AudioBlobRow.turn_id)).where(col(AudioBlobRow.turn_id).in_(spoken))))
            if spoken
            else set()
        )
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
            row = s.scalars(_ACTIVE_SESSION, {"user": user_id}).first()
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

    def active_session_states(self) -> list[tuple[int, int, dict[str, Any]]]:
        """(session id, user id, transport state) of every active session: what a deadline watcher
        needs, without loading scripts or turns."""
        with self._session() as s:
            rows = s.execute(
                select(col(SessionRow.id), col(SessionRow.user_id), col(SessionRow.state)).where(
                    col(SessionRow.status) == "active"
                )
            ).all()
            return [(int(i), int(u), dict(state or {})) for i, u, state in rows]

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
        with self._session() as s, s.begin():
            # Statements built once (end of this module) and run with parameters on the connection:
            # the turn path's hottest writes, where building ORM statements cost more than running them.
            connection = s.connection()
            if director_state is None:
                counted = connection.execute(_COUNT_TURN, {"session": session_id})
            else:
                counted = connection.execute(
                    _COUNT_TURN_WITH_STATE,
                    {"session": session_id, "director_state_json": dict(director_state)},
                )
            number = counted.scalar_one_or_none()
            if number is None:
                closed = self._get(s, SessionRow, session_id, "session")
                raise SessionClosed(f"session {session_id} is {closed.status}")
            if update_id is not None:
                values = {"update_id": update_id, "processed_at": now}
                if not self._insert_ignore(s, ProcessedUpdateRow, values):
                    raise DuplicateUpdate(f"update {update_id} already processed")
                connection.execute(_FORGET_HELD_VOICE, {"update": update_id})
            turn_id = connection.execute(
                _INSERT_TURN,
                {
                    "session_id": session_id,
                    "number": number,
                    "speaker": turn.speaker,
                    "text": turn.text,
                    "language": turn.lang,
                    "audio_duration_s": turn.audio.duration_s if turn.audio else None,
                    "words": [w.model_dump(mode="json") for w in turn.audio.words] if turn.audio else None,
                    "confidence": confidence,
                    "fluency": dict(fluency) if fluency is not None else None,
                    "engine": engine,
                    "fell_back": fell_back,
                    "created_at": now,
                },
            ).scalar_one()
            if audio_bytes is not None:
                s.add(
                    AudioBlobRow(turn_id=turn_id, mime_type=audio_mime_type, data=audio_bytes, created_at=now)
                )
        logger.debug("session %s: turn %s committed (%s)", session_id, number, turn.speaker)
        return number

    def audio(self, session_id: int, number: int) -> bytes | None:
        """The raw audio of a turn, if still kept."""
        with self._session() as s:
            return s.scalars(
                select(col(AudioBlobRow.data))
                .join(TurnRow, col(TurnRow.id) == col(AudioBlobRow.turn_id))
                .where(col(TurnRow.session_id) == session_id, col(TurnRow.number) == number)
            ).first()


# --- the turn path's statements, built once ---------------------------------------------------------

_sessions = table_of(SessionRow)
_COUNT_TURN = (
    update(_sessions)
    .where(_sessions.c.id == bindparam("session"), _sessions.c.status == "active")
    .values(turn_count=_sessions.c.turn_count + 1)
    .returning(_sessions.c.turn_count)
)
_COUNT_TURN_WITH_STATE = (
    update(_sessions)
    .where(_sessions.c.id == bindparam("session"), _sessions.c.status == "active")
    .values(
        turn_count=_sessions.c.turn_count + 1,
        director_state=bindparam("director_state_json", type_=_sessions.c.director_state.type),
        director_turn=_sessions.c.turn_count + 1,
    )
    .returning(_sessions.c.turn_count)
)
_FORGET_HELD_VOICE = delete(table_of(VoiceInboxRow)).where(
    table_of(VoiceInboxRow).c.update_id == bindparam("update")
)
_INSERT_TURN = insert(table_of(TurnRow)).returning(table_of(TurnRow).c.id)
_ACTIVE_SESSION = (
    select(SessionRow)
    .options(defer(SessionRow.script))  # type: ignore[arg-type]
    .where(col(SessionRow.user_id) == bindparam("user"), col(SessionRow.status) == "active")
    .order_by(col(SessionRow.started_at).desc(), col(SessionRow.id).desc())
)
_TURNS_FROM = (
    select(TurnRow)
    .where(col(TurnRow.session_id) == bindparam("session"), col(TurnRow.number) >= bindparam("first"))
    .order_by(col(TurnRow.number))
)
