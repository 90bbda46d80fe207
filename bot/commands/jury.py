"""`oralblanc jury …`: what jury members do on Telegram (send a YAML script, /publish, /try), from a
terminal (the database is `DATABASE_URL`, else the SQLite file in the data dir).

Mount with `app.add_typer(jury_commands.app, name="jury")`. The rules are `bot.publishing`'s, the
same as on Telegram. A terminal user has the database in hand, so no role is checked here; `--by`
names the person recorded as uploader (`tg:<id>`, `id:<n>` or a display name).

A running bot picks a publication up by refreshing its catalog; sessions already started keep the
script they froze.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from bot import anonymous_transcripts
from bot.catalog import load_catalog
from bot.commands.data import _find, _repository
from bot.publishing import (
    check_publish,
    lint_script,
    live_catalog,
    preview_fields,
    script_to_try,
)
from storage.records import NotFound

log = logging.getLogger(__name__)

app = typer.Typer(help="Jury scripts: upload, publish, try, list; transcripts read without names.", no_args_is_help=True)


REFUSALS = {
    "no_upload": "No script uploaded for '{id}': `oralblanc jury upload FILE` first.",
    "already_published": "'{id}' v{version} is already live.",
    "version_not_higher": (
        "Refused: the uploaded script is v{version}, the live version is v{live}. "
        "Raise `version:` (to {next} at least) and upload the file again."
    ),
}


@app.command("upload")
def upload(
    file: Annotated[Path, typer.Argument(help="The YAML script.", dir_okay=False)],
    by: Annotated[str | None, typer.Option("--by", help="The uploader, stored with it (tg:<id>, id:<n>, name).")] = None,
) -> None:
    """Lint a script (as `oralblanc scenarios lint`), then store it unpublished; prints its number."""
    problems, scenario = lint_script(file)
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        typer.echo(f"{len(problems)} problem(s) found: nothing stored.", err=True)
        raise typer.Exit(1)
    if scenario is None:
        typer.echo(f"error: {file} is valid but is not a scenario script (a persona?): nothing stored.", err=True)
        raise typer.Exit(1)
    repo, engine = _repository()
    try:
        uploader = _find(repo, by).id if by else None
        number = repo.save_script(scenario, file.read_text(encoding="utf-8"), uploaded_by=uploader)
    finally:
        engine.dispose()
    log.info("script %s v%s uploaded by user %s (no. %s)", scenario.id, scenario.version, uploader, number)
    fields = preview_fields(scenario, "en")
    typer.echo(f"script {number} stored (not published).")
    typer.echo(f"{fields['id']} v{fields['version']} — {fields['kind']}\n{fields['title']}\n"
               f"Stages: {fields['stages']}\nCriteria: {fields['criteria']}")
    typer.echo(f"`oralblanc jury publish {scenario.id}` to make it live, `oralblanc jury try {scenario.id}` to play it.")


@app.command("publish")
def publish(
    scenario_id: Annotated[str, typer.Argument(help="The scenario id of the upload.")],
    by: Annotated[str | None, typer.Option("--by", help="Who publishes, recorded with it (tg:<id>, id:<n>, name).")] = None,
) -> None:
    """Make the latest upload of this id live (its version must be higher than the live one)."""
    repo, engine = _repository()
    try:
        publisher = _find(repo, by) if by else None
        check = check_publish(repo.latest_upload(scenario_id), live_catalog(repo).scenarios.get(scenario_id))
        if check.refusal is not None:
            typer.echo(REFUSALS[check.refusal].format(
                id=scenario_id, version=check.upload.version if check.upload else "",
                live=check.live_version, next=check.next_version,
            ), err=True)
            raise typer.Exit(1)
        assert check.upload is not None
        repo.publish_script(check.upload.id, published_by=publisher.id if publisher else None)
    finally:
        engine.dispose()
    log.info("script %s v%s published by user %s", scenario_id, check.upload.version,
             publisher.id if publisher else None)  # an id in the log, never a name
    typer.echo(f"'{scenario_id}' v{check.upload.version} is live. Sessions already started keep their version.")


@app.command("list")
def list_() -> None:
    """Every uploaded script (number, id, version, published or not, uploaded at); the live version per id."""
    repo, engine = _repository()
    try:
        scripts = repo.uploaded_scripts()
        catalog = live_catalog(repo)
    finally:
        engine.dispose()
    if not scripts:
        typer.echo("No script uploaded.")
        return
    for s in scripts:
        status = "published" if s.published else "unpublished"
        typer.echo(f"{s.id}\t{s.scenario_id}\tv{s.version}\t{status}\t{s.uploaded_at:%Y-%m-%d %H:%M} UTC")
    typer.echo("\nLive:")
    for scenario_id in sorted({s.scenario_id for s in scripts}):
        live = catalog.scenarios.get(scenario_id)
        if live is None:
            typer.echo(f"{scenario_id}\tnot live")
            continue
        published = [s for s in scripts if s.scenario_id == scenario_id and s.published and s.version == live.version]
        source = f"script {published[-1].id}" if published else "library"
        typer.echo(f"{scenario_id}\tv{live.version}\t({source})")


@app.command("try")
def try_(
    scenario_id: Annotated[str, typer.Argument(help="The scenario id to try.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the session: fr or en.")] = "fr",
    user: Annotated[str | None, typer.Option("--user", help="Whose trial this is (default: your login name).")] = None,
) -> None:
    """Play the latest upload of an id (or the live version, when newer) in exam mode, with its time limit.

    The session is stored and scored like `oralblanc play`. Without a terminal, reads one candidate turn
    per line; `/end` ends it."""
    from bot.terminal import run_terminal

    if lang not in ("fr", "en"):
        raise typer.BadParameter("--lang must be fr or en")
    repo, engine = _repository()
    try:
        catalog = live_catalog(repo)
        scenario, source = script_to_try(repo.latest_upload(scenario_id), catalog.scenarios.get(scenario_id))
    finally:
        engine.dispose()
    if scenario is None or scenario.persona not in catalog.personas:
        typer.echo(f"error: no script '{scenario_id}', uploaded or live", err=True)
        raise typer.Exit(1)
    status = "live version" if source == "live" else "uploaded version, not published"
    typer.echo(f"Jury trial of '{scenario.id}' v{scenario.version} ({status}), in exam mode.")
    code = run_terminal(
        scenario_id=scenario.id, language=lang, engine=None, transcript_out=None, user=user,  # type: ignore[arg-type]
        scenario=scenario, exam=True,
    )
    raise typer.Exit(code)


@app.command("transcripts")
def transcripts(
    scenario_id: Annotated[str, typer.Argument(help="The scenario id.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: fr or en.")] = "en",
) -> None:
    """A script's finished sessions (number, date, version, length, score), without the candidates;
    jury members' trials on Telegram are left out."""
    repo, engine = _repository()
    try:
        trials = repo.trial_sessions(scenario_id)
        found = [(summary, card) for summary, card in repo.scenario_sessions(scenario_id) if summary.id not in trials]
    finally:
        engine.dispose()
    if not found:
        typer.echo(f"No finished session of '{scenario_id}'.")
        return
    for line in anonymous_transcripts.session_list(found, lang):
        typer.echo(line)


@app.command("transcript")
def transcript(
    session_id: Annotated[int, typer.Argument(help="The session number (see `oralblanc jury transcripts`).")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: fr or en.")] = "en",
) -> None:
    """A finished session's transcript, the candidate unnamed (their name, e-mails and phone numbers blanked)."""
    repo, engine = _repository()
    try:
        try:
            record = repo.session(session_id)
        except NotFound:
            record = None
        if record is None or record.status != "finished":
            typer.echo(f"error: no finished session {session_id}", err=True)
            raise typer.Exit(1)
        persona = load_catalog().personas.get(record.scenario.persona)
        text = anonymous_transcripts.transcript_text(
            record, repo.latest_scorecard(record.id), repo.user(record.user_id).display_name,
            persona.name if persona is not None else record.scenario.persona, lang,
        )
    finally:
        engine.dispose()
    typer.echo(text)
