"""Handler registration, the guard in front of them, bad input and errors.

Registered by `register(application)`:
- group -1, `guard`: private chats only; updates other than a candidate's line are recorded as
  processed (`processed_updates`) and a redelivered one stops here; a line is deduplicated with its
  turn (`add_turn(update_id=...)`), in the same transaction;
- group 0: edited messages, the commands (`chat_commands`), unknown commands, text and voice lines
  (`lines`), buttons (`buttons`), and anything else (stickers, photos, documents…), each with a short
  answer in the user's language;
- `on_error`: logs the error with the update; the user gets an apology, never a stack trace.
"""

from __future__ import annotations

import json
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

from bot.telegram import chat_commands as commands
from bot.telegram import jury, jury_transcripts
from bot.telegram import staff_commands as staff
from bot.telegram.buttons import on_button
from bot.telegram.jury import on_script
from bot.telegram.lines import on_text, on_voice
from bot.telegram.processor import is_line
from bot.telegram.runtime import runtime
from bot.telegram.texts import lang_of, t

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def guard(update: Update, context: Context) -> None:
    """Private chats only; a redelivered update other than a line stops here."""
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        if update.message is not None and (update.message.text or "").startswith("/"):
            user = update.effective_user
            await update.message.reply_text(t(lang_of(user.language_code if user else None), "private_only"))
        raise ApplicationHandlerStop
    if is_line(update):  # deduplicated with its turn, in the same transaction
        return
    if not await runtime(context).services.repo.mark_update_processed(update.update_id):
        log.info("update %s already processed: ignored", update.update_id)
        raise ApplicationHandlerStop


async def on_edited(update: Update, context: Context) -> None:
    """An edited message: not taken into account (the turn stands as first sent)."""
    user = await runtime(context).user(update.effective_user)
    await update.effective_message.reply_text(t(user.language, "edited"))


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know."""
    user = await runtime(context).user(update.effective_user)
    await update.message.reply_text(t(user.language, "unknown_command"))


async def on_unsupported(update: Update, context: Context) -> None:
    """Stickers, photos, documents, videos…: only text and voice notes are read."""
    user = await runtime(context).user(update.effective_user)
    await update.effective_message.reply_text(t(user.language, "not_supported"))


async def on_error(update: object, context: Context) -> None:
    """Log the error with the update; apologise to the user without any detail."""
    dump = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error("error while handling update %s", json.dumps(dump, ensure_ascii=False, default=str)[:4000],
              exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    tg_user = update.effective_user
    lang = lang_of(tg_user.language_code if tg_user else None)
    try:
        if tg_user is not None:
            lang = (await runtime(context).user(tg_user)).language
    except Exception:  # the database may be what failed
        pass
    try:
        await context.bot.send_message(update.effective_chat.id, t(lang, "error"))
    except Exception:
        log.warning("could not send the apology to chat %s", update.effective_chat.id, exc_info=True)


COMMANDS = {
    "start": commands.start, "help": commands.help_, "scenarios": commands.scenarios, "play": commands.play,
    "end": commands.end, "report": commands.report, "progress": commands.progress, "hint": commands.hint,
    "voice": commands.voice, "lang": commands.lang, "mydata": commands.mydata,
    "deletemydata": commands.deletemydata,
    # admins and trainers (each checks the role)
    "grant": staff.grant, "revoke": staff.revoke, "cohort": staff.cohort, "assign": staff.assign,
    "results": staff.results_, "review": staff.review, "amend": staff.amend, "export": staff.export,
    "help_staff": staff.help_staff,
    # jury (each checks the role)
    "publish": jury.publish, "try": jury.try_, "transcripts": jury_transcripts.transcripts,
    "transcript": jury_transcripts.transcript,
}

def register(application: Application) -> None:
    """Attach every handler (see the module docstring for the order)."""
    application.add_handler(TypeHandler(Update, guard), group=-1)
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, on_edited))
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, on_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.VOICE, on_voice))
    application.add_handler(MessageHandler(
        filters.UpdateType.MESSAGE & (filters.Document.FileExtension("yaml") | filters.Document.FileExtension("yml")),
        on_script,
    ))
    application.add_handler(CallbackQueryHandler(staff.on_review_button, pattern=rf"^({staff.CONFIRM}|{staff.AMEND}):"))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_unsupported))
    application.add_error_handler(on_error)
