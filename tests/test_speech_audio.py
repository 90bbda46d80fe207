"""bot.speech.audio: decoding what Telegram sends, encoding voice notes, refusing bad audio."""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from bot.speech.audio import (
    MAX_AUDIO_BYTES,
    AudioError,
    AudioTooLargeError,
    AudioTooLongError,
    EmptyAudioError,
    NotAudioError,
    SilentAudioError,
    check_samples,
    decode_audio,
    encode_ogg_opus,
)
from tests.test_speech_stt import SPEECH_DIR


def tone(seconds: float, rate: int, freq: float = 440.0, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def encode_with_pyav(samples: np.ndarray, rate: int, fmt: str, codec: str) -> bytes:
    """Encode test audio in another format (MP3, M4A) with PyAV."""
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def probe(data: bytes) -> tuple[str, str, int, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        return container.format.name, stream.codec_context.name, stream.rate, stream.channels


def test_decode_wav_resamples_to_16k_mono_float32():
    samples = decode_audio(wav_bytes(tone(2.0, 22_050), 22_050))
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(samples.size / 16_000 - 2.0) < 0.02
    assert 0.25 < float(np.abs(samples).max()) < 0.35


def test_decode_stereo_wav_downmixes(tmp_path: Path):
    left, right = tone(1.0, 44_100), tone(1.0, 44_100, freq=660)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44_100)
        w.writeframes((np.stack([left, right], axis=1) * 32767).astype("<i2").tobytes())
    path = tmp_path / "stereo.wav"
    path.write_bytes(out.getvalue())
    samples = decode_audio(path)
    assert abs(samples.size - 16_000) < 200


@pytest.mark.parametrize(("fmt", "codec"), [("mp3", "libmp3lame"), ("ipod", "aac")])
def test_decode_mp3_and_m4a(fmt: str, codec: str):
    data = encode_with_pyav(tone(1.5, 44_100), 44_100, fmt, codec)
    samples = decode_audio(data)
    assert abs(samples.size / 16_000 - 1.5) < 0.1
    assert float(np.abs(samples).max()) > 0.1


def test_decode_telegram_voice_note_from_path_and_file():
    path = SPEECH_DIR / "fleurs-en-000.ogg"
    if not path.exists():
        pytest.fail(f"speech samples not found in {SPEECH_DIR}")
    from_path = decode_audio(path)
    with path.open("rb") as handle:
        from_file = decode_audio(handle)
    assert np.array_equal(from_path, from_file)
    assert 10.0 < from_path.size / 16_000 < 11.0


def test_encode_ogg_opus_for_send_voice():
    data = encode_ogg_opus(tone(1.0, 22_050), 22_050)
    assert data[:4] == b"OggS"
    assert probe(data) == ("ogg", "opus", 48_000, 1)
    back = decode_audio(data)
    assert abs(back.size / 16_000 - 1.0) < 0.05


def test_encode_int16_and_wav_bytes():
    pcm = (tone(0.5, 16_000) * 32767).astype(np.int16)
    assert probe(encode_ogg_opus(pcm, 16_000))[1:] == ("opus", 48_000, 1)
    assert probe(encode_ogg_opus(wav_bytes(tone(0.5, 22_050), 22_050)))[1:] == ("opus", 48_000, 1)


def test_encode_requires_rate_and_samples():
    with pytest.raises(ValueError):
        encode_ogg_opus(tone(0.5, 16_000))
    with pytest.raises(EmptyAudioError):
        encode_ogg_opus(np.zeros(0, np.float32), 16_000)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01garbage" * 500,
        b"OggS" + os.urandom(3000),
        b"RIFF\x00\x00\x00\x00WAVE",
        b"plain text\n" * 50,
    ],
    ids=["garbage", "broken-ogg", "truncated-wav-header", "text"],
)
def test_not_audio_is_refused_clearly(data: bytes):
    with pytest.raises(NotAudioError) as caught:
        decode_audio(data)
    assert caught.value.code == "not_audio"
    assert "not an audio file" in str(caught.value) or "no audio" in str(caught.value)


def test_missing_file_is_refused(tmp_path: Path):
    with pytest.raises(NotAudioError, match="not found"):
        decode_audio(tmp_path / "nope.ogg")


def test_empty_is_refused(tmp_path: Path):
    with pytest.raises(EmptyAudioError, match="empty"):
        decode_audio(b"")
    (tmp_path / "empty.ogg").write_bytes(b"")
    with pytest.raises(EmptyAudioError):
        decode_audio(tmp_path / "empty.ogg")
    with pytest.raises(EmptyAudioError):  # a valid WAV with no samples
        decode_audio(wav_bytes(np.zeros(0, np.float32), 16_000))


def test_silent_is_refused():
    with pytest.raises(SilentAudioError, match="silent") as caught:
        decode_audio(wav_bytes(np.zeros(32_000, np.float32), 16_000))
    assert caught.value.code == "silent"
    hiss = np.random.default_rng(0).normal(0, 1e-5, 32_000).astype(np.float32)
    with pytest.raises(SilentAudioError):
        check_samples(hiss)
    assert decode_audio(wav_bytes(np.zeros(32_000, np.float32), 16_000), reject_silence=False).size == 32_000


def test_oversized_is_refused(tmp_path: Path):
    with pytest.raises(AudioTooLargeError, match="20 MB"):
        decode_audio(b"\x00" * (MAX_AUDIO_BYTES + 1))
    big = tmp_path / "big.wav"
    big.write_bytes(wav_bytes(tone(1.0, 16_000), 16_000))
    with pytest.raises(AudioTooLargeError, match="too large") as caught:
        decode_audio(big, max_bytes=1000)
    assert caught.value.code == "too_large"


def test_too_long_is_refused():
    data = wav_bytes(tone(4.0, 8_000), 8_000)
    with pytest.raises(AudioTooLongError, match="limit is 3 s") as caught:
        decode_audio(data, max_seconds=3)
    assert caught.value.code == "too_long"
    assert decode_audio(data, max_seconds=None).size == 64_000
    with pytest.raises(AudioTooLongError):  # default limit: 3 minutes
        decode_audio(encode_ogg_opus(tone(200.0, 8_000), 8_000))


def test_all_audio_errors_share_a_base():
    for error in (NotAudioError, EmptyAudioError, AudioTooLargeError, AudioTooLongError, SilentAudioError):
        assert issubclass(error, AudioError)


def test_truncated_voice_note_keeps_what_arrived():
    path = SPEECH_DIR / "fleurs-en-000.ogg"
    if not path.exists():
        pytest.fail(f"speech samples not found in {SPEECH_DIR}")
    data = path.read_bytes()
    samples = decode_audio(data[: len(data) // 2])
    assert 4.0 < samples.size / 16_000 < 6.0
