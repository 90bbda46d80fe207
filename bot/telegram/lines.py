"""The candidate's lines: a text message or a voice note during a session is a turn.

A voice note's update (with its `file_id`) is held before anything else (`bot.telegram.inbox`); the
note is then downloaded (getFile), held in the database (`voice_inbox`, write-ahead: a crash
during transcription loses nothing), transcribed off the event loop, shown back briefly ("I
understood: …"), then played as a turn with its word timings, fluency and raw audio (`play_voice`;
storing the turn clears the held note in the same transaction). A line written before the candidate
could read the answer to their previous one, text over the length limit, and unusable audio get a
short answer instead (a refused note is released), and the session goes on.

At start-up, `recover_held_voices` plays the notes a previous process held but never turned into a
turn (it died while transcribing): same path, answered in the note's chat; the notes of sessions
that are over are released without a word.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import Audio, Bot, Document, Message, Update, Voice
from telegram.ext import ContextTypes

from bot.core import people
from bot.core.principal import UserRecord
from bot.core.sessions import NotFound, SessionView
from bot.faults import crash_point
from bot.rehearsal import TURN_PATH_TURNS
from bot.speech.audio import AudioError, AudioTooLongError, EmptyAudioError, SilentAudioError
from bot.speech.stt import Transcription
from bot.speech.voice import turn_meta
from bot.telegram import keyboards, sessions
from bot.telegram.runtime import BotRuntime, chat_id, runtime
from bot.telegram.sending import ChatActionLoop
from bot.telegram.texts import t

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
UNDERSTOOD_CHARS = 600
AUDIO_EXTENSIONS = (".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".wav", ".flac", ".webm")
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
Notify = Callable[[str], Awaitable[Any]]


async def _busy(rt: BotRuntime, update: Update, message: Message, user: UserRecord) -> bool:
    """A line sent while the previous one is still being answered gets a polite note, not a turn."""
    if not rt.processor.arrived_while_busy(update):
        return False
    if await rt.services.inbox.mark_update_processed(update.update_id):  # False: a redelivery, say nothing
        await message.reply_text(t(user.language, "busy"))
    return True


async def on_text(update: Update, context: Context) -> None:
    """A text line: a turn of the active session."""
    tg_user, message = update.effective_user, update.message
    if tg_user is None or message is None:  # not a person's message: nothing to answer
        return
    rt = runtime(context)
    user, record = await rt.user_playing(tg_user, last_turns=TURN_PATH_TURNS)  # one read
    text = message.text or ""
    if record is None:
        await message.reply_text(t(user.language, "no_session"))
        return
    if await _busy(rt, update, message, user):
        return
    if len(text) > rt.options.max_turn_chars:
        await message.reply_text(
            t(user.language, "too_long", length=len(text), limit=rt.options.max_turn_chars)
        )
        return
    if not has_words(text):  # blank, emoji or punctuation only: nothing for the persona to answer
        await message.reply_text(t(user.language, "empty_line"))
        return
    record = await drop_unsure(rt, record)
    await sessions.play_turn(
        rt,
        update.get_bot(),
        chat_id(update),
        user,
        record,
        text.strip(),
        answered=lambda: rt.processor.answered(update),
        update_id=update.update_id,
        sent_at=message.date,
    )


def spoken_media(message: Message | None) -> Voice | Audio | Document | None:
    """What a spoken line arrives as: a voice note, an audio file (MP3, M4A…) sent as music, or an
    audio file sent as a document (by its MIME type or its extension)."""
    if message is None:
        return None
    if message.voice is not None or message.audio is not None:
        return message.voice or message.audio
    document = message.document
    if document is not None and (
        (document.mime_type or "").startswith("audio/")
        or (document.file_name or "").lower().endswith(AUDIO_EXTENSIONS)
    ):
        return document
    return None


async def on_voice(update: Update, context: Context) -> None:
    """A voice note (or an audio file): transcribed, shown back, played as a turn with its audio measures."""
    tg_user, message = update.effective_user, update.message
    note = spoken_media(message)
    if tg_user is None or message is None or note is None:  # not a person's spoken line: nothing to answer
        return
    rt = runtime(context)
    user, record = await rt.user_playing(tg_user, last_turns=TURN_PATH_TURNS)  # one read
    lang, bot, chat = user.language, update.get_bot(), chat_id(update)
    if record is None:
        await message.reply_text(t(lang, "voice_no_session"))
        return
    if await _busy(rt, update, message, user):
        return
    limit, seconds = rt.settings.max_audio_seconds, _voice_seconds(note)
    if seconds is not None and seconds > limit:
        await message.reply_text(t(lang, "voice_too_long", seconds=round(seconds), limit=int(limit)))
        return
    size = note.file_size or 0
    if size > MAX_DOWNLOAD_BYTES:  # the Bot API serves files up to 20 MB
        await message.reply_text(t(lang, "voice_file_too_big", mb=round(size / 1_000_000)))
        return
    mime = getattr(note, "mime_type", None) or "audio/ogg"
    async with ChatActionLoop(bot, chat, interval=rt.options.typing_interval):
        crash_point(rt.settings, "voice.before_download")  # the update (its file_id) is held already
        data = bytes(await (await note.get_file()).download_as_bytearray())
        crash_point(rt.settings, "voice.downloaded")
        held = await rt.services.inbox.hold_voice(
            record.id, update.update_id, chat, data, mime_type=mime[:64], language=record.language
        )
    if not held:  # a redelivery: this note is already held (being played, or left to recovery) or played
        log.info("update %s: voice note already held or played", update.update_id)
        return
    record = await drop_unsure(rt, record)
    await play_voice(
        rt,
        bot,
        chat,
        user,
        record,
        data,
        update.update_id,
        seconds=seconds,
        mime_type=mime[:64],
        sent_at=message.date,
        notify=message.reply_text,
        answered=lambda: rt.processor.answered(update),
    )


async def play_voice(
    rt: BotRuntime,
    bot: Bot,
    chat: int,
    user: UserRecord,
    record: SessionView,
    data: bytes,
    update_id: int,
    *,
    seconds: float | None = None,
    notify: Notify | None = None,
    answered: Callable[[], None] | None = None,
    mime_type: str = "audio/ogg",
    sent_at: datetime | None = None,
) -> bool:
    """Transcribe a held voice note and play it as a turn of `record` (the candidate sees "I
    understood: …", then the persona's answer); True when it was transcribed and handed to the
    session, False when it was refused.

    The note must be held (`hold_voice`) under `update_id`: the turn's `add_turn(update_id=...)`
    clears it. Refused (empty, unusable, too long, speech-to-text unavailable, session over), it is
    released and the candidate told why. An unexpected error leaves it held, for the next start.
    `notify` sends the short notices (default: a message to `chat`); `seconds` is the duration the
    note declared, if known.
    """
    inbox = rt.services.inbox
    lang = user.language
    say: Notify = notify or (lambda text: bot.send_message(chat, text))
    limit = rt.settings.max_audio_seconds

    async def refuse(key: str, **values: Any) -> bool:
        await inbox.release_voice(update_id)
        await say(t(lang, key, **values))
        return False

    async with ChatActionLoop(bot, chat, interval=rt.options.typing_interval):
        try:
            heard = await rt.voice.transcribe(data, record.language)
        except (EmptyAudioError, SilentAudioError):
            return await refuse("voice_empty")
        except AudioTooLongError as error:  # the length measured in the audio, not the one it declared
            shown = f"≥ {round(error.seconds)}" if error.at_least else str(round(error.seconds))
            return await refuse("voice_too_long", seconds=shown, limit=int(limit))
        except AudioError:
            return await refuse("voice_unusable")
        except Exception:
            log.exception("speech to text unavailable")
            return await refuse("voice_unavailable")
    text = heard.text.strip()
    if not has_words(text):
        return await refuse("voice_empty")
    shown = text if len(text) <= UNDERSTOOD_CHARS else text[: UNDERSTOOD_CHARS - 1] + "…"
    if heard.confidence is not None and heard.confidence < rt.settings.stt_confirm_below:
        # Not sure of what was heard: the candidate confirms (or resends) before the persona answers.
        # The note stays held meanwhile; what was heard waits in the session's state.
        await sessions.set_prefs(
            rt,
            record,
            unsure={
                "update_id": update_id,
                "heard": heard.model_dump(mode="json"),
                "mime_type": mime_type,
            },
        )
        await bot.send_message(
            chat,
            t(lang, "understood_unsure", text=shown),
            reply_markup=keyboards.unsure_transcription(update_id, lang),
        )
        log.info("update %s: transcription confidence %.2f, confirmation asked", update_id, heard.confidence)
        return True
    await say(t(lang, "understood", text=shown))
    await sessions.play_turn(
        rt,
        bot,
        chat,
        user,
        record,
        text,
        answered=answered,
        update_id=update_id,
        **turn_meta(heard, data),
        audio_mime_type=mime_type,
        sent_at=sent_at,
    )
    # Stored as a turn, the note has left the inbox already (no-op here); not stored (the exam's time
    # was up, the session was over, or the update was a duplicate), it is let go now.
    await inbox.release_voice(update_id)
    return True


async def confirm_unsure(
    rt: BotRuntime, bot: Bot, chat: int, user: UserRecord, update_id: int, keep: bool
) -> bool:
    """The candidate's answer to an unsure transcription (`keep`: yes, answer it); False when that
    question is no longer open (answered already, superseded by a newer line, session over)."""
    rehearsal, inbox = rt.services.rehearsal, rt.services.inbox
    record = await rehearsal.active_session(user.id)
    unsure = sessions.session_prefs(record).get("unsure") if record is not None else None
    if record is None or not unsure or unsure.get("update_id") != update_id:
        return False
    await sessions.set_prefs(rt, record, unsure=None)
    if not keep:
        await inbox.release_voice(update_id)
        await bot.send_message(chat, t(user.language, "heard_resend"))
        return True
    held = await inbox.held_voice(update_id)
    if held is None:  # purged or erased meanwhile
        return False
    heard = Transcription.model_validate(unsure["heard"])
    record = await rehearsal.session(record.id)
    await sessions.play_turn(
        rt,
        bot,
        chat,
        user,
        record,
        heard.text.strip(),
        update_id=update_id,
        **turn_meta(heard, held.data),
        audio_mime_type=unsure.get("mime_type") or held.mime_type,
    )
    await inbox.release_voice(update_id)
    return True


async def drop_unsure(rt: BotRuntime, record: SessionView) -> SessionView:
    """A new line supersedes a transcription still waiting for its confirmation: that note is let go."""
    unsure = sessions.session_prefs(record).get("unsure")
    if not unsure:
        return record
    await rt.services.inbox.release_voice(int(unsure["update_id"]))
    await sessions.set_prefs(rt, record, unsure=None)
    return await rt.services.rehearsal.session(record.id, last_turns=TURN_PATH_TURNS)


async def recover_held_voices(rt: BotRuntime, bot: Bot) -> int:
    """Play the voice notes a previous process held but never turned into turns (it stopped while
    transcribing), oldest first; release those whose session is over. Returns how many were played.

    A failure on one note is logged and the next one tried (the failed note stays held).
    """
    inbox = rt.services.inbox
    held = await inbox.held_voices()
    if not held:
        return 0
    log.info("%s voice notes held by a previous run: recovering them", len(held))
    played = failed = 0
    for note in held:
        try:
            try:
                record = await rt.services.rehearsal.session(note.session_id)
            except NotFound:
                record = None
            if record is None or record.status != "active":
                await inbox.release_voice(note.update_id)
                log.info(
                    "update %s: session %s is over, held voice note released", note.update_id, note.session_id
                )
                continue
            user = await people.by_id(rt.services.repo, record.user_id)
            played_one = play_voice(
                rt, bot, note.chat_id, user, record, note.data, note.update_id, mime_type=note.mime_type
            )
            if await rt.processor.run_in_chat(note.chat_id, played_one):  # in order with the chat's new lines
                played += 1
        except asyncio.CancelledError:
            raise
        except Exception:
            failed += 1
            log.exception("recovering the voice note of update %s failed", note.update_id)
    log.info(
        "voice notes recovered: %s played, %s released (session over or note refused), %s failed (still held)",
        played,
        len(held) - played - failed,
        failed,
    )
    return played


def has_words(text: str) -> bool:
    """Whether a line holds at least one letter or digit (emoji, symbols and spaces alone do not)."""
    return any(ch.isalnum() for ch in text)


def _voice_seconds(note: Voice | Audio | Document) -> float | None:
    """The duration a voice note or audio file declares, in seconds (None for a document, which
    declares none; PTB 22 keeps a timedelta; its public property may warn)."""
    if isinstance(note, Document):
        return None
    value = getattr(note, "_duration", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = note.duration
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value or 0)
