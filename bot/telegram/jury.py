"""Jury members on Telegram: a YAML script sent as a document is linted with the same `FILE:LINE:
message` lines as `oralblanc scenarios lint`, then previewed and stored (unpublished) when valid.
`/publish <id>` makes the latest upload of an id live (its version must be higher than the live one);
sessions already started keep the script they froze. `/try <id>` plays the latest upload (or the live
version when it is newer) in exam mode for the jury member.

Uploading, publishing and choosing what to try are the core's (`bot.core.scripts`, shared with
`oralblanc jury`): linting runs in a worker thread; the messages name the file as the jury member
sent it. A jury member's text file under another name (.txt, none) is linted too, with a note; any
other document gets "send a .yaml file" (`on_document`, registered as `OTHER_DOCUMENTS`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Document, Message, Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.core import scripts
from bot.core.principal import Principal, Refused, UserRecord
from bot.publishing import looks_like_text, preview_fields
from bot.telegram import refusals, sessions
from bot.telegram.roles import has_role, principal_of, staff
from bot.telegram.runtime import BotRuntime, runtime
from bot.telegram.sending import send_text
from bot.telegram.texts import t
from scenarios.model import Lang, Scenario

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_SCRIPT_BYTES = 512 * 1024


@dataclass(frozen=True)
class JuryRequest:
    rt: BotRuntime
    user: UserRecord
    me: Principal
    scenario_id: str


def preview(scenario: Scenario, lang: Lang) -> str:
    """The script at a glance: id, version, kind, title, stages, criteria."""
    return t(lang, "script_preview", **preview_fields(scenario, lang))


async def on_script(update: Update, context: Context) -> None:
    """A YAML document from a jury member: lint it, then preview it."""
    message = update.message
    document = message.document if message is not None else None
    if message is None or document is None:  # not a person's document: nothing to read
        return
    rt = runtime(context)
    found = await staff(rt, update, "jury")
    if found is not None:
        await _lint_upload(rt, update, message, document, *found)


async def on_document(update: Update, context: Context) -> None:
    """Any other document (audio files and .yaml/.yml are handled before): a jury member's text file
    (.txt, no extension, a text or YAML MIME type) is read as a YAML script, with a note; any other
    file gets "send the script as a .yaml file". Others get the usual "text and voice notes only"."""
    tg_user, message = update.effective_user, update.message
    document = message.document if message is not None else None
    if tg_user is None or message is None or document is None:  # not a person's document: nothing to read
        return
    rt = runtime(context)
    user = await rt.user(tg_user)
    if not has_role(rt.settings, user, "jury"):
        await message.reply_text(t(user.language, "not_supported"))
        return
    name = (document.file_name or "")[:100]
    if not looks_like_text(name, document.mime_type):
        await message.reply_text(t(user.language, "script_send_yaml", name=name or document.mime_type or "?"))
        return
    await _lint_upload(
        rt,
        update,
        message,
        document,
        user,
        principal_of(rt.settings, user),
        note=t(user.language, "script_read_as_yaml", name=name or "script"),
    )


OTHER_DOCUMENTS = MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, on_document)
"""Registered after the audio and .yaml/.yml handlers, before the catch-all."""


async def _lint_upload(
    rt: BotRuntime,
    update: Update,
    message: Message,
    document: Document,
    user: UserRecord,
    me: Principal,
    note: str | None = None,
) -> None:
    lang = user.language
    if document.file_size and document.file_size > MAX_SCRIPT_BYTES:
        await message.reply_text(t(lang, "script_too_big"))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        uploaded = await scripts.upload(rt.services.repo, me, document.file_name or "script.yaml", data)
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    bot, chat = update.get_bot(), message.chat_id
    head = note + "\n\n" if note else ""
    if uploaded.problems:
        await send_text(
            bot,
            chat,
            head
            + t(lang, "script_problems", count=len(uploaded.problems))
            + "\n"
            + "\n".join(uploaded.problems),
        )
        return
    if uploaded.scenario is None:  # a valid file, but not a scenario (a persona?)
        await send_text(bot, chat, head + t(lang, "script_not_scenario"))
        return
    scenario = uploaded.scenario
    await send_text(
        bot,
        chat,
        head
        + t(lang, "script_valid")
        + "\n\n"
        + preview(scenario, lang)
        + "\n\n"
        + t(lang, "script_saved", n=uploaded.number, id=scenario.id),
    )


async def _jury_request(update: Update, context: Context, usage: str) -> JuryRequest | None:
    """The steps /publish and /try share: the jury role and the scenario id; None once the user has
    been told why not."""
    rt = runtime(context)
    args = context.args
    found = await staff(rt, update, "jury", args=args, usage=usage)
    if found is None or not args:  # without arguments, `staff` told them the usage
        return None
    user, me = found
    return JuryRequest(rt, user, me, args[0][:100])


async def publish(update: Update, context: Context) -> None:
    """/publish <id>: the latest upload of this id becomes the live version (jury)."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    request = await _jury_request(update, context, "publish_usage")
    if request is None:
        return
    rt, lang = request.rt, request.user.language
    try:
        published = await scripts.publish(
            rt.services.repo, request.me, rt.services.catalog, request.scenario_id
        )
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    await rt.services.refresh_catalog()
    await message.reply_text(t(lang, "published_done", id=request.scenario_id, version=published.version))


async def try_(update: Update, context: Context) -> None:
    """/try <id>: play the latest upload of this id (or the live version, when newer) in exam mode (jury)."""
    message = update.message
    if message is None:  # not a person's message: nothing to answer
        return
    request = await _jury_request(update, context, "try_usage")
    if request is None:
        return
    rt, user, lang = request.rt, request.user, request.user.language
    try:
        trial = await scripts.script_to_try(
            rt.services.repo, request.me, rt.services.catalog, request.scenario_id
        )
    except Refused as refused:
        await refusals.reply(update, lang, refused)
        return
    scenario, source = trial.scenario, trial.source
    bot, chat = update.get_bot(), message.chat_id
    active = await rt.services.rehearsal.active_session(user.id)
    if active is not None and sessions.started_by(active, update.update_id):  # handled again after a crash
        await sessions.announce_again(rt, bot, chat, user, active)
        return
    if active is not None:
        await rt.services.rehearsal.finish(active.id, "abandoned")
        await bot.send_message(chat, t(lang, "abandoned"))
    await bot.send_message(
        chat,
        t(lang, "try_starting", id=scenario.id, version=scenario.version, status=t(lang, f"try_{source}")),
    )
    await sessions.begin(
        rt, bot, chat, user, scenario, lang, voice=False, exam=True, trial=True, update_id=update.update_id
    )
