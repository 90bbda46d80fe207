"""`oralblanc web`: serve the web console (uvicorn); `oralblanc web link --user tg:<id>`: a one-time
sign-in link for a staff member (the terminal's operator makes it, as an admin).

Mount with `app.add_typer(web_commands.app, name="web")`. Settings: `ORALBLANC_WEB_URL` (the public
address the links point to; https makes the session cookie Secure), `ORALBLANC_WEB_SECRET` (signs
the session cookies; unset, a random key per start), `TELEGRAM_BOT_TOKEN` (to tell candidates of
decisions), `DATABASE_URL`. Heavy imports stay inside the functions: the CLI starts at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="The web console for trainers and jury members.", invoke_without_command=True)


@app.callback()
def web(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (behind an HTTPS proxy in production).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
) -> None:
    """Serve the web console (sign-in by one-time link: /web to the bot, or `oralblanc web link`)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from bot.config import get_settings
    from bot.web.app import create_app

    settings = get_settings()
    typer.echo(f"web console on http://{host}:{port} (public address: {settings.web_url})", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True, log_level="warning")


@app.command("link")
def link(
    user: Annotated[str, typer.Option("--user", help="The staff member (tg:<id>, id:<n>, name).")],
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="The console's public address (default: ORALBLANC_WEB_URL)."),
    ] = None,
) -> None:
    """Print a one-time sign-in link (single use, 15 minutes) for a trainer, jury member or admin."""
    from bot.commands.refusals import run
    from bot.config import get_settings
    from bot.core import sign_in

    settings = get_settings()
    made = run(lambda repo, me: sign_in.issue_link(repo, me, settings.admins, for_ref=user), ref=user)
    typer.echo(made.url(base_url or settings.web_url))
