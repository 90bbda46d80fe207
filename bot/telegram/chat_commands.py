"""The commands a candidate sends: /start, /help, /scenarios, /play, /end, /report, /progress, /hint,
/voice, /lang, /mydata, /deletemydata. Each reads the update, calls one step of the rehearsal or one
use case of the core (through `bot.telegram.sessions` / `scorecards` when a step has several
messages), replies.
Commands out of context (/end without a session, /report without a scorecard…) get a short answer.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.core import assignments, coaching, cohorts, people, personal_data
from bot.core.outbox import HeldOutbox
from bot.core.principal import Refused, UserRecord
from bot.telegram import keyboards, sessions, views
from bot.telegram.outbox import TelegramOutbox
from bot.telegram.roles import principal_of
from bot.telegram.runtime import BotRuntime, chat_id, display_name, runtime
from bot.telegram.scorecards import progress_png, released, report_pdf, score_session, scored_history
from bot.telegram.sending import ChatActionLoop, send_text
from bot.telegram.texts import t
from feedback.report import summary

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Context) -> None:
    """/start [invite code]: greeting, privacy notice, menu; a code joins a cohort."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    lang = user.language
    await message.reply_text(
        views.welcome(display_name(tg_user), lang, rt.settings),
        reply_markup=keyboards.welcome(lang),
    )
    if context.args:
        await _join(rt, update, message, user, context.args[0])
    active = await rt.services.rehearsal.active_session(user.id)
    if active is not None:
        await message.reply_text(t(lang, "resume_hint", title=active.scenario.title.get(active.language)))


async def _join(rt: BotRuntime, update: Update, message: Message, user: UserRecord, code: str) -> None:
    held = HeldOutbox()  # the assignments made before they joined: told after "you joined"
    try:
        joined = await cohorts.join(
            rt.services.repo, principal_of(rt.settings, user), code, rt.services.catalog, held
        )
    except Refused:
        await message.reply_text(t(user.language, "bad_invite"))
        return
    await message.reply_text(
        t(user.language, "joined_cohort" if joined.added else "already_member", cohort=joined.cohort.name)
    )
    await held.release(TelegramOutbox(update.get_bot()))
    await send_scenarios(rt, update, user)


async def help_(update: Update, context: Context) -> None:
    """/help: every command."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    user = await runtime(context).user(tg_user)
    await message.reply_text(t(user.language, "help"))


async def scenarios(update: Update, context: Context) -> None:
    """/scenarios: the library, assigned scenarios first, one button each."""
    tg_user = update.effective_user
    if tg_user is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    await send_scenarios(rt, update, await rt.user(tg_user))


async def _assigned(rt: BotRuntime, user: UserRecord) -> dict[str, str]:
    """Scenario id → assignment mode (exam wins over practice) for the user's assignments."""
    return await assignments.modes_for(rt.services.repo, user.id, rt.services.catalog)


async def send_scenarios(rt: BotRuntime, update: Update, user: UserRecord) -> None:
    """The scenario list with its buttons (also from /start <code> and the welcome button)."""
    assigned = await _assigned(rt, user)
    listed = views.ordered(rt.services.catalog, assigned)
    await send_text(
        update.get_bot(),
        chat_id(update),
        views.scenario_list(listed, user.language, assigned, await _played(rt, user)),
        reply_markup=keyboards.scenario_list(listed, user.language),
    )


async def _played(rt: BotRuntime, user: UserRecord) -> dict[str, views.Played]:
    """Per scenario: finished sessions, and the latest score the candidate may see."""
    counts: dict[str, int] = {}
    for session in await rt.services.rehearsal.sessions_of(user.id):
        if session.status == "finished":
            counts[session.scenario_id] = counts.get(session.scenario_id, 0) + 1
    latest = {item.session.scenario_id: item.card for item in await scored_history(rt.services, user.id)}
    played: dict[str, views.Played] = {}
    for scenario_id, count in counts.items():
        card = latest.get(scenario_id)
        played[scenario_id] = views.Played(
            count, card.overall.score_20 if card is not None else None, pending=scenario_id not in latest
        )
    return played


async def play(update: Update, context: Context) -> None:
    """/play <scenario id> [fr|en]: start a session directly."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    if not context.args:
        await message.reply_text(t(user.language, "play_usage"))
        return
    scenario = rt.services.catalog.scenarios.get(context.args[0])
    if scenario is None:
        await message.reply_text(t(user.language, "unknown_scenario", id=context.args[0][:64]))
        return
    lang = context.args[1] if len(context.args) > 1 and context.args[1] in ("fr", "en") else user.language
    await start_scenario(rt, update, context, user, scenario.id, lang, abandon=False)


async def start_scenario(
    rt: BotRuntime,
    update: Update,
    context: Context,
    user: UserRecord,
    scenario_id: str,
    lang: str,
    *,
    abandon: bool,
) -> None:
    """Start a session; with one already active, offer to abandon it (or do so when `abandon`)."""
    scenario = rt.services.catalog.scenarios[scenario_id]
    bot, chat = update.get_bot(), chat_id(update)
    active = await rt.services.rehearsal.active_session(user.id)
    if active is not None and sessions.started_by(active, update.update_id):  # handled again after a crash
        await sessions.announce_again(rt, bot, chat, user, active)
        return
    try:
        entry = await assignments.entry(rt.services.repo, user.id, scenario)
    except Refused as refused:  # no_attempts_left
        await bot.send_message(
            chat,
            t(user.language, refused.reason, **refused.values, title=scenario.title.get(user.language)),
        )
        return
    if active is not None and not abandon:
        await bot.send_message(
            chat,
            t(user.language, "active_exists", title=active.scenario.title.get(active.language)),
            reply_markup=keyboards.abandon_and_start(scenario, lang, user.language),
        )
        return
    if active is not None:
        await rt.services.rehearsal.finish(active.id, "abandoned")
        await bot.send_message(chat, t(user.language, "abandoned"))
    await sessions.begin(
        rt,
        bot,
        chat,
        user,
        scenario,
        lang,
        voice=bool(user.voice_replies),
        exam=entry.exam,
        assignment_id=entry.assignment_id,
        update_id=update.update_id,
    )


async def end(update: Update, context: Context) -> None:
    """/end: end the session; the scorecard summary and a button for the full report."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user, active = await rt.user_playing(tg_user, last_turns=1)  # one read; its id suffices
    if active is None:
        await message.reply_text(t(user.language, "no_session"))
        return
    await sessions.conclude(
        rt, update.get_bot(), chat_id(update), user, active.id, t(user.language, "ending")
    )


async def report(update: Update, context: Context) -> None:
    """/report [n]: the summary and the PDF report of session n (default: the latest finished)."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    lang, bot, chat = user.language, update.get_bot(), chat_id(update)
    all_sessions = await rt.services.rehearsal.sessions_of(user.id)
    if context.args:
        number = int(context.args[0]) if context.args[0].isdigit() else 0
        if not 1 <= number <= len(all_sessions):
            await message.reply_text(t(lang, "report_usage"))
            return
    else:
        finished = [n for n, s in enumerate(all_sessions, start=1) if s.status == "finished"]
        if not finished:
            await message.reply_text(t(lang, "no_reports"))
            return
        number = finished[-1]
    session = all_sessions[number - 1]
    if session.status != "finished":
        await message.reply_text(
            t(lang, "report_active" if session.status == "active" else "report_unscored")
        )
        return
    if not await released(rt.services, session.id):
        await message.reply_text(t(lang, "exam_pending"))
        return
    async with ChatActionLoop(bot, chat, ChatAction.UPLOAD_DOCUMENT, rt.options.typing_interval):
        card = await score_session(rt.services, session.id)  # finished: scored now if not yet
        await send_text(bot, chat, summary(card))
        await send_report(rt, update, user, session.id, session.scenario_id, number)


async def send_report(
    rt: BotRuntime, update: Update, user: UserRecord, session_id: int, scenario_id: str, number: int
) -> None:
    """The full PDF report of one of the user's sessions (number `number` in their list)."""
    title = views.scenario_title(rt.services.catalog, scenario_id, user.language)
    pdf = await report_pdf(rt.services, user.id, session_id, title)
    if pdf is None:
        await update.get_bot().send_message(chat_id(update), t(user.language, "no_reports"))
        return
    await update.get_bot().send_document(
        chat_id(update),
        pdf,
        filename=f"oralblanc-report-{number}.pdf",
        caption=t(user.language, "report_caption", n=number, title=title),
    )


async def progress(update: Update, context: Context) -> None:
    """/progress: the last scored sessions, each criterion's levels over them, and a chart."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    bot, chat = update.get_bot(), chat_id(update)
    async with ChatActionLoop(bot, chat, interval=rt.options.typing_interval):
        items = await scored_history(rt.services, user.id, limit=5)
        if not items:
            await message.reply_text(t(user.language, "progress_empty"))
            return
        await send_text(bot, chat, views.progress(items, rt.services.catalog, user.language))
        chart = await progress_png(items)
    if chart is not None:
        await bot.send_photo(chat, chart)


async def hint(update: Update, context: Context) -> None:
    """/hint: a generic coaching hint (practice sessions only)."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    active = await rt.services.rehearsal.active_session(user.id)
    if active is None:
        await message.reply_text(t(user.language, "no_session"))
    elif sessions.is_exam(active):
        await message.reply_text(t(user.language, "hint_exam"))
    else:
        await message.reply_text(f"{t(user.language, 'hint_title')}\n{coaching.hint(active, user.language)}")


async def voice(update: Update, context: Context) -> None:
    """/voice on|off: the persona also answers with voice notes (kept with the user, and applied to
    the session under way)."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    lang = user.language
    choice = context.args[0].lower() if context.args else ""
    if choice not in ("on", "off"):
        state = t(lang, "voice_state_on" if user.voice_replies else "voice_state_off")
        await message.reply_text(t(lang, "voice_usage", state=state))
        return
    on = choice == "on"
    await people.set_voice_replies(rt.services.repo, user.id, on)
    record = await rt.services.rehearsal.active_session(user.id)
    if record is not None:
        await sessions.set_prefs(rt, record, voice=on)
    await message.reply_text(t(lang, "voice_on" if on else "voice_off"))


async def lang(update: Update, context: Context) -> None:
    """/lang fr|en: the interface language (buttons without an argument)."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    choice = context.args[0].lower() if context.args else ""
    if choice not in ("fr", "en"):
        await message.reply_text(t(user.language, "lang_usage"), reply_markup=keyboards.languages())
        return
    await set_language(rt, update, user, choice)


async def set_language(rt: BotRuntime, update: Update, user: UserRecord, choice: str) -> None:
    """Store the interface language; a session under way keeps its own."""
    await people.set_language(rt.services.repo, user.id, "fr" if choice == "fr" else "en")
    text = t(choice, "lang_set")
    active = await rt.services.rehearsal.active_session(user.id)
    if active is not None and active.language != choice:
        text += "\n" + t(choice, "lang_session_note")
    await update.get_bot().send_message(chat_id(update), text)


async def mydata(update: Update, context: Context) -> None:
    """/mydata: everything stored about the user, as a JSON document (raw audio too when it fits)."""
    tg_user = update.effective_user
    if tg_user is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    bot, chat = update.get_bot(), chat_id(update)
    async with ChatActionLoop(bot, chat, ChatAction.UPLOAD_DOCUMENT, rt.options.typing_interval):
        exported = await personal_data.export(
            rt.services.repo, principal_of(rt.settings, user), max_bytes=rt.options.max_export_bytes
        )
        caption = t(user.language, "mydata_caption" if exported.with_audio else "mydata_no_audio")
        await bot.send_document(
            chat, exported.document.encode("utf-8"), filename="oralblanc-mydata.json", caption=caption
        )


async def deletemydata(update: Update, context: Context) -> None:
    """/deletemydata: ask for confirmation (the erasure itself is the button)."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    user = await runtime(context).user(tg_user)
    await message.reply_text(
        t(user.language, "delete_confirm"), reply_markup=keyboards.confirm_delete(user.language)
    )
