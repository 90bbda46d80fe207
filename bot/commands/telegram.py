"""`oralblanc bot`: run the Telegram bot (long polling by default, or a webhook).

Mount with `app.add_typer(telegram_commands.app)` (no name: `bot` becomes a top-level command).
Settings come from the environment (`bot.config.Settings`): `TELEGRAM_BOT_TOKEN` (from @BotFather),
`TELEGRAM_API_BASE_URL` (default the public Bot API; a local Bot API server or a test server
otherwise), `TELEGRAM_FILE_BASE_URL` (derived from it when absent).

`--queue` (with `--webhook-url`) runs the webhook ingress of a scaled-out bot instead
(`bot.queue.ingress`): updates held and queued in PostgreSQL, answered by `oralblanc worker`
processes (`bot.commands.worker`, registered here).
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from bot.commands.worker import worker as worker_command

log = logging.getLogger(__name__)

app = typer.Typer(help="Run the Telegram bot.")
app.command("worker")(worker_command)


@app.command("bot")
def bot(
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook-url",
            envvar="TELEGRAM_WEBHOOK_URL",
            help="Public HTTPS URL Telegram posts updates to (webhook mode). Without it: long polling.",
        ),
    ] = None,
    listen: Annotated[
        str,
        typer.Option(
            "--listen", envvar="TELEGRAM_WEBHOOK_LISTEN", help="Address the webhook server listens on."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", envvar="TELEGRAM_WEBHOOK_PORT", help="Port the webhook server listens on."),
    ] = 8080,
    url_path: Annotated[
        str | None,
        typer.Option("--url-path", help="Local path of the webhook (default: the path of --webhook-url)."),
    ] = None,
    secret_token: Annotated[
        str | None,
        typer.Option(
            "--secret-token",
            envvar="TELEGRAM_WEBHOOK_SECRET",
            help="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (default: a random one per start).",
        ),
    ] = None,
    preload_speech: Annotated[
        bool,
        typer.Option(
            "--preload-speech/--no-preload-speech", help="Load the speech-to-text model at start-up."
        ),
    ] = True,
    flood_rate: Annotated[
        float,
        typer.Option(
            "--flood-rate",
            min=1.0,
            help="Messages a second for the whole bot (Telegram: 30); the per-chat limit stays.",
        ),
    ] = 30.0,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Webhook ingress only: hold each update and queue it in PostgreSQL (DATABASE_URL) "
            "for `oralblanc worker` processes.",
        ),
    ] = False,
) -> None:
    """Serve rehearsals on Telegram until interrupted (Ctrl-C, SIGTERM)."""
    from bot.config import get_settings
    from bot.telegram.app import MissingToken, WebhookConfig, run_bot
    from bot.telegram.runtime import BotOptions

    settings = get_settings()
    if queue:
        from bot.queue.jobs import NotPostgres, require_postgres

        try:
            require_postgres(settings.database_url)
        except NotPostgres as exc:
            typer.echo(f"oralblanc bot: {exc}", err=True)
            raise typer.Exit(2) from None
        if not webhook_url:
            typer.echo(
                "oralblanc bot: --queue needs --webhook-url (Telegram posts updates to the ingress)", err=True
            )
            raise typer.Exit(2)
    # httpx: one line per Bot API call otherwise, with the token in its URL; python-telegram-bot logs
    # whole updates and call parameters (names, texts) below INFO: never kept, whatever the root level.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)
    webhook = None
    if webhook_url:
        if not webhook_url.startswith("https://"):
            typer.echo("warning: Telegram only posts to https:// webhook URLs", err=True)
        webhook = WebhookConfig(webhook_url, listen, port, url_path, secret_token)
    try:
        if queue:
            from bot.queue.ingress import run_ingress

            run_ingress(settings, webhook)
            return
        run_bot(
            settings,
            webhook=webhook,
            options=BotOptions(
                preload_speech=preload_speech, preload_scoring=True, flood_overall_rate=flood_rate
            ),
        )
    except MissingToken as exc:
        typer.echo(f"oralblanc bot: {exc}", err=True)
        raise typer.Exit(2) from None
