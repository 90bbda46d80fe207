"""`oralblanc jury …`: what jury members do on Telegram (send a YAML script, /publish, /try), from a
terminal (the database is `DATABASE_URL`, else the SQLite file in the data dir).

Mount with `app.add_typer(jury_commands.app, name="jury")`. Each command calls one use case of the
core (`bot.core.scripts`, `bot.core.transcripts`), the same as on Telegram, as the terminal's operator
(who has the database in hand); `--by` names the person recorded as uploader or publisher (`tg:<id>`,
`id:<n>` or a display name).

A running bot picks a publication up by refreshing its catalog (at once on PostgreSQL, where the
publication notifies every process; by its poll on SQLite); sessions already started keep the script
they froze.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from bot.core.operator import AsyncRepository
    from bot.core.principal import Principal
    from scenarios.model import Lang

log = logging.getLogger(__name__)

app = typer.Typer(
    help="Jury scripts: upload, publish, try, list; transcripts read without names.", no_args_is_help=True
)


@app.command("upload")
def upload(
    file: Annotated[Path, typer.Argument(help="The YAML script.", dir_okay=False)],
    by: Annotated[
        str | None, typer.Option("--by", help="The uploader, stored with it (tg:<id>, id:<n>, name).")
    ] = None,
) -> None:
    """Lint a script (as `oralblanc scenarios lint`), then store it unpublished; prints its number."""
    from bot.commands.refusals import run
    from bot.core import scripts

    uploaded = run(lambda repo, me: scripts.upload_file(repo, me, file), by=by)
    scenario = uploaded.scenario
    if uploaded.problems:
        for problem in uploaded.problems:
            typer.echo(problem)
        typer.echo(f"{len(uploaded.problems)} problem(s) found: nothing stored.", err=True)
        raise typer.Exit(1)
    if scenario is None:
        typer.echo(
            f"error: {file} is valid but is not a scenario script (a persona?): nothing stored.", err=True
        )
        raise typer.Exit(1)
    fields = scripts.preview_fields(scenario, "en")
    typer.echo(f"script {uploaded.number} stored (not published).")
    typer.echo(
        f"{fields['id']} v{fields['version']} — {fields['kind']}\n{fields['title']}\n"
        f"Stages: {fields['stages']}\nCriteria: {fields['criteria']}"
    )
    typer.echo(
        f"`oralblanc jury publish {scenario.id}` to make it live, `oralblanc jury try {scenario.id}` to play it."
    )


@app.command("publish")
def publish(
    scenario_id: Annotated[str, typer.Argument(help="The scenario id of the upload.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who publishes, recorded with it (tg:<id>, id:<n>, name).")
    ] = None,
) -> None:
    """Make the latest upload of this id live (its version must be higher than the live one)."""
    from bot.commands.refusals import run
    from bot.core import scripts

    async def publish_(repo: AsyncRepository, me: Principal) -> scripts.Published:
        return await scripts.publish(repo, me, await scripts.live_catalog(repo), scenario_id)

    published = run(publish_, by=by)
    typer.echo(f"'{scenario_id}' v{published.version} is live. Sessions already started keep their version.")


@app.command("list")
def list_() -> None:
    """Every uploaded script (number, id, version, published or not, uploaded at); the live version per id."""
    from bot.commands.refusals import run
    from bot.core import scripts

    async def list_uploads(repo: AsyncRepository, me: Principal) -> scripts.Uploads:
        return await scripts.list_uploads(repo, me, await scripts.live_catalog(repo))

    uploads = run(list_uploads)
    if not uploads.scripts:
        typer.echo("No script uploaded.")
        return
    for s in uploads.scripts:
        status = "published" if s.published else "unpublished"
        typer.echo(f"{s.id}\t{s.scenario_id}\tv{s.version}\t{status}\t{s.uploaded_at:%Y-%m-%d %H:%M} UTC")
    typer.echo("\nLive:")
    for scenario_id, live in uploads.live.items():
        if live is None:
            typer.echo(f"{scenario_id}\tnot live")
            continue
        version, number = live
        source = f"script {number}" if number is not None else "library"
        typer.echo(f"{scenario_id}\tv{version}\t({source})")


@app.command("try")
def try_(
    scenario_id: Annotated[str, typer.Argument(help="The scenario id to try.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the session: fr or en.")] = "fr",
    user: Annotated[
        str | None, typer.Option("--user", help="Whose trial this is (default: your login name).")
    ] = None,
) -> None:
    """Play the latest upload of an id (or the live version, when newer) in exam mode, with its time limit.

    The session is stored and scored like `oralblanc play`, marked a trial (as Telegram's /try): it is
    left out of the script's transcripts. Without a terminal, reads one candidate turn per line; `/end`
    ends it."""
    from bot.commands.refusals import run
    from bot.core import scripts
    from bot.terminal import run_terminal

    if lang not in ("fr", "en"):
        raise typer.BadParameter("--lang must be fr or en")
    language: Lang = "fr" if lang == "fr" else "en"

    async def to_try(repo: AsyncRepository, me: Principal) -> scripts.Trial:
        return await scripts.script_to_try(repo, me, await scripts.live_catalog(repo), scenario_id)

    trial = run(to_try)
    scenario, source = trial.scenario, trial.source
    status = "live version" if source == "live" else "uploaded version, not published"
    typer.echo(f"Jury trial of '{scenario.id}' v{scenario.version} ({status}), in exam mode.")
    code = run_terminal(
        scenario_id=scenario.id,
        language=language,
        engine=None,
        transcript_out=None,
        user=user,
        scenario=scenario,
        exam=True,
        trial=True,
    )
    raise typer.Exit(code)


@app.command("transcripts")
def transcripts(
    scenario_id: Annotated[str, typer.Argument(help="The scenario id.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: fr or en.")] = "en",
) -> None:
    """A script's finished sessions (number, date, version, length, score), without the candidates;
    jury members' trials (on Telegram, the web console or `oralblanc jury try`) are left out."""
    from bot.commands.refusals import run
    from bot.core import transcripts

    listed = run(lambda repo, me: transcripts.script_sessions(repo, me, scenario_id))
    if not listed.sessions:
        typer.echo(f"No finished session of '{scenario_id}'.")
        return
    for line in listed.lines(lang):
        typer.echo(line)


@app.command("transcript")
def transcript(
    session_id: Annotated[int, typer.Argument(help="The session number (see `oralblanc jury transcripts`).")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: fr or en.")] = "en",
) -> None:
    """A finished session's transcript, the candidate unnamed (their name, e-mails and phone numbers blanked)."""
    from bot.catalog import load_catalog
    from bot.commands.refusals import run
    from bot.core import transcripts

    catalog = load_catalog()
    reading = run(lambda repo, me: transcripts.read(repo, me, catalog, str(session_id), anonymous=True))
    typer.echo(reading.text(lang))
