"""The terminal transport: rehearse a scenario by typing (or piping) the candidate's turns.

Interactive when stdin is a terminal; otherwise one candidate turn per input line, until the end of
input or of the scenario. `/end` ends the session. A line `@path/to/audio.ogg` is a voice turn: the
file is transcribed and played as spoken. Every rehearsal is stored like on Telegram.

In exam mode (`oralblanc jury try`) the briefing shows the time limit (the scenario's `duration_min`)
and a line typed past it is not taken: the session ends there and is scored, as on Telegram.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Callable

import typer

from bot.config import Settings, get_settings
from bot.rehearsal import Rehearsal, RehearsalError
from bot.services import Services, open_services
from bot.speech.audio import AudioError
from bot.speech.voice import VoiceIO, turn_meta
from feedback.report import summary
from scenarios.model import Lang, Scenario

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
        "understood": "(compris : « {text} »)",
        "no_file": "Fichier audio introuvable : {path} ({error}). Continuez.",
        "bad_audio": "Ce fichier audio est inutilisable : {path} ({error}). Réessayez ou écrivez votre réplique.",
        "voice_written": "(note vocale : {path})",
        "time_limit": "Examen : {minutes} min au plus. Passé ce délai, la séance s'arrête et est évaluée.",
        "time_up": "Le temps imparti ({minutes} min) est écoulé : la séance s'arrête ici, cette réplique n'est pas prise.",
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
        "understood": "(understood: “{text}”)",
        "no_file": "Audio file not found: {path} ({error}). Go on.",
        "bad_audio": "This audio file cannot be used: {path} ({error}). Try again or type your line.",
        "voice_written": "(voice note: {path})",
        "time_limit": "Exam: {minutes} min at most. After that, the session stops and is scored.",
        "time_up": "The time allowed ({minutes} min) is over: the session stops here, that line is not taken.",
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
    voice_dir: Path | None = None,
    settings: Settings | None = None,
    scenario: Scenario | None = None,
    exam: bool = False,
) -> int:
    """Play a session to its end; `scenario` plays this very script (not the catalog's version of
    `scenario_id`), `exam` enforces its time limit. Returns the exit code."""
    settings = settings or get_settings()
    try:
        return asyncio.run(
            _play(
                settings, scenario_id or settings.default_scenario, language, engine, transcript_out, user, resume,
                voice_dir, scenario=scenario, exam=exam,
            )
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
    voice_dir: Path | None,
    *,
    scenario: Scenario | None = None,
    exam: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    interactive = sys.stdin.isatty()
    services = await open_services(settings)
    voice = VoiceIO(settings)
    try:
        rehearsal = services.rehearsal
        ui = UI[language]
        deadline: datetime | None = None
        if resume is not None:
            session_id, ended = await _resume(services, rehearsal, resume)
        else:
            user_id = await services.repo.get_or_create_user(display_name=user or _login(), language=language)
            opening = await rehearsal.start(
                user_id, scenario_id, language, engine=engine or settings.effective_engine, scenario=scenario
            )
            session_id, ended = opening.session_id, False
            _show_briefing(opening, ui)
            if exam or opening.scenario.exam:  # asked for (a jury trial), or an exam script
                deadline = clock() + timedelta(minutes=opening.scenario.duration_min)
                typer.echo(ui["time_limit"].format(minutes=opening.scenario.duration_min) + "\n")
            _say(opening.persona.name, opening.text)
        record = await services.repo.session(session_id)
        persona = services.catalog.persona_of(record.scenario)
        speaking = record.turns[-1].lang or record.language if record.turns else record.language
        read = _reader(interactive, ui["you"])
        while not ended:
            line = await asyncio.to_thread(read)
            if line is None or line.strip().lower() in END_COMMANDS:
                break
            line = line.strip()
            if not line:
                continue
            if deadline is not None and clock() > deadline:  # the line is not taken: the exam is over
                log.info("session %s: exam time limit reached", session_id)
                typer.echo(ui["time_up"].format(minutes=record.scenario.duration_min))
                break
            if not interactive:
                _say(ui["you"], line)
            meta: dict = {}
            if line.startswith("@"):
                heard = await _hear(voice, Path(line[1:].strip()).expanduser(), speaking, ui)
                if heard is None:
                    continue  # the session goes on: nothing was stored
                line, meta = heard
            typer.echo(f"{persona.name}: ", nl=False)
            reply = await rehearsal.turn(session_id, line, on_token=lambda piece: typer.echo(piece, nl=False), **meta)
            typer.echo("")
            ended, speaking = reply.ended, reply.language
            if voice_dir is not None:
                await _write_voice(voice, voice_dir, session_id, reply.text, persona, reply.language, ui)
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
        await voice.aclose()
        await services.close()


async def _hear(voice: VoiceIO, path: Path, language: str, ui: dict[str, str]) -> tuple[str, dict] | None:
    """A voice turn from an audio file: its transcript and what is stored with it; None if unusable."""
    try:
        data = path.read_bytes()
        heard = await voice.transcribe(data, language)
    except OSError as exc:
        typer.echo(ui["no_file"].format(path=path, error=exc.strerror or exc), err=True)
        return None
    except AudioError as exc:
        typer.echo(ui["bad_audio"].format(path=path, error=exc), err=True)
        return None
    if not heard.text.strip():
        typer.echo(ui["bad_audio"].format(path=path, error="no speech recognised"), err=True)
        return None
    typer.echo(ui["understood"].format(text=heard.text.strip()))
    return heard.text.strip(), turn_meta(heard, data)


async def _write_voice(
    voice: VoiceIO, folder: Path, session_id: int, text: str, persona, language: str, ui: dict[str, str]
) -> None:
    """The persona's reply as an OGG/Opus voice note in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    existing = len(list(folder.glob(f"session-{session_id}-reply-*.ogg")))
    path = folder / f"session-{session_id}-reply-{existing + 1:03d}.ogg"
    try:
        path.write_bytes(await voice.speak(text, persona, language))
    except Exception as exc:  # a voice that cannot be made never stops the rehearsal
        log.warning("no voice note for the reply: %s", exc)
        return
    typer.echo(ui["voice_written"].format(path=path))


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
