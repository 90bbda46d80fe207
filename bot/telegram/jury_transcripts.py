"""Staff read finished sessions on Telegram: `/transcripts` lists them, `/transcript <no.>` shows one.

- **Jury members** read without the candidates' names: `/transcripts <scenario id>` lists a script's
  finished sessions (number, date, version, length, score), the jury's own trials left out;
  `/transcript <no.>` shows one, the candidate unnamed (see `bot.anonymous_transcripts`).
- **Trainers** know their candidates: `/transcripts <cohort>` lists the finished sessions of their
  cohort's members, named; `/transcript <no.>` shows one of them in full, named (the number /review
  gives). A session of someone who is not in one of the trainer's cohorts is answered like a session
  that does not exist. An admin reads as a trainer the sessions of any cohort's member, and as the jury
  the others.

Each reading is logged with the reader's id.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import anonymous_transcripts
from bot.telegram.roles import has_role, require_one_of
from bot.telegram.runtime import BotRuntime, runtime
from bot.telegram.sending import send_text
from bot.telegram.staff_commands import find_cohorts, one_cohort, trains
from bot.telegram.texts import t
from storage.records import NotFound, SessionRecord, UserRecord

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_LISTED = 30  # sessions /transcripts lists (the newest)
READERS = ("trainer", "jury")


async def transcripts(update: Update, context: Context) -> None:
    """/transcripts <scenario id> (jury: without candidates) or <cohort> (trainers: their members')."""
    rt = runtime(context)
    user = await require_one_of(rt, update, READERS, context.args, "transcripts_usage")
    if user is None:
        return
    ref = " ".join(context.args or [])[:200]
    if has_role(rt.settings, user, "trainer") and (
        not has_role(rt.settings, user, "jury") or await find_cohorts(rt, user, ref)
    ):
        await _cohort_sessions(rt, update, user, ref)
        return
    lang = user.language
    scenario_id = context.args[0][:100]
    trials = await rt.services.repo.trial_sessions(scenario_id)
    found = [(summary, card) for summary, card in await rt.services.repo.scenario_sessions(scenario_id)
             if summary.id not in trials]
    if not found:
        await update.message.reply_text(t(lang, "transcripts_none", id=scenario_id[:64]))
        return
    shown = found[-MAX_LISTED:]
    lines = [t(lang, "transcripts_title", id=scenario_id, count=len(found))]
    if len(found) > len(shown):
        lines.append(t(lang, "transcripts_more", more=len(found) - len(shown)))
    lines += anonymous_transcripts.session_list(shown, lang)
    await send_text(update.get_bot(), update.effective_chat.id, "\n".join(lines))


async def _cohort_sessions(rt: BotRuntime, update: Update, user: UserRecord, ref: str) -> None:
    """A trainer's cohort: its members' finished sessions, named, newest last."""
    cohort = await one_cohort(rt, update, user, ref)
    if cohort is None:
        return
    lang = user.language
    found = await rt.services.repo.cohort_scorecards(cohort.id)
    if not found:
        await update.message.reply_text(t(lang, "transcripts_cohort_none", cohort=cohort.name))
        return
    found = sorted(found, key=lambda row: (row[1].started_at, row[1].id))
    shown = found[-MAX_LISTED:]
    lines = [t(lang, "transcripts_cohort_title", cohort=cohort.name, count=len(found))]
    if len(found) > len(shown):
        lines.append(t(lang, "transcripts_more", more=len(found) - len(shown)))
    lines += [anonymous_transcripts.session_line(summary, card, lang, name=candidate.display_name)
              for candidate, summary, card in shown]
    log.info("cohort %s sessions listed by user %s", cohort.id, user.id)
    await send_text(update.get_bot(), update.effective_chat.id, "\n".join(lines))


async def transcript(update: Update, context: Context) -> None:
    """/transcript <session no.>: a finished session in full, named for the candidate's trainer,
    without the candidate's name for the jury."""
    rt = runtime(context)
    user = await require_one_of(rt, update, READERS, context.args, "transcript_usage")
    if user is None:
        return
    lang, repo = user.language, rt.services.repo
    ref = context.args[0].lstrip("#")[:16]
    try:
        record: SessionRecord | None = await repo.session(int(ref)) if ref.isdigit() else None
    except NotFound:
        record = None
    named = False
    if record is not None and record.status == "finished":
        named = has_role(rt.settings, user, "trainer") and await trains(rt, user, record.user_id)
    if record is None or record.status != "finished" or not (named or has_role(rt.settings, user, "jury")):
        await update.message.reply_text(t(lang, "unknown_session", ref=ref))
        return
    candidate = await repo.user(record.user_id)
    persona = rt.services.catalog.personas.get(record.scenario.persona)
    persona_name = persona.name if persona is not None else record.scenario.persona
    card = await repo.latest_scorecard(record.id)
    if named:
        text = anonymous_transcripts.named_transcript_text(record, card, candidate.display_name, persona_name, lang)
        log.info("session %s read by trainer %s", record.id, user.id)
    else:
        text = anonymous_transcripts.transcript_text(record, card, candidate.display_name, persona_name, lang)
        log.info("session %s read by jury member %s", record.id, user.id)
    await send_text(update.get_bot(), update.effective_chat.id, text)
