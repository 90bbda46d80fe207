"""Voice notes both ways: decode and encode audio (`audio`), speech to text (`stt`), text to speech
(`tts`). Names are re-exported lazily so that importing `bot.speech` loads neither faster-whisper
nor pyttsx3."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AudioError": "audio",
    "TranscriptionUnavailableError": "audio",
    "decode_audio": "audio",
    "encode_ogg_opus": "audio",
    "Transcriber": "stt",
    "Transcription": "stt",
    "Word": "stt",
    "WhisperTranscriber": "stt",
    "OpenAITranscriber": "stt",
    "Synthesizer": "tts",
    "EspeakSynthesizer": "tts",
    "OpenAISpeechSynthesizer": "tts",
    "SpeechSynthesisError": "tts",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
