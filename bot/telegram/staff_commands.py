"""Admin and trainer commands: /grant, /revoke, /cohort, /assign, /results, /review, /amend, /export,
/help_staff, and the confirm / amend buttons of /review.

Every command first checks the role (`roles.require`); a trainer only ever sees the cohorts they own
and the scorecards of their members. A candidate told about a decision gets it in their own chat only.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import results
from bot.telegram import keyboards, menus
from bot.telegram.roles import has_role, is_admin, require, require_with_args
from bot.telegram.runtime import BotRuntime, runtime
from bot.telegram.scorecards import score_text
from bot.telegram.sending import send_text
from bot.telegram.texts import t
from feedback.charts import short_code
from feedback.report import summary
from feedback.scorecard import Scorecard
from storage.records import (
    CohortRecord,
    NotFound,
    ScorecardRecord,
    SessionRecord,
    StorageError,
    UserRecord,
)

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
GRANTABLE = ("trainer", "jury")
EXAM_ATTEMPTS = 1  # sessions a candidate may start for an exam assignment, unless `exam <n>` says otherwise
MAX_ATTEMPTS = 20
CONFIRM = "rvok"  # rvok:<scorecard id>   confirm a proposed scorecard
AMEND = "rvam"  # rvam:<scorecard id>     how to amend it


# --- admins ------------------------------------------------------------------------------------


async def _target(rt: BotRuntime, ref: str) -> UserRecord | None:
    try:
        return await rt.services.repo.find_user(f"tg:{ref}" if ref.lstrip("-").isdigit() else ref)
    except StorageError:  # NotFound, AmbiguousUser: the admin gives a Telegram id
        return None


async def grant(update: Update, context: Context) -> None:
    """/grant <telegram id> trainer|jury (admins)."""
    await _set_role(update, context, granting=True)


async def revoke(update: Update, context: Context) -> None:
    """/revoke <telegram id> trainer|jury (admins): back to candidate."""
    await _set_role(update, context, granting=False)


async def _set_role(update: Update, context: Context, *, granting: bool) -> None:
    rt = runtime(context)
    admin = await require(rt, update, "admin")
    if admin is None:
        return
    lang, args = admin.language, context.args or []
    if len(args) != 2 or args[1].lower() not in GRANTABLE:
        await update.message.reply_text(t(lang, "grant_usage" if granting else "revoke_usage"))
        return
    role = args[1].lower()
    target = await _target(rt, args[0])
    if target is None:
        await update.message.reply_text(t(lang, "no_such_user", ref=args[0][:32]))
        return
    fields = {"name": target.display_name, "tg": target.telegram_id, "role": t(lang, f"role_one_{role}")}
    if not granting and target.role != role:
        await update.message.reply_text(t(lang, "not_that_role", **fields))
        return
    await rt.services.repo.update_user(target.id, role=role if granting else "candidate")
    await menus.set_user_menu(update.get_bot(), rt.settings, await rt.services.repo.user(target.id))
    log.info("user %s %s role %s by %s", target.id, "granted" if granting else "revoked", role, admin.id)
    await update.message.reply_text(t(lang, "granted" if granting else "revoked", **fields))
    if granting and target.telegram_id is not None:
        await _tell(update, target, t(target.language, "you_are_now", role=t(target.language, f"role_one_{role}")))


# --- cohorts -----------------------------------------------------------------------------------


def invite_link(bot_username: str, code: str | None) -> str:
    return f"https://t.me/{bot_username}?start={code}" if code else "—"


async def visible_cohorts(rt: BotRuntime, user: UserRecord) -> list[CohortRecord]:
    """The cohorts a trainer owns (every cohort for an admin)."""
    return await rt.services.repo.cohorts_owned(None if is_admin(rt.settings, user) else user.id)


async def find_cohort(rt: BotRuntime, user: UserRecord, ref: str) -> CohortRecord | None:
    """One of the user's cohorts, by number or by name (case-insensitive)."""
    cohorts = await visible_cohorts(rt, user)
    by_id = [c for c in cohorts if ref.isdigit() and c.id == int(ref)]
    by_name = [c for c in cohorts if c.name.casefold() == ref.casefold()]
    found = by_id or by_name
    return found[-1] if found else None


async def cohort(update: Update, context: Context) -> None:
    """/cohort new <name>: a cohort and its invite link; /cohort: the trainer's cohorts."""
    rt = runtime(context)
    user = await require(rt, update, "trainer")
    if user is None:
        return
    args, lang, repo = context.args or [], user.language, rt.services.repo
    username = update.get_bot().username
    if not args:
        cohorts = await visible_cohorts(rt, user)
        if not cohorts:
            await update.message.reply_text(t(lang, "no_cohorts"))
            return
        lines = [t(lang, "cohort_list")]
        for c in cohorts:
            members = len(await repo.members(c.id))
            lines.append(t(lang, "cohort_line", id=c.id, name=c.name, members=members,
                           link=invite_link(username, c.invite_code)))
        await send_text(update.get_bot(), update.effective_chat.id, "\n".join(lines))
        return
    name = " ".join(args[1:]).strip()[:200]
    if args[0].lower() != "new" or not name:
        await update.message.reply_text(t(lang, "cohort_usage"))
        return
    code = secrets.token_urlsafe(12)
    cohort_id = await repo.create_cohort(name, owner_id=user.id, invite_code=code)
    log.info("cohort %s created by user %s", cohort_id, user.id)
    await update.message.reply_text(t(lang, "cohort_created", name=name, id=cohort_id, link=invite_link(username, code)))


# --- assignments -------------------------------------------------------------------------------


def _parse_due(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(hour=23, minute=59, tzinfo=UTC)


async def assign(update: Update, context: Context) -> None:
    """/assign <scenario id> <cohort> [YYYY-MM-DD] [exam [attempts]]: every member is told, with a button."""
    rt = runtime(context)
    user = await require(rt, update, "trainer")
    if user is None:
        return
    args, lang = list(context.args or []), user.language
    attempts = EXAM_ATTEMPTS
    if len(args) > 3 and args[-1].isdigit() and args[-2].lower() == "exam":  # exam <attempts>
        attempts = int(args.pop())
        if not 1 <= attempts <= MAX_ATTEMPTS:
            await update.message.reply_text(t(lang, "bad_attempts", max=MAX_ATTEMPTS))
            return
    exam = len(args) > 2 and args[-1].lower() == "exam"
    if exam:
        args.pop()
    due = None
    if len(args) > 2 and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", args[-1]):
        due = _parse_due(args[-1])
        if due is None:
            await update.message.reply_text(t(lang, "bad_date", value=args[-1][:32]))
            return
        args.pop()
    if len(args) < 2:
        await update.message.reply_text(t(lang, "assign_usage"))
        return
    args = [args[0], " ".join(args[1:])]  # a cohort name may hold spaces
    scenario = rt.services.catalog.scenarios.get(args[0])
    if scenario is None:
        await update.message.reply_text(t(lang, "unknown_scenario", id=args[0][:64]))
        return
    target = await find_cohort(rt, user, args[1])
    if target is None:
        await update.message.reply_text(t(lang, "unknown_cohort", ref=args[1][:64]))
        return
    mode = "exam" if exam else "practice"
    repo = rt.services.repo
    await repo.assign(scenario.id, scenario_version=scenario.version, cohort_id=target.id, due_at=due, mode=mode,
                      created_by=user.id, attempts=attempts if exam else None)
    told = 0
    for member in await repo.members(target.id):
        ml = member.language
        due_text = t(ml, "due_suffix", date=due.date().isoformat()) if due else ""
        text = t(ml, "assignment_notice", mode=_mode(ml, mode, attempts), due=due_text, title=scenario.title.get(ml))
        button = InlineKeyboardMarkup([[InlineKeyboardButton(
            t(ml, "open_button"), callback_data=keyboards.pack(keyboards.SHOW, keyboards.scenario_ref(scenario.id), ml)
        )]])
        told += await _tell(update, member, text, reply_markup=button)
    due_text = t(lang, "due_suffix", date=due.date().isoformat()) if due else ""
    await update.message.reply_text(t(lang, "assigned_done", title=scenario.title.get(lang), cohort=target.name,
                                      mode=_mode(lang, mode, attempts), due=due_text, count=told))


def _mode(lang: str, mode: str, attempts: int) -> str:
    """"mock exam, 2 attempts" / "practice"."""
    return t(lang, f"mode_{mode}") + (t(lang, "attempts_suffix", n=attempts) if mode == "exam" else "")


async def _tell(update: Update, member: UserRecord, text: str, **kwargs: object) -> int:
    """Send `text` to a user's own chat; 1 if sent, 0 if not (no Telegram account, bot blocked…)."""
    if member.telegram_id is None:
        return 0
    try:
        await send_text(update.get_bot(), member.telegram_id, text, **kwargs)
        return 1
    except TelegramError as exc:
        log.warning("could not tell user %s: %s", member.id, exc)
        return 0


# --- results and export ------------------------------------------------------------------------


async def _cohort_arg(rt: BotRuntime, update: Update, context: Context, usage: str) -> tuple[UserRecord, CohortRecord] | None:
    user = await require_with_args(rt, update, context.args, "trainer", usage)
    if user is None:
        return None
    ref = " ".join(context.args or [])
    found = await find_cohort(rt, user, ref)
    if found is None:
        await update.message.reply_text(t(user.language, "unknown_cohort", ref=ref[:64]))
        return None
    return user, found


async def results_(update: Update, context: Context) -> None:
    """/results <cohort>: per candidate (display name), per criterion, the last and best levels."""
    rt = runtime(context)
    found = await _cohort_arg(rt, update, context, "results_usage")
    if found is None:
        return
    user, target = found
    lang = user.language
    rows = await rt.services.repo.cohort_scorecards(target.id)
    if not rows:
        await update.message.reply_text(t(lang, "results_none", cohort=target.name))
        return
    lines = [t(lang, "results_title", cohort=target.name)]
    for r in results.by_candidate(rows):
        score = "–" if r.last_score is None else (f"{r.last_score:g}".replace(".", ",") if lang == "fr" else f"{r.last_score:g}")
        lines.append(t(lang, "results_candidate", name=r.name, sessions=r.sessions, score=score))
        for code in r.levels:
            lines.append(f"   {short_code(code)} : {_lv(r.last(code))} / {_lv(r.best(code))}")
    await send_text(update.get_bot(), update.effective_chat.id, "\n".join(lines))


def _lv(level: int | None) -> str:
    return "–" if level is None else str(level)


async def export(update: Update, context: Context) -> None:
    """/export <cohort>: the CSV (one row per session and criterion) and an HTML summary."""
    rt = runtime(context)
    found = await _cohort_arg(rt, update, context, "export_usage")
    if found is None:
        return
    user, target = found
    rows = await rt.services.repo.cohort_scorecards(target.id)
    csv_text = await asyncio.to_thread(results.to_csv, target.name, rows)
    page = await asyncio.to_thread(results.to_html, target.name, rows, user.language)
    bot, chat, lang = update.get_bot(), update.effective_chat.id, user.language
    await bot.send_document(chat, csv_text.encode("utf-8"), filename=f"oralblanc-cohort-{target.id}.csv",
                            caption=t(lang, "export_caption", cohort=target.name))
    await bot.send_document(chat, page.encode("utf-8"), filename=f"oralblanc-cohort-{target.id}.html",
                            caption=t(lang, "export_html_caption", cohort=target.name))


# --- reviews -----------------------------------------------------------------------------------


async def review(update: Update, context: Context) -> None:
    """/review: the proposed scorecards of the trainer's members, each with an excerpt and buttons."""
    rt = runtime(context)
    user = await require(rt, update, "trainer")
    if user is None:
        return
    lang = user.language
    owner = None if is_admin(rt.settings, user) else user.id
    waiting = await rt.services.repo.proposed_scorecards(owner)
    if not waiting:
        await update.message.reply_text(t(lang, "review_none"))
        return
    for candidate, session, record in waiting[:20]:
        card = Scorecard.model_validate(record.effective)
        levels = "\n".join(f"▪ {short_code(c.code)} : {_lv(c.level)}" for c in card.criteria)
        text = t(lang, "review_item", id=record.id, name=candidate.display_name,
                 title=_title(rt, session.scenario_id, lang), score=score_text(card, lang), levels=levels,
                 excerpt=await _excerpt(rt, session.id, card))
        markup = InlineKeyboardMarkup([[
            InlineKeyboardButton(t(lang, "confirm_button"), callback_data=keyboards.pack(CONFIRM, record.id)),
            InlineKeyboardButton(t(lang, "amend_button"), callback_data=keyboards.pack(AMEND, record.id)),
        ]])
        await send_text(update.get_bot(), update.effective_chat.id, text, reply_markup=markup)


def _title(rt: BotRuntime, scenario_id: str, lang: str) -> str:
    scenario = rt.services.catalog.scenarios.get(scenario_id)
    return scenario.title.get(lang) if scenario is not None else scenario_id


async def _excerpt(rt: BotRuntime, session_id: int, card: Scorecard, limit: int = 200) -> str:
    """The first quote the scorecard rests on, else the candidate's first line."""
    quotes = [e.quote for e in card.all_evidence() if e.quote]
    if not quotes:
        record = await rt.services.repo.session(session_id)
        quotes = [turn.text for turn in record.turns if turn.speaker == "candidate"] or ["—"]
    text = quotes[0].replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def reviewable(rt: BotRuntime, user: UserRecord, ref: str) -> tuple[ScorecardRecord, SessionRecord, UserRecord] | None:
    """A scorecard the trainer may decide on: its candidate is in one of the trainer's cohorts."""
    if not ref.isdigit():
        return None
    repo = rt.services.repo
    try:
        record = await repo.scorecard(int(ref))
        session = await repo.session(record.session_id)
        candidate = await repo.user(session.user_id)
    except NotFound:
        return None
    if not is_admin(rt.settings, user):
        owned = {c.id for c in await repo.cohorts_owned(user.id)}
        if not owned & {c.id for c in await repo.cohorts_of_member(candidate.id)}:
            return None
    return record, session, candidate


async def amend(update: Update, context: Context) -> None:
    """/amend <scorecard id> <criterion> <level 0-3> <comment>: the candidate is told."""
    rt = runtime(context)
    user = await require(rt, update, "trainer")
    if user is None:
        return
    args, lang = context.args or [], user.language
    if len(args) < 4:
        await update.message.reply_text(t(lang, "amend_usage"))
        return
    found = await reviewable(rt, user, args[0])
    if found is None:
        await update.message.reply_text(t(lang, "unknown_scorecard", ref=args[0][:16]))
        return
    record, session, candidate = found
    card = Scorecard.model_validate(record.data)
    code = results.match_criterion(card, args[1])
    codes = ", ".join(short_code(c.code).replace(" ", "") for c in card.criteria)
    if code is None:
        await update.message.reply_text(t(lang, "unknown_criterion", code=args[1][:32], codes=codes))
        return
    if args[2] not in ("0", "1", "2", "3"):
        await update.message.reply_text(t(lang, "bad_level"))
        return
    level, comment = int(args[2]), " ".join(args[3:])[:1000]
    old = card.criterion(code).level
    amended = card.amend(user.display_name, {code: level}, comment)
    await rt.services.repo.review_scorecard(record.id, reviewer_id=user.id, status="amended", comment=comment,
                                            amended=amended)
    log.info("scorecard %s amended by user %s", record.id, user.id)
    await update.message.reply_text(t(lang, "amended_done", id=record.id, code=short_code(code), level=level,
                                      name=candidate.display_name))
    cl = candidate.language
    title = _title(rt, session.scenario_id, cl)
    await _tell(update, candidate, t(cl, "told_amended", title=title, code=short_code(code), old=_lv(old),
                                     level=level, comment=comment))
    await _tell(update, candidate, summary(amended))


async def confirm(rt: BotRuntime, update: Update, user: UserRecord, ref: str) -> bool:
    """Confirm a proposed scorecard and tell its candidate; False if the user may not."""
    found = await reviewable(rt, user, ref)
    if found is None:
        return False
    record, session, candidate = found
    await rt.services.repo.review_scorecard(record.id, reviewer_id=user.id, status="confirmed")
    log.info("scorecard %s confirmed by user %s", record.id, user.id)
    await update.get_bot().send_message(update.effective_chat.id, t(user.language, "confirmed_done", id=record.id,
                                                                     name=candidate.display_name))
    cl = candidate.language
    await _tell(update, candidate, t(cl, "told_confirmed", title=_title(rt, session.scenario_id, cl)))
    await _tell(update, candidate, summary(Scorecard.model_validate(record.data)))
    return True


async def on_review_button(update: Update, context: Context) -> None:
    """The Confirm / Amend buttons of /review (trainers of the candidate's cohort only)."""
    rt = runtime(context)
    query = update.callback_query
    user = await rt.user(update.effective_user)
    action, args = keyboards.unpack(query.data)
    if not has_role(rt.settings, user, "trainer"):
        await query.answer(t(user.language, "not_allowed", roles=t(user.language, "role_trainer")), show_alert=True)
        return
    ref = args[0] if args else ""
    if action == CONFIRM:
        ok = await confirm(rt, update, user, ref)
        await query.answer(None if ok else t(user.language, "unknown_scorecard", ref=ref[:16]))
        return
    found = await reviewable(rt, user, ref)
    if found is None:
        await query.answer(t(user.language, "unknown_scorecard", ref=ref[:16]))
        return
    await query.answer()
    card = Scorecard.model_validate(found[0].data)
    codes = ", ".join(short_code(c.code).replace(" ", "") for c in card.criteria)
    await update.get_bot().send_message(update.effective_chat.id, t(user.language, "amend_help", id=ref, codes=codes))


async def help_staff(update: Update, context: Context) -> None:
    """/help_staff: the trainer, jury and admin commands (for trainers, jury members and admins)."""
    rt = runtime(context)
    user = await rt.user(update.effective_user)
    if not has_role(rt.settings, user, "jury"):
        user = await require(rt, update, "trainer")
    if user is not None:
        await update.message.reply_text(t(user.language, "help_staff"))
        await menus.set_user_menu(update.get_bot(), rt.settings, user)
