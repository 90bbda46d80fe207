"""Jury members on Telegram: a YAML script sent as a document is linted with the same `FILE:LINE:
message` lines as `oralblanc scenarios lint`, then previewed and stored (unpublished) when valid.
`/publish <id>` makes the latest upload of an id live (its version must be higher than the live one);
sessions already started keep the script they froze. `/try <id>` plays the latest upload (or the live
version when it is newer) in exam mode for the jury member.

Linting and loading (`bot.publishing.lint_document`, shared with `oralblanc jury upload`) run in a
worker thread; the messages name the file as the jury member sent it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot.publishing import check_publish, lint_document, preview_fields, script_to_try
from bot.telegram import sessions
from bot.telegram.roles import require, require_with_args
from bot.telegram.runtime import BotRuntime, runtime
from bot.telegram.sending import send_text
from bot.telegram.texts import t
from scenarios.model import Scenario
from storage.records import ScriptRecord, UserRecord

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_SCRIPT_BYTES = 512 * 1024


@dataclass(frozen=True)
class JuryRequest:
    rt: BotRuntime
    user: UserRecord
    scenario_id: str
    upload: ScriptRecord | None
    live: Scenario | None


def preview(scenario: Scenario, lang: str) -> str:
    """The script at a glance: id, version, kind, title, stages, criteria."""
    return t(lang, "script_preview", **preview_fields(scenario, lang))


async def on_script(update: Update, context: Context) -> None:
    """A YAML document from a jury member: lint it, then preview it."""
    rt = runtime(context)
    user = await require(rt, update, "jury")
    if user is None:
        return
    document = update.message.document
    lang = user.language
    if document.file_size and document.file_size > MAX_SCRIPT_BYTES:
        await update.message.reply_text(t(lang, "script_too_big"))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    problems, scenario = await asyncio.to_thread(lint_document, document.file_name or "script.yaml", data)
    bot, chat = update.get_bot(), update.effective_chat.id
    if problems:
        await send_text(bot, chat, t(lang, "script_problems", count=len(problems)) + "\n" + "\n".join(problems))
        return
    text = t(lang, "script_valid")
    if scenario is not None:
        source = data.decode("utf-8", errors="replace")
        number = await rt.services.repo.save_script(scenario, source, uploaded_by=user.id)
        log.info("script %s v%s uploaded by user %s (no. %s)", scenario.id, scenario.version, user.id, number)
        text += "\n\n" + preview(scenario, lang) + "\n\n" + t(lang, "script_saved", n=number, id=scenario.id)
    await send_text(bot, chat, text)


async def _jury_request(update: Update, context: Context, usage: str) -> JuryRequest | None:
    """The steps /publish and /try share: the jury role, the scenario id, its latest upload and live
    version; None once the user has been told why not."""
    rt = runtime(context)
    user = await require_with_args(rt, update, context.args, "jury", usage)
    if user is None:
        return None
    scenario_id = context.args[0][:100]
    upload = await rt.services.repo.latest_upload(scenario_id)
    return JuryRequest(rt, user, scenario_id, upload, rt.services.catalog.scenarios.get(scenario_id))


async def publish(update: Update, context: Context) -> None:
    """/publish <id>: the latest upload of this id becomes the live version (jury)."""
    request = await _jury_request(update, context, "publish_usage")
    if request is None:
        return
    rt, user, lang = request.rt, request.user, request.user.language
    check = check_publish(request.upload, request.live)
    if check.refusal is not None:
        await update.message.reply_text(t(
            lang, check.refusal, id=request.scenario_id[:64], version=check.upload.version if check.upload else "",
            live=check.live_version, next=check.next_version,
        ))
        return
    assert check.upload is not None
    await rt.services.repo.publish_script(check.upload.id, published_by=user.id)
    await rt.services.refresh_catalog()
    log.info("script %s v%s published by user %s", request.scenario_id, check.upload.version, user.id)
    await update.message.reply_text(t(lang, "published_done", id=request.scenario_id, version=check.upload.version))


async def try_(update: Update, context: Context) -> None:
    """/try <id>: play the latest upload of this id (or the live version, when newer) in exam mode (jury)."""
    request = await _jury_request(update, context, "try_usage")
    if request is None:
        return
    rt, user, lang = request.rt, request.user, request.user.language
    scenario, source = script_to_try(request.upload, request.live)
    if scenario is None or rt.services.catalog.personas.get(scenario.persona) is None:
        await update.message.reply_text(t(lang, "unknown_scenario", id=request.scenario_id[:64]))
        return
    repo, bot, chat = rt.services.repo, update.get_bot(), update.effective_chat.id
    active = await repo.active_session(user.id)
    if active is not None and sessions.started_by(active, update.update_id):  # handled again after a crash
        await sessions.announce_again(rt, bot, chat, user, active)
        return
    if active is not None:
        await rt.services.rehearsal.finish(active.id, "abandoned")
        await bot.send_message(chat, t(lang, "abandoned"))
    await bot.send_message(chat, t(lang, "try_starting", id=scenario.id, version=scenario.version,
                                   status=t(lang, f"try_{source}")))
    await sessions.begin(rt, bot, chat, user, scenario, lang, voice=False, exam=True, trial=True,
                         update_id=update.update_id)
