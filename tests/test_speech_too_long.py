"""A recording over the length limit is refused with its real length, not the length the sender declared.

Issue 13: a 10-minute WAV sent as a voice note that declared 10 s was refused as "too long (10 s, at
most 180 s)". `AudioTooLongError.seconds` carries the length measured from the file itself.
"""

from __future__ import annotations

import io
import pickle
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from bot.commands.speech import app as speech_app
from bot.speech.audio import AudioTooLongError, decode_audio

RATE = 8_000


def ten_minutes() -> np.ndarray:
    """Ten minutes of speech-like audio: silence, then a tone, then silence."""
    samples = np.zeros(600 * RATE, np.float32)
    t = np.arange(590 * RATE) / RATE
    samples[5 * RATE : 595 * RATE] = 0.3 * np.sin(2 * np.pi * 440 * t)
    return samples


def wav_file(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


class _Pipe(io.RawIOBase):
    """A write-only, unseekable output: the muxer cannot go back to write the duration."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def streamed_webm(samples: np.ndarray) -> bytes:
    """WebM/Opus written as a live stream: no duration in its header, so decoding stops at the limit."""
    out = _Pipe()
    with av.open(out, "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48_000, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data = bytes(out.data)
    with av.open(io.BytesIO(data)) as probe:
        assert probe.duration is None  # the case under test
    return data


def test_a_ten_minute_wav_is_refused_with_its_real_length(tmp_path: Path) -> None:
    path = wav_file(tmp_path / "note.wav", ten_minutes())
    with pytest.raises(AudioTooLongError) as caught:
        decode_audio(path, max_seconds=180)
    error = caught.value
    assert error.seconds == pytest.approx(600, abs=1)
    assert not error.at_least and error.limit == 180 and error.code == "too_long"
    assert "(600 s)" in str(error) and "180 s" in str(error)
    assert pickle.loads(pickle.dumps(error)).seconds == error.seconds  # crosses process pools intact


def test_without_a_duration_in_the_header_the_rest_is_measured_not_decoded() -> None:
    with pytest.raises(AudioTooLongError) as caught:
        decode_audio(streamed_webm(ten_minutes()), max_seconds=180)
    assert caught.value.seconds == pytest.approx(600, abs=1) and not caught.value.at_least
    assert "(600 s)" in str(caught.value)


def test_a_lower_bound_says_so() -> None:
    error = AudioTooLongError(186.4, 180, at_least=True)
    assert error.seconds == 186.4 and error.at_least
    assert "at least 186 s" in str(error)


def test_the_transcribe_command_prints_the_real_length(tmp_path: Path) -> None:
    path = wav_file(tmp_path / "note.wav", ten_minutes())
    result = CliRunner().invoke(speech_app, ["transcribe", str(path)])
    assert result.exit_code == 1
    assert "(600 s)" in result.stderr and "180 s" in result.stderr
