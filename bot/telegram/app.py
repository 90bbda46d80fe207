"""The PTB Application of oralblanc: built from the settings, run by long polling or a webhook.

- `build_application(settings)`: token and Bot API address from the settings (`TELEGRAM_BOT_TOKEN`,
  `TELEGRAM_API_BASE_URL`, `TELEGRAM_FILE_BASE_URL` or derived from it), the per-chat update
  processor, the durable update queue (every update held in the database before Telegram is told
  it arrived: `bot.telegram.inbox`), flood control, the handlers; `post_init` opens the services
  (catalog, database, rehearsal), the speech providers and the scoring workers (`bot.scoring`) once, queues again the updates a previous
  run left unfinished, then starts, in the background, the recovery of voice notes a previous run
  held but never transcribed (`lines.recover_held_voices`), the retry of updates a storage
  failure kept, and the exam clock (an exam session ends when its time is up, by itself); `post_shutdown` stops those if they still run, then closes the resources.
- `run_bot(settings, webhook=None)`: blocks until SIGINT/SIGTERM; long polling by default, or a
  webhook server (PTB's, on tornado) that checks Telegram's secret token header on every request.
- `running(application, ...)`: the same life cycle as an async context manager, for tests and the
  benchmark.
- `build_application(..., queue_worker=True)`: the Application of a queue worker (`bot.queue.worker`):
  the same handlers, no updater, no update queue of its own; its worker hands it each job's update and
  settles it, so `post_init` replays nothing and starts no background task (the queue retries jobs,
  the exam clock is a periodic job).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from telegram.ext import Application, ApplicationBuilder

from bot.config import Settings
from bot.scoring import PoolScorer
from bot.services import Services, open_services
from bot.speech.voice import (
    SynthesizerFactory,
    TranscriberFactory,
    VoiceIO,
    default_synthesizer,
    default_transcriber,
)
from bot.telegram import handlers, menus
from bot.telegram.flood import FloodControl
from bot.telegram.inbox import DurableUpdateQueue, UpdateInbox
from bot.telegram.lines import recover_held_voices
from bot.telegram.processor import ChatSerialProcessor
from bot.telegram.runtime import RUNTIME_KEY, BotOptions, BotRuntime
from bot.telegram.sessions import end_overdue_exams

log = logging.getLogger(__name__)

ServicesFactory = Callable[[Settings], Awaitable[Services]]
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


@dataclass(frozen=True)
class WebhookConfig:
    """Where Telegram posts updates (`url`, public HTTPS) and where this process listens for them."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8080
    url_path: str | None = None  # default: the path of `url`
    secret_token: str | None = None  # default: a fresh random token, registered with setWebhook

    @property
    def path(self) -> str:
        return (self.url_path if self.url_path is not None else urlparse(self.url).path).strip("/")


class MissingToken(ValueError):
    """No bot token configured."""


def file_base_url(settings: Settings) -> str:
    """TELEGRAM_FILE_BASE_URL, else derived from the API base (`…/bot` → `…/file/bot`)."""
    if settings.telegram_file_base_url:
        return settings.telegram_file_base_url
    base = settings.telegram_api_base_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


def build_application(
    settings: Settings,
    *,
    options: BotOptions | None = None,
    services_factory: ServicesFactory = open_services,
    transcriber_factory: TranscriberFactory = default_transcriber,
    synthesizer_factory: SynthesizerFactory = default_synthesizer,
    queue_worker: bool = False,
    rate_limiter: FloodControl | None = None,
) -> Application:
    """The Application, handlers attached; resources are opened by its `post_init`."""
    if not settings.telegram_bot_token:
        raise MissingToken("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
    options = options or BotOptions()
    processor = ChatSerialProcessor(options.max_concurrent_updates)
    inbox = UpdateInbox()
    background: set[asyncio.Task[Any]] = set()  # recovery and retries, referenced until done

    def in_background(coroutine: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        background.add(task)
        task.add_done_callback(background.discard)

    async def post_init(application: Application) -> None:
        services = await services_factory(settings)
        services.watch_catalog()  # publications made by any process (`bot.services`)
        voice = VoiceIO(
            settings, transcriber_factory=transcriber_factory, synthesizer_factory=synthesizer_factory
        )
        if options.scoring_workers > 0:  # scoring off the turn path, in worker processes (`bot.scoring`)
            services.rehearsal.scorer = PoolScorer(options.scoring_workers)
        application.bot_data[RUNTIME_KEY] = BotRuntime(settings, services, voice, processor, options, inbox)
        inbox.attach(services.inbox)  # from now on, every update is held before Telegram is told
        if queue_worker:  # the worker settles each job's update itself; the queue replays and retries
            if options.preload_scoring and isinstance(services.rehearsal.scorer, PoolScorer):
                in_background(services.rehearsal.scorer.warm(), "oralblanc-scoring-warm-up")
            await _ready(application, settings, services, voice, options)
            return
        processor.inbox = inbox
        # What a previous run was handling when it stopped: queued before anything new arrives.
        replayed = await inbox.replay(application)
        if replayed:
            log.info("%s updates a previous run left unfinished handed over again", replayed)
        if options.preload_scoring and isinstance(services.rehearsal.scorer, PoolScorer):
            in_background(services.rehearsal.scorer.warm(), "oralblanc-scoring-warm-up")
        await _ready(application, settings, services, voice, options)
        in_background(_recover(application.bot_data[RUNTIME_KEY], application), "oralblanc-voice-recovery")
        in_background(
            _retry_kept(inbox, application, settings.update_retry_seconds), "oralblanc-update-retry"
        )
        in_background(
            _exam_clock(application.bot_data[RUNTIME_KEY], application, options.exam_clock_seconds),
            "oralblanc-exam-clock",
        )
        log.info("bot @%s ready (%s)", application.bot.username, settings.telegram_api_base_url)

    async def post_shutdown(application: Application) -> None:
        for task in list(background):
            task.cancel()
        if background:
            await asyncio.gather(*background, return_exceptions=True)
        rt: BotRuntime | None = application.bot_data.pop(RUNTIME_KEY, None)
        if rt is not None:
            await rt.voice.aclose()
            scorer = rt.services.rehearsal.scorer
            if isinstance(scorer, PoolScorer):
                await scorer.aclose()
            await rt.services.close()

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_base_url(settings))
        .concurrent_updates(processor)
        .rate_limiter(
            rate_limiter
            or FloodControl(overall_rate=options.flood_overall_rate, max_retries=options.flood_max_retries)
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    builder = builder.updater(None) if queue_worker else builder.update_queue(DurableUpdateQueue(inbox))
    application = builder.build()
    handlers.register(application)
    return application


async def _ready(
    application: Application, settings: Settings, services: Services, voice: VoiceIO, options: BotOptions
) -> None:
    """Speech model (if asked) and the command menus: what every kind of process does at start-up."""
    if options.preload_speech:
        try:
            await voice.preload()
        except Exception:
            log.exception("speech-to-text model not loaded: voice notes will be refused")
    await menus.set_default_menus(application.bot)
    await menus.set_admin_menus(application.bot, settings, services)


async def _recover(rt: BotRuntime, application: Application) -> int:
    """The voice notes a previous run held but never transcribed, played now (never raises)."""
    try:
        return await recover_held_voices(rt, application.bot)
    except asyncio.CancelledError:
        log.info("voice note recovery stopped by the shutdown (what is left stays held)")
        raise
    except Exception:
        log.exception("voice note recovery failed (the notes stay held until the next start)")
        return 0


async def _retry_kept(inbox: UpdateInbox, application: Application, every: float) -> None:
    """Hand over again, every `every` seconds, the updates a storage failure left pending."""
    while True:
        await asyncio.sleep(every)
        try:
            await inbox.replay(application, older_than=timedelta(seconds=every))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the database may still be down: next time
            log.warning("pending updates not replayed yet (%s)", type(error).__name__)


async def _exam_clock(rt: BotRuntime, application: Application, every: float) -> None:
    """End exam sessions when their time is up, without waiting for the candidate's next line."""
    while True:
        try:
            await end_overdue_exams(rt, application.bot)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("exam clock: overdue sessions not ended yet (next try in %s s)", every)
        await asyncio.sleep(every)


def run_bot(
    settings: Settings, *, webhook: WebhookConfig | None = None, options: BotOptions | None = None
) -> None:
    """Run until interrupted: long polling, or the webhook server when `webhook` is given."""
    application = build_application(settings, options=options)
    if webhook is None:
        log.info("long polling %s", settings.telegram_api_base_url)
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    log.info("webhook %s, listening on %s:%s/%s", webhook.url, webhook.listen, webhook.port, webhook.path)
    application.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.path,
        webhook_url=webhook.url,
        secret_token=webhook.secret_token or secrets.token_urlsafe(32),
        allowed_updates=ALLOWED_UPDATES,
    )


@asynccontextmanager
async def running(
    application: Application, *, webhook: WebhookConfig | None = None, poll_timeout: float = 10.0
) -> AsyncIterator[Application]:
    """Initialise, `post_init`, start polling (or the webhook), start; the reverse on exit."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        if webhook is None:
            await application.updater.start_polling(
                timeout=timedelta(seconds=poll_timeout), allowed_updates=ALLOWED_UPDATES
            )
        else:
            await application.updater.start_webhook(
                listen=webhook.listen,
                port=webhook.port,
                url_path=webhook.path,
                webhook_url=webhook.url,
                secret_token=webhook.secret_token or secrets.token_urlsafe(32),
                allowed_updates=ALLOWED_UPDATES,
            )
        await application.start()
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


__all__ = ["MissingToken", "WebhookConfig", "build_application", "file_base_url", "run_bot", "running"]
