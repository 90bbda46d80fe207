"""The alternative providers: OpenAI-compatible transcription and speech APIs, against a fake
server on 127.0.0.1 (the openai SDK's own HTTP stack is not interceptable otherwise)."""

from __future__ import annotations

import io
import json
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import av
import numpy as np
import pytest
from openai import AsyncOpenAI

from bot.speech.audio import SilentAudioError
from bot.speech.stt import OpenAITranscriber, Transcriber
from bot.speech.tts import OpenAISpeechSynthesizer, Synthesizer


def wav(seconds: float = 1.0, rate: int = 24_000, amplitude: float = 0.3) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((amplitude * np.sin(2 * np.pi * 300 * t) * 32767).astype("<i2").tobytes())
    return out.getvalue()


VERBOSE = {
    "task": "transcribe",
    "language": "french",
    "duration": 1.0,
    "text": " Bonjour madame. ",
    "words": [{"word": "Bonjour", "start": 0.1, "end": 0.5}, {"word": "madame.", "start": 0.5, "end": 0.9}],
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.1,
            "end": 0.9,
            "text": " Bonjour madame.",
            "tokens": [1],
            "temperature": 0.0,
            "avg_logprob": -0.1,
            "compression_ratio": 1.0,
            "no_speech_prob": 0.01,
        }
    ],
}


class FakeAudioAPI:
    """Serves /v1/audio/transcriptions (verbose JSON) and /v1/audio/speech (WAV); keeps requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                fake.requests.append((self.path, dict(self.headers), body))
                if self.path.endswith("/audio/transcriptions"):
                    payload, kind = json.dumps(VERBOSE).encode(), "application/json"
                elif self.path.endswith("/audio/speech"):
                    payload, kind = wav(), "audio/wav"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api():
    fake = FakeAudioAPI()
    yield fake
    fake.close()


@pytest.fixture
def client(api: FakeAudioAPI):
    return AsyncOpenAI(base_url=api.base_url, api_key="test", max_retries=0, timeout=10)


async def test_openai_transcriber(api: FakeAudioAPI, client: AsyncOpenAI):
    stt = OpenAITranscriber(client, model="whisper-1")
    assert isinstance(stt, Transcriber)
    result = await stt.transcribe(wav(), language="fr")
    assert result.text == "Bonjour madame."
    assert result.language == "fr"
    assert result.duration_s == 1.0
    assert [w.model_dump() for w in result.words] == [
        {"w": "Bonjour", "start": 0.1, "end": 0.5},
        {"w": "madame.", "start": 0.5, "end": 0.9},
    ]
    # mean token probability of the segment, times the chance it holds speech
    assert result.confidence == pytest.approx(float(np.exp(-0.1)) * 0.99, abs=1e-3)
    path, headers, body = api.requests[-1]
    assert path == "/v1/audio/transcriptions"
    assert "multipart/form-data" in headers["Content-Type"]
    for part in (b"verbose_json", b"word", b"whisper-1", b'filename="turn.wav"', b"RIFF"):
        assert part in body


async def test_openai_transcriber_checks_audio_locally_first(api: FakeAudioAPI, client: AsyncOpenAI):
    with pytest.raises(SilentAudioError):
        await OpenAITranscriber(client).transcribe(wav(amplitude=0.0))
    assert api.requests == []


async def test_openai_transcriber_sends_samples_as_ogg(api: FakeAudioAPI, client: AsyncOpenAI):
    samples = (0.2 * np.sin(np.arange(16_000) / 16_000 * 2 * np.pi * 200)).astype(np.float32)
    await OpenAITranscriber(client).transcribe(samples)
    assert b'filename="turn.ogg"' in api.requests[-1][2] and b"OggS" in api.requests[-1][2]


async def test_openai_speech_synthesizer(api: FakeAudioAPI, client: AsyncOpenAI):
    tts = OpenAISpeechSynthesizer(client, model="tts-1", default_voice="nova")
    assert isinstance(tts, Synthesizer)
    data = await tts.synthesize("Bonjour, je vous écoute.", language="fr", voice="fr", rate=170)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name, stream.rate) == ("ogg", "opus", 48_000)
    request = json.loads(api.requests[-1][2])
    assert request["voice"] == "nova"  # an espeak voice name means nothing to the API
    assert request["response_format"] == "wav" and request["speed"] == 1.0
    await tts.synthesize("Hello.", language="en", voice="echo")
    assert json.loads(api.requests[-1][2])["voice"] == "echo"
