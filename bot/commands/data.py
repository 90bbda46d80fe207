"""`oralblanc db ...` (schema) and `oralblanc data ...` (privacy: export, erase, purge).

Mount with `app.add_typer(db_app, name="db")` and `app.add_typer(data_app, name="data")`, or mount
`app`, which holds both. The database is `bot.config.get_settings().effective_database_url`
(`DATABASE_URL`, else the SQLite file in the data directory).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy import Engine

from bot.config import get_settings
from storage.db import current_revision, make_engine, upgrade
from storage.repository import AmbiguousUser, NotFound, Repository, UserRecord

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


def _database_url() -> str:
    return get_settings().effective_database_url


def _repository() -> tuple[Repository, Engine]:
    engine = make_engine(_database_url())
    return Repository(engine), engine


def _find(repo: Repository, ref: str) -> UserRecord:
    try:
        return repo.find_user(ref)
    except (NotFound, AmbiguousUser) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target migration.")] = "head",
) -> None:
    """Apply the schema migrations (also done automatically at start)."""
    url = _database_url()
    upgrade(url, revision)
    engine = make_engine(url, migrate=False)
    try:
        typer.echo(f"database at revision {current_revision(engine)}: {engine.url.render_as_string(hide_password=True)}")
    finally:
        engine.dispose()


USER_HELP = "id:N, tg:TELEGRAM_ID, a display name, or a bare number (user id or Telegram id)."


@data_app.command("export")
def data_export(
    user: Annotated[str, typer.Argument(help=USER_HELP)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    audio: Annotated[bool, typer.Option("--audio/--no-audio", help="Include raw audio (base64).")] = True,
) -> None:
    """Export everything stored about a user, as JSON (oralblanc.user-export/2: scripts by id and
    version only, an exam scorecard no trainer has released yet withheld)."""
    repo, engine = _repository()
    try:
        record = _find(repo, user)
        document = json.dumps(repo.export_user(record.id, include_audio=audio), ensure_ascii=False, indent=2)
    finally:
        engine.dispose()
    if output is None:
        typer.echo(document)
    else:
        output.write_text(document + "\n", encoding="utf-8")
        typer.echo(f"exported user {record.id} to {output}", err=True)


@data_app.command("erase")
def data_erase(
    user: Annotated[str, typer.Argument(help=USER_HELP)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a user: sessions, turns, audio, scorecards, memberships and the user."""
    repo, engine = _repository()
    try:
        record = _find(repo, user)
        if not yes:
            typer.confirm(f"Erase user {record.id} ({record.display_name}) and all their data?", abort=True)
        sessions = [s.id for s in repo.sessions_for_user(record.id)]
        report = repo.erase_user(record.id)
    finally:
        engine.dispose()
    files = _erase_report_files(sessions)
    deleted = ", ".join(f"{table}: {n}" for table, n in [*report.deleted.items(), ("report files", files)] if n)
    typer.echo(f"erased user {record.id} ({deleted})")


def _erase_report_files(session_ids: list[int]) -> int:
    """Delete the full reports `oralblanc play` wrote for these sessions; how many were deleted."""
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
        Optional[int],
        typer.Option("--older-than-days", min=0, help="Default: ORALBLANC_AUDIO_RETENTION_DAYS (30)."),
    ] = None,
) -> None:
    """Delete raw audio older than the retention period (and old processed update ids)."""
    days = get_settings().audio_retention_days if older_than_days is None else older_than_days
    repo, engine = _repository()
    try:
        audio = repo.purge_audio(timedelta(days=days))
        updates = repo.forget_processed_updates(UPDATE_IDS_KEPT)
    finally:
        engine.dispose()
    typer.echo(f"purged {audio} raw audio older than {days} days; forgot {updates} old update ids")
