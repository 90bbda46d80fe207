"""`oralblanc transcribe` and `oralblanc say`: the speech path from the command line, offline.

Mounted on the main CLI as top-level commands (`main_app.add_typer(app)` without a name merges them).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

log = logging.getLogger(__name__)

# `bot.speech.tts`'s defaults, not imported from there (it loads PyAV) so that `oralblanc --help` starts
# at once; tests/test_turn_cost.py checks that they agree.
DEFAULT_RATE = 170
DEFAULT_PITCH = 50

app = typer.Typer(help="Transcribe a voice note; speak a reply as a voice note.")


class Language(StrEnum):
    fr = "fr"
    en = "en"


@app.command()
def transcribe(
    audio: Annotated[Path, typer.Argument(help="Audio file: OGG/Opus voice note, MP3, M4A, WAV.")],
    lang: Annotated[Language | None, typer.Option("--lang", help="Expected language (a hint).")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: text, language, duration_s, words, confidence.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="faster-whisper model name or path (default: ORALBLANC_STT_MODEL, "
            "else bundled-base, the multilingual model installed with the project; or bundled-tiny.en).",
        ),
    ] = None,
) -> None:
    """Transcribe AUDIO with faster-whisper (offline with the bundled model)."""
    from bot.config import get_settings
    from bot.speech.audio import AudioError
    from bot.speech.stt import WhisperTranscriber

    settings = get_settings()
    transcriber = WhisperTranscriber(
        model or settings.stt_model, max_audio_seconds=settings.max_audio_seconds
    )
    try:
        result = transcriber.transcribe_sync(audio, lang.value if lang else None)
    except AudioError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        transcriber.close()
    if as_json:
        typer.echo(result.model_dump_json())
    else:
        typer.echo(result.text)


@app.command()
def say(
    text: Annotated[str, typer.Argument(help="What to say.")],
    lang: Annotated[Language, typer.Option("--lang", help="Language of the text.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write the voice note (.ogg; .wav for WAV).")
    ],
    voice: Annotated[
        str | None,
        typer.Option("--voice", help="espeak-ng voice, e.g. fr, en-gb, en-us (default by language)."),
    ] = None,
    rate: Annotated[int, typer.Option("--rate", min=80, max=400, help="Words per minute.")] = DEFAULT_RATE,
    pitch: Annotated[int, typer.Option("--pitch", min=0, max=99)] = DEFAULT_PITCH,
) -> None:
    """Speak TEXT with espeak-ng and write an OGG/Opus voice note (48 kHz mono)."""
    from bot.speech.tts import EspeakSynthesizer, SpeechSynthesisError

    synthesizer = EspeakSynthesizer()
    try:
        synthesize = (
            synthesizer.synthesize_wav if output.suffix.lower() == ".wav" else synthesizer.synthesize_sync
        )
        data = synthesize(text, language=lang.value, voice=voice, rate=rate, pitch=pitch)
    except (SpeechSynthesisError, ValueError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        synthesizer.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    typer.echo(f"Wrote {output} ({len(data)} bytes).", err=True)
