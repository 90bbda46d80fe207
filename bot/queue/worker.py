"""`oralblanc worker`: take update jobs from the queue and run the bot's handlers on them.

Each worker builds the PTB `Application` once (the same handlers as the single process, no updater,
`build_application(queue_worker=True)`), then procrastinate runs its jobs, `concurrency` at a time
(different chats; a chat's jobs are serialised by their lock, `bot.queue.jobs`). A job:
1. reads its update back from the inbox by id (done already, a duplicate job: nothing to do);
2. on a retry (the job failed, or its worker died), counts an attempt in the inbox: past
   `MAX_ATTEMPTS` the update is let go with an apology, like the single process; a voice note the
   dead attempt had held (downloaded, not yet a turn) is played from the inbox;
3. `Application.process_update(update)` in the chat's turn, then the update is settled: done, or,
   when the error handler kept it (the database failed), the job raises `KeptForRetry` and
   procrastinate tries it again after `update_retry_seconds`.

A worker killed at any moment loses nothing: its job stays `doing`, its heartbeat stops, and every
worker checks every few seconds for jobs whose worker stopped beating for `stalled_after` seconds and
retries them. What the candidate sent is answered once: a line is stored with its update id, a
replayed `/play` reopens the session it opened. The same check defers again updates held in the
inbox with no job (an ingress killed between the two) once they are `sweep_after` seconds old.
Outgoing calls go through the shared limiter in PostgreSQL (`bot.queue.limiter`).

A worker takes the queues it is given (`updates`, `speech`, `scoring`; all by default). Not taking
`speech` (`scoring`), it hands voice notes (finished sessions) to the workers that do and waits for
the result in the update's job; taking it, it runs `oralblanc.transcribe` (`oralblanc.score`) jobs
and does that work inline for its own updates (`bot.queue.handoff`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.faults import crash_point
from bot.queue import handoff, jobs
from bot.queue.metrics import (
    ERRORS,
    HANDED_OVER,
    SPEECH_REAL_TIME_FACTOR,
    UPDATE_REPLY_SECONDS,
    UPDATES_HANDLED,
    http_routes,
)
from bot.services import open_services
from bot.speech.voice import default_synthesizer, default_transcriber
from bot.telegram.runtime import BotOptions

log = logging.getLogger(__name__)


@dataclass
class WorkerOptions:
    """How a worker takes jobs (tests shorten the intervals)."""

    concurrency: int = 8
    queues: Sequence[str] = jobs.QUEUES  # updates, speech, scoring: a lone worker does everything
    heartbeat: float = 5.0  # seconds between the worker's heartbeats
    stalled_after: float = 30.0  # a worker silent this long is dead: its jobs are retried
    check_every: float = 5.0  # how often stalled jobs and unqueued updates are looked for
    sweep_after: float = 60.0  # an update held this long with no job gets one
    http_listen: str = "0.0.0.0"
    http_port: int | None = None  # /healthz and /metrics; None: not served
    # a speech or scoring job handed over (this worker does not take that queue) that no worker takes
    # for this long is given up (`bot.queue.handoff`)
    handoff_wait: float = handoff.DEFAULT_WAIT
    name: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")


class QueueWorker:
    """One worker process: the PTB Application, the procrastinate worker, the recovery loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        options: BotOptions | None = None,
        worker: WorkerOptions | None = None,
        services_factory: Any = open_services,
        transcriber_factory: Any = default_transcriber,
        synthesizer_factory: Any = default_synthesizer,
    ) -> None:
        self.settings = settings
        self.options = options or BotOptions()
        self.worker = worker or WorkerOptions()
        self.conninfo = jobs.require_postgres(settings.database_url)
        unknown = set(self.worker.queues) - set(jobs.QUEUES)
        if unknown or not self.worker.queues:
            raise ValueError(f"unknown queues {sorted(unknown)}: choose among {', '.join(jobs.QUEUES)}")
        self.transcribes = jobs.SPEECH_QUEUE in self.worker.queues  # else hands notes to `speech`
        self.scores = jobs.SCORING_QUEUE in self.worker.queues  # else hands sessions to `scoring`
        if not self.transcribes:
            transcriber_factory = self._queued_transcriber
            self.options = replace(self.options, preload_speech=False)
        if not self.scores:
            self.options = replace(self.options, preload_scoring=False)
        self.factories = dict(
            services_factory=services_factory,
            transcriber_factory=transcriber_factory,
            synthesizer_factory=synthesizer_factory,
        )
        self.app: Any = None  # procrastinate.App
        self.application: Any = None  # telegram.ext.Application

    # --- life cycle ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Until SIGINT/SIGTERM (procrastinate's signal handlers: the jobs in hand are finished first)."""
        from bot.queue.limiter import SharedBuckets
        from bot.telegram.app import build_application
        from bot.telegram.flood import FloodControl

        await jobs.ensure_schema(self.conninfo, self.settings.database_url or "")
        self.app = jobs.make_app(
            self.conninfo, retry_wait=self.settings.update_retry_seconds, max_pool=self.worker.concurrency + 4
        )
        flood = FloodControl(
            overall_rate=self.options.flood_overall_rate or 30.0,
            max_retries=self.options.flood_max_retries,
            shared=SharedBuckets(self.conninfo),
        )
        self.application = build_application(
            self.settings, options=self.options, queue_worker=True, rate_limiter=flood, **self.factories
        )
        self.application.add_error_handler(_count_error)
        application = self.application
        server = None
        async with self.app.open_async():
            await application.initialize()
            try:
                if application.post_init is not None:
                    await application.post_init(application)
                if not self.scores:
                    self.runtime.services.rehearsal.score_elsewhere = self._score_elsewhere
                await application.start()
                server = self._serve_http()
                recovery = asyncio.create_task(self._recovery_loop(), name="oralblanc-stalled-jobs")
                log.info(
                    "worker %s taking jobs from %s (concurrency %s)",
                    self.worker.name,
                    ", ".join(self.worker.queues),
                    self.worker.concurrency,
                )
                try:
                    await self.app.run_worker_async(
                        queues=list(self.worker.queues),
                        concurrency=self.worker.concurrency,
                        name=self.worker.name,
                        additional_context={jobs.WORKER_KEY: self},
                        update_heartbeat_interval=self.worker.heartbeat,
                        stalled_worker_timeout=self.worker.stalled_after,
                        fetch_job_polling_interval=max(1.0, self.worker.check_every),
                    )
                finally:
                    recovery.cancel()
                    await asyncio.gather(recovery, return_exceptions=True)
            finally:
                if server is not None:
                    server.stop()
                if application.running:
                    await application.stop()
                await application.shutdown()
                if application.post_shutdown is not None:
                    await application.post_shutdown(application)

    def _serve_http(self) -> Any:
        if self.worker.http_port is None:
            return None
        import tornado.httpserver
        import tornado.web

        async def health() -> bool:
            return bool(self.application.running) and await self.app.check_connection_async()

        web = tornado.web.Application(http_routes(health, lambda: jobs.queue_depths(self.app)))
        server = tornado.httpserver.HTTPServer(web)
        server.listen(self.worker.http_port, self.worker.http_listen)
        log.info(
            "worker %s: /healthz and /metrics on %s:%s",
            self.worker.name,
            self.worker.http_listen,
            self.worker.http_port,
        )
        return server

    # --- jobs ----------------------------------------------------------------------------------

    @property
    def runtime(self) -> Any:
        from bot.telegram.runtime import RUNTIME_KEY

        return self.application.bot_data[RUNTIME_KEY]

    async def handle_update(self, update_id: int, *, retried: bool = False) -> None:
        """The job of one update (see the module's documentation)."""
        token = handoff.CURRENT_UPDATE.set(update_id)  # the key of its voice note, if handed over
        try:
            await self._handle_update(update_id, retried=retried)
        finally:
            handoff.CURRENT_UPDATE.reset(token)

    async def _handle_update(self, update_id: int, *, retried: bool) -> None:
        from telegram import Update

        from bot.telegram.inbox import MAX_ATTEMPTS, apologise

        rt = self.runtime
        inbox = rt.services.inbox
        pending = await inbox.held_update(update_id)
        if pending is None:
            UPDATES_HANDLED.labels("skipped").inc()
            log.info("update %s already handled: job skipped", update_id)
            return
        if retried:
            attempts = await inbox.count_update_attempt(update_id)
            if attempts > MAX_ATTEMPTS:
                log.error("update %s failed %s times: let go", update_id, attempts - 1)
                await inbox.update_done(update_id)
                await apologise(self.application, pending.chat_id, pending.payload)
                UPDATES_HANDLED.labels("let_go").inc()
                return
            log.info("update %s handled again (attempt %s)", update_id, attempts)
            if await self._play_held_voice(update_id):
                await self._done(update_id, pending.received_at)
                return
        update = Update.de_json(pending.payload, self.application.bot)
        if update is None:
            await inbox.update_done(update_id)
            return
        handled = self.application.process_update(update)
        if pending.chat_id is not None:
            await rt.processor.run_in_chat(pending.chat_id, handled)
        else:
            await handled
        crash_point(self.settings, "queue.handled")  # tests: answered, not settled yet
        if rt.inbox is not None and rt.inbox.take_kept(update_id):
            UPDATES_HANDLED.labels("kept").inc()
            raise jobs.KeptForRetry(f"update {update_id} kept by the error handler: tried again later")
        await self._done(update_id, pending.received_at)

    async def _done(self, update_id: int, received_at: datetime) -> None:
        await self.runtime.services.inbox.update_done(update_id)
        UPDATES_HANDLED.labels("done").inc()
        if received_at.tzinfo is None:
            received_at = received_at.replace(tzinfo=UTC)
        UPDATE_REPLY_SECONDS.observe(max(0.0, (datetime.now(UTC) - received_at).total_seconds()))

    async def _play_held_voice(self, update_id: int) -> bool:
        """A voice note the dead attempt held but never turned into a turn: played now (True), or
        released when its session is over."""
        from bot.core import people
        from bot.core.sessions import NotFound
        from bot.telegram.lines import play_voice

        rt = self.runtime
        inbox = rt.services.inbox
        note = await inbox.held_voice(update_id)
        if note is None:
            return False
        try:
            record = await rt.services.rehearsal.session(note.session_id)
        except NotFound:
            record = None
        if record is None or record.status != "active":
            await inbox.release_voice(update_id)
            return True
        user = await people.by_id(rt.services.repo, record.user_id)
        await rt.processor.run_in_chat(
            note.chat_id,
            play_voice(
                rt,
                self.application.bot,
                note.chat_id,
                user,
                record,
                note.data,
                note.update_id,
                mime_type=note.mime_type,
            ),
        )
        return True

    # --- speech and scoring, handed over or taken (`bot.queue.handoff`) ----------------------------

    def _queued_transcriber(self, settings: Settings) -> handoff.QueuedTranscriber:
        return handoff.QueuedTranscriber(lambda: self.app, wait=self.worker.handoff_wait)

    async def _score_elsewhere(self, session_id: int) -> Any:
        card = await handoff.score_elsewhere(
            self.app, self.runtime.services.repo, session_id, wait=self.worker.handoff_wait
        )
        HANDED_OVER.labels(jobs.SCORING_QUEUE, "done" if card is not None else "given_up").inc()
        return card

    async def transcribe_job(self, update_id: int, language: str | None) -> None:
        """The job of a voice note handed to the `speech` queue: transcribe the held note with this
        worker's transcriber (faster-whisper here, or the remote server), store the result or the
        `AudioError` that refused it, for the update's job waiting for it."""
        from bot.speech.audio import AudioError, TranscriptionUnavailableError

        rt = self.runtime
        note = await rt.services.inbox.held_voice(update_id)
        if note is None:  # played or let go meanwhile: the waiting job, if any, answers as unreadable
            log.info("update %s: no voice note held any more, nothing to transcribe", update_id)
            return
        started = time.perf_counter()
        outcome: Any
        try:
            outcome = await rt.voice.transcribe(note.data, language or note.language)
            if outcome.duration_s > 0:
                SPEECH_REAL_TIME_FACTOR.observe((time.perf_counter() - started) / outcome.duration_s)
        except AudioError as error:
            outcome = error
        except Exception:
            log.exception("speech to text failed (update %s)", update_id)
            outcome = TranscriptionUnavailableError()
        crash_point(self.settings, "speech.transcribed")  # tests: killed before the result is stored
        await handoff.store_speech_result(self.app, update_id, handoff.encode_result(outcome))
        HANDED_OVER.labels(jobs.SPEECH_QUEUE, "done").inc()
        log.info("update %s: voice note transcribed (%.2f s)", update_id, time.perf_counter() - started)

    async def score_job(self, session_id: int) -> None:
        """The job of a finished session handed to the `scoring` queue: scored and stored here (a
        session scored already is left as it is)."""
        await self.runtime.services.rehearsal.scorecard(session_id)

    async def exam_clock(self) -> None:
        """The periodic job: for each exam session whose time is up, a job that ends it in its chat's
        lock (`end_exam_job`): not here, where a line of that chat may be in another worker's hands."""
        from bot.telegram.sessions import overdue_exams

        for session_id, user_id, chat_id in await overdue_exams(self.runtime):
            if await jobs.defer_end_exam(self.app, session_id, user_id, chat_id) is not None:
                log.info("session %s: exam time is up, its end queued in chat %s's turn", session_id, chat_id)

    async def end_exam_job(self, session_id: int, user_id: int, chat_id: int) -> None:
        """End an overdue exam session, holding its chat's lock: the lines queued before were answered
        (one sent in time and answered after the deadline ended the session itself: nothing to do)."""
        from bot.telegram.sessions import end_on_time

        rt = self.runtime
        await rt.processor.run_in_chat(
            chat_id, end_on_time(rt, self.application.bot, chat_id, user_id, session_id)
        )

    # --- recovery ------------------------------------------------------------------------------

    async def _recovery_loop(self) -> None:
        while True:
            await asyncio.sleep(self.worker.check_every)
            try:
                await self.recover()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database may be down: next time
                log.warning("stalled jobs not checked (%s)", type(error).__name__)

    async def recover(self) -> tuple[int, int]:
        """Retry the jobs of dead workers; defer again the updates held with no job. (retried, deferred)"""
        manager = self.app.job_manager
        retried = 0
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=self.worker.stalled_after):
            try:
                await manager.retry_job(job)
                retried += 1
                log.warning("job %s (%s) of a stopped worker: retried", job.id, job.task_name)
            except Exception:  # another worker retried it first
                log.info("stalled job %s not retried here", job.id, exc_info=True)
        forgotten = await handoff.forget_speech_results(self.app, older_than_seconds=3600)
        if forgotten:
            log.info("%s transcriptions nobody took deleted", forgotten)
        deferred = 0
        held = await self.runtime.services.inbox.pending_updates(
            older_than=timedelta(seconds=self.worker.sweep_after)
        )
        if held:
            live = await jobs.live_update_jobs(self.app, [p.update_id for p in held])
            for pending in held:
                if (
                    pending.update_id not in live
                    and await jobs.defer_update(self.app, pending.update_id, pending.chat_id, again=True)
                    is not None
                ):
                    deferred += 1
                    log.warning("update %s held with no job: deferred again", pending.update_id)
        return retried, deferred


async def _count_error(update: object, context: Any) -> None:
    ERRORS.labels("handler").inc()


def run_worker(settings: Settings, worker: WorkerOptions, options: BotOptions | None = None) -> None:
    """Run one worker until interrupted."""
    started = time.monotonic()
    try:
        asyncio.run(QueueWorker(settings, options=options, worker=worker).run())
    finally:
        log.info("worker %s stopped after %.0f s", worker.name, time.monotonic() - started)


__all__ = ["QueueWorker", "WorkerOptions", "run_worker"]
