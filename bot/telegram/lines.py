"""The candidate's lines: a text message or a voice note during a session is a turn.

A voice note is downloaded (getFile), transcribed off the event loop, shown back briefly ("I
understood: …"), then played as a turn with its word timings, fluency and raw audio. A line written
before the candidate could read the answer to their previous one, text over the length limit, and
unusable audio get a short answer instead, and the session goes on.
"""

from __future__ import annotations

import logging
import warnings

from telegram import Update, Voice
from telegram.ext import ContextTypes

from bot.speech.audio import AudioError, AudioTooLongError, EmptyAudioError, SilentAudioError
from bot.telegram import sessions
from bot.telegram.runtime import BotRuntime, chat_id, runtime
from bot.telegram.sending import ChatActionLoop
from bot.telegram.texts import t
from bot.speech.voice import turn_meta
from storage.repository import UserRecord

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
UNDERSTOOD_CHARS = 600


async def _busy(rt: BotRuntime, update: Update, user: UserRecord) -> bool:
    """A line sent while the previous one is still being answered gets a polite note, not a turn."""
    if not rt.processor.arrived_while_busy(update):
        return False
    if await rt.services.repo.mark_update_processed(update.update_id):  # False: a redelivery, say nothing
        await update.effective_message.reply_text(t(user.language, "busy"))
    return True


async def on_text(update: Update, context: Context) -> None:
    """A text line: a turn of the active session."""
    rt = runtime(context)
    user = await rt.user(update.effective_user)
    text = update.message.text or ""
    record = await rt.services.repo.active_session(user.id)
    if record is None:
        await update.message.reply_text(t(user.language, "no_session"))
        return
    if await _busy(rt, update, user):
        return
    if len(text) > rt.options.max_turn_chars:
        await update.message.reply_text(t(user.language, "too_long", length=len(text), limit=rt.options.max_turn_chars))
        return
    await sessions.play_turn(
        rt, update.get_bot(), chat_id(update), user, record, text.strip(),
        answered=lambda: rt.processor.answered(update), update_id=update.update_id,
    )


async def on_voice(update: Update, context: Context) -> None:
    """A voice note: transcribed, shown back, played as a turn with its audio measures."""
    rt = runtime(context)
    user = await rt.user(update.effective_user)
    lang, bot, chat = user.language, update.get_bot(), chat_id(update)
    note = update.message.voice
    record = await rt.services.repo.active_session(user.id)
    if record is None:
        await update.message.reply_text(t(lang, "voice_no_session"))
        return
    if await _busy(rt, update, user):
        return
    limit, seconds = rt.settings.max_audio_seconds, _voice_seconds(note)
    if seconds > limit:
        await update.message.reply_text(t(lang, "voice_too_long", seconds=round(seconds), limit=int(limit)))
        return
    async with ChatActionLoop(bot, chat, interval=rt.options.typing_interval):
        data = bytes(await (await note.get_file()).download_as_bytearray())
        try:
            heard = await rt.voice.transcribe(data, record.language)
        except (EmptyAudioError, SilentAudioError):
            await update.message.reply_text(t(lang, "voice_empty"))
            return
        except AudioTooLongError:
            await update.message.reply_text(t(lang, "voice_too_long", seconds=round(seconds), limit=int(limit)))
            return
        except AudioError:
            await update.message.reply_text(t(lang, "voice_unusable"))
            return
        except Exception:
            log.exception("speech to text unavailable")
            await update.message.reply_text(t(lang, "voice_unavailable"))
            return
    text = heard.text.strip()
    if not text:
        await update.message.reply_text(t(lang, "voice_empty"))
        return
    shown = text if len(text) <= UNDERSTOOD_CHARS else text[: UNDERSTOOD_CHARS - 1] + "…"
    await update.message.reply_text(t(lang, "understood", text=shown))
    await sessions.play_turn(
        rt, bot, chat, user, record, text,
        answered=lambda: rt.processor.answered(update), update_id=update.update_id, **turn_meta(heard, data),
    )


def _voice_seconds(note: Voice) -> float:
    """A voice note's duration in seconds (PTB 22 keeps a timedelta; its public property may warn)."""
    value = getattr(note, "_duration", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = note.duration
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value or 0)
