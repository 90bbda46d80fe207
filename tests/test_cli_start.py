"""`oralblanc --help` starts at once (issue 20): the heavy modules are imported by the commands that
use them, never to list the commands."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "matplotlib",
    "faster_whisper",
    "telegram",
    "openai",
    "weasyprint",
    "alembic",
    "sqlalchemy",
    "feedback.scorer",
    "grammalecte",
    "av",
    "numpy",
)

PROBE = """
import json, sys
from bot.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _modules(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_module() -> None:
    for args in (
        ["--help"],
        ["score", "--help"],
        ["bot", "--help"],
        ["transcribe", "--help"],
        ["jury", "--help"],
    ):
        loaded = _modules(*args)
        heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
        assert heavy == [], f"oralblanc {' '.join(args)} imports {heavy}"


def test_the_speech_defaults_shown_by_the_cli_are_the_synthesizer_s() -> None:
    from bot.commands import speech
    from bot.speech import tts

    assert (speech.DEFAULT_RATE, speech.DEFAULT_PITCH) == (tts.DEFAULT_RATE, tts.DEFAULT_PITCH)
