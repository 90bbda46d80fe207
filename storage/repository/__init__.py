"""The only code that reads and writes the database: rows in, domain objects out.

`Repository` is synchronous and thread-safe (one short transaction per method, each committed before
it returns). `AsyncRepository` runs the same methods on its own small thread pool so the
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

One module per concern, each a mixin of `Repository` over `base.RepositoryBase` (the engine, the
short transactions, the row -> record mapping): `users`, `cohorts` (memberships, assignments, a
cohort's results), `scripts` (the jury's uploads and publications), `sessions` (turns, the director's
state, raw audio), `voice_inbox`, `update_inbox`, `scorecards` (review and release, with
`candidate_view`: what a candidate may see), `privacy` (export, erasure, purge) and `web_links`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import weakref
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine

from scenarios.model import Lang
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
from storage.repository.base import RepositoryBase, _user
from storage.repository.cohorts import CohortsMixin
from storage.repository.privacy import EXPORT_FORMAT, PrivacyMixin
from storage.repository.scorecards import ScorecardsMixin
from storage.repository.scripts import ScriptsMixin
from storage.repository.sessions import _ACTIVE_SESSION, SessionsMixin
from storage.repository.update_inbox import UpdateInboxMixin
from storage.repository.users import _USER_BY_TELEGRAM_ID, UsersMixin
from storage.repository.voice_inbox import VoiceInboxMixin
from storage.repository.web_links import WebLinksMixin

R = TypeVar("R")
P = ParamSpec("P")


# --- the repository ------------------------------------------------------------------------------


class Repository(
    UsersMixin,
    CohortsMixin,
    ScriptsMixin,
    SessionsMixin,
    VoiceInboxMixin,
    UpdateInboxMixin,
    ScorecardsMixin,
    PrivacyMixin,
    WebLinksMixin,
    RepositoryBase,
):
    """Synchronous storage API; every method is one committed transaction."""

    def telegram_user_and_active_session(
        self, telegram_id: int, *, display_name: str, language: Lang = "fr", last_turns: int | None = None
    ) -> tuple[UserRecord, SessionRecord | None]:
        """`telegram_user` and that person's `active_session` in one call (the turn path's one read:
        one connection, one transaction, instead of two of each)."""
        with self._session() as s:
            row = s.scalars(_USER_BY_TELEGRAM_ID, {"telegram_id": telegram_id}).first()
            if row is not None:
                user = _user(row)
                active = s.scalars(_ACTIVE_SESSION, {"user": user.id}).first()
                return user, self._record(s, active, last_turns) if active is not None else None
        user = self.telegram_user(telegram_id, display_name=display_name, language=language)  # first contact
        return user, self.active_session(user.id, last_turns=last_turns)


# --- async wrapper -------------------------------------------------------------------------------


def _in_thread(
    method: Callable[Concatenate[Repository, P], R],
) -> Callable[Concatenate[AsyncRepository, P], Coroutine[Any, Any, R]]:
    """An async method running `Repository.<method>` in a worker thread, same signature."""

    name = method.__name__

    @functools.wraps(method)
    async def threaded(self: AsyncRepository, *args: P.args, **kwargs: P.kwargs) -> R:
        bound: Callable[P, R] = getattr(self.sync, name)  # honours subclasses of Repository
        call = functools.partial(contextvars.copy_context().run, bound, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    return threaded


def database_threads(engine: Engine) -> int:
    """How many threads talk to the database at once: 2, on SQLite as on PostgreSQL.

    Measured (bench/README.md, "Throughput of one process"): every call holds the GIL while SQLAlchemy
    builds and reads rows, and each hop to a thread and each round trip wakes one, so more threads mostly
    add contention and thread switches. SQLite (one database lock): 1 thread 55 turns/s, 2: 52, 6
    (asyncio's default pool here): 48, 16: 46. PostgreSQL, 200 × 10 paced lines, alternating runs: 4
    threads 12.9 ms of the bot's CPU per turn and p95 0.97–1.09 s; 2 threads 11.7–12.3 ms and p95
    0.84–0.98 s; 1 thread 10.7–11.1 ms but p95 1.10–1.26 s (the round trips wait for each other). Two
    keep a slow write from stalling every read.
    """
    del engine  # the same for every database, measured on both
    return 2


class AsyncRepository:
    """The same API as `Repository`, each call run in a worker thread (never blocks the event loop).

    Calls run on the repository's own small thread pool (`database_threads`), not asyncio's default
    one, which speech and other blocking work share. `close()` ends the pool; a repository dropped
    without it ends its pool when garbage-collected. Signatures and documentation are those of the
    `Repository` methods of the same names.
    """

    def __init__(self, repository: Repository, *, threads: int | None = None) -> None:
        self.sync = repository
        self.threads = threads or database_threads(repository.engine)
        self.executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="oralblanc-db")
        self._finalizer = weakref.finalize(self, self.executor.shutdown, wait=False)

    @classmethod
    def from_engine(cls, engine: Engine, *, threads: int | None = None) -> AsyncRepository:
        return cls(Repository(engine), threads=threads)

    def close(self) -> None:
        """End the thread pool once the calls under way have returned."""
        self._finalizer.detach()
        self.executor.shutdown(wait=True)

    get_or_create_user = _in_thread(Repository.get_or_create_user)
    user = _in_thread(Repository.user)
    telegram_user = _in_thread(Repository.telegram_user)
    telegram_user_and_active_session = _in_thread(Repository.telegram_user_and_active_session)
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
    "AssignmentMode",
    "AssignmentRecord",
    "AsyncRepository",
    "CohortRecord",
    "DuplicateUpdate",
    "EXPORT_FORMAT",
    "ErasureReport",
    "HeldVoice",
    "NotFound",
    "PendingUpdate",
    "Repository",
    "Role",
    "ScorecardRecord",
    "ScriptRecord",
    "SessionClosed",
    "SessionMode",
    "SessionRecord",
    "SessionStatus",
    "SessionSummary",
    "StorageError",
    "TurnMeta",
    "UserRecord",
)
