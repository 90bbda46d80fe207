"""The terminal transport: rehearse a scenario by typing (or piping) the candidate's turns.

Interactive when stdin is a terminal; otherwise one candidate turn per input line, until the end of
input or of the scenario. `/end` ends the session and scores it. Ctrl-C (or, in a terminal, Ctrl-D,
`/pause`, `/quit`) only pauses it: the session stays open and `oralblanc play --resume N` continues it.
A line `@path/to/audio.ogg` is a voice turn: the file is transcribed and played as spoken. Every
rehearsal is stored like on Telegram; its full report is written as HTML in the data folder
(`reports/session-N.html`) and its path printed.

The briefing and the persona's words are wrapped to the terminal's width at word boundaries, also
while a reply streams in; the persona's name is set apart (bold, in colour) from what it says.

In exam mode (`oralblanc jury try`) the briefing shows the time limit (the scenario's `duration_min`)
and a line typed past it is not taken: the session ends there and is scored, as on Telegram. A jury
member's trial is stored marked as one (`bot.core.trials.trial_state`, as /try and the web console's
trials are): it is left out of the script's transcripts, and its scorecard is not held back.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import typer

from bot.config import Settings, get_settings
from bot.core import people, trials
from bot.core.sessions import NotFound
from bot.rehearsal import Rehearsal, RehearsalError
from bot.screen import Flow, width, wrap
from bot.services import Services, open_services
from bot.speech.audio import AudioError
from bot.speech.voice import VoiceIO, turn_meta
from feedback.report import summary, write_report
from scenarios.model import Lang, Scenario

log = logging.getLogger(__name__)

END_COMMANDS = {"/end", "/fin"}
PAUSE_COMMANDS = {"/pause", "/quit", "/exit"}
PAUSED = 130  # the exit code of a paused session: interrupted (128 + SIGINT), not finished
SESSION_OVER = 1  # the exit code of `--resume` on a session that is over

UI = {
    "fr": {
        "briefing": "Votre mission",
        "you": "Vous",
        "help": "Écrivez vos répliques ; /end pour terminer et être évalué(e). Ctrl-C met la séance en pause.",
        "engine_scripted": "(L'interlocuteur dit les répliques écrites par le jury pour ce scénario.)",
        "engine_llm": "(L'interlocuteur est joué par une IA, dans le cadre du scénario du jury.)",
        "ended": "Fin de la simulation.",
        "stored": "Séance n° {id} enregistrée.",
        "transcript": "Transcription écrite dans {path}.",
        "report": "Rapport complet (à ouvrir dans un navigateur) :\n  {path}",
        "resume": "Reprise de la séance n° {id}.",
        "paused": "Séance n° {id} en pause : rien n'est perdu. Pour la reprendre :\n  oralblanc play --resume {id}",
        "still_paused": "Vous avez une séance en pause, la n° {id} ; pour la reprendre plus tard :\n  oralblanc play --resume {id}",
        "over": "La séance n° {id} est terminée : elle ne prend plus de répliques. Pour rejouer ce scénario :\n"
        "  oralblanc play {scenario} --lang {lang}",
        "no_session": "Aucune séance n° {id}.",
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
        "help": "Type your lines; /end to finish and be scored. Ctrl-C pauses the session.",
        "engine_scripted": "(The counterpart says the lines the jury wrote for this scenario.)",
        "engine_llm": "(The counterpart is played by an AI, within the jury's scenario.)",
        "ended": "End of the role-play.",
        "stored": "Session #{id} stored.",
        "transcript": "Transcript written to {path}.",
        "report": "Full report (open it in a browser):\n  {path}",
        "resume": "Resuming session #{id}.",
        "paused": "Session #{id} paused: nothing is lost. To resume it:\n  oralblanc play --resume {id}",
        "still_paused": "You have a paused session, #{id}; to resume it later:\n  oralblanc play --resume {id}",
        "over": "Session #{id} is over: it takes no more lines. To play this scenario again:\n"
        "  oralblanc play {scenario} --lang {lang}",
        "no_session": "No session #{id}.",
        "scoring": "Scoring…\n",
        "understood": "(understood: “{text}”)",
        "no_file": "Audio file not found: {path} ({error}). Go on.",
        "bad_audio": "This audio file cannot be used: {path} ({error}). Try again or type your line.",
        "voice_written": "(voice note: {path})",
        "time_limit": "Exam: {minutes} min at most. After that, the session stops and is scored.",
        "time_up": "The time allowed ({minutes} min) is over: the session stops here, that line is not taken.",
    },
}


def report_path(settings: Settings, session_id: int) -> Path:
    """Where the terminal writes the full report of a session (`oralblanc data erase` deletes it)."""
    return settings.data_dir / "reports" / f"session-{session_id}.html"


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
    trial: bool = False,
) -> int:
    """Play a session to its end or its pause; `scenario` plays this very script (not the catalog's
    version of `scenario_id`), `exam` enforces its time limit, `trial` marks the session a jury
    member's trial of `scenario` (required then). Returns the exit code: 0, `PAUSED` after
    Ctrl-C, `SESSION_OVER` when resuming a session that is over, 2 for a request the session cannot take."""
    settings = settings or get_settings()
    try:
        return asyncio.run(
            _play(
                settings,
                scenario_id or settings.default_scenario,
                language,
                engine,
                transcript_out,
                user,
                resume,
                voice_dir,
                scenario=scenario,
                exam=exam,
                trial=trial,
            )
        )
    except RehearsalError as exc:
        typer.echo(f"oralblanc: {exc}", err=True)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):  # a second Ctrl-C: stop at once
        typer.echo("", err=True)
        return PAUSED


class _Paused(Exception):
    """The candidate pressed Ctrl-C while the session was waiting for their line."""


class _Console:
    """The candidate's side of the terminal: lines read in a thread of their own (the event loop never
    waits on the keyboard, and a line not yet typed never holds up the exit), and Ctrl-C.

    Ctrl-C pauses: while waiting for a line, at once; while the persona answers, once the answer is
    stored (`interrupted` is then checked). A second Ctrl-C stops everything at once; the session stays
    open either way (the candidate's turns are written ahead), so `--resume` continues it."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self.interrupted = False
        self._reading: asyncio.Future[str | None] | None = None
        self._buffer = bytearray()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task | None = None

    def install(self) -> None:
        self._loop, self._main = asyncio.get_running_loop(), asyncio.current_task()
        try:
            self._loop.add_signal_handler(signal.SIGINT, self._interrupt)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            self._loop = None

    def close(self) -> None:
        if self._loop is not None:
            self._loop.remove_signal_handler(signal.SIGINT)
            self._loop = None

    def _interrupt(self) -> None:
        if self.interrupted:
            if self._main is not None:
                self._main.cancel()
            return
        self.interrupted = True
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()

    async def line(self, prompt: str) -> str | None:
        """The candidate's next line (without its end); None at the end of input; `_Paused` on Ctrl-C."""
        if self.interrupted:
            raise _Paused
        if self.interactive:
            typer.secho(f"{prompt}>", nl=False, bold=True, fg="green")
            typer.echo(" ", nl=False)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()

        def settle(result: str | None, error: BaseException | None) -> None:
            if future.done():  # cancelled by Ctrl-C meanwhile
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

        def read() -> None:
            try:
                result = self._read()
            except BaseException as exc:  # handed to the awaiting coroutine
                loop.call_soon_threadsafe(settle, None, exc)
            else:
                loop.call_soon_threadsafe(settle, result, None)

        self._reading = future
        threading.Thread(target=read, name="oralblanc-stdin", daemon=True).start()
        try:
            return await future
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self.interrupted and (task is None or not task.cancelling()):
                typer.echo("")  # the prompt's line is left open
                raise _Paused from None
            raise
        finally:
            self._reading = None

    def _read(self) -> str | None:
        """One line of standard input. From the file descriptor itself when there is one, so that a
        read still blocked at exit holds no lock of Python's `sys.stdin`."""
        stream = sys.stdin
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # a stand-in without a descriptor
            text = stream.readline()
            return text.rstrip("\r\n") if text else None
        while b"\n" not in self._buffer:
            chunk = os.read(fd, 4096)
            if not chunk:
                if not self._buffer:
                    return None
                break
            self._buffer += chunk
        end = self._buffer.find(b"\n")
        end = len(self._buffer) if end < 0 else end + 1
        raw = bytes(self._buffer[:end])
        del self._buffer[:end]
        return raw.decode(getattr(stream, "encoding", None) or "utf-8", errors="replace").rstrip("\r\n")


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
    trial: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    interactive = sys.stdin.isatty()
    services = await open_services(settings)
    voice = VoiceIO(settings)
    console = _Console(interactive)
    console.install()
    try:
        rehearsal = services.rehearsal
        if resume is not None:
            try:
                record = await rehearsal.session(resume)
            except NotFound:
                typer.echo(f"oralblanc: {UI[language]['no_session'].format(id=resume)}", err=True)
                return 2
            ui = UI[record.language]  # the session's language, whatever --lang says
            if record.status != "active":
                over = ui["over"].format(id=resume, scenario=record.scenario.id, lang=record.language)
                typer.echo(wrap(over, width()), err=True)
                if report_path(settings, resume).is_file():
                    typer.echo(ui["report"].format(path=report_path(settings, resume)), err=True)
                return SESSION_OVER
            session_id, ended = await _resume(services, rehearsal, record, ui)
        else:
            ui = UI[language]
            user_id = await people.of_terminal(services.repo, user or _login(), language)
            paused = await rehearsal.active_session(user_id)
            engine = engine or settings.effective_engine
            if trial and scenario is None:
                raise RehearsalError("a jury trial plays the script it was given")
            if scenario is None:
                scenario = rehearsal.script(scenario_id)
            state = None
            if trial:  # a jury member trying a script: marked so, as /try and the web console do
                state = trials.trial_state(scenario, now=clock(), terminal=True)
            elif exam or scenario.exam:  # an exam script: its deadline is stored, so a pause does not lift it
                state = trials.exam_state(scenario, now=clock(), terminal=True)
            opening = await rehearsal.start(
                user_id, scenario_id, language, engine=engine, scenario=scenario, state=state
            )
            session_id, ended = opening.session_id, False
            _show_briefing(opening, ui, engine)
            if paused is not None:
                typer.echo(wrap(ui["still_paused"].format(id=paused.id), width()) + "\n")
            if state is not None:  # asked for (a jury trial), or an exam script
                typer.echo(
                    wrap(ui["time_limit"].format(minutes=opening.scenario.duration_min), width()) + "\n"
                )
            _say(opening.persona.name, opening.text)
        record = await rehearsal.session(session_id)
        # stored with the session: an exam's time limit runs on while paused
        deadline = trials.deadline_of(record)
        persona = services.catalog.persona_of(record.scenario)
        speaking = record.turns[-1].lang or record.language if record.turns else record.language
        while not ended:
            if console.interrupted:
                return _pause(ui, session_id, PAUSED)
            try:
                line = await console.line(ui["you"])
            except _Paused:
                return _pause(ui, session_id, PAUSED)
            if line is None:
                if interactive:  # Ctrl-D at the prompt: only /end ends a session
                    return _pause(ui, session_id, 0)
                break
            command = line.strip().lower()
            if command in END_COMMANDS:
                break
            if command in PAUSE_COMMANDS:
                return _pause(ui, session_id, 0)
            line = line.strip()
            if not line:
                continue
            if deadline is not None and clock() > deadline:  # the line is not taken: the exam is over
                log.info("session %s: exam time limit reached", session_id)
                typer.echo(wrap(ui["time_up"].format(minutes=record.scenario.duration_min), width()))
                break
            if not interactive:
                _say(ui["you"], line, persona=False)
            meta: dict = {}
            if line.startswith("@"):
                heard = await _hear(voice, Path(line[1:].strip()).expanduser(), speaking, ui)
                if heard is None:
                    continue  # the session goes on: nothing was stored
                line, meta = heard
            flow = _speaker(persona.name)
            reply = await rehearsal.turn(session_id, line, on_token=flow.feed, **meta)
            flow.close()
            ended, speaking = reply.ended, reply.language
            if voice_dir is not None:
                await _write_voice(voice, voice_dir, session_id, reply.text, persona, reply.language, ui)
        transcript = await rehearsal.finish(session_id)
        typer.echo(f"\n— {ui['ended']} {ui['stored'].format(id=session_id)}")
        if any(t.speaker == "candidate" for t in transcript.turns):
            typer.echo(ui["scoring"])
            card = await rehearsal.scorecard(session_id)
            typer.echo(wrap(summary(card), width()))
            path = report_path(settings, session_id)
            try:
                await asyncio.to_thread(_write_report, card, path)
            except OSError as exc:  # the summary is shown and the scorecard stored: the file is a convenience
                log.warning("session %s: report not written to %s: %s", session_id, path, exc)
            else:
                typer.echo("\n" + ui["report"].format(path=path))
        if transcript_out is not None:
            transcript_out.write_text(transcript.to_json() + "\n", encoding="utf-8")
            typer.echo(ui["transcript"].format(path=transcript_out))
        return 0
    finally:
        console.close()
        await voice.aclose()
        await services.close()


def _pause(ui: dict[str, str], session_id: int, code: int) -> int:
    """Leave the session open and say how to come back to it."""
    log.info("session %s paused", session_id)
    typer.echo("\n" + wrap(ui["paused"].format(id=session_id), width()))
    return code


def _write_report(card, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_report(card, path)


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
    typer.echo(wrap(ui["understood"].format(text=heard.text.strip()), width()))
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


async def _resume(services: Services, rehearsal: Rehearsal, record, ui: dict[str, str]) -> tuple[int, bool]:
    """Show where an open session stands (its last two turns) and answer a line a crash left unanswered."""
    typer.echo(ui["resume"].format(id=record.id))
    name = services.catalog.persona_of(record.scenario).name
    for turn in record.turns[-2:]:
        if turn.speaker == "persona":
            _say(name, turn.text)
        else:
            _say(ui["you"], turn.text, persona=False)
    owed = await rehearsal.resume(record.id)
    if owed is not None:
        _say(name, owed.text)
        return record.id, owed.ended
    return record.id, False


def _show_briefing(opening, ui: dict[str, str], engine: str) -> None:
    lang, w = opening.language, width()
    s, p = opening.scenario, opening.persona
    typer.echo("")
    typer.secho(wrap(s.title.get(lang), w), bold=True)
    typer.echo(wrap(f"{p.name} — {p.role.get(lang)}, {p.company.get(lang)}", w) + "\n")
    typer.secho(ui["briefing"], underline=True)
    typer.echo(wrap(s.briefing.get(lang).strip(), w))
    engine_line = ui["engine_llm"] if engine == "llm" else ui["engine_scripted"]
    typer.echo("\n" + wrap(f"{ui['help']} {engine_line}", w) + "\n")


def _write(text: str) -> None:
    typer.echo(text, nl=False)


def _speaker(name: str, *, persona: bool = True) -> Flow:
    """Write `name:` set apart from the words that follow (bold, and in colour for the persona, on a
    terminal) and return the Flow that wraps those words as they come."""
    typer.secho(f"{name}:", nl=False, bold=True, fg="cyan" if persona else "green")
    typer.echo(" ", nl=False)
    w, column = width(), len(name) + 2
    indent = " " * column if column <= w // 3 else "  "  # continuation lines under the words, if room
    return Flow(_write, w, column=column, indent=indent)


def _say(name: str, text: str, *, persona: bool = True) -> None:
    flow = _speaker(name, persona=persona)
    flow.feed(text)
    flow.close()


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "terminal"
