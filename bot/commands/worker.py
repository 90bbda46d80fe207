"""`oralblanc worker`: take Telegram updates from the PostgreSQL queue and answer them (`bot.queue.worker`).

Registered by `bot.commands.telegram` (a top-level command beside `bot`). Needs a PostgreSQL
`DATABASE_URL` (the one the ingress, `oralblanc bot --queue`, writes to) and the bot's token.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

log = logging.getLogger(__name__)


def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency",
            min=1,
            envvar="ORALBLANC_WORKER_CONCURRENCY",
            help="Jobs run at the same time (different chats; a chat's updates always run one at a time).",
        ),
    ] = 8,
    queues: Annotated[
        list[str] | None,
        typer.Option(
            "--queues",
            "-q",
            help="Queues to take jobs from: updates, speech, scoring (repeat the option, or separate "
            "them with commas; default: all three). A worker that does not take speech (scoring) hands "
            "its voice notes (finished sessions) to the workers that do.",
        ),
    ] = None,
    http_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port",
            envvar="ORALBLANC_WORKER_METRICS_PORT",
            help="Serve /healthz and /metrics (Prometheus) on this port.",
        ),
    ] = None,
    http_listen: Annotated[
        str,
        typer.Option(
            "--metrics-listen",
            envvar="ORALBLANC_WORKER_METRICS_LISTEN",
            help="Address of /healthz and /metrics.",
        ),
    ] = "0.0.0.0",
    heartbeat: Annotated[
        float, typer.Option("--heartbeat", min=0.1, help="Seconds between this worker's heartbeats.")
    ] = 5.0,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=0.5,
            help="A worker silent this many seconds is taken as dead: its jobs are retried.",
        ),
    ] = 30.0,
    check_every: Annotated[
        float,
        typer.Option(
            "--check-every",
            min=0.1,
            help="Seconds between two looks for stalled jobs and updates with no job.",
        ),
    ] = 5.0,
    sweep_after: Annotated[
        float,
        typer.Option("--sweep-after", min=1.0, help="An update held this many seconds with no job gets one."),
    ] = 60.0,
    flood_rate: Annotated[
        float,
        typer.Option(
            "--flood-rate",
            min=1.0,
            help="Messages a second for the whole bot, across every worker (Telegram: 30).",
        ),
    ] = 30.0,
    handoff_wait: Annotated[
        float,
        typer.Option(
            "--handoff-wait",
            min=1.0,
            help="Seconds a voice note or a scoring handed to another queue may wait for a worker to "
            "take it (then the note is answered as unreadable, the session scored here).",
        ),
    ] = 300.0,
    preload_speech: Annotated[
        bool,
        typer.Option(
            "--preload-speech/--no-preload-speech", help="Load the speech-to-text model at start-up."
        ),
    ] = True,
) -> None:
    """Answer the updates the webhook ingress queued, until interrupted (SIGTERM finishes the jobs in hand)."""
    from bot.config import get_settings
    from bot.queue.jobs import QUEUES, NotPostgres
    from bot.queue.worker import WorkerOptions, run_worker
    from bot.telegram.app import MissingToken
    from bot.telegram.runtime import BotOptions

    settings = get_settings()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)
    chosen = tuple(
        dict.fromkeys(q.strip() for item in (queues or QUEUES) for q in item.split(",") if q.strip())
    )
    unknown = [q for q in chosen if q not in QUEUES]
    if unknown or not chosen:
        typer.echo(
            f"oralblanc worker: unknown queue {', '.join(unknown)!r}: choose among {', '.join(QUEUES)}",
            err=True,
        )
        raise typer.Exit(2)
    options = WorkerOptions(
        concurrency=concurrency,
        queues=chosen,
        handoff_wait=handoff_wait,
        heartbeat=heartbeat,
        stalled_after=stalled_after,
        check_every=check_every,
        sweep_after=sweep_after,
        http_listen=http_listen,
        http_port=http_port,
    )
    try:
        run_worker(
            settings,
            options,
            BotOptions(preload_speech=preload_speech, preload_scoring=True, flood_overall_rate=flood_rate),
        )
    except (MissingToken, NotPostgres) as exc:
        typer.echo(f"oralblanc worker: {exc}", err=True)
        raise typer.Exit(2) from None
