"""The terminal transport: rehearse a scenario by typing (or piping) the candidate's turns.

Interactive when stdin is a terminal; otherwise one candidate turn per input line, until the end of
input or of the scenario. `/end` ends the session. Every rehearsal is stored like on Telegram.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import sys
import textwrap
from pathlib import Path
from typing import Callable

import typer

from bot.config import Settings, get_settings
from bot.rehearsal import Rehearsal, RehearsalError
from bot.services import Services, open_services
from feedback.report import summary
from scenarios.model import Lang

log = logging.getLogger(__name__)

END_COMMANDS = {"/end", "/fin", "/quit", "/exit"}

UI = {
    "fr": {
        "briefing": "Votre mission",
        "you": "Vous",
        "help": "Écrivez vos répliques ; /end pour terminer. (Interlocuteur joué par une IA.)",
        "ended": "Fin de la simulation.",
        "stored": "Séance n° {id} enregistrée.",
        "transcript": "Transcription écrite dans {path}.",
        "resume": "Reprise de la séance n° {id}.",
        "scoring": "Évaluation en cours…\n",
    },
    "en": {
        "briefing": "Your brief",
        "you": "You",
        "help": "Type your lines; /end to finish. (The counterpart is played by an AI.)",
        "ended": "End of the role-play.",
        "stored": "Session #{id} stored.",
        "transcript": "Transcript written to {path}.",
        "resume": "Resuming session #{id}.",
        "scoring": "Scoring…\n",
    },
}


def run_terminal(
    *,
    scenario_id: str | None,
    language: Lang,
    engine: str | None,
    transcript_out: Path | None,
    user: str | None,
    resume: int | None = None,
    settings: Settings | None = None,
) -> int:
    settings = settings or get_settings()
    try:
        return asyncio.run(
            _play(settings, scenario_id or settings.default_scenario, language, engine, transcript_out, user, resume)
        )
    except RehearsalError as exc:
        typer.echo(f"oralblanc: {exc}", err=True)
        return 2


async def _play(
    settings: Settings,
    scenario_id: str,
    language: Lang,
    engine: str | None,
    transcript_out: Path | None,
    user: str | None,
    resume: int | None,
) -> int:
    interactive = sys.stdin.isatty()
    services = await open_services(settings)
    try:
        rehearsal = services.rehearsal
        ui = UI[language]
        if resume is not None:
            session_id, ended = await _resume(services, rehearsal, resume)
        else:
            user_id = await services.repo.get_or_create_user(display_name=user or _login(), language=language)
            opening = await rehearsal.start(
                user_id, scenario_id, language, engine=engine or settings.effective_engine
            )
            session_id, ended = opening.session_id, False
            _show_briefing(opening, ui)
            _say(opening.persona.name, opening.text)
        persona_name = (await services.repo.session(session_id)).scenario.persona
        persona_name = services.catalog.personas[persona_name].name
        read = _reader(interactive, ui["you"])
        while not ended:
            line = await asyncio.to_thread(read)
            if line is None or line.strip().lower() in END_COMMANDS:
                break
            if not line.strip():
                continue
            if not interactive:
                _say(ui["you"], line.strip())
            typer.echo(f"{persona_name}: ", nl=False)
            reply = await rehearsal.turn(session_id, line.strip(), on_token=lambda piece: typer.echo(piece, nl=False))
            typer.echo("")
            ended = reply.ended
        transcript = await rehearsal.finish(session_id)
        typer.echo(f"\n— {ui['ended']} {ui['stored'].format(id=session_id)}")
        if any(t.speaker == "candidate" for t in transcript.turns):
            typer.echo(ui["scoring"])
            typer.echo(summary(await rehearsal.scorecard(session_id)))
        if transcript_out is not None:
            transcript_out.write_text(transcript.to_json() + "\n", encoding="utf-8")
            typer.echo(ui["transcript"].format(path=transcript_out))
        return 0
    finally:
        await services.close()


async def _resume(services: Services, rehearsal: Rehearsal, session_id: int) -> tuple[int, bool]:
    record = await services.repo.session(session_id)
    ui = UI[record.language]
    typer.echo(ui["resume"].format(id=session_id))
    name = services.catalog.personas[record.scenario.persona].name
    for turn in record.turns[-2:]:
        _say(name if turn.speaker == "persona" else ui["you"], turn.text)
    owed = await rehearsal.resume(session_id)
    if owed is not None:
        _say(name, owed.text)
        return session_id, owed.ended
    return session_id, record.status != "active"


def _show_briefing(opening, ui: dict[str, str]) -> None:
    lang = opening.language
    s, p = opening.scenario, opening.persona
    typer.secho(f"\n{s.title.get(lang)}", bold=True)
    typer.echo(f"{p.name} — {p.role.get(lang)}, {p.company.get(lang)}\n")
    typer.secho(ui["briefing"], underline=True)
    typer.echo(s.briefing.get(lang).strip())
    typer.echo(f"\n{ui['help']}\n")


def _say(name: str, text: str) -> None:
    wrapped = textwrap.fill(text, width=100, subsequent_indent="  ")
    typer.echo(f"{name}: {wrapped}")


def _reader(interactive: bool, prompt: str) -> Callable[[], str | None]:
    def read() -> str | None:
        try:
            if interactive:
                return input(f"{prompt}> ")
            line = sys.stdin.readline()
            return line if line else None
        except EOFError:
            return None

    return read


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "terminal"
