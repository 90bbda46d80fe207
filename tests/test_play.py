"""`oralblanc play`: scripted rehearsals in the terminal, stored, reproducible, resumable."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.catalog import load_catalog
from bot.config import Settings
from bot.services import open_services
from personas.actors import Cue, Spoken
from scenarios.model import Transcript
from storage.db import make_engine
from storage.repository import Repository

OBLANC = [sys.executable, "-m", "bot.cli"]

FR_TURNS = [
    "Bonjour Madame Morel. Pouvez-vous me décrire vos priorités pour la saison prochaine ?",
    "Quelles sont vos prévisions de volume pour l'an prochain ?",
    "Si je vous comprends bien, la disponibilité en pleine saison compte autant que le prix.",
    "Si vous vous engagez sur deux ans et sur 400 000 unités, nous pouvons baisser le prix net de 2 %.",
]


def run_play(
    tmp_path: Path, args: list[str], lines: list[str], data: str = "data"
) -> subprocess.CompletedProcess:
    env = {**os.environ, "ORALBLANC_DATA_DIR": str(tmp_path / data)}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    return subprocess.run(
        [*OBLANC, "play", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_play_reads_turns_from_stdin_and_writes_a_transcript(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = run_play(
        tmp_path, ["negotiation-castelnau-arrosage", "--lang", "fr", "--transcript-out", str(out)], FR_TURNS
    )
    assert result.returncode == 0, result.stderr
    assert "Votre mission" in result.stdout and "Claire Morel:" in result.stdout
    transcript = Transcript.model_validate_json(out.read_text())
    assert transcript.format == "oralblanc.transcript/1"
    assert transcript.scenario == "negotiation-castelnau-arrosage" and transcript.kind == "negotiation"
    speakers = [t.speaker for t in transcript.turns]
    assert speakers == ["persona"] + ["candidate", "persona"] * len(FR_TURNS)
    assert [t.text for t in transcript.turns if t.speaker == "candidate"] == FR_TURNS
    # the session is scored at the end, shown, and the scorecard stored as a proposal
    assert "/20" in result.stdout and "BLOC2.A2.C2.CR2" in result.stdout
    repo = Repository(make_engine(Settings(data_dir=tmp_path / "data").effective_database_url))
    stored = repo.latest_scorecard(1)
    assert stored is not None and stored.review_status == "proposed"


def test_the_same_inputs_give_the_same_transcript(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    run_play(
        tmp_path, ["complaint-arvel-collage-vitrage", "--transcript-out", str(first)], FR_TURNS, data="one"
    )
    run_play(
        tmp_path, ["complaint-arvel-collage-vitrage", "--transcript-out", str(second)], FR_TURNS, data="two"
    )
    assert json.loads(first.read_text()) == json.loads(second.read_text())


@pytest.mark.parametrize(
    "scenario_id",
    [
        "negotiation-castelnau-arrosage",
        "complaint-arvel-collage-vitrage",
        "change-verticales-crm",
        "pitch-orvalis-flux",
    ],
)
def test_every_library_scenario_plays_in_english_to_its_end(tmp_path: Path, scenario_id: str) -> None:
    out = tmp_path / "t.json"
    scenario = load_catalog().scenario(scenario_id)
    lines = ["Could you tell me more about your situation?"] * (scenario.max_turns + 5)
    result = run_play(tmp_path, [scenario_id, "--lang", "en", "--transcript-out", str(out)], lines)
    assert result.returncode == 0, result.stderr
    transcript = Transcript.model_validate_json(out.read_text())
    closing = {line.strip() for line in scenario.closing.en}
    assert any(c in transcript.turns[-1].text for c in closing)
    assert sum(t.speaker == "candidate" for t in transcript.turns) <= scenario.max_turns


def test_end_command_stops_the_session(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = run_play(
        tmp_path, ["pitch-orvalis-flux", "--transcript-out", str(out)], ["Bonjour.", "/end", "Jamais lu."]
    )
    assert result.returncode == 0
    texts = [t.text for t in Transcript.model_validate_json(out.read_text()).turns]
    assert "Bonjour." in texts and "Jamais lu." not in texts


def test_an_unknown_scenario_is_a_clear_error(tmp_path: Path) -> None:
    result = run_play(tmp_path, ["no-such-scenario"], [])
    assert result.returncode == 2
    assert "unknown scenario 'no-such-scenario'" in result.stderr


def _read_until(proc: subprocess.Popen, pattern: str, timeout: float = 60) -> str:
    buffer = ""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            chunk = os.read(fd, 4096).decode()
            if not chunk:
                break
            buffer += chunk
            if re.search(pattern, buffer):
                return buffer
    raise AssertionError(f"never saw {pattern!r} in {buffer!r}")


def test_a_killed_rehearsal_resumes_at_the_next_turn_with_nothing_lost(tmp_path: Path) -> None:
    env = {**os.environ, "ORALBLANC_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*OBLANC, "play", "negotiation-castelnau-arrosage"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        _read_until(proc, r"Claire Morel: [^\n]+\n")
        for line in FR_TURNS[:2]:
            proc.stdin.write((line + "\n").encode())
            proc.stdin.flush()
            _read_until(proc, r"Claire Morel: [^\n]+\n")
    finally:
        proc.kill()  # SIGKILL between two turns: no clean shutdown
        proc.wait()
    out = tmp_path / "t.json"
    result = run_play(tmp_path, ["--resume", "1", "--transcript-out", str(out)], FR_TURNS[2:])
    assert result.returncode == 0, result.stderr
    assert "Reprise de la séance n° 1" in result.stdout
    transcript = Transcript.model_validate_json(out.read_text())
    assert [t.text for t in transcript.turns if t.speaker == "candidate"] == FR_TURNS
    assert [t.speaker for t in transcript.turns] == ["persona"] + ["candidate", "persona"] * len(FR_TURNS)


class BrokenActor:
    async def speak(self, cue: Cue) -> Spoken:
        raise RuntimeError("the actor died mid-turn")


async def test_the_candidate_turn_is_written_before_the_reply_and_answered_on_resume(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    services = await open_services(settings)
    try:
        user = await services.repo.get_or_create_user(display_name="Ana", language="fr")
        opening = await services.rehearsal.start(user, "negotiation-castelnau-arrosage", "fr")
        healthy = services.rehearsal.actor_factory
        services.rehearsal.actor_factory = lambda *args: BrokenActor()
        with pytest.raises(RuntimeError):
            await services.rehearsal.turn(opening.session_id, FR_TURNS[0])
        record = await services.repo.session(opening.session_id)
        assert [t.text for t in record.turns][-1] == FR_TURNS[0]  # written ahead, nothing lost
        services.rehearsal.actor_factory = healthy
        owed = await services.rehearsal.resume(opening.session_id)
        assert owed is not None and owed.text
        record = await services.repo.session(opening.session_id)
        assert [t.speaker for t in record.turns] == ["persona", "candidate", "persona"]
        assert await services.rehearsal.resume(opening.session_id) is None
    finally:
        await services.close()


SPEECH = Path(__file__).resolve().parent / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0 (SOURCES.md)


@pytest.mark.slow
def test_an_audio_turn_is_transcribed_and_stored_as_spoken(tmp_path: Path) -> None:
    out, voice = tmp_path / "t.json", tmp_path / "voice"
    lines = [
        "Hello, what are your priorities?",
        f"@{SPEECH / 'fleurs-en-000.ogg'}",
        f"@{tmp_path / 'missing.ogg'}",
        "Thank you.",
    ]
    result = run_play(
        tmp_path, ["--lang", "en", "--voice", "--voice-dir", str(voice), "--transcript-out", str(out)], lines
    )
    assert result.returncode == 0, result.stderr
    assert "Audio file not found" in result.stderr  # a polite word, and the session goes on
    candidate = [t for t in Transcript.model_validate_json(out.read_text()).turns if t.speaker == "candidate"]
    assert len(candidate) == 3
    spoken = candidate[1]
    assert spoken.audio is not None and spoken.audio.words and spoken.audio.duration_s > 5
    assert "communication" in spoken.text.lower()
    assert candidate[2].text == "Thank you." and candidate[2].audio is None
    notes = sorted(voice.glob("*.ogg"))
    assert len(notes) == 3 and all(n.read_bytes()[:4] == b"OggS" for n in notes)
