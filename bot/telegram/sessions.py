"""The rehearsal as Telegram plays it: start, answer a line, end with the scorecard.

Each step reads what it needs through the rehearsal service (`bot.rehearsal.Rehearsal`) and calls one
of its methods; nothing about a session is kept in memory. Per-session transport settings live in the
session's `state` under `"telegram"`: the chat, voice replies on or off, and whether it is a mock exam
(no hints).
A candidate turn that a crash left unanswered is answered before the next one (`Rehearsal.resume`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from telegram import Bot
from telegram.constants import ChatAction

from bot.core import people, trials
from bot.core.principal import UserRecord
from bot.core.sessions import DuplicateUpdate, SessionClosed, SessionView
from bot.faults import crash_point
from bot.rehearsal import Opening, RehearsalError, SessionOver
from bot.telegram import keyboards, views
from bot.telegram.runtime import BotRuntime
from bot.telegram.scorecards import released, score_session
from bot.telegram.sending import ChatActionLoop, send_text
from bot.telegram.texts import t
from bot.telegram.views import persona_line
from feedback.report import summary
from personas.model import Persona
from scenarios.model import Scenario

log = logging.getLogger(__name__)

STATE_KEY = "telegram"


def session_prefs(record: SessionView) -> dict[str, Any]:
    return dict(record.state.get(STATE_KEY) or {})


def voice_replies(record: SessionView) -> bool:
    return bool(session_prefs(record).get("voice", record.mode == "voice"))


def is_exam(record: SessionView) -> bool:
    return bool(session_prefs(record).get("exam", False))


def time_is_up(record: SessionView, now: datetime | None = None) -> bool:
    """An exam session past its deadline (started + the scenario's `duration_min`)."""
    deadline = session_prefs(record).get("deadline")
    if not is_exam(record) or not deadline:
        return False
    return (now or datetime.now(UTC)) > datetime.fromisoformat(deadline)


async def set_prefs(rt: BotRuntime, record: SessionView, **changes: Any) -> None:
    state = dict(record.state)
    state[STATE_KEY] = {**session_prefs(record), **changes}
    await rt.services.rehearsal.set_state(record.id, state)


def persona_of(rt: BotRuntime, scenario: Scenario) -> Persona | None:
    return rt.services.catalog.personas.get(scenario.persona)


async def say(
    rt: BotRuntime,
    bot: Bot,
    chat_id: int,
    persona: Persona | None,
    text: str,
    *,
    ui_lang: str,
    speech_lang: str,
    voice: bool,
    then: Callable[[], None] | None = None,
) -> None:
    """The persona's line as text (then `then()`), and as a voice note when voice replies are on."""
    await send_text(bot, chat_id, persona_line(persona.name if persona else "…", text, ui_lang))
    if then is not None:
        then()
    if not voice:
        return
    try:
        async with ChatActionLoop(bot, chat_id, ChatAction.RECORD_VOICE, rt.options.typing_interval):
            audio = await rt.voice.speak(text, persona, speech_lang)
        await bot.send_voice(chat_id, audio)
    except Exception:  # the text is there: a failed voice note (TTS, or voice notes refused) is only logged
        log.exception("voice reply failed (chat %s)", chat_id)


async def begin(
    rt: BotRuntime,
    bot: Bot,
    chat_id: int,
    user: UserRecord,
    scenario: Scenario,
    lang: str,
    *,
    voice: bool,
    exam: bool = False,
    assignment_id: int | None = None,
    trial: bool = False,
    update_id: int | None = None,
) -> int:
    """Start a session of `scenario` (this very script: the session freezes it) in `lang`; send the
    start notice (with the time limit in exam mode) and the persona's first words. A `trial` is a jury
    member trying a script: exam mode, but their report is not held back for a trainer.

    `update_id`: the update that asked for it, stored with the session, so that the same update
    handled again after a crash (`started_by`) sends this session's opening instead of a second one."""
    prefs: dict[str, Any] = {"chat_id": chat_id, "voice": voice, "exam": exam}
    if trial:  # marked as the web console's and the terminal's trials are (exam mode, its deadline)
        prefs = trials.trial_state(scenario, chat_id=chat_id, voice=voice)[STATE_KEY]
    elif exam:
        prefs = trials.exam_state(scenario, chat_id=chat_id, voice=voice)[STATE_KEY]
    if update_id is not None:
        prefs["update_id"] = update_id
    async with ChatActionLoop(bot, chat_id, interval=rt.options.typing_interval):
        opening = await rt.services.rehearsal.start(
            user.id,
            scenario.id,
            "fr" if lang == "fr" else "en",
            mode="voice" if voice else "text",
            engine=rt.settings.effective_engine,
            assignment_id=assignment_id,
            scenario=scenario,
            state={STATE_KEY: prefs},
        )
    crash_point(rt.settings, "play.session_started")
    await _announce(rt, bot, chat_id, user, opening, voice=voice, exam=exam)
    return opening.session_id


def started_by(record: SessionView, update_id: int) -> bool:
    """Whether this session was opened by that update (which is being handled again)."""
    return session_prefs(record).get("update_id") == update_id


async def announce_again(
    rt: BotRuntime, bot: Bot, chat_id: int, user: UserRecord, record: SessionView
) -> None:
    """The start notice and opening of a session whose start was interrupted (the update that opened
    it is handled again after a crash): what the candidate may not have received, nothing new."""
    async with ChatActionLoop(bot, chat_id, interval=rt.options.typing_interval):
        opening = await rt.services.rehearsal.reopen(record.id)
    await _announce(rt, bot, chat_id, user, opening, voice=voice_replies(record), exam=is_exam(record))


async def _announce(
    rt: BotRuntime, bot: Bot, chat_id: int, user: UserRecord, opening: Opening, *, voice: bool, exam: bool
) -> None:
    scenario = opening.scenario
    engine = rt.settings.effective_engine
    await bot.send_message(
        chat_id,
        t(
            user.language,
            "started",
            title=scenario.title.get(opening.language),
            played_by=views.played_by(engine, user.language),
        ),
    )
    if exam:
        await bot.send_message(chat_id, t(user.language, "time_limit", minutes=scenario.duration_min))
    await say(
        rt,
        bot,
        chat_id,
        opening.persona,
        opening.text,
        ui_lang=user.language,
        speech_lang=opening.language,
        voice=voice,
    )


async def play_turn(
    rt: BotRuntime,
    bot: Bot,
    chat_id: int,
    user: UserRecord,
    record: SessionView,
    text: str,
    *,
    answered: Callable[[], None] | None = None,
    sent_at: datetime | None = None,
    **turn_meta: Any,
) -> None:
    """The candidate's line → the persona's answer (and the scorecard if that ends the scenario).

    `answered()` is called as soon as the answer's text is sent (see `ChatSerialProcessor.answered`).
    `sent_at`: when the candidate sent it; in an exam, a line sent before the deadline is taken and
    answered even if it is handled after (a busy moment, a restart), then the session ends on time.
    """
    rehearsal = rt.services.rehearsal
    persona = persona_of(rt, record.scenario)
    voice = voice_replies(record)
    if time_is_up(record, sent_at):  # sent after the deadline: not taken, the exam is over
        log.info("session %s: exam time limit reached", record.id)
        await conclude(
            rt,
            bot,
            chat_id,
            user,
            record.id,
            t(user.language, "time_up", minutes=record.scenario.duration_min),
        )
        return
    current: SessionView | int = record  # read by the handler: not read again, unless a turn was added since
    if record.turns and record.turns[-1].speaker == "candidate":
        owed_is_this = record.turns[-1].text == text  # most likely this very update, redelivered
        if await _answer_owed(
            rt, bot, chat_id, user, record, persona, voice, then=answered if owed_is_this else None
        ):
            return  # that answer ended the scenario
        current = record.id
    try:
        async with ChatActionLoop(bot, chat_id, interval=rt.options.typing_interval):
            reply = await rehearsal.turn(current, text, **turn_meta)
    except DuplicateUpdate:
        log.info("session %s: update %s already stored", record.id, turn_meta.get("update_id"))
        await _answer_owed(rt, bot, chat_id, user, record.id, persona, voice)
        return
    except (SessionOver, SessionClosed):
        await bot.send_message(chat_id, t(user.language, "session_over"))
        return
    await say(
        rt,
        bot,
        chat_id,
        persona,
        reply.text,
        ui_lang=user.language,
        speech_lang=reply.language,
        voice=voice,
        then=answered,
    )
    if reply.ended:
        await conclude(rt, bot, chat_id, user, record.id, t(user.language, "ended_by_persona"))
    elif time_is_up(record):  # a line sent in time, answered after the deadline: the exam ends now
        await conclude(
            rt,
            bot,
            chat_id,
            user,
            record.id,
            t(user.language, "time_up", minutes=record.scenario.duration_min),
        )


async def end_overdue_exams(rt: BotRuntime, bot: Bot, now: datetime | None = None) -> int:
    """End every exam session past its deadline, in its chat's turn (after any line it is handling):
    the candidate is told and gets the scorecard (or the notice that it awaits a trainer). Returns
    how many were ended. A session is ended by the clock even if the candidate sends nothing more.

    One process only: its chat's turn is this process's. Queue workers defer one job per overdue
    session instead, in the chat's lock (`bot.queue.worker.QueueWorker.exam_clock`)."""
    now = now or datetime.now(UTC)
    ended = 0
    for session_id, user_id, chat in await overdue_exams(rt, now):
        ended += await rt.processor.run_in_chat(chat, end_on_time(rt, bot, chat, user_id, session_id, now))
    return ended


async def overdue_exams(rt: BotRuntime, now: datetime | None = None) -> list[tuple[int, int, int]]:
    """(session id, user id, chat id) of every exam session in progress past its deadline."""
    now = now or datetime.now(UTC)
    overdue = []
    for session_id, user_id, state in await rt.services.rehearsal.active_states():
        prefs = state.get(STATE_KEY) or {}
        deadline, chat = prefs.get("deadline"), prefs.get("chat_id")
        if not prefs.get("exam") or not deadline or chat is None or now <= datetime.fromisoformat(deadline):
            continue
        overdue.append((session_id, user_id, int(chat)))
    return overdue


async def end_on_time(
    rt: BotRuntime, bot: Bot, chat_id: int, user_id: int, session_id: int, now: datetime | None = None
) -> int:
    """End this exam session if it is still in progress and past its deadline (1), else nothing (0).
    Run it in the chat's turn: a line handled before it (sent in time) has been answered first."""
    now = now or datetime.now(UTC)
    record = await rt.services.rehearsal.session(session_id)
    if record.status != "active" or not time_is_up(record, now):  # a line in the queue ended it first
        return 0
    user = await people.by_id(rt.services.repo, user_id)
    log.info("session %s: exam time limit reached, ended by the clock", session_id)
    await conclude(
        rt, bot, chat_id, user, session_id, t(user.language, "time_up", minutes=record.scenario.duration_min)
    )
    return 1


async def _answer_owed(
    rt: BotRuntime,
    bot: Bot,
    chat_id: int,
    user: UserRecord,
    record: SessionView | int,
    persona: Persona | None,
    voice: bool,
    then: Callable[[], None] | None = None,
) -> bool:
    """Answer a stored candidate turn that has no answer yet (the bot stopped in between); `record`:
    the session just read, or its id (read now).

    True when that answer ended the scenario (the scorecard has then been sent).
    """
    try:
        async with ChatActionLoop(bot, chat_id, interval=rt.options.typing_interval):
            owed = await rt.services.rehearsal.resume(record)
    except RehearsalError:
        return False
    if owed is None:
        return False
    session_id = owed.session_id
    log.info("session %s: answering a turn left unanswered", session_id)
    await say(
        rt,
        bot,
        chat_id,
        persona,
        owed.text,
        ui_lang=user.language,
        speech_lang=owed.language,
        voice=voice,
        then=then,
    )
    if owed.ended:
        await conclude(rt, bot, chat_id, user, session_id, t(user.language, "ended_by_persona"))
    return owed.ended


async def conclude(
    rt: BotRuntime, bot: Bot, chat_id: int, user: UserRecord, session_id: int, notice: str
) -> None:
    """Close the session, score it, send the summary with a button for the full report."""
    await bot.send_message(chat_id, notice)
    async with ChatActionLoop(bot, chat_id, interval=rt.options.typing_interval):
        record = await rt.services.rehearsal.close(session_id)
        try:
            card = await score_session(rt.services, session_id, record=record)
        except Exception:
            log.exception("scoring session %s failed", session_id)
            await bot.send_message(chat_id, t(user.language, "scoring_failed"))
            return
    if not await released(rt.services, session_id):
        await bot.send_message(chat_id, t(user.language, "exam_pending"))
        return
    await send_text(
        bot, chat_id, summary(card), reply_markup=keyboards.full_report(session_id, user.language)
    )
