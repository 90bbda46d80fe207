"""Handler registration, the guard in front of them, bad input and errors.

Registered by `register(application)`:
- group -1, `guard`: private chats only (redeliveries are recognised before, by the update inbox:
  `bot.telegram.inbox`; a line is also deduplicated with its turn, `add_turn(update_id=...)`);
- group 0: edited messages, the commands (`chat_commands`), unknown commands, text and voice lines
  (`lines`), buttons (`buttons`), and anything else (stickers, photos, documents…), each with a short
  answer in the user's language;
- `on_error`: logs the error with the update's ids, never its content; the user is told what happened
  (a database failure: the update is kept and tried again), never a stack trace.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.sessions import unavailable
from bot.telegram import chat_commands as commands
from bot.telegram import jury, jury_transcripts
from bot.telegram import staff_commands as staff
from bot.telegram.buttons import on_button
from bot.telegram.jury import on_script
from bot.telegram.lines import AUDIO_EXTENSIONS, on_text, on_voice
from bot.telegram.runtime import RUNTIME_KEY, runtime
from bot.telegram.texts import lang_of, t
from bot.telegram.web_link import web as web_link

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def guard(update: Update, context: Context) -> None:
    """Private chats only. (A redelivered update never gets here: the update inbox recognised it.)"""
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        if update.message is not None and (update.message.text or "").startswith("/"):
            user = update.effective_user
            await update.message.reply_text(t(lang_of(user.language_code if user else None), "private_only"))
        raise ApplicationHandlerStop


async def on_edited(update: Update, context: Context) -> None:
    """An edited message: not taken into account (the turn stands as first sent)."""
    tg_user, message = update.effective_user, update.effective_message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    user = await runtime(context).user(tg_user)
    await message.reply_text(t(user.language, "edited"))


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    user = await runtime(context).user(tg_user)
    await message.reply_text(t(user.language, "unknown_command"))


async def on_unsupported(update: Update, context: Context) -> None:
    """Stickers, photos, documents, videos…: only text and voice notes are read."""
    tg_user, message = update.effective_user, update.effective_message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    user = await runtime(context).user(tg_user)
    await message.reply_text(t(user.language, "not_supported"))


async def on_error(update: object, context: Context) -> None:
    """Log the error with the update's ids (never its content: names and texts are personal data that
    must not outlive an erasure); tell the user what happened, without any detail.

    When the database failed (unreachable, restarted, locked too long, disk full), what the candidate
    sent may not be stored: the update is kept in the inbox and tried again by itself, and the user is
    told so. Any other error: the user is asked to send the message again."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update (%s)", type(error).__name__, exc_info=error)
        return
    storage_down = unavailable(error)
    log.error(
        "error while handling update %s of chat %s (%s%s)",
        update.update_id,
        update.effective_chat.id if update.effective_chat else None,
        type(error).__name__,
        ", storage unavailable: kept for a retry" if storage_down else "",
        exc_info=error,
    )
    rt = context.application.bot_data.get(RUNTIME_KEY)
    if storage_down and rt is not None and rt.inbox is not None:
        rt.inbox.retry_later(update.update_id)
    if update.effective_chat is None:
        return
    tg_user = update.effective_user
    lang = lang_of(tg_user.language_code if tg_user else None)
    if not storage_down and tg_user is not None and rt is not None:
        with contextlib.suppress(Exception):
            lang = (await rt.user(tg_user)).language
    try:
        await context.bot.send_message(
            update.effective_chat.id, t(lang, "storage_down" if storage_down else "error")
        )
    except Exception:
        log.warning("could not send the apology to chat %s", update.effective_chat.id, exc_info=True)


COMMANDS = {
    "start": commands.start,
    "help": commands.help_,
    "scenarios": commands.scenarios,
    "play": commands.play,
    "end": commands.end,
    "report": commands.report,
    "progress": commands.progress,
    "hint": commands.hint,
    "voice": commands.voice,
    "lang": commands.lang,
    "mydata": commands.mydata,
    "deletemydata": commands.deletemydata,
    # admins and trainers (each checks the role)
    "grant": staff.grant,
    "revoke": staff.revoke,
    "cohort": staff.cohort,
    "assign": staff.assign,
    "results": staff.results_,
    "review": staff.review,
    "amend": staff.amend,
    "export": staff.export,
    "help_staff": staff.help_staff,
    # jury (each checks the role)
    "publish": jury.publish,
    "try": jury.try_,
    "transcripts": jury_transcripts.transcripts,
    "transcript": jury_transcripts.transcript,
    "web": web_link,  # staff: a one-time link to the web console
}


def _audio_extensions() -> filters.BaseFilter:
    combined: filters.BaseFilter = filters.Document.FileExtension(AUDIO_EXTENSIONS[0].lstrip("."))
    for extension in AUDIO_EXTENSIONS[1:]:
        combined = combined | filters.Document.FileExtension(extension.lstrip("."))
    return combined


def register(application: Application) -> None:
    """Attach every handler (see the module docstring for the order)."""
    application.add_handler(TypeHandler(Update, guard), group=-1)
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, on_edited))
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, on_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.VOICE, on_voice))
    application.add_handler(
        MessageHandler(  # MP3, M4A, WAV… sent as music or as a file
            filters.UpdateType.MESSAGE & (filters.AUDIO | filters.Document.AUDIO | _audio_extensions()),
            on_voice,
        )
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & (filters.Document.FileExtension("yaml") | filters.Document.FileExtension("yml")),
            on_script,
        )
    )
    application.add_handler(jury.OTHER_DOCUMENTS)  # any other file: a hint for the jury, else not read
    application.add_handler(
        CallbackQueryHandler(staff.on_review_button, pattern=rf"^({staff.CONFIRM}|{staff.AMEND}):")
    )
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_unsupported))
    application.add_error_handler(on_error)
