"""Audio in and out of the bot, with PyAV only (no ffmpeg binary).

- `decode_audio` turns what Telegram sends (OGG/Opus voice notes, MP3, M4A, WAV; bytes, a path or a
  binary file) into 16 kHz mono float32 samples, the input faster-whisper expects, and refuses what is
  not usable with an `AudioError` whose message can be shown to the candidate.
- `encode_ogg_opus` turns PCM samples or a WAV file into OGG/Opus, 48 kHz mono, as `sendVoice` needs.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import BinaryIO, ClassVar, TypeAlias

import av
import numpy as np

log = logging.getLogger(__name__)

#: What `decode_audio` accepts: raw bytes, a path, or an open binary file.
AudioSource: TypeAlias = bytes | bytearray | memoryview | str | os.PathLike | BinaryIO

SAMPLE_RATE = 16_000
"""Sample rate of decoded audio (what Whisper models expect)."""
OPUS_SAMPLE_RATE = 48_000
MAX_AUDIO_BYTES = 20 * 1024 * 1024
"""Largest file accepted (the Bot API's getFile limit)."""
DEFAULT_MAX_SECONDS = 180.0
SILENCE_PEAK = 1e-3
"""Peak amplitude (about -60 dBFS) under which a recording counts as silent."""


class AudioError(ValueError):
    """Audio that cannot be used; `str(error)` is a message fit for the candidate, `code` for code."""

    code: ClassVar[str] = "audio"


class NotAudioError(AudioError):
    """Not an audio file, or one too damaged to decode."""

    code = "not_audio"


class EmptyAudioError(AudioError):
    """No bytes, or no sound samples at all."""

    code = "empty"


class AudioTooLargeError(AudioError):
    """More bytes than `MAX_AUDIO_BYTES` (or the limit given)."""

    code = "too_large"


class AudioTooLongError(AudioError):
    """Longer than the configured limit in seconds.

    `seconds` is the recording's real length, as its container states it or as measured by reading
    it to the end (not what the sender declared); when only part of it could be read, `at_least` is
    True and `seconds` is a lower bound. `limit` is the limit it broke.
    """

    code = "too_long"

    def __init__(self, seconds: float, limit: float, at_least: bool = False):
        self.seconds = float(seconds)
        self.limit = float(limit)
        self.at_least = at_least
        super().__init__(_too_long_message(self.seconds, self.limit, at_least))

    def __reduce__(self):  # picklable despite its own arguments
        return type(self), (self.seconds, self.limit, self.at_least)


class SilentAudioError(AudioError):
    """Only near-zero samples: nothing was recorded."""

    code = "silent"


class TranscriptionUnavailableError(AudioError):
    """The note could not be turned into text by the speech-to-text service (a remote server refused
    the connection, timed out, failed or answered something unreadable): to the candidate, as an
    unreadable note (try again, or type the line); the session goes on."""

    code = "unavailable"

    def __init__(
        self, message: str = "This voice note could not be transcribed; try again or type it."
    ) -> None:
        super().__init__(message)


def _read_source(source: AudioSource, max_bytes: int) -> bytes:
    """The bytes of `source`, refusing empty and oversized input before decoding anything."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise NotAudioError(f"Audio file not found: {path}")
        size = path.stat().st_size
        if size > max_bytes:
            raise AudioTooLargeError(_too_large_message(size, max_bytes))
        data = path.read_bytes()
    else:
        data = source.read(max_bytes + 1)
    if not data:
        raise EmptyAudioError("The audio is empty: nothing was recorded.")
    if len(data) > max_bytes:
        raise AudioTooLargeError(_too_large_message(len(data), max_bytes))
    return data


def _too_large_message(size: int, max_bytes: int) -> str:
    return (
        f"The audio file is too large ({size / 1_048_576:.1f} MB); "
        f"the limit is {max_bytes / 1_048_576:.0f} MB."
    )


def _too_long_message(seconds: float, max_seconds: float, at_least: bool = False) -> str:
    length = f"at least {seconds:.0f} s" if at_least else f"{seconds:.0f} s"
    return (
        f"The recording is too long ({length}); the limit is {max_seconds:.0f} s. "
        "Please send a shorter voice note."
    )


def _decode(data: bytes, rate: int, max_seconds: float | None) -> np.ndarray:
    """Decode the first audio stream of `data` to mono float32 at `rate` Hz."""
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise NotAudioError("This is not an audio file, or it is damaged.") from exc
    with container:
        if not container.streams.audio:
            raise NotAudioError("This file holds no audio.")
        stream = container.streams.audio[0]
        if max_seconds is not None and container.duration is not None:
            header_seconds = container.duration / av.time_base
            if header_seconds > max_seconds + 0.5:
                raise AudioTooLongError(header_seconds, max_seconds)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        limit = None if max_seconds is None else int((max_seconds + 0.5) * rate)
        chunks: list[np.ndarray] = []
        count = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    count += chunk.size
                if limit is not None and count > limit:
                    # no (or a wrong) duration in the header: measure the rest without decoding it
                    seconds, exact = _length_to_end(container, stream, count / rate)
                    raise AudioTooLongError(seconds, max_seconds or 0, at_least=not exact)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except AudioError:
            raise
        except (av.FFmpegError, ValueError, OSError) as exc:
            if not chunks:
                raise NotAudioError("This is not an audio file, or it is damaged.") from exc
            log.warning("audio damaged after %.1f s; keeping what decoded: %s", count / rate, exc)
    if not chunks:
        raise EmptyAudioError("The audio is empty: it holds no sound.")
    samples = np.concatenate(chunks).astype(np.float32, copy=False)
    if samples.size == 0:
        raise EmptyAudioError("The audio is empty: it holds no sound.")
    return samples


def _length_to_end(
    container: av.container.InputContainer, stream: av.AudioStream, decoded: float
) -> tuple[float, bool]:
    """The length of a recording whose decoding stopped after `decoded` seconds, from the timestamps
    of its remaining packets (read, not decoded: the whole file is at most `MAX_AUDIO_BYTES`); and
    whether it is exact (False: the packets carry no timestamps, or the rest is damaged, so the length
    is only a lower bound)."""
    base = stream.time_base
    start = stream.start_time or 0
    end = None
    exact = True
    try:
        for packet in container.demux(stream):
            if packet.pts is None or base is None:
                if packet.size:
                    exact = False
                continue
            end = max(end or 0, packet.pts + (packet.duration or 0))
    except (av.FFmpegError, ValueError, OSError) as exc:
        log.info("audio damaged while measuring its length: %s", exc)
        exact = False
    if end is None or base is None:
        return decoded, False
    return max(decoded, float((end - start) * base)), exact


def decode_audio(
    source: AudioSource,
    *,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
    max_bytes: int = MAX_AUDIO_BYTES,
    sample_rate: int = SAMPLE_RATE,
    reject_silence: bool = True,
) -> np.ndarray:
    """Decode OGG/Opus, MP3, M4A, WAV (anything FFmpeg reads) to mono float32 in [-1, 1].

    Raises an `AudioError` subclass when the input is not audio or damaged (`NotAudioError`), empty
    (`EmptyAudioError`), over `max_bytes` (`AudioTooLargeError`), longer than `max_seconds`
    (`AudioTooLongError`; `None` means no limit), or silent (`SilentAudioError`).
    """
    data = _read_source(source, max_bytes)
    samples = _decode(data, sample_rate, max_seconds)
    check_samples(samples, max_seconds=max_seconds, sample_rate=sample_rate, reject_silence=reject_silence)
    log.debug("decoded %d bytes to %.2f s at %d Hz", len(data), samples.size / sample_rate, sample_rate)
    return samples


def check_samples(
    samples: np.ndarray,
    *,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
    sample_rate: int = SAMPLE_RATE,
    reject_silence: bool = True,
) -> None:
    """Refuse decoded samples that are empty, too long or silent (same errors as `decode_audio`)."""
    if samples.size == 0:
        raise EmptyAudioError("The audio is empty: it holds no sound.")
    seconds = samples.size / sample_rate
    if max_seconds is not None and seconds > max_seconds + 0.5:
        raise AudioTooLongError(seconds, max_seconds)
    if reject_silence and float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise SilentAudioError("The recording is silent: check your microphone and try again.")


def _as_float32(pcm: np.ndarray) -> np.ndarray:
    """Mono float32 in [-1, 1] from float or int16 samples, 1-D or (channels, samples)."""
    array = np.asarray(pcm)
    if array.ndim not in (1, 2):
        raise ValueError(f"PCM must be 1-D or (channels, samples), not {array.ndim}-D")
    if np.issubdtype(array.dtype, np.integer):
        array = array.astype(np.float32) / 32768.0
    if array.ndim == 2:
        array = array.mean(axis=0)
    return np.clip(array.astype(np.float32, copy=False), -1.0, 1.0)


def encode_ogg_opus(
    audio: np.ndarray | bytes,
    sample_rate: int | None = None,
    *,
    bitrate: int = 32_000,
) -> bytes:
    """Encode speech as OGG/Opus, 48 kHz mono, ready for Telegram's `sendVoice`.

    `audio` is either PCM samples (float32 in [-1, 1] or int16; `sample_rate` required) or the bytes
    of an audio file such as the WAV pyttsx3 writes (its own rate is used).
    """
    if isinstance(audio, (bytes, bytearray, memoryview)):
        rate = OPUS_SAMPLE_RATE
        samples = _decode(bytes(audio), rate, None) if len(audio) else np.zeros(0, np.float32)
    else:
        if sample_rate is None:
            raise ValueError("sample_rate is required for PCM input")
        rate = sample_rate
        samples = _as_float32(audio)
    if samples.size == 0:
        raise EmptyAudioError("Nothing to encode: the audio is empty.")
    out = io.BytesIO()
    with av.open(out, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_SAMPLE_RATE, layout="mono")
        stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data = out.getvalue()
    log.debug("encoded %.2f s to %d bytes of OGG/Opus", samples.size / rate, len(data))
    return data
