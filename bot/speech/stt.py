"""Speech to text: a small `Transcriber` interface and its providers.

- `WhisperTranscriber` (offline default): faster-whisper, int8 on CPU, the model loaded once per
  process and shared, run off the event loop in a bounded thread pool, VAD on, word timings. The
  default model is the bundled multilingual Whisper base (`bot.speech.bundled_models`): the language
  is detected on every note, among French and English.
- `OpenAITranscriber`: any OpenAI-compatible transcription API (`verbose_json` with word timings),
  chosen by `ORALBLANC_STT_URL`; its failures are `TranscriptionUnavailableError` (an `AudioError`).

Both return a `Transcription` whose `text`, `language`, `duration_s` and `words` match the turn's
`audio` block of the transcript format (`{"w", "start", "end"}` per word).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

import numpy as np
from pydantic import BaseModel, Field

from bot.speech import bundled_models
from bot.speech.audio import (
    DEFAULT_MAX_SECONDS,
    SAMPLE_RATE,
    AudioSource,
    TranscriptionUnavailableError,
    check_samples,
    decode_audio,
    encode_ogg_opus,
)

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from openai import AsyncOpenAI

    from bot.config import Settings

log = logging.getLogger(__name__)

#: What a transcriber accepts: an audio file (bytes, path, binary file) or 16 kHz mono samples.
AudioInput: TypeAlias = AudioSource | np.ndarray

DEFAULT_LANGUAGES: tuple[str, ...] = ("fr", "en")
"""Languages a rehearsal may be held in: detection chooses among these."""


class Word(BaseModel):
    """One recognised word and when it was said, in seconds from the start of the audio."""

    w: str
    start: float
    end: float


class Transcription(BaseModel):
    """What was understood in one voice turn."""

    text: str
    language: str
    duration_s: float = Field(description="Length of the audio, in seconds.")
    words: list[Word] = Field(default_factory=list)
    confidence: float | None = Field(
        None, description="Mean word probability (0-1) when the provider gives one."
    )

    def transcript_audio(self) -> dict[str, Any]:
        """The turn's `audio` block of the transcript format: duration and word timings."""
        return {"duration_s": self.duration_s, "words": [w.model_dump() for w in self.words]}


@runtime_checkable
class Transcriber(Protocol):
    """Turns one voice turn into text; `language` is the session's language, a hint."""

    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcription:
        """Transcribe `audio`; raises `bot.speech.audio.AudioError` for unusable audio."""
        ...


def _samples(audio: AudioInput, max_seconds: float | None) -> np.ndarray:
    """16 kHz mono float32 samples from any `AudioInput`, checked against the limits."""
    if isinstance(audio, np.ndarray):
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)
        check_samples(samples, max_seconds=max_seconds)
        return samples
    return decode_audio(audio, max_seconds=max_seconds)


# --- faster-whisper -------------------------------------------------------------------------------

_MODELS: dict[tuple[str, str, int, int], WhisperModel] = {}
_MODELS_LOCK = threading.Lock()


def resolve_model(name_or_path: str | os.PathLike | None) -> str:
    """The faster-whisper model to load: an existing path, a bundled model (`bundled-base`, the
    multilingual default, or `bundled-tiny.en`; no network needed), or a model name from the hub."""
    if name_or_path is None or str(name_or_path).strip() == "":
        name_or_path = bundled_models.BASE
    if str(name_or_path) in bundled_models.NAMES:
        return str(bundled_models.bundled_path(str(name_or_path)))
    path = Path(name_or_path).expanduser()
    return str(path) if path.exists() else str(name_or_path)


_REUSE = threading.local()  # per worker thread: the last window encoded and its encoder output


def _reusing_model_class() -> type:
    """`WhisperModel` that remembers, per thread, the encoder output of the last 30 s window it
    encoded: language detection encodes the note's first window, and the transcription that follows
    encodes the very same window again (faster-whisper 1.x does not hand it over). With this, a note
    under 30 s is encoded once: about a third less time for a multilingual model."""
    from faster_whisper import WhisperModel

    class ReusingWhisperModel(WhisperModel):
        def detect_language(self, audio: Any = None, features: Any = None, *args: Any, **kwargs: Any) -> Any:
            # `transcribe` hands detection its features whole, but encodes its first window without
            # the last frame (its `content_frames`): drop it here too, so that both encode the very
            # same window and the transcription reuses the detection's encoder output
            if audio is None and features is not None and features.shape[-1] > 1:
                features = features[..., :-1]
            return super().detect_language(audio, features, *args, **kwargs)

        def encode(self, features: np.ndarray) -> Any:
            last = getattr(_REUSE, "last", None)
            if last is not None and last[0] is self and _same_window(last[1], features):
                _REUSE.hits = getattr(_REUSE, "hits", 0) + 1
                return last[2]
            output = super().encode(features)
            _REUSE.last = (self, np.array(features, copy=True), output)
            return output

    return ReusingWhisperModel


def _same_window(a: np.ndarray, b: np.ndarray) -> bool:
    """The very same 30 s window of features (the detection is given exactly the transcription's)."""
    return a.shape == b.shape and bool(np.array_equal(a, b))


def encoder_reuses() -> int:
    """How many encoder passes this thread was spared (for the tests and the benchmark)."""
    return int(getattr(_REUSE, "hits", 0))


def load_model(
    name_or_path: str | os.PathLike | None = None,
    *,
    compute_type: str = "int8",
    cpu_threads: int = 2,
    num_workers: int = 1,
) -> WhisperModel:
    """Load a faster-whisper model on CPU once per process; later calls share it.

    A name (e.g. `small`) is fetched from the model hub on first use and needs the network; a path
    does not.
    """
    model_id = resolve_model(name_or_path)
    key = (model_id, compute_type, cpu_threads, num_workers)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            log.info("loading faster-whisper model %s (%s, %d threads)", model_id, compute_type, cpu_threads)
            model = _reusing_model_class()(
                model_id,
                device="cpu",
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                num_workers=num_workers,
            )
            _MODELS[key] = model
        return model


class WhisperTranscriber:
    """faster-whisper transcription, shared model, bounded worker pool.

    `transcribe` (async) runs decoding and recognition in the pool, never on the event loop;
    `transcribe_sync` does the same work in the calling thread. With a multilingual model the language
    is detected on every turn among `languages`; the hint is used when detection is unsure
    (probability below `min_language_probability`). An English-only (`.en`) model always gives `en`.
    """

    def __init__(
        self,
        model: str | os.PathLike | None = None,
        *,
        max_audio_seconds: float | None = DEFAULT_MAX_SECONDS,
        compute_type: str = "int8",
        cpu_threads: int = 2,
        max_workers: int = 1,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        min_language_probability: float = 0.5,
        beam_size: int = 1,
    ) -> None:
        self.model_id = resolve_model(model)
        self.max_audio_seconds = max_audio_seconds
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.max_workers = max_workers
        self.languages = tuple(languages)
        self.min_language_probability = min_language_probability
        self.beam_size = beam_size
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> WhisperTranscriber:
        """Build from `bot.config.Settings` (`stt_model`, `max_audio_seconds`)."""
        if settings is None:
            from bot.config import get_settings

            settings = get_settings()
        kwargs: dict[str, Any] = {
            "max_audio_seconds": settings.max_audio_seconds,
            "beam_size": settings.stt_beam_size,
        }
        kwargs.update(overrides)
        return cls(settings.stt_model, **kwargs)

    @property
    def model(self) -> WhisperModel:
        """The shared model, loaded on first use."""
        return load_model(
            self.model_id,
            compute_type=self.compute_type,
            cpu_threads=self.cpu_threads,
            num_workers=self.max_workers,
        )

    @property
    def multilingual(self) -> bool:
        """Whether the model can recognise languages other than English."""
        return bool(self.model.model.is_multilingual)

    def load(self) -> None:
        """Load the model now (call at start-up so the first voice note is not slow)."""
        _ = self.model

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="stt")
            return self._executor

    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcription:
        """Transcribe off the event loop, in this transcriber's bounded pool."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self.transcribe_sync, audio, language)
        return await loop.run_in_executor(self._pool(), call)

    def transcribe_sync(self, audio: AudioInput, language: str | None = None) -> Transcription:
        """Decode, check and transcribe `audio` in the calling thread."""
        samples = _samples(audio, self.max_audio_seconds)
        model = self.model
        options = dict(beam_size=self.beam_size, vad_filter=True, word_timestamps=True)
        if not model.model.is_multilingual:
            segments, info = model.transcribe(samples, language="en", **options)
        else:
            # One call: VAD, features and the first window's encoder pass are shared by the detection
            # (made before `transcribe` returns) and the transcription (done lazily, by the segments).
            segments, info = model.transcribe(samples, language=None, **options)
            detected = info.language
            chosen = self._choose_language(
                detected, info.language_probability, info.all_language_probs or [], language
            )
            if chosen != detected:  # not a rehearsal language, or unsure: nothing decoded yet
                log.info(
                    "detected %s (p=%.2f); transcribing as %s", detected, info.language_probability, chosen
                )
                segments, info = model.transcribe(samples, language=chosen, **options)
        segments = list(segments)  # the generator does the work: consume it here, in the worker
        words: list[Word] = []
        probabilities: list[float] = []
        for segment in segments:
            for word in segment.words or ():
                text = word.word.strip()
                if not text:
                    continue
                words.append(Word(w=text, start=round(word.start, 3), end=round(word.end, 3)))
                probabilities.append(float(word.probability))
        text = " ".join(s.text.strip() for s in segments if s.text.strip())
        result = Transcription(
            text=text,
            language=info.language,
            duration_s=round(samples.size / SAMPLE_RATE, 3),
            words=words,
            confidence=round(float(np.mean(probabilities)), 4) if probabilities else None,
        )
        log.debug("transcribed %.1f s (%s): %d words", result.duration_s, result.language, len(words))
        return result

    def _choose_language(
        self,
        detected: str,
        probability: float,
        all_probs: list[tuple[str, float]] | None,
        hint: str | None,
    ) -> str:
        """The language to transcribe in: the detected one when allowed and sure, else the hint,
        else the most probable allowed language."""
        allowed = self.languages
        if not allowed or (detected in allowed and probability >= self.min_language_probability):
            return detected
        if hint and (hint in allowed):
            return hint
        if detected in allowed:
            return detected
        probs = dict(all_probs or ())
        return max(allowed, key=lambda code: probs.get(code, 0.0))

    def close(self) -> None:
        """Stop the worker pool (the shared model stays loaded for other users)."""
        with self._executor_lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None


# --- OpenAI-compatible API ------------------------------------------------------------------------

_LANGUAGE_NAMES = {"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it"}

_MAGIC = (
    (b"OggS", ".ogg"),
    (b"RIFF", ".wav"),
    (b"ID3", ".mp3"),
    (b"\xff\xfb", ".mp3"),
    (b"\xff\xf3", ".mp3"),
    (b"fLaC", ".flac"),
    (b"\x1a\x45\xdf\xa3", ".webm"),
)


def _suffix(data: bytes) -> str:
    """A file suffix for `data` from its first bytes (APIs infer the format from the name)."""
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            return suffix
    if data[4:8] == b"ftyp":
        return ".m4a"
    return ".ogg"


def _language_code(name: str | None, fallback: str | None) -> str:
    if not name:
        return fallback or "und"
    name = name.strip().lower()
    return _LANGUAGE_NAMES.get(name, name if len(name) <= 3 else (fallback or name))


class OpenAITranscriber:
    """An OpenAI-compatible transcription API (`/audio/transcriptions`, `verbose_json`, word timings):
    OpenAI's, or any server that exposes the same route (faster-whisper servers, vLLM, LocalAI...).

    The audio is checked locally first (same limits and errors as the offline path), then sent as is
    (a Telegram voice note goes as the OGG/Opus file it is). The session's language is sent as the
    `language` hint. The confidence is taken from the segments' `avg_logprob` and `no_speech_prob`
    when the server gives them; otherwise it is None, which asks the candidate nothing. Whatever goes
    wrong on the way (connection refused, timeout, an error status, an unreadable answer) raises
    `TranscriptionUnavailableError`, an `AudioError` like an unreadable note: the candidate is told
    and the session goes on. Retries and timeouts are the SDK's (`max_retries`, `timeout`).
    """

    def __init__(
        self,
        client: AsyncOpenAI | None = None,
        *,
        model: str = "whisper-1",
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_audio_seconds: float | None = DEFAULT_MAX_SECONDS,
    ) -> None:
        if client is None:
            from openai import AsyncOpenAI

            options: dict[str, Any] = {}
            if timeout is not None:
                options["timeout"] = timeout
            if max_retries is not None:
                options["max_retries"] = max_retries
            client = AsyncOpenAI(base_url=base_url, api_key=api_key, **options)
        self.client = client
        self.model = model
        self.max_audio_seconds = max_audio_seconds

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> OpenAITranscriber:
        """Build from `stt_url` (the server's base URL; a full `…/audio/transcriptions` URL is accepted
        too), `stt_api_key`, `stt_api_model`, `stt_timeout`, `stt_max_retries`, `max_audio_seconds`."""
        if not settings.stt_url:
            raise ValueError("ORALBLANC_STT_URL is not set")
        base_url = settings.stt_url.strip().rstrip("/")
        if base_url.endswith("/audio/transcriptions"):
            base_url = base_url[: -len("/audio/transcriptions")]
        kwargs: dict[str, Any] = dict(
            model=settings.stt_api_model,
            base_url=base_url,
            # servers without keys still need the SDK to send one
            api_key=settings.stt_api_key or "not-needed",
            timeout=settings.stt_timeout,
            max_retries=settings.stt_max_retries,
            max_audio_seconds=settings.max_audio_seconds,
        )
        kwargs.update(overrides)
        return cls(**kwargs)

    def _prepare(self, audio: AudioInput) -> tuple[str, bytes, float]:
        """(file name, bytes to upload, duration in seconds), after the local checks."""
        if isinstance(audio, np.ndarray):
            samples = _samples(audio, self.max_audio_seconds)
            return "turn.ogg", encode_ogg_opus(samples, SAMPLE_RATE), samples.size / SAMPLE_RATE
        if isinstance(audio, (str, os.PathLike)):
            path = Path(audio)
            samples = decode_audio(path, max_seconds=self.max_audio_seconds)
            return path.name, path.read_bytes(), samples.size / SAMPLE_RATE
        data = bytes(audio) if isinstance(audio, (bytes, bytearray, memoryview)) else audio.read()
        samples = decode_audio(data, max_seconds=self.max_audio_seconds)
        return f"turn{_suffix(data)}", data, samples.size / SAMPLE_RATE

    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcription:
        """Check `audio` locally (in a thread), then transcribe it through the API."""
        name, data, duration = await asyncio.to_thread(self._prepare, audio)
        extra: dict[str, Any] = {"language": language} if language else {}
        try:
            response = await self.client.audio.transcriptions.create(
                file=(name, data),
                model=self.model,
                response_format="verbose_json",
                timestamp_granularities=["word", "segment"],
                **extra,
            )
            return _from_verbose(response, language, duration)
        except Exception as error:  # the SDK's errors, or an answer that is not a transcription
            log.warning(
                "remote speech to text failed (%s: %s)", type(error).__name__, str(error)[:200] or "no detail"
            )
            raise TranscriptionUnavailableError() from error


def _from_verbose(response: Any, language: str | None, duration: float) -> Transcription:
    """A `Transcription` from a `verbose_json` answer; `ValueError` when it is not one."""
    text = getattr(response, "text", None)
    if not isinstance(text, str):
        raise ValueError(f"no text in the answer: {str(response)[:120]!r}")
    words = [
        Word(w=str(w.word).strip(), start=round(float(w.start), 3), end=round(float(w.end), 3))
        for w in (getattr(response, "words", None) or [])
        if str(w.word).strip()
    ]
    return Transcription(
        text=text.strip(),
        language=_language_code(getattr(response, "language", None), language),
        duration_s=round(float(getattr(response, "duration", None) or duration), 3),
        words=words,
        confidence=_segments_confidence(getattr(response, "segments", None) or []),
    )


def _segments_confidence(segments: Sequence[Any]) -> float | None:
    """The probability that the segments were heard right: per segment, exp(avg_logprob) (the mean
    token probability) times 1 - no_speech_prob, averaged weighted by length; None without them."""
    scores: list[float] = []
    weights: list[float] = []
    for segment in segments:
        logprob = getattr(segment, "avg_logprob", None)
        if logprob is None:
            continue
        score = float(np.exp(min(0.0, float(logprob))))
        no_speech = getattr(segment, "no_speech_prob", None)
        if no_speech is not None:
            score *= 1.0 - min(1.0, max(0.0, float(no_speech)))
        start, end = getattr(segment, "start", None), getattr(segment, "end", None)
        length = float(end) - float(start) if start is not None and end is not None else 0.0
        scores.append(score)
        weights.append(max(length, 0.01))
    if not scores:
        return None
    return round(float(np.average(scores, weights=weights)), 4)
