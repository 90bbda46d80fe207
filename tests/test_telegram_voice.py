"""A voice note is a turn: downloaded through getFile, transcribed by faster-whisper (the bundled
default multilingual model), shown back briefly, stored with its word timings, fluency and raw audio, answered;
with voice replies on, the answer also comes as a voice note spoken by espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, bot_running, bot_settings

SPEECH = Path(__file__).resolve().parent / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0


@pytest.mark.slow
async def test_a_voice_note_becomes_a_stored_turn_and_is_answered_aloud(tmp_path: Path) -> None:
    audio = (SPEECH / "fleurs-en-000.ogg").read_bytes()
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings):
            mia = api.user(1600, "Mia", "en")
            await api.reply_to(mia, lambda: mia.send_text("/voice on"))
            opening = await api.reply_to(
                mia, lambda: mia.send_text(f"/play {SCENARIO} en"), count=3, timeout=60
            )
            assert opening[2].method == "sendVoice" and opening[2].files["voice"][1].startswith(b"OggS")
            replies = await api.reply_to(
                mia, lambda: mia.send_voice(audio, duration=10), count=3, timeout=120
            )
            understood, answer, spoken = replies
            assert understood.text.startswith("🎙 I understood: “")
            assert "communication channels" in understood.text.lower()
            assert answer.text.startswith("🗣 Claire Morel:")
            assert spoken.method == "sendVoice" and spoken.files["voice"][1].startswith(b"OggS")
            assert api.calls_to("getFile", None)
        repo = Repository(make_engine(settings.effective_database_url))
        record = repo.active_session(repo.find_user("tg:1600").id)
        turn, meta = record.turns[1], record.meta[1]
        assert turn.speaker == "candidate" and "communication channels" in turn.text.lower()
        assert turn.audio is not None and turn.audio.duration_s > 5 and len(turn.audio.words) > 10
        assert meta.has_audio and meta.confidence is not None and 0 < meta.confidence <= 1
        assert meta.fluency is not None and meta.fluency["speech_rate_wpm"] > 50
        assert repo.audio(record.id, 2) == audio
        assert record.turns[2].speaker == "persona"
        repo.engine.dispose()


async def test_the_voice_choice_is_kept_with_the_user_across_restarts(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings):
            leo = api.user(1601, "Léo", "en")
            assert (await api.reply_to(leo, lambda: leo.send_text("/voice")))[0].text.startswith(
                "Voice replies: off."
            )
            await api.reply_to(leo, lambda: leo.send_text("/voice on"))  # before any session
        async with bot_running(settings):  # another process: nothing kept in memory
            assert (await api.reply_to(leo, lambda: leo.send_text("/voice")))[0].text.startswith(
                "Voice replies: on."
            )
            opening = await api.reply_to(
                leo, lambda: leo.send_text(f"/play {SCENARIO} en"), count=3, timeout=60
            )
            assert opening[2].method == "sendVoice"
            await api.reply_to(leo, lambda: leo.send_text("/voice off"))
            answer = await api.reply_to(leo, lambda: leo.send_text("What volumes do you expect next year?"))
            assert answer[0].method == "sendMessage"  # the session under way follows the choice at once
        repo = Repository(make_engine(settings.effective_database_url))
        assert repo.find_user("tg:1601").voice_replies is False
        repo.engine.dispose()


async def test_with_a_remote_server_a_voice_note_is_transcribed_there(tmp_path: Path) -> None:
    """`ORALBLANC_STT_URL` set: the bot sends the note to the OpenAI-compatible server (no local model),
    with the session's language; a failing server gets the unreadable-note answer, the session goes on."""
    from tests.fake_openai import FakeOpenAI, Reply

    audio = (SPEECH / "fleurs-en-000.ogg").read_bytes()
    with FakeOpenAI() as stt:
        async with FakeBotAPI() as api:
            settings = bot_settings(tmp_path, api, stt_url=stt.base_url, stt_max_retries=0, stt_timeout=5.0)
            async with bot_running(settings):
                ana = api.user(1602, "Ana", "en")
                await api.reply_to(ana, lambda: ana.send_text(f"/play {SCENARIO} en"), count=2, timeout=60)
                understood, answer = await api.reply_to(
                    ana, lambda: ana.send_voice(audio, duration=10), count=2
                )
                assert understood.text == "🎙 I understood: “What volumes do you expect next year?”"
                assert answer.text.startswith("🗣 Claire Morel:")
                (received,) = stt.transcriptions
                assert received["language"] == "en" and received["model"] == "whisper-1"
                assert received["file_format"] == "ogg" and received["file_bytes"] == len(audio)
                stt.transcription_reply = Reply("down", status=502)
                (refused,) = await api.reply_to(ana, lambda: ana.send_voice(audio, duration=10))
                assert refused.text == "I could not read this voice note. Try again, or type your line."
                stt.transcription_reply = {
                    "text": "Who decides on the order?",
                    "language": "en",
                    "duration": 2.0,
                }
                understood, answer = await api.reply_to(
                    ana, lambda: ana.send_voice(audio, duration=10), count=2
                )
                assert (
                    understood.text == "🎙 I understood: “Who decides on the order?”"
                )  # no confirmation asked
                assert answer.text.startswith("🗣 Claire Morel:")
            repo = Repository(make_engine(settings.effective_database_url))
            record = repo.active_session(repo.find_user("tg:1602").id)
            spoken = [t.text for t in record.turns if t.speaker == "candidate"]
            assert spoken == ["What volumes do you expect next year?", "Who decides on the order?"]
            assert repo.held_voices() == []  # the refused note was released
            repo.engine.dispose()
