"""`oralblanc db ...` (schema) and `oralblanc data ...` (privacy: export, erase, purge).

Mount with `app.add_typer(db_app, name="db")` and `app.add_typer(data_app, name="data")`, or mount
`app`, which holds both. The database is `bot.config.get_settings().effective_database_url`
(`DATABASE_URL`, else the SQLite file in the data directory).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from bot.core.operator import AsyncRepository
    from bot.core.principal import Principal

logger = logging.getLogger(__name__)

# Telegram redelivers an update for at most 24 hours: older processed ids are safe to forget.
UPDATE_IDS_KEPT = timedelta(days=2)

db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
data_app = typer.Typer(help="Personal data: export, erase, purge raw audio.", no_args_is_help=True)
app = typer.Typer(no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(data_app, name="data")


@db_app.callback()
def db_group() -> None:
    """The database schema (DATABASE_URL, else the SQLite file in the data directory)."""


@data_app.callback()
def data_group() -> None:
    """Personal data: export, erase, purge raw audio."""


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target migration.")] = "head",
) -> None:
    """Apply the schema migrations (also done automatically at start)."""
    from bot.core.operator import upgrade_database

    at, url = upgrade_database(revision)
    typer.echo(f"database at revision {at}: {url}")


USER_HELP = "id:N, tg:TELEGRAM_ID, a display name, or a bare number (user id or Telegram id)."


@data_app.command("export")
def data_export(
    user: Annotated[str, typer.Argument(help=USER_HELP)],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    audio: Annotated[bool, typer.Option("--audio/--no-audio", help="Include raw audio (base64).")] = True,
) -> None:
    """Export everything stored about a user, as JSON (oralblanc.user-export/2: scripts by id and
    version only, an exam scorecard no trainer has released yet withheld)."""
    from bot.commands.refusals import run
    from bot.core import personal_data
    from bot.core.principal import person

    async def export(repo: AsyncRepository, me: Principal) -> personal_data.Exported:
        return await personal_data.export(repo, me, (await person(repo, user)).id, include_audio=audio)

    exported = run(export)
    if output is None:
        typer.echo(exported.document)
    else:
        output.write_text(exported.document + "\n", encoding="utf-8")
        typer.echo(f"exported user {exported.user_id} to {output}", err=True)


@data_app.command("erase")
def data_erase(
    user: Annotated[str, typer.Argument(help=USER_HELP)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a user: sessions, turns, audio, scorecards, memberships and the user."""
    from bot.commands.refusals import run
    from bot.core import personal_data
    from bot.core.principal import person

    async def erase(repo: AsyncRepository, me: Principal) -> personal_data.Erased:
        record = await person(repo, user)
        if not yes:
            typer.confirm(f"Erase user {record.id} ({record.display_name}) and all their data?", abort=True)
        return await personal_data.erase(repo, me, record.id)

    erased = run(erase)
    files = _erase_report_files(erased.session_ids)
    deleted = ", ".join(
        f"{table}: {n}" for table, n in [*erased.report.deleted.items(), ("report files", files)] if n
    )
    typer.echo(f"erased user {erased.user_id} ({deleted})")


def _erase_report_files(session_ids: list[int]) -> int:
    """Delete the full reports `oralblanc play` wrote for these sessions; how many were deleted."""
    from bot.config import get_settings
    from bot.terminal import report_path

    settings, deleted = get_settings(), 0
    for session_id in session_ids:
        path = report_path(settings, session_id)
        if path.is_file():
            path.unlink()
            deleted += 1
    return deleted


@data_app.command("purge")
def data_purge(
    older_than_days: Annotated[
        int | None,
        typer.Option("--older-than-days", min=0, help="Default: ORALBLANC_AUDIO_RETENTION_DAYS (30)."),
    ] = None,
) -> None:
    """Delete raw audio older than the retention period (and old processed update ids)."""
    from bot.commands.refusals import run
    from bot.config import get_settings
    from bot.core import personal_data

    days = get_settings().audio_retention_days if older_than_days is None else older_than_days
    purged = run(
        lambda repo, me: personal_data.purge(
            repo, me, audio_older_than=timedelta(days=days), update_ids_older_than=UPDATE_IDS_KEPT
        )
    )
    typer.echo(
        f"purged {purged.audio} raw audio older than {days} days; forgot {purged.update_ids} old update ids"
    )
