"""Speech-to-text and scoring as their own jobs, on their own queues (`speech`, `scoring`), so that a
machine with more cores or a GPU can take only the speech queue (`oralblanc worker --queues speech`).

Who does what:
- a worker that takes the `speech` queue (or `scoring`) does that work itself, inline, for the updates
  it handles: nothing is handed over, no job is deferred (a single worker taking every queue, the
  default, works as before and can never wait on itself);
- a worker that does not take it hands the work over: the voice note, already held in the voice inbox
  by its update id (write-ahead, `hold_voice`), gets a `oralblanc.transcribe` job on `speech` carrying
  only that id and the language hint; a finished session gets a `oralblanc.score` job on `scoring`
  carrying only the session's id.

The update's job waits for the result, still holding its chat's lock (`chat:<id>`, `bot.queue.jobs`),
then goes on with the turn exactly as the single process does (shown back, played, answered). Why wait
rather than let the speech job finish the turn: procrastinate runs the jobs of one lock oldest first,
and a job deferred from inside the update's job is younger than the lines the candidate sent meanwhile;
given the chat's lock it could only run after them (out of order), and without it a later text line
could be answered before the note. Waiting keeps the chat in order with no new mechanism, at the cost
of an update slot held while the note is transcribed (an `await`, no CPU: give update workers a high
`--concurrency`).

Exactly once: the transcription is stored by update id in `oralblanc_speech_results` (beside
procrastinate's tables, like the limiter's) and taken (read and deleted) by the waiting job; the turn
is then stored with its update id as before (a replay finds it stored). A scorecard is stored by the
scoring job (`Rehearsal.scorecard`, which scores only a session without one) and read back. A job is
deferred only when none is waiting or running for the same note or session (`queueing_lock` for two
deferrals at once). A speech worker killed mid-way leaves its job `doing`; any worker's recovery loop
retries it (`bot.queue.worker`); an update worker killed while waiting has its update's job retried,
which finds the result, or the job still running, and waits again.

A job nobody takes (no speech worker running) is given up after `wait` seconds of waiting in `todo`:
cancelled, then the note is answered as unreadable (`TranscriptionUnavailableError`: try again, or
type the line) and the session goes on; a session is then scored by the update's worker itself.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from bot.speech.audio import AudioError, AudioTooLongError, TranscriptionUnavailableError
from bot.speech.stt import AudioInput, Transcription

if TYPE_CHECKING:
    import procrastinate

    from feedback.scorecard import Scorecard

log = logging.getLogger(__name__)

TRANSCRIBE = "oralblanc.transcribe"
SCORE = "oralblanc.score"
SPEECH_RESULTS = "oralblanc_speech_results"
SPEECH_RESULTS_DDL = f"""
CREATE TABLE IF NOT EXISTS {SPEECH_RESULTS} (
    update_id bigint PRIMARY KEY,
    result jsonb NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
)"""
DEFAULT_WAIT = 300.0  # seconds a handed-over job may wait for a worker before it is given up
POLL = 0.2  # seconds between two looks for the result
STATUS_EVERY = 5  # looks for the result between two looks at the job's status

#: The update whose job is running in this task (set by `QueueWorker`): the key of its voice note.
CURRENT_UPDATE: ContextVar[int | None] = ContextVar("oralblanc_current_update", default=None)

T = TypeVar("T")
_ENDED = {"succeeded", "failed", "cancelled", "aborted"}


# --- the waiting side ---------------------------------------------------------------------------------


async def _live_job(app: procrastinate.App, task: str, key: str, value: int) -> int | None:
    """The id of a `task` job for `args[key] == value` that is waiting or running, if any."""
    row = await app.connector.execute_query_one_async(
        "SELECT coalesce(max(id), 0) AS id FROM procrastinate_jobs WHERE task_name = %(task)s "
        "AND status IN ('todo', 'doing') AND (args->>%(key)s)::bigint = %(value)s",
        task=task,
        key=key,
        value=value,
    )
    return int(row["id"]) or None


async def _job_for(app: procrastinate.App, task: str, key: str, value: int, **args: Any) -> int:
    """The live job of `task` for this note or session, deferred now if there is none."""
    from procrastinate import exceptions

    for _ in range(3):
        job_id = await _live_job(app, task, key, value)
        if job_id is not None:
            return job_id
        try:
            return await app.configure_task(task, queueing_lock=f"{task}:{value}").defer_async(
                **{key: value}, **args
            )
        except exceptions.AlreadyEnqueued:  # deferred by another waiter just now: take that one
            continue
    raise RuntimeError(f"no {task} job for {key}={value}")


async def _wait(
    app: procrastinate.App, job_id: int, ready: Callable[[], Awaitable[T | None]], wait: float
) -> T | None:
    """Poll `ready()` until it gives a result; None when the job ended without one, or waited in
    `todo` (nobody took it) for `wait` seconds in a row and was cancelled."""
    todo_since = time.monotonic()
    for polls in itertools.count():
        value = await ready()
        if value is not None:
            return value
        if polls % STATUS_EVERY:  # the result often, the job's status now and then
            await asyncio.sleep(POLL)
            continue
        status = (await app.job_manager.get_job_status_async(job_id)).value
        if status in _ENDED:
            return await ready()  # stored just before it ended
        if status != "todo":
            todo_since = time.monotonic()
        elif time.monotonic() - todo_since > wait and await app.job_manager.cancel_job_by_id_async(job_id):
            log.warning("job %s waited %.0f s and no worker took it: given up", job_id, wait)
            return None
        await asyncio.sleep(POLL)
    return None  # not reached


class QueuedTranscriber:
    """The `Transcriber` of a worker that does not take the `speech` queue: the note of the current
    update (`CURRENT_UPDATE`, held in the voice inbox) is transcribed by a `oralblanc.transcribe` job,
    whose result is awaited here. Same result, same errors as the local transcriber."""

    def __init__(self, app: Callable[[], procrastinate.App], *, wait: float = DEFAULT_WAIT) -> None:
        self._app = app  # the worker's app, opened after the transcriber is built
        self.wait = wait

    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcription:
        update_id = CURRENT_UPDATE.get()
        if update_id is None:  # not within an update's job: nothing to key the note by
            log.error("a voice note outside an update's job cannot be handed to the speech queue")
            raise TranscriptionUnavailableError()
        app = self._app()
        result = await take_speech_result(app, update_id)
        if result is None:
            job_id = await _job_for(app, TRANSCRIBE, "update_id", update_id, language=language)
            log.info("update %s: voice note handed to the speech queue (job %s)", update_id, job_id)
            result = await _wait(app, job_id, lambda: take_speech_result(app, update_id), self.wait)
        if result is None:
            from bot.queue.metrics import HANDED_OVER

            HANDED_OVER.labels("speech", "given_up").inc()
            raise TranscriptionUnavailableError()
        return decode_result(result)


async def score_elsewhere(
    app: procrastinate.App, repo: Any, session_id: int, *, wait: float = DEFAULT_WAIT
) -> Scorecard | None:
    """The scorecard of a finished session, scored by a `oralblanc.score` job on `scoring` (stored
    by it, read back here); None when no scoring worker took it (the caller scores it itself)."""
    from feedback.scorecard import Scorecard

    async def stored() -> Scorecard | None:
        card = await repo.latest_scorecard(session_id)
        return Scorecard.model_validate(card.effective) if card is not None else None

    job_id = await _job_for(app, SCORE, "session_id", session_id)
    log.info("session %s: scoring handed to the scoring queue (job %s)", session_id, job_id)
    return await _wait(app, job_id, stored, wait)


# --- the results --------------------------------------------------------------------------------------


def encode_result(outcome: Transcription | AudioError) -> dict[str, Any]:
    """A transcription, or the `AudioError` that refused the note, as stored JSON."""
    if isinstance(outcome, Transcription):
        return {"transcription": outcome.model_dump(mode="json")}
    error: dict[str, Any] = {"code": outcome.code, "message": str(outcome)}
    if isinstance(outcome, AudioTooLongError):
        error.update(seconds=outcome.seconds, limit=outcome.limit, at_least=outcome.at_least)
    return {"error": error}


def _error_classes(cls: type[AudioError] = AudioError) -> dict[str, type[AudioError]]:
    found = {cls.code: cls}
    for sub in cls.__subclasses__():
        found.update(_error_classes(sub))
    return found


def decode_result(result: dict[str, Any]) -> Transcription:
    """The stored transcription, or its error raised again (the same class the transcriber raised)."""
    if "transcription" in result:
        return Transcription.model_validate(result["transcription"])
    error = result.get("error") or {}
    cls = _error_classes().get(error.get("code", ""), TranscriptionUnavailableError)
    if cls is AudioTooLongError:
        raise AudioTooLongError(error["seconds"], error["limit"], bool(error.get("at_least")))
    raise cls(error.get("message") or "")


async def store_speech_result(app: procrastinate.App, update_id: int, result: dict[str, Any]) -> None:
    await app.connector.execute_query_async(
        f"INSERT INTO {SPEECH_RESULTS} (update_id, result) VALUES (%(update_id)s, %(result)s::jsonb) "
        "ON CONFLICT (update_id) DO UPDATE SET result = EXCLUDED.result, stored_at = now()",
        update_id=update_id,
        result=json.dumps(result),
    )


async def take_speech_result(app: procrastinate.App, update_id: int) -> dict[str, Any] | None:
    """The stored result of this note, deleted as it is read (it holds what the candidate said)."""
    row = await app.connector.execute_query_one_async(
        f"WITH taken AS (DELETE FROM {SPEECH_RESULTS} WHERE update_id = %(update_id)s RETURNING result) "
        "SELECT (SELECT result FROM taken) AS result",
        update_id=update_id,
    )
    value = row["result"] if row else None
    if value is None:
        return None
    return value if isinstance(value, dict) else json.loads(value)


async def forget_speech_results(app: procrastinate.App, older_than_seconds: float) -> int:
    """Delete results nobody took (their update was let go): what the candidate said is not kept."""
    rows = await app.connector.execute_query_all_async(
        f"DELETE FROM {SPEECH_RESULTS} WHERE stored_at < now() - make_interval(secs => %(seconds)s) "
        "RETURNING update_id",
        seconds=older_than_seconds,
    )
    return len(rows)


__all__ = [
    "CURRENT_UPDATE",
    "QueuedTranscriber",
    "SCORE",
    "SPEECH_RESULTS",
    "TRANSCRIBE",
    "decode_result",
    "encode_result",
    "score_elsewhere",
    "store_speech_result",
    "take_speech_result",
]
