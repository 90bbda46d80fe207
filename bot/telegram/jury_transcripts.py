"""Jury members read transcripts on Telegram without the candidates' names: `/transcripts <id>` lists a
script's finished sessions (number, date, version, length, score), `/transcript <no.>` shows one, the
candidate unnamed (see `bot.anonymous_transcripts`). Each reading is logged with the jury member's id.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import anonymous_transcripts
from bot.telegram.roles import require_with_args
from bot.telegram.runtime import runtime
from bot.telegram.sending import send_text
from bot.telegram.texts import t
from storage.records import NotFound

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_LISTED = 30  # sessions /transcripts lists (the newest)


async def transcripts(update: Update, context: Context) -> None:
    """/transcripts <id>: the finished sessions of a script, newest last, without candidates (jury)."""
    rt = runtime(context)
    user = await require_with_args(rt, update, context.args, "jury", "transcripts_usage")
    if user is None:
        return
    lang = user.language
    scenario_id = context.args[0][:100]
    found = await rt.services.repo.scenario_sessions(scenario_id)
    if not found:
        await update.message.reply_text(t(lang, "transcripts_none", id=scenario_id[:64]))
        return
    shown = found[-MAX_LISTED:]
    lines = [t(lang, "transcripts_title", id=scenario_id, count=len(found))]
    if len(found) > len(shown):
        lines.append(t(lang, "transcripts_more", more=len(found) - len(shown)))
    lines += anonymous_transcripts.session_list(shown, lang)
    await send_text(update.get_bot(), update.effective_chat.id, "\n".join(lines))


async def transcript(update: Update, context: Context) -> None:
    """/transcript <session no.>: a finished session's transcript, the candidate unnamed (jury)."""
    rt = runtime(context)
    user = await require_with_args(rt, update, context.args, "jury", "transcript_usage")
    if user is None:
        return
    lang, repo = user.language, rt.services.repo
    ref = context.args[0].lstrip("#")[:16]
    try:
        record = await repo.session(int(ref)) if ref.isdigit() else None
    except NotFound:
        record = None
    if record is None or record.status != "finished":
        await update.message.reply_text(t(lang, "unknown_session", ref=ref))
        return
    candidate = await repo.user(record.user_id)
    persona = rt.services.catalog.personas.get(record.scenario.persona)
    text = anonymous_transcripts.transcript_text(
        record, await repo.latest_scorecard(record.id), candidate.display_name,
        persona.name if persona is not None else record.scenario.persona, lang,
    )
    log.info("session %s read by jury member %s", record.id, user.id)
    await send_text(update.get_bot(), update.effective_chat.id, text)
