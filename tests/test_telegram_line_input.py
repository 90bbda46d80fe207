"""What a candidate sends that is not a plain text line or voice note (issue 19, items 5 to 8).

- An MP3, M4A or WAV sent as music or as a file is a spoken line, like a voice note.
- A blank, emoji-only or punctuation-only message is not a turn: the candidate is asked for words.
- A transcription the model is unsure of is shown back, with buttons: the persona answers only once
  the candidate confirms; "no" sets the note aside; a new line supersedes the open question.
- The scripted engine is said to be scripted lines, not an AI; the LLM engine is said to be an AI.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from bot.telegram import keyboards
from bot.telegram.views import welcome
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, FakeTranscriber, bot_running, bot_settings

HEARD = "We could commit to forty thousand units if delivery is guaranteed."


def _audio_file(container: str, codec: str, seconds: float = 1.5) -> bytes:
    """A real audio file of `container` (mp3, ipod for M4A, wav) holding a tone."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=16000)
        stream.layout = "mono"
        tone = (0.2 * np.sin(2 * np.pi * 220 * np.arange(int(16000 * seconds)) / 16000)).astype(np.float32)
        fmt = "s16" if codec == "pcm_s16le" else ("fltp" if codec == "aac" else "s16p")
        samples = (tone * 32767).astype(np.int16) if fmt.startswith("s16") else tone
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format=fmt, layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def _repo(settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


def _candidate_lines(settings, telegram_id: int) -> list[str]:
    repo = _repo(settings)
    try:
        record = repo.active_session(repo.find_user(f"tg:{telegram_id}").id)
        assert record is not None
        return [t.text for t in record.turns if t.speaker == "candidate"]
    finally:
        repo.engine.dispose()


@pytest.mark.parametrize(
    ("name", "mime", "container", "codec", "as_document"),
    [
        ("answer.mp3", "audio/mpeg", "mp3", "mp3", False),
        ("answer.m4a", "audio/mp4", "ipod", "aac", True),
        ("answer.wav", None, "wav", "pcm_s16le", True),  # a file without a MIME type: known by its extension
    ],
)
async def test_an_audio_file_is_a_spoken_line(
    tmp_path: Path, name: str, mime: str | None, container: str, codec: str, as_document: bool
) -> None:
    data = _audio_file(container, codec)
    heard: list[bytes] = []

    class Listening(FakeTranscriber):
        async def transcribe(self, audio, language=None):
            from bot.speech.audio import decode_audio

            heard.append(bytes(audio))
            assert decode_audio(bytes(audio)).size > 16000  # the real decoder reads it
            return await super().transcribe(audio, language)

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        ana = api.user(3101, "Ana", "en")
        async with bot_running(settings, transcriber_factory=lambda s: Listening(HEARD)):
            await api.reply_to(ana, lambda: ana.send_text(f"/play {SCENARIO} en"), count=2)
            understood, answer = await api.reply_to(
                ana, lambda: ana.send_audio_file(data, name, mime, as_document=as_document), count=2
            )
        assert understood.text == f"🎙 I understood: “{HEARD}”"
        assert answer.text.startswith("🗣")
        assert heard == [data]
        assert _candidate_lines(settings, ana.id) == [HEARD]


@pytest.mark.parametrize("line", ["👍", "   ", "🤔🤔 ?!", "…"])
async def test_a_line_without_words_is_not_a_turn(tmp_path: Path, line: str) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        ben = api.user(3102, "Ben", "en")
        async with bot_running(settings):
            await api.reply_to(ben, lambda: ben.send_text(f"/play {SCENARIO} en"), count=2)
            (reply,) = await api.reply_to(ben, lambda: ben.send_text(line))
            assert reply.text == "I found no words in that message: type your line (or /end to finish)."
            (answer,) = await api.reply_to(
                ben, lambda: ben.send_text("What matters most to you this season?")
            )
            assert answer.text.startswith("🗣")
        assert _candidate_lines(settings, ben.id) == ["What matters most to you this season?"]


async def test_an_unsure_transcription_waits_for_the_candidate(tmp_path: Path) -> None:
    note = b"OggS unsure note"  # the fake transcriber hears HEARD in it, at a low confidence
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        cleo = api.user(3103, "Cleo", "en")
        unsure = FakeTranscriber(HEARD, confidence=0.31)
        async with bot_running(settings, transcriber_factory=lambda s: unsure):
            await api.reply_to(cleo, lambda: cleo.send_text(f"/play {SCENARIO} en"), count=2)

            # 1. unsure → asked; "yes" → the persona answers that line, with its audio
            (question,) = await api.reply_to(cleo, lambda: cleo.send_voice(note, duration=3))
            assert question.text.startswith("🎙 I am not sure I understood you: “" + HEARD)
            labels = [label for label, _ in question.buttons()]
            assert labels == ["✅ Yes, that's it", "🔁 No, I'll resend it"]
            assert _candidate_lines(settings, cleo.id) == []  # nothing played yet
            ok = next(data for _, data in question.buttons() if data.startswith(keyboards.HEARD_OK))
            (answer,) = await api.reply_to(cleo, lambda: cleo.press(ok, question))
            assert answer.text.startswith("🗣")
            assert _candidate_lines(settings, cleo.id) == [HEARD]

            # 2. unsure → "no" → set aside, no turn
            (question,) = await api.reply_to(cleo, lambda: cleo.send_voice(note + b"2", duration=3))
            no = next(data for _, data in question.buttons() if data.startswith(keyboards.HEARD_NO))
            (reply,) = await api.reply_to(cleo, lambda: cleo.press(no, question))
            assert reply.text == "All right, that voice note is set aside: send your line again."

            # 3. unsure → a typed line instead: the typed line is played, the note let go
            (question,) = await api.reply_to(cleo, lambda: cleo.send_voice(note + b"3", duration=3))
            (answer,) = await api.reply_to(
                cleo, lambda: cleo.send_text("Let me say it again: forty thousand units.")
            )
            assert answer.text.startswith("🗣")
            ok = next(data for _, data in question.buttons() if data.startswith(keyboards.HEARD_OK))
            before = len(api.outbox(cleo.id))
            cleo.press(ok, question)  # too late: the question was superseded
            await api.wait_for(lambda: api.calls_to("answerCallbackQuery"), what="the button answered")
            assert len(api.outbox(cleo.id)) == before
        assert _candidate_lines(settings, cleo.id) == [HEARD, "Let me say it again: forty thousand units."]
        repo = _repo(settings)
        assert repo.held_voices() == []
        repo.engine.dispose()


async def test_the_counterpart_is_announced_as_what_plays_it(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        dan = api.user(3104, "Dan", "en")
        async with bot_running(settings):
            (started, _) = [
                c.text
                for c in await api.reply_to(dan, lambda: dan.send_text(f"/play {SCENARIO} en"), count=2)
            ]
        assert "no generative AI" in started and "played by an AI" not in started
    llm = settings.model_copy(update={"engine": "llm"})
    assert "played by an AI (a language model)" in welcome("Dan", "en", llm)
    assert "pas d'IA générative" in welcome("Dan", "fr", settings)


async def test_a_long_recording_declared_short_is_refused_with_its_real_length(tmp_path: Path) -> None:
    """A 10-minute WAV whose message declares 10 s: the refusal says 600 s, and the session goes on."""
    from bot.speech.audio import decode_audio

    wav = _audio_file("wav", "pcm_s16le", seconds=600)

    class Decoding(FakeTranscriber):  # the real decoder with its limit; the recogniser is not reached
        async def transcribe(self, audio, language=None):
            decode_audio(bytes(audio), max_seconds=settings.max_audio_seconds)
            return await super().transcribe(audio, language)

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        hal = api.user(3105, "Hal", "en")
        async with bot_running(settings, transcriber_factory=lambda s: Decoding(HEARD)):
            await api.reply_to(hal, lambda: hal.send_text(f"/play {SCENARIO} en"), count=2)
            (refusal,) = await api.reply_to(
                hal, lambda: hal.send_audio_file(wav, "long.wav", "audio/wav", duration=10)
            )
            assert refusal.text == "Voice note too long (600 s, at most 180 s). Keep your lines shorter."
            (answer,) = await api.reply_to(
                hal, lambda: hal.send_text("Sorry, in short: what matters most to you?")
            )
            assert answer.text.startswith("🗣")
        repo = _repo(settings)
        assert repo.held_voices() == []
        repo.engine.dispose()
