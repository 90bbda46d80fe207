"""The job queue: procrastinate on the PostgreSQL database that already holds everything else.

Queues: `updates` (one job per update, and the exam clock), `speech` (`oralblanc.transcribe`) and
`scoring` (`oralblanc.score`), the last two only for workers that hand that work over
(`bot.queue.handoff`).

One job per Telegram update (`oralblanc.handle_update`, queue `updates`), carrying only the update's
id: its content stays in the update inbox (`update_inbox`, cleared once handled), never in the job
table. Every job of a chat is deferred with the lock `chat:<id>`: procrastinate runs the jobs of one
lock one at a time, oldest first (a job waiting for a retry still holds its place), so a chat's
messages are handled in order whichever worker takes them, while different chats run in parallel.

A job is retried when it raises (`KeptForRetry`: the database failed while the update was handled)
after `update_retry_seconds`; a worker killed mid-job leaves it `doing`: the surviving workers see its
heartbeat stop and retry it (`bot.queue.worker`). The exam clock is a periodic job (every 5 s, deferred
once per tick whatever the number of workers): it only looks for the exam sessions past their deadline
and defers, for each, an `oralblanc.end_exam` job in that chat's lock, so the session is ended in the
chat's turn, after the lines already queued for it (a line sent in time is answered first), never
while a worker is handling one of them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)

UPDATES_QUEUE = "updates"
SPEECH_QUEUE = "speech"
SCORING_QUEUE = "scoring"
QUEUES = (UPDATES_QUEUE, SPEECH_QUEUE, SCORING_QUEUE)
HANDLE_UPDATE = "oralblanc.handle_update"
EXAM_CLOCK = "oralblanc.exam_clock"
END_EXAM = "oralblanc.end_exam"
WORKER_KEY = "oralblanc.worker"  # the worker object, in each job's additional context
SCHEMA_LOCK = 7_248_113_001  # advisory lock: one process at a time sets the schemas up
LIMITER_TABLE = "oralblanc_rate_buckets"


class NotPostgres(ValueError):
    """The queue needs PostgreSQL: DATABASE_URL is missing or names another database."""


class KeptForRetry(Exception):
    """The handlers kept the update (the database failed while it was handled): retry the job later."""


def require_postgres(database_url: str | None) -> str:
    """The libpq URL (`postgresql://…`) of a PostgreSQL DATABASE_URL; `NotPostgres` otherwise."""
    from sqlalchemy.engine import make_url

    from bot.services import database_url as normalize_url

    if not database_url:
        raise NotPostgres(
            "--queue and workers need DATABASE_URL=postgresql://… (SQLite cannot hold the queue)"
        )
    try:
        url = make_url(normalize_url(database_url))
    except Exception:
        raise NotPostgres("DATABASE_URL is not a database URL; the queue needs postgresql://…") from None
    if url.get_backend_name() != "postgresql":
        raise NotPostgres(
            f"the queue needs a PostgreSQL DATABASE_URL, not {url.get_backend_name()} "
            "(set DATABASE_URL=postgresql://user@host/db)"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(conninfo: str, *, retry_wait: float = 20.0, max_pool: int = 10) -> procrastinate.App:
    """The procrastinate app on `conninfo`, with oralblanc's tasks (not opened yet)."""
    import procrastinate

    from bot.queue import handoff
    from bot.telegram.inbox import MAX_ATTEMPTS

    connector = procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=max_pool)
    app = procrastinate.App(connector=connector)
    app.task(
        name=HANDLE_UPDATE,
        queue=UPDATES_QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS + 1, wait=int(max(1, retry_wait))),
    )(_handle_update)
    clock = app.task(name=EXAM_CLOCK, queue=UPDATES_QUEUE, pass_context=True)(_exam_clock)
    # no retry: while the session is still in progress and overdue, the next tick defers it again
    app.task(name=END_EXAM, queue=UPDATES_QUEUE, pass_context=True)(_end_exam)
    # speech and scoring handed over by the workers that do not take those queues (`bot.queue.handoff`);
    # a job that raised (the database failed) is tried again soon; a dead worker's, by the recovery
    app.task(
        name=handoff.TRANSCRIBE,
        queue=SPEECH_QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=3, wait=1),
    )(_transcribe)
    app.task(
        name=handoff.SCORE,
        queue=SCORING_QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=3, wait=1),
    )(_score)
    app.periodic(cron="* * * * * */5", periodic_id="exam-clock")(clock)
    return app


async def _handle_update(context: Any, update_id: int, again: bool = False) -> None:
    from bot.queue.metrics import ERRORS

    worker = context.additional_context[WORKER_KEY]
    try:
        await worker.handle_update(update_id, retried=bool(context.job.attempts) or again)
    except Exception:
        ERRORS.labels("job").inc()
        raise


async def _transcribe(context: Any, update_id: int, language: str | None = None) -> None:
    from bot.queue.metrics import ERRORS

    try:
        await context.additional_context[WORKER_KEY].transcribe_job(update_id, language)
    except Exception:
        ERRORS.labels("job").inc()
        raise


async def _score(context: Any, session_id: int) -> None:
    from bot.queue.metrics import ERRORS

    try:
        await context.additional_context[WORKER_KEY].score_job(session_id)
    except Exception:
        ERRORS.labels("job").inc()
        raise


async def _exam_clock(context: Any, timestamp: int) -> None:
    worker = context.additional_context.get(WORKER_KEY)
    if worker is not None:
        await worker.exam_clock()


async def _end_exam(context: Any, session_id: int, user_id: int, chat_id: int) -> None:
    from bot.queue.metrics import ERRORS

    try:
        await context.additional_context[WORKER_KEY].end_exam_job(session_id, user_id, chat_id)
    except Exception:
        ERRORS.labels("job").inc()
        raise


def chat_lock(chat_id: int) -> str:
    """The lock of a chat's jobs: procrastinate runs them one at a time, oldest first."""
    return f"chat:{chat_id}"


def update_lock(chat_id: int | None, update_id: int) -> str:
    """The lock of an update's job: its chat's (in order with the chat's other updates)."""
    return chat_lock(chat_id) if chat_id is not None else f"update:{update_id}"


async def defer_update(
    app: procrastinate.App, update_id: int, chat_id: int | None, *, again: bool = False
) -> int | None:
    """Defer the job of a held update; None when a job for it is already waiting (`again` only)."""
    from procrastinate import exceptions

    options: dict[str, Any] = {"lock": update_lock(chat_id, update_id)}
    if again:  # a sweep: two workers sweeping at once defer it once
        options["queueing_lock"] = f"update:{update_id}"
    try:
        return await app.configure_task(HANDLE_UPDATE, **options).defer_async(
            update_id=update_id, again=again
        )
    except exceptions.AlreadyEnqueued:
        return None


async def defer_end_exam(app: procrastinate.App, session_id: int, user_id: int, chat_id: int) -> int | None:
    """Defer the job that ends an overdue exam session, in its chat's lock (after the updates of that
    chat queued before it); None when one is already waiting for this session."""
    from procrastinate import exceptions

    try:
        return await app.configure_task(
            END_EXAM, lock=chat_lock(chat_id), queueing_lock=f"{END_EXAM}:{session_id}"
        ).defer_async(session_id=session_id, user_id=user_id, chat_id=chat_id)
    except exceptions.AlreadyEnqueued:
        return None


async def live_update_jobs(app: procrastinate.App, update_ids: Iterable[int] | None = None) -> set[int]:
    """The update ids whose job is waiting or running (`todo`, `doing`)."""
    ids = list(update_ids) if update_ids is not None else None
    rows = await app.connector.execute_query_all_async(
        "SELECT DISTINCT (args->>'update_id')::bigint AS update_id FROM procrastinate_jobs "
        "WHERE task_name = %(task)s AND status IN ('todo', 'doing') "
        "AND (%(ids)s::bigint[] IS NULL OR (args->>'update_id')::bigint = ANY(%(ids)s::bigint[]))",
        task=HANDLE_UPDATE,
        ids=ids,
    )
    return {int(r["update_id"]) for r in rows}


async def queue_depths(app: procrastinate.App) -> dict[str, int]:
    """Jobs waiting (`todo`) per queue; every known queue listed, 0 included."""
    rows = await app.connector.execute_query_all_async(
        "SELECT queue_name, count(*) AS n FROM procrastinate_jobs WHERE status = 'todo' GROUP BY queue_name"
    )
    depths = dict.fromkeys(QUEUES, 0)
    depths.update({r["queue_name"]: int(r["n"]) for r in rows})
    return depths


LIMITER_DDL = f"""
CREATE UNLOGGED TABLE IF NOT EXISTS {LIMITER_TABLE} (
    key text PRIMARY KEY,
    tokens double precision NOT NULL,
    stamp timestamptz NOT NULL
)"""


async def ensure_schema(conninfo: str, database_url: str) -> None:
    """Under an advisory lock (an ingress and workers starting together): the application's tables
    migrated to head, procrastinate's schema applied if absent, the shared limiter's table created.

    procrastinate's tables, the limiter's (UNLOGGED: token buckets need not survive a crash) and the
    speech results' (`bot.queue.handoff`) live beside the application's, outside its migrations, like
    any extension's.
    """
    import asyncio

    import procrastinate
    import psycopg

    from bot.queue import handoff
    from bot.services import migrate_database

    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:
        await connection.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            await asyncio.to_thread(migrate_database, database_url)  # one process at a time
            row = await (
                await connection.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            ).fetchone()
            if not (row and row[0]):
                log.info("applying procrastinate's schema")
                app = procrastinate.App(
                    connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=1)
                )
                async with app.open_async():
                    await app.schema_manager.apply_schema_async()
            await connection.execute(LIMITER_DDL)
            await connection.execute(handoff.SPEECH_RESULTS_DDL)
        finally:
            await connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


__all__ = [
    "END_EXAM",
    "EXAM_CLOCK",
    "HANDLE_UPDATE",
    "KeptForRetry",
    "NotPostgres",
    "QUEUES",
    "UPDATES_QUEUE",
    "chat_lock",
    "defer_end_exam",
    "defer_update",
    "ensure_schema",
    "live_update_jobs",
    "make_app",
    "queue_depths",
    "require_postgres",
    "update_lock",
]
