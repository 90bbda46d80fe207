"""Staff read finished sessions on Telegram: `/transcripts` lists them, `/transcript <no.>` shows one.

- **Jury members** read without the candidates' names: `/transcripts <scenario id>` lists a script's
  finished sessions (number, date, version, length, score), the jury's own trials left out;
  `/transcript <no.>` shows one, the candidate unnamed (see `bot.anonymous_transcripts`).
- **Trainers** know their candidates: `/transcripts <cohort>` lists the finished sessions of their
  cohort's members, named; `/transcript <no.>` shows one of them in full, named (the number /review
  gives). A session of someone who is not in one of the trainer's cohorts is answered like a session
  that does not exist. An admin reads as a trainer the sessions of any cohort's member, and as the jury
  the others.

Who may read what, and the log of each reading, are the core's (`bot.core.transcripts`).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import transcripts as core
from bot.core.principal import Refused
from bot.telegram import refusals
from bot.telegram.roles import staff
from bot.telegram.runtime import runtime
from bot.telegram.sending import send_text
from bot.telegram.texts import t

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_LISTED = 30  # sessions /transcripts lists (the newest)
READERS = core.READERS


async def transcripts(update: Update, context: Context) -> None:
    """/transcripts <scenario id> (jury: without candidates) or <cohort> (trainers: their members')."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    found = await staff(rt, update, *READERS, args=context.args, usage="transcripts_usage")
    if found is None:
        return
    user, me = found
    lang = user.language
    try:
        listed = await core.sessions(rt.services.repo, me, " ".join(context.args or [])[:200])
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    count = len(listed.sessions)
    if isinstance(listed, core.CohortSessions):
        if not count:
            await message.reply_text(t(lang, "transcripts_cohort_none", cohort=listed.cohort.name))
            return
        lines = [t(lang, "transcripts_cohort_title", cohort=listed.cohort.name, count=count)]
    else:
        if not count:
            await message.reply_text(t(lang, "transcripts_none", id=listed.scenario_id[:64]))
            return
        lines = [t(lang, "transcripts_title", id=listed.scenario_id, count=count)]
    if count > MAX_LISTED:
        lines.append(t(lang, "transcripts_more", more=count - MAX_LISTED))
    lines += listed.lines(lang, last=MAX_LISTED)
    await send_text(update.get_bot(), message.chat_id, "\n".join(lines))


async def transcript(update: Update, context: Context) -> None:
    """/transcript <session no.>: a finished session in full, named for the candidate's trainer,
    without the candidate's name for the jury."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    args = context.args
    found = await staff(rt, update, *READERS, args=args, usage="transcript_usage")
    if found is None or not args:  # without arguments, `staff` told them the usage
        return
    user, me = found
    ref = args[0].lstrip("#")[:16]
    try:
        reading = await core.read(rt.services.repo, me, rt.services.catalog, ref)
    except Refused as refused:
        await refusals.reply(update, user.language, refused)
        return
    await send_text(update.get_bot(), message.chat_id, reading.text(user.language))
