"""Remote speech to text (`ORALBLANC_STT_URL`): a real OGG/Opus voice note through the openai SDK to
the fake OpenAI-compatible server on 127.0.0.1 (`tests.fake_openai`), which keeps what it received.

The wire: the file is sent as it is (OGG, every byte), with the model and the session's language as
the hint; the `verbose_json` answer becomes the same `Transcription` as faster-whisper's. Whatever goes
wrong (connection refused, timeout, 5xx, an unreadable answer) is a `TranscriptionUnavailableError`,
an `AudioError` like an unreadable note.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.config import Settings
from bot.speech.audio import AudioError, SilentAudioError, TranscriptionUnavailableError
from bot.speech.stt import OpenAITranscriber, Transcriber, WhisperTranscriber
from bot.speech.voice import default_transcriber
from tests.fake_openai import FakeOpenAI, Reply

SPEECH = Path(__file__).resolve().parent / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0
SAMPLE = SPEECH / "fleurs-en-000.ogg"


def remote_settings(url: str, **changes: Any) -> Settings:
    values: dict[str, Any] = dict(
        stt_url=url, stt_api_key="stt-key", stt_timeout=5.0, stt_max_retries=0, database_url=None
    )
    values.update(changes)
    return Settings(**values)


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def test_the_setting_chooses_the_remote_transcriber(server: FakeOpenAI) -> None:
    remote = default_transcriber(remote_settings(server.base_url))
    assert isinstance(remote, OpenAITranscriber) and isinstance(remote, Transcriber)
    assert remote.model == "whisper-1"  # the default model name
    assert str(remote.client.base_url).rstrip("/") == server.base_url
    assert remote.client.api_key == "stt-key"
    full = default_transcriber(
        remote_settings(
            server.base_url + "/audio/transcriptions", stt_api_model="Systran/faster-whisper-small"
        )
    )
    assert str(full.client.base_url).rstrip("/") == server.base_url  # the route's URL works too
    assert full.model == "Systran/faster-whisper-small"
    assert isinstance(default_transcriber(Settings(stt_url=None, database_url=None)), WhisperTranscriber)


async def test_a_voice_note_goes_over_the_wire_and_comes_back_as_a_transcription(server: FakeOpenAI) -> None:
    audio = SAMPLE.read_bytes()
    stt = default_transcriber(remote_settings(server.base_url))
    result = await stt.transcribe(audio, language="en")
    (received,) = server.transcriptions
    assert received["content_type"] == "multipart/form-data"
    assert received["model"] == "whisper-1"
    assert received["language"] == "en"  # the session's language, as the hint
    assert received["response_format"] == "verbose_json"
    assert received["file_format"] == "ogg" and received["filename"] == "turn.ogg"
    assert received["file_bytes"] == len(audio)  # the note as it is: not decoded, not re-encoded
    assert result.text == "What volumes do you expect next year?"
    assert result.language == "en"  # "english" in verbose_json
    assert result.duration_s == 2.0
    assert [w.w for w in result.words][:2] == ["What", "volumes"]
    assert result.words[1].start == 0.3 and result.words[1].end == 0.8
    assert result.confidence == pytest.approx(float(np.exp(-0.15)) * 0.98, abs=1e-3)
    assert result.confidence > Settings(database_url=None).stt_confirm_below  # clear: nothing to confirm


async def test_no_hint_when_the_language_is_not_known(server: FakeOpenAI) -> None:
    await default_transcriber(remote_settings(server.base_url)).transcribe(SAMPLE.read_bytes())
    assert "language" not in server.transcriptions[-1]


async def test_without_segments_the_confidence_is_neutral(server: FakeOpenAI) -> None:
    server.script_transcription({"text": "Hello there.", "language": "en", "duration": 1.5})
    result = await default_transcriber(remote_settings(server.base_url)).transcribe(
        SAMPLE.read_bytes(), language="en"
    )
    assert result.text == "Hello there." and result.words == []
    assert result.confidence is None  # None never asks the candidate to confirm


async def test_low_probability_segments_give_a_low_confidence(server: FakeOpenAI) -> None:
    unsure = {
        "text": "uh volumes maybe",
        "language": "en",
        "duration": 2.0,
        "segments": [
            {"start": 0.0, "end": 2.0, "text": "uh volumes maybe", "avg_logprob": -1.2, "no_speech_prob": 0.4}
        ],
    }
    server.script_transcription(unsure)
    result = await default_transcriber(remote_settings(server.base_url)).transcribe(SAMPLE.read_bytes(), "en")
    assert result.confidence is not None and result.confidence < 0.6


async def test_unusable_audio_is_refused_before_anything_is_sent(server: FakeOpenAI) -> None:
    silence = np.zeros(16_000, dtype=np.float32)
    with pytest.raises(SilentAudioError):
        await default_transcriber(remote_settings(server.base_url)).transcribe(silence)
    assert server.transcriptions == []


@pytest.mark.parametrize(
    "answer",
    [
        Reply("model crashed", status=500),
        Reply("overloaded", status=503),
        Reply("no such model", status=404),
        Reply("<html>bad gateway</html>"),  # 200, not JSON
        Reply('{"task": "transcribe", "duration": 1.0}'),  # JSON without a text
        Reply('{"text": "x", "words": [{"word": "x", "start": "soon"}]}'),  # words that are not timings
    ],
    ids=["500", "503", "404", "not-json", "no-text", "bad-words"],
)
async def test_server_failures_are_an_unreadable_note(server: FakeOpenAI, answer: Reply) -> None:
    server.transcription_reply = answer
    with pytest.raises(TranscriptionUnavailableError) as caught:
        await default_transcriber(remote_settings(server.base_url)).transcribe(SAMPLE.read_bytes(), "en")
    assert isinstance(caught.value, AudioError)  # what the doors already answer politely
    assert len(server.transcriptions) == 1  # stt_max_retries=0: asked once


async def test_a_server_that_does_not_answer_in_time(server: FakeOpenAI) -> None:
    server.transcription_reply = Reply(delay=3.0)
    with pytest.raises(TranscriptionUnavailableError):
        await default_transcriber(remote_settings(server.base_url, stt_timeout=0.5)).transcribe(
            SAMPLE.read_bytes(), "en"
        )


async def test_a_server_that_is_not_there() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TranscriptionUnavailableError):
        await default_transcriber(remote_settings(f"http://127.0.0.1:{port}/v1")).transcribe(
            SAMPLE.read_bytes(), "en"
        )


async def test_retries_are_the_sdks(server: FakeOpenAI) -> None:
    server.script_transcription(Reply("busy", status=503))  # then the normal answer
    result = await default_transcriber(remote_settings(server.base_url, stt_max_retries=1)).transcribe(
        SAMPLE.read_bytes(), "en"
    )
    assert result.text.startswith("What volumes") and len(server.transcriptions) == 2
