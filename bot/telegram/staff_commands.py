"""Admin and trainer commands: /grant, /revoke, /cohort, /assign, /results, /review, /amend, /export,
/help_staff, the confirm / amend buttons of /review, and the assignments a candidate is told about when
they join a cohort (`tell_open_assignments`, called when they join).

Every command first checks the role (`roles.require`); a trainer only ever sees the cohorts they own
and the scorecards of their members. A candidate told about a decision gets it in their own chat only.

Cohort names are typed as they are, or between quotes ("Promo 2027", « Promo 2027 »); a trainer's
cohorts have different names; a due date is written DD/MM/YYYY or YYYY-MM-DD and is not in the past.
A criterion is named as /review shows it ("B2 CR2"), without the space ("B2CR2"), by its tail ("CR2")
or in full ("BLOC2.A2.C2.CR2").
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import results
from scenarios.model import Scenario
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
    AssignmentRecord,
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


# quotes a name may be typed between: "…", '…', «…», “…”, „…“, ‘…’
_OPENING, _CLOSING = "\"'«“„‘", "\"'»”“’"


def unquote(name: str) -> str:
    """A cohort name as typed, without the quotes around it: "Promo 2027", « Promo 2027 » → Promo 2027."""
    name = " ".join(name.split())
    if len(name) >= 2 and name[0] in _OPENING and name[-1] in _CLOSING:
        name = name[1:-1].strip(" \u00a0\u202f")
    return name


def _same_name(a: str, b: str) -> bool:
    return unquote(a).casefold() == unquote(b).casefold()


async def find_cohorts(rt: BotRuntime, user: UserRecord, ref: str) -> list[CohortRecord]:
    """The user's cohorts `ref` names: by number, else by name (case-insensitive, quotes or not)."""
    cohorts = await visible_cohorts(rt, user)
    ref = unquote(ref)
    by_id = [c for c in cohorts if ref.isdigit() and c.id == int(ref)]
    return by_id or [c for c in cohorts if _same_name(c.name, ref)]


async def one_cohort(rt: BotRuntime, update: Update, user: UserRecord, ref: str) -> CohortRecord | None:
    """The one cohort of the user's that `ref` names; None once told that none does, or several do
    (an admin sees every trainer's cohorts: two may share a name), never a guess."""
    found = await find_cohorts(rt, user, ref)
    if len(found) == 1:
        return found[0]
    lang = user.language
    if found:
        ids = ", ".join(t(lang, "cohort_number", id=c.id) for c in found)
        await update.effective_message.reply_text(t(lang, "ambiguous_cohort", ref=unquote(ref)[:64], ids=ids))
    else:
        await update.effective_message.reply_text(t(lang, "unknown_cohort", ref=unquote(ref)[:64]))
    return None


async def trains(rt: BotRuntime, user: UserRecord, candidate_id: int) -> bool:
    """Whether the candidate is a member of one of the user's cohorts (of any cohort, for an admin)."""
    visible = {c.id for c in await visible_cohorts(rt, user)}
    return bool(visible & {c.id for c in await rt.services.repo.cohorts_of_member(candidate_id)})


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
    name = unquote(" ".join(args[1:]))[:200]
    if args[0].lower() != "new" or not name:
        await update.message.reply_text(t(lang, "cohort_usage"))
        return
    same = [c for c in await repo.cohorts_owned(user.id) if _same_name(c.name, name)]
    if same:
        await update.message.reply_text(t(lang, "cohort_exists", name=same[0].name, id=same[0].id))
        return
    code = secrets.token_urlsafe(12)
    cohort_id = await repo.create_cohort(name, owner_id=user.id, invite_code=code)
    log.info("cohort %s created by user %s", cohort_id, user.id)
    await update.message.reply_text(t(lang, "cohort_created", name=name, id=cohort_id, link=invite_link(username, code)))


# --- assignments -------------------------------------------------------------------------------


# a due date as typed: 2027-01-15, or 15/01/2027 (also 15.01.2027 or 15-01-2027)
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}([/.-])\d{1,2}\1\d{4}")


def _parse_due(value: str) -> datetime | None:
    """The end of the day (UTC) `value` names, YYYY-MM-DD or DD/MM/YYYY; None if there is no such day."""
    for layout in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            day = datetime.strptime(value, layout)
        except ValueError:
            continue
        return day.replace(hour=23, minute=59, tzinfo=UTC)
    return None


def _due_text(lang: str, due: datetime | None) -> str:
    return t(lang, "due_suffix", date=due.date().isoformat()) if due else ""


def _notice(member: UserRecord, scenario: Scenario, mode: str, attempts: int | None,
            due: datetime | None) -> tuple[str, InlineKeyboardMarkup]:
    """What a member is told of an assignment (mode, attempts, due date, title), with its button."""
    ml = member.language
    text = t(ml, "assignment_notice", mode=_mode(ml, mode, attempts or EXAM_ATTEMPTS), due=_due_text(ml, due),
             title=scenario.title.get(ml))
    button = InlineKeyboardMarkup([[InlineKeyboardButton(
        t(ml, "open_button"), callback_data=keyboards.pack(keyboards.SHOW, keyboards.scenario_ref(scenario.id), ml)
    )]])
    return text, button


async def assign(update: Update, context: Context) -> None:
    """/assign <scenario id> <cohort> [DD/MM/YYYY | YYYY-MM-DD] [exam [attempts]]: every member is told,
    with a button. The cohort name may hold spaces and be quoted; the due date and `exam` may come in
    either order after it."""
    rt = runtime(context)
    user = await require(rt, update, "trainer")
    if user is None:
        return
    args, lang = list(context.args or []), user.language
    attempts, exam, due = EXAM_ATTEMPTS, False, None
    while len(args) > 2:  # what follows the cohort's name, read from the end
        last = args[-1]
        if last.isdigit() and args[-2].lower() == "exam" and len(args) > 3:  # exam <attempts>
            attempts, exam = int(last), True
            del args[-2:]
            if not 1 <= attempts <= MAX_ATTEMPTS:
                await update.message.reply_text(t(lang, "bad_attempts", max=MAX_ATTEMPTS))
                return
        elif last.lower() == "exam":
            exam = True
            args.pop()
        elif DATE.fullmatch(last) and due is None:
            due = _parse_due(last)
            if due is None:
                await update.message.reply_text(t(lang, "bad_date", value=last[:32]))
                return
            if due.date() < datetime.now(UTC).date():
                await update.message.reply_text(t(lang, "due_past", date=due.date().isoformat()))
                return
            args.pop()
        else:
            break
    if len(args) < 2:
        await update.message.reply_text(t(lang, "assign_usage"))
        return
    args = [args[0], " ".join(args[1:])]  # a cohort name may hold spaces
    scenario = rt.services.catalog.scenarios.get(args[0])
    if scenario is None:
        await update.message.reply_text(t(lang, "unknown_scenario", id=args[0][:64]))
        return
    target = await one_cohort(rt, update, user, args[1])
    if target is None:
        return
    mode = "exam" if exam else "practice"
    repo = rt.services.repo
    await repo.assign(scenario.id, scenario_version=scenario.version, cohort_id=target.id, due_at=due, mode=mode,
                      created_by=user.id, attempts=attempts if exam else None)
    told = 0
    for member in await repo.members(target.id):
        text, button = _notice(member, scenario, mode, attempts, due)
        told += await _tell(update, member, text, reply_markup=button)
    due_text = _due_text(lang, due)
    await update.message.reply_text(t(lang, "assigned_done", title=scenario.title.get(lang), cohort=target.name,
                                      mode=_mode(lang, mode, attempts), due=due_text, count=told))


async def tell_open_assignments(rt: BotRuntime, update: Update, user: UserRecord, cohort_id: int) -> None:
    """A member who just joined (`/start <invite code>`) is told about the cohort's assignments made
    before they joined (those made since, /assign told them) that they have not started yet and whose
    due date has not passed, each as /assign told the others (mode, due date, button)."""
    joined = await rt.services.repo.joined_at(cohort_id, user.id)
    if joined is None:
        return
    for assignment in await _open_assignments(rt, user, cohort_id, joined):
        scenario = rt.services.catalog.scenarios[assignment.scenario_id]
        text, button = _notice(user, scenario, assignment.mode, assignment.attempts, _aware(assignment.due_at))
        await _tell(update, user, text, reply_markup=button)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


async def _open_assignments(rt: BotRuntime, user: UserRecord, cohort_id: int,
                            before: datetime) -> Sequence[AssignmentRecord]:
    """The cohort's assignments made `before` (the user joined) that the user may still do: scenario
    in the catalog, not past due, not started."""
    repo, today = rt.services.repo, datetime.now(UTC).date()
    out = []
    for a in await repo.assignments_for_user(user.id):
        due = _aware(a.due_at)
        if a.cohort_id != cohort_id or a.created_at > before or a.scenario_id not in rt.services.catalog.scenarios:
            continue
        if (due is not None and due.date() < today) or await repo.attempts_used(user.id, a.id):
            continue
        out.append(a)
    return out


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
    found = await one_cohort(rt, update, user, " ".join(context.args or []))
    return None if found is None else (user, found)


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
                 excerpt=await _excerpt(rt, session.id, card), session=session.id)
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
    if not await trains(rt, user, candidate.id):
        return None
    return record, session, candidate


def _codes(card: Scorecard) -> dict[str, str]:
    """The criteria as /review shows them ("B2 CR1, B2 CR2") and one full code, for the messages."""
    return {"codes": ", ".join(short_code(c.code) for c in card.criteria),
            "full": card.criteria[0].code if card.criteria else "BLOC2.A2.C2.CR2"}


def _criterion(card: Scorecard, args: Sequence[str]) -> tuple[str | None, int]:
    """The criterion the arguments start with, and how many they take: two for the form /review shows
    ("B2 CR2"), else one ("B2CR2", "CR2", "C2.CR2", "BLOC2.A2.C2.CR2"); (None, 1) when none is named."""
    if len(args) >= 2 and not args[1].isdigit():
        code = results.match_criterion(card, f"{args[0]} {args[1]}")
        if code is not None:
            return code, 2
    return (results.match_criterion(card, args[0]) if args else None), 1


async def amend(update: Update, context: Context) -> None:
    """/amend <scorecard id> <criterion> <level 0-3> <comment>: the candidate is told."""
    rt = runtime(context)
    user = await require(rt, update, "trainer")
    if user is None:
        return
    args, lang = context.args or [], user.language
    if len(args) < 3:
        await update.message.reply_text(t(lang, "amend_usage"))
        return
    found = await reviewable(rt, user, args[0])
    if found is None:
        await update.message.reply_text(t(lang, "unknown_scorecard", ref=args[0][:16]))
        return
    record, session, candidate = found
    card = Scorecard.model_validate(record.effective)  # a second amendment keeps the first
    code, used = _criterion(card, args[1:])
    if code is None:
        await update.message.reply_text(t(lang, "unknown_criterion", code=args[1][:32], **_codes(card)))
        return
    rest = args[1 + used:]
    if not rest or rest[0] not in ("0", "1", "2", "3"):
        await update.message.reply_text(t(lang, "bad_level"))
        return
    level, comment = int(rest[0]), " ".join(rest[1:]).strip()[:1000]
    if not comment:
        await update.message.reply_text(t(lang, "amend_comment_required", id=record.id,
                                          code=short_code(code).replace(" ", ""), level=level))
        return
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
    await update.get_bot().send_message(update.effective_chat.id, t(user.language, "amend_help", id=ref, **_codes(card)))


async def help_staff(update: Update, context: Context) -> None:
    """/help_staff: the trainer, jury and admin commands (for trainers, jury members and admins)."""
    rt = runtime(context)
    user = await rt.user(update.effective_user)
    if not has_role(rt.settings, user, "jury"):
        user = await require(rt, update, "trainer")
    if user is not None:
        await update.message.reply_text(t(user.language, "help_staff"))
        await menus.set_user_menu(update.get_bot(), rt.settings, user)
