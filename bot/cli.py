"""`oralblanc`: the command line of the project."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commands import calibration as calibration_commands
from bot.commands import jury as jury_commands
from bot.commands import language as language_commands
from bot.commands import moves as moves_commands
from bot.commands import scenarios as scenarios_commands
from bot.commands import score as score_commands
from bot.commands import speech as speech_commands
from bot.commands import telegram as telegram_commands
from bot.commands import trainer as trainer_commands
from bot.commands import web as web_commands
from bot.commands.data import data_app, db_app

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from scenarios.model import Lang

app = typer.Typer(
    help="oralblanc — rehearse the oral exams of 'Manager du développement commercial' (RNCP level 7).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(scenarios_commands.app, name="scenarios")
app.command("score")(score_commands.score)
app.command("calibration")(calibration_commands.calibration)
app.add_typer(language_commands.app)
app.add_typer(moves_commands.app)
app.add_typer(speech_commands.app)
app.add_typer(telegram_commands.app)
app.add_typer(trainer_commands.app)
app.add_typer(jury_commands.app, name="jury")
app.add_typer(web_commands.app, name="web")
app.add_typer(db_app, name="db")
app.add_typer(data_app, name="data")


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def play(
    scenario_id: Annotated[
        str | None, typer.Argument(help="Scenario id (default: ORALBLANC_DEFAULT_SCENARIO).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the session: fr or en.")] = "fr",
    engine: Annotated[
        str | None, typer.Option("--engine", help="Who speaks the persona: scripted or llm.")
    ] = None,
    transcript_out: Annotated[
        Path | None, typer.Option("--transcript-out", help="Write the transcript (JSON) here.")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Whose rehearsal this is (default: your login name).")
    ] = None,
    resume: Annotated[
        int | None, typer.Option("--resume", help="Continue a stored session by its number.")
    ] = None,
    voice: Annotated[
        bool, typer.Option("--voice", help="Also write the persona's replies as voice notes (OGG/Opus).")
    ] = False,
    voice_dir: Annotated[
        Path, typer.Option("--voice-dir", help="Where --voice writes the voice notes.")
    ] = Path("voice"),
) -> None:
    """Rehearse a scenario in the terminal. Without a terminal, reads one candidate turn per line.

    A line `@path/to/audio.ogg` is a voice turn (transcribed, then played as spoken)."""
    from bot.terminal import run_terminal

    if lang not in ("fr", "en"):
        raise typer.BadParameter("--lang must be fr or en")
    language: Lang = "fr" if lang == "fr" else "en"
    if engine not in (None, "scripted", "llm"):
        raise typer.BadParameter("--engine must be scripted or llm")
    code = run_terminal(
        scenario_id=scenario_id,
        language=language,
        engine=engine,
        transcript_out=transcript_out,
        user=user,
        resume=resume,
        voice_dir=voice_dir if voice else None,
    )
    raise typer.Exit(code)


if __name__ == "__main__":  # pragma: no cover
    app()
