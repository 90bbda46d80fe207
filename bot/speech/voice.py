"""Voice turns for any transport: what a candidate says becomes a turn; the persona may answer aloud.

`VoiceIO` holds the speech providers of `bot.speech`, created on first use (or at start-up with
`preload`) and closed at shutdown: a transcriber (faster-whisper by default, an OpenAI-compatible
server when `ORALBLANC_STT_URL` is set) and a synthesizer
(espeak-ng by default). `turn_meta` turns a transcription into what `Rehearsal.turn` stores with the
turn: word timings, confidence, fluency measures and the raw audio (kept for the retention period).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.speech.stt import Transcriber, Transcription
from bot.speech.tts import Synthesizer
from feedback.fluency import fluency_measures
from personas.model import Persona
from scenarios.model import Audio, Word

log = logging.getLogger(__name__)

TranscriberFactory = Callable[[Settings], Transcriber]
SynthesizerFactory = Callable[[Settings], Synthesizer]


def default_transcriber(settings: Settings) -> Transcriber:
    """The remote OpenAI-compatible server when `ORALBLANC_STT_URL` is set, else faster-whisper here."""
    if settings.stt_url:
        from bot.speech.stt import OpenAITranscriber

        log.info("speech to text: %s (%s)", settings.stt_url, settings.stt_api_model)
        return OpenAITranscriber.from_settings(settings)
    from bot.speech.stt import WhisperTranscriber

    return WhisperTranscriber.from_settings(settings)


def default_synthesizer(settings: Settings) -> Synthesizer:
    from bot.speech.tts import EspeakSynthesizer

    return EspeakSynthesizer()


class VoiceIO:
    """The speech providers of one running bot."""

    def __init__(
        self,
        settings: Settings,
        *,
        transcriber_factory: TranscriberFactory = default_transcriber,
        synthesizer_factory: SynthesizerFactory = default_synthesizer,
    ) -> None:
        self.settings = settings
        self._transcriber_factory = transcriber_factory
        self._synthesizer_factory = synthesizer_factory
        self._transcriber: Transcriber | None = None
        self._synthesizer: Synthesizer | None = None

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = self._transcriber_factory(self.settings)
        return self._transcriber

    @property
    def synthesizer(self) -> Synthesizer:
        if self._synthesizer is None:
            self._synthesizer = self._synthesizer_factory(self.settings)
        return self._synthesizer

    async def preload(self) -> None:
        """Load the speech-to-text model now, off the event loop, so the first voice note is quick."""
        load = getattr(self.transcriber, "load", None)
        if load is not None:
            await asyncio.to_thread(load)

    async def transcribe(self, data: bytes, language: str | None) -> Transcription:
        return await self.transcriber.transcribe(data, language)

    async def speak(self, text: str, persona: Persona | None, language: str) -> bytes:
        """The persona's line as an OGG/Opus voice note, in its own voice when it has one."""
        kwargs: dict[str, Any] = {}
        if persona is not None:
            voice = persona.voice.get("fr" if language == "fr" else "en")
            kwargs = {"voice": voice.voice, "rate": voice.rate, "pitch": voice.pitch}
        return await self.synthesizer.synthesize(text, language=language, **kwargs)

    async def aclose(self) -> None:
        for provider in (self._transcriber, self._synthesizer):
            close = getattr(provider, "close", None)
            if close is not None:
                await asyncio.to_thread(close)
        self._transcriber = self._synthesizer = None


def turn_meta(transcription: Transcription, audio_bytes: bytes) -> dict[str, Any]:
    """What `Rehearsal.turn(**turn_meta)` stores with a spoken turn."""
    words = [Word(w=w.w, start=w.start, end=w.end) for w in transcription.words]
    return {
        "audio": Audio(duration_s=transcription.duration_s, words=words),
        "confidence": transcription.confidence,
        "fluency": fluency_measures(transcription.words).model_dump(mode="json"),
        "audio_bytes": audio_bytes,
    }
