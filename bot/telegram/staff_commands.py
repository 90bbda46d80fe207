"""Admin and trainer commands: /grant, /revoke, /cohort, /assign, /results, /review, /amend, /export,
/help_staff, and the confirm / amend buttons of /review. Each reads its arguments, calls one use case
of the core (`bot.core`: roles, cohorts, assignments, results, review), which checks the role and the
ownership (a trainer only ever sees the cohorts they own and the scorecards of their members), and
renders the answer or the refusal (`bot.telegram.refusals`). What the core tells other people (members
of an assignment, a candidate of a decision) goes through `bot.telegram.outbox`, to their own chat.

Cohort names are typed as they are, or between quotes ("Promo 2027", « Promo 2027 »); a due date is
written DD/MM/YYYY or YYYY-MM-DD. A criterion is named as /review shows it ("B2 CR2"), without the
space ("B2CR2"), by its tail ("CR2") or in full ("BLOC2.A2.C2.CR2").
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.core import assignments, cohorts, results, roles
from bot.core import review as reviews
from bot.core.assignments import DATE, EXAM_ATTEMPTS, MAX_ATTEMPTS, parse_due
from bot.core.outbox import HeldOutbox
from bot.core.principal import Refused, UserRecord
from bot.telegram import keyboards, menus, refusals
from bot.telegram.outbox import TelegramOutbox, due_text, level_text, mode_text
from bot.telegram.roles import has_role, principal_of, require, staff
from bot.telegram.runtime import runtime
from bot.telegram.scorecards import score_text
from bot.telegram.sending import send_text
from bot.telegram.texts import t
from feedback.charts import short_code

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
GRANTABLE = roles.GRANTABLE
CONFIRM = "rvok"  # rvok:<scorecard id>   confirm a proposed scorecard
AMEND = "rvam"  # rvam:<scorecard id>     how to amend it
REVIEW_LISTED = 20

__all__ = [
    "AMEND",
    "CONFIRM",
    "DATE",
    "EXAM_ATTEMPTS",
    "MAX_ATTEMPTS",
    "amend",
    "assign",
    "cohort",
    "export",
    "grant",
    "help_staff",
    "on_review_button",
    "results_",
    "review",
    "revoke",
]


# --- admins ------------------------------------------------------------------------------------


async def grant(update: Update, context: Context) -> None:
    """/grant <telegram id> trainer|jury (admins)."""
    await _set_role(update, context, granting=True)


async def revoke(update: Update, context: Context) -> None:
    """/revoke <telegram id> trainer|jury (admins): back to candidate."""
    await _set_role(update, context, granting=False)


async def _set_role(update: Update, context: Context, *, granting: bool) -> None:
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    found = await staff(rt, update, "admin")
    if found is None:
        return
    user, me = found
    lang, args = user.language, context.args or []
    if len(args) != 2 or args[1].lower() not in GRANTABLE:
        await message.reply_text(t(lang, "grant_usage" if granting else "revoke_usage"))
        return
    role, ref = args[1].lower(), args[0]
    target = f"tg:{ref}" if ref.lstrip("-").isdigit() else ref  # a Telegram id, else a stored name
    held = HeldOutbox()
    try:
        if granting:
            changed = await roles.grant(rt.services.repo, me, target, role, held)
        else:
            changed = await roles.revoke(rt.services.repo, me, target, role)
    except Refused as refused:
        if refused.reason == "no_such_user":
            refused = Refused("no_such_user", ref=ref)
        await refusals.reply(update, lang, refused)
        return
    await menus.set_user_menu(update.get_bot(), rt.settings, changed.after)
    before = changed.before
    fields = {"name": before.display_name, "tg": before.telegram_id, "role": t(lang, f"role_one_{role}")}
    await message.reply_text(t(lang, "granted" if granting else "revoked", **fields))
    await held.release(TelegramOutbox(update.get_bot()))


# --- cohorts -----------------------------------------------------------------------------------


def invite_link(bot_username: str, code: str | None) -> str:
    return f"https://t.me/{bot_username}?start={code}" if code else "—"


async def cohort(update: Update, context: Context) -> None:
    """/cohort new <name>: a cohort and its invite link; /cohort: the trainer's cohorts."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    found = await staff(rt, update, "trainer")
    if found is None:
        return
    user, me = found
    args, lang, repo = context.args or [], user.language, rt.services.repo
    username = update.get_bot().username
    if not args:
        listed = await cohorts.list_owned(repo, me)
        if not listed:
            await message.reply_text(t(lang, "no_cohorts"))
            return
        lines = [t(lang, "cohort_list")]
        for item in listed:
            c = item.cohort
            lines.append(
                t(
                    lang,
                    "cohort_line",
                    id=c.id,
                    name=c.name,
                    members=item.members,
                    link=invite_link(username, c.invite_code),
                )
            )
        await send_text(update.get_bot(), message.chat_id, "\n".join(lines))
        return
    name = cohorts.unquote(" ".join(args[1:]))[:200]
    if args[0].lower() != "new" or not name:
        await message.reply_text(t(lang, "cohort_usage"))
        return
    try:
        created = await cohorts.create(repo, me, name)
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    await message.reply_text(
        t(lang, "cohort_created", name=name, id=created.id, link=invite_link(username, created.invite_code))
    )


# --- assignments -------------------------------------------------------------------------------


async def assign(update: Update, context: Context) -> None:
    """/assign <scenario id> <cohort> [DD/MM/YYYY | YYYY-MM-DD] [exam [attempts]]: every member is told,
    with a button. The cohort name may hold spaces and be quoted; the due date and `exam` may come in
    either order after it."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    found = await staff(rt, update, "trainer")
    if found is None:
        return
    user, me = found
    args, lang = list(context.args or []), user.language
    attempts, exam, due = EXAM_ATTEMPTS, False, None
    while len(args) > 2:  # what follows the cohort's name, read from the end
        last = args[-1]
        if last.isdigit() and args[-2].lower() == "exam" and len(args) > 3:  # exam <attempts>
            attempts, exam = int(last), True
            del args[-2:]
        elif last.lower() == "exam":
            exam = True
            args.pop()
        elif DATE.fullmatch(last) and due is None:
            due = parse_due(last)
            if due is None:
                await message.reply_text(t(lang, "bad_date", value=last[:32]))
                return
            args.pop()
        else:
            break
    if len(args) < 2:
        await message.reply_text(t(lang, "assign_usage"))
        return
    try:
        done = await assignments.assign(
            rt.services.repo,
            me,
            rt.services.catalog,
            args[0],
            " ".join(args[1:]),
            TelegramOutbox(update.get_bot()),
            due=due,
            exam=exam,
            attempts=attempts,
        )
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    await message.reply_text(
        t(
            lang,
            "assigned_done",
            title=done.scenario.title.get(lang),
            cohort=done.cohort.name,
            mode=mode_text(lang, done.mode, done.attempts),
            due=due_text(lang, done.due),
            count=done.told,
        )
    )


# --- results and export ------------------------------------------------------------------------


async def _results(
    update: Update, context: Context, usage: str
) -> tuple[UserRecord, results.CohortResults] | None:
    rt = runtime(context)
    found = await staff(rt, update, "trainer", args=context.args, usage=usage)
    if found is None:
        return None
    user, me = found
    try:
        return user, await results.cohort_results(rt.services.repo, me, " ".join(context.args or []))
    except Refused as refused:
        await refusals.reply(update, user.language, refused)
        return None


async def results_(update: Update, context: Context) -> None:
    """/results <cohort>: per candidate (display name), per criterion, the last and best levels."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    found = await _results(update, context, "results_usage")
    if found is None:
        return
    user, outcome = found
    lang = user.language
    if not outcome.rows:
        await message.reply_text(t(lang, "results_none", cohort=outcome.cohort.name))
        return
    lines = [t(lang, "results_title", cohort=outcome.cohort.name)]
    for r in outcome.by_candidate():
        score = (
            "–"
            if r.last_score is None
            else (f"{r.last_score:g}".replace(".", ",") if lang == "fr" else f"{r.last_score:g}")
        )
        lines.append(t(lang, "results_candidate", name=r.name, sessions=r.sessions, score=score))
        for code in r.levels:
            lines.append(f"   {short_code(code)} : {level_text(r.last(code))} / {level_text(r.best(code))}")
    await send_text(update.get_bot(), message.chat_id, "\n".join(lines))


async def export(update: Update, context: Context) -> None:
    """/export <cohort>: the CSV (one row per session and criterion) and an HTML summary."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    found = await _results(update, context, "export_usage")
    if found is None:
        return
    user, outcome = found
    target = outcome.cohort
    csv_text = await asyncio.to_thread(outcome.to_csv)
    page = await asyncio.to_thread(outcome.to_html, user.language)
    bot, chat, lang = update.get_bot(), message.chat_id, user.language
    await bot.send_document(
        chat,
        csv_text.encode("utf-8"),
        filename=f"oralblanc-cohort-{target.id}.csv",
        caption=t(lang, "export_caption", cohort=target.name),
    )
    await bot.send_document(
        chat,
        page.encode("utf-8"),
        filename=f"oralblanc-cohort-{target.id}.html",
        caption=t(lang, "export_html_caption", cohort=target.name),
    )


# --- reviews -----------------------------------------------------------------------------------


async def review(update: Update, context: Context) -> None:
    """/review: the proposed scorecards of the trainer's members, each with an excerpt and buttons."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    found = await staff(rt, update, "trainer")
    if found is None:
        return
    user, me = found
    lang = user.language
    waiting = await reviews.proposed(rt.services.repo, me, rt.services.catalog, limit=REVIEW_LISTED)
    if not waiting:
        await message.reply_text(t(lang, "review_none"))
        return
    for item in waiting:
        card, record = item.card, item.record
        levels = "\n".join(f"▪ {short_code(c.code)} : {level_text(c.level)}" for c in card.criteria)
        text = t(
            lang,
            "review_item",
            id=record.id,
            name=item.candidate.display_name,
            title=item.title_in(lang),
            score=score_text(card, lang),
            levels=levels,
            excerpt=item.excerpt,
            session=item.session.id,
        )
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(lang, "confirm_button"), callback_data=keyboards.pack(CONFIRM, record.id)
                    ),
                    InlineKeyboardButton(
                        t(lang, "amend_button"), callback_data=keyboards.pack(AMEND, record.id)
                    ),
                ]
            ]
        )
        await send_text(update.get_bot(), message.chat_id, text, reply_markup=markup)


async def amend(update: Update, context: Context) -> None:
    """/amend <scorecard id> <criterion> <level 0-3> <comment>: the candidate is told."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    found = await staff(rt, update, "trainer")
    if found is None:
        return
    user, me = found
    args, lang = context.args or [], user.language
    if len(args) < 3:
        await message.reply_text(t(lang, "amend_usage"))
        return
    held = HeldOutbox()  # the trainer hears first, then the candidate
    try:
        done = await reviews.amend(rt.services.repo, me, rt.services.catalog, args[0], args[1:], held)
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    assert done.code is not None
    await message.reply_text(
        t(
            lang,
            "amended_done",
            id=done.record.id,
            code=short_code(done.code),
            level=done.level,
            name=done.candidate.display_name,
        )
    )
    await held.release(TelegramOutbox(update.get_bot()))


async def on_review_button(update: Update, context: Context) -> None:
    """The Confirm / Amend buttons of /review (trainers of the candidate's cohort only)."""
    query, tg_user = update.callback_query, update.effective_user
    if query is None or tg_user is None:  # not a button pressed by a person: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    me = principal_of(rt.settings, user)
    action, args = keyboards.unpack(query.data)
    if not me.has("trainer"):
        await query.answer(
            t(user.language, "not_allowed", roles=t(user.language, "role_trainer")), show_alert=True
        )
        return
    # where to write back: a button the bot sent comes with its chat (only inline-mode buttons have none)
    chat = update.effective_chat
    ref = args[0] if args else ""
    if action == CONFIRM:
        held = HeldOutbox()
        try:
            done = await reviews.confirm(rt.services.repo, me, rt.services.catalog, ref, held)
        except Refused as refused:
            await query.answer(refusals.text(user.language, refused))
            return
        if chat is not None:
            await update.get_bot().send_message(
                chat.id,
                t(user.language, "confirmed_done", id=done.record.id, name=done.candidate.display_name),
            )
        await held.release(TelegramOutbox(update.get_bot()))
        await query.answer(None)
        return
    try:
        found = await reviews.reviewable(rt.services.repo, me, ref)
    except Refused as refused:
        await query.answer(refusals.text(user.language, refused))
        return
    await query.answer()
    codes = reviews.criterion_codes(found.proposal)
    if chat is not None:
        await update.get_bot().send_message(chat.id, t(user.language, "amend_help", id=ref, **codes))


async def help_staff(update: Update, context: Context) -> None:
    """/help_staff: the trainer, jury and admin commands (for trainers, jury members and admins)."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    allowed = user if has_role(rt.settings, user, "jury") else await require(rt, update, "trainer")
    if allowed is not None:
        await message.reply_text(t(allowed.language, "help_staff"))
        await menus.set_user_menu(update.get_bot(), rt.settings, allowed)
