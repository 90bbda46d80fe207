"""`oralblanc transcribe` and `oralblanc say` through typer's CliRunner on the speech sub-app."""

from __future__ import annotations

import io
import json
from pathlib import Path

import av
import pytest
import typer
from typer.testing import CliRunner

from bot.commands.speech import app
from tests.test_speech_stt import SPEECH_DIR, word_error_rate

runner = CliRunner()


def sample(name: str = "fleurs-en-003") -> tuple[Path, str]:
    path = SPEECH_DIR / f"{name}.ogg"
    if not path.exists():
        pytest.fail(f"speech samples not found in {SPEECH_DIR}")
    return path, path.with_suffix(".txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_transcribe_json():
    path, reference = sample()
    result = runner.invoke(app, ["transcribe", str(path), "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"text", "language", "duration_s", "words"} <= set(data)
    assert data["language"] == "en" and 5 < data["duration_s"] < 7
    assert all(set(w) == {"w", "start", "end"} for w in data["words"])
    assert word_error_rate([reference], [data["text"]]) < 0.25


@pytest.mark.slow
def test_transcribe_text_when_mounted_on_a_main_cli():
    path, reference = sample("fleurs-en-004")
    main = typer.Typer()
    main.add_typer(app)  # how the lead mounts it: top-level commands

    @main.command()
    def version() -> None:
        typer.echo("0")

    result = runner.invoke(main, ["transcribe", str(path)])
    assert result.exit_code == 0, result.output
    assert word_error_rate([reference], [result.stdout]) < 0.25


def test_transcribe_refuses_bad_audio(tmp_path: Path):
    bad = tmp_path / "note.ogg"
    bad.write_bytes(b"not audio at all" * 10)
    result = runner.invoke(app, ["transcribe", str(bad)])
    assert result.exit_code == 1
    assert "not an audio file" in result.stderr
    result = runner.invoke(app, ["transcribe", str(tmp_path / "missing.ogg")])
    assert result.exit_code == 1 and "not found" in result.stderr
    result = runner.invoke(app, ["transcribe", str(bad), "--lang", "de"])
    assert result.exit_code == 2  # usage error: fr or en only


@pytest.mark.parametrize(
    ("lang", "text", "voice"), [("fr", "Bonjour, je vous écoute.", None), ("en", "Hello there.", "en-us")]
)
def test_say_writes_an_ogg_opus_voice_note(tmp_path: Path, lang: str, text: str, voice: str | None):
    out = tmp_path / "reply.ogg"
    args = ["say", text, "--lang", lang, "-o", str(out)] + (["--voice", voice] if voice else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with av.open(io.BytesIO(out.read_bytes())) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name, stream.rate, stream.channels) == (
            "ogg",
            "opus",
            48_000,
            1,
        )
    assert result.stdout == ""  # pyttsx3's own prints stay out of the output


def test_say_wav_and_errors(tmp_path: Path):
    out = tmp_path / "reply.wav"
    assert runner.invoke(app, ["say", "Bonjour.", "--lang", "fr", "-o", str(out)]).exit_code == 0
    assert out.read_bytes()[:4] == b"RIFF"
    result = runner.invoke(app, ["say", "Hello.", "--lang", "en", "--voice", "no-such-voice", "-o", str(out)])
    assert result.exit_code == 1 and "Unknown espeak-ng voice" in result.stderr
    result = runner.invoke(app, ["say", "Hello.", "-o", str(out)])
    assert result.exit_code == 2  # --lang is required
