"""Personal data never reaches the logs: ids, not names, lines, transcripts or quotes.

Logs outlive an erasure (`/deletemydata`, `oralblanc data erase`): a name or a line written there
would stay. A candidate with a distinctive name plays through the real bot (fake Bot API, an LLM
judge on a fake OpenAI server that answers with a malformed verdict quoting them, a persona that
crashes once, a voice note, /mydata, the erasure), then a jury member uploads and publishes a
script from the terminal; no log record of oralblanc's, at any level down to DEBUG, and no record
of any library at INFO or above (the most `oralblanc -v` shows), holds the name or the lines.

python-telegram-bot itself logs whole updates and every API call's parameters at DEBUG: oralblanc
never configures that level (`bot.cli` logs at INFO at most), so its DEBUG records are left out.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.config import Settings
from bot.services import Services, open_services
from feedback.scorecard import Evidence
from personas.actors import Cue, ScriptedActor, Spoken
from personas.model import Persona
from scenarios.model import Scenario, Transcript, Turn
from tests.fake_bot_api import FakeBotAPI
from tests.fake_openai import FakeOpenAI, Reply, last_user
from tests.telegram_support import SCENARIO, FakeTranscriber, bot_running, bot_settings, line

FIRST, LAST = "Zéphyrine", "Quillard-Marbœuf"
NAME = f"{FIRST} {LAST}"
LINE = "Bonjour, je suis Zéphyrine Quillard-Marbœuf ; quels volumes prévoyez-vous pour la saison ?"
CRASHING = "Notre offre Marbœuf-Écluse réduit vos coûts de 12 % sur trois ans."
HEARD = "Nous pouvons livrer Perpignan-Ouest sous huit jours si vous confirmez."
NEEDLES = (FIRST, LAST, "Marbœuf", "volumes prévoyez-vous", "Écluse", "Perpignan-Ouest")
OURS = ("bot", "storage", "feedback", "personas", "scenarios")


def leaks(records: list[logging.LogRecord]) -> list[str]:
    """The records that name the candidate or quote them (message, arguments and traceback)."""
    found = []
    for record in records:
        ours = record.name.split(".")[0] in OURS
        if not ours and record.levelno < logging.INFO:
            continue  # a library's DEBUG output (see the module docstring)
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        if any(needle in text for needle in NEEDLES):
            found.append(f"{record.levelname} {record.name}: {text[:300]}")
    return found


class CrashingOnce:
    """The scripted persona, except that it crashes (once) on the line that names Écluse."""

    crashed = False

    def __init__(self, scenario: Scenario) -> None:
        self.inner = ScriptedActor(scenario)

    async def speak(self, cue: Cue) -> Spoken:
        if "Écluse" in cue.candidate_text and not CrashingOnce.crashed:
            CrashingOnce.crashed = True
            raise RuntimeError("persona process died")
        return await self.inner.speak(cue)


async def crashing_services(settings: Settings) -> Services:
    services = await open_services(settings)

    def actor(scenario: Scenario, persona: Persona, engine: str) -> CrashingOnce:
        return CrashingOnce(scenario)

    services.rehearsal.actor_factory = actor
    return services


def malformed_verdict(request: dict[str, Any]) -> Reply:
    """A judge that adds a field to an indicator (refused: malformed) and quotes the candidate."""
    match = re.search(r"Score criterion (\S+)\.", last_user(request))
    criterion = match.group(1) if match else "?"
    indicator = {"quotes": [LINE[:40]], "code": f"{criterion}.1", "met": True, "why": f"« {LINE} »"}
    return Reply(
        json.dumps(
            {"criterion": criterion, "level": 2, "rationale": f"Dit « {LINE} ».", "indicators": [indicator]},
            ensure_ascii=False,
        )
    )


def voice_note() -> bytes:
    from bot.speech.audio import encode_ogg_opus

    tone = 0.2 * np.sin(2 * np.pi * 220 * np.arange(32000) / 16000).astype(np.float32)
    return encode_ogg_opus(tone, 16000)


async def test_a_whole_path_through_the_bot_logs_no_name_and_no_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    CrashingOnce.crashed = False
    with FakeOpenAI(malformed_verdict) as judge:
        async with FakeBotAPI() as api:
            settings = bot_settings(
                tmp_path,
                api,
                openai_base_url=judge.base_url,
                openai_api_key="test",
                engine="scripted",
                judge=True,
            )
            async with bot_running(
                settings,
                services_factory=crashing_services,
                transcriber_factory=lambda s: FakeTranscriber(HEARD),
            ):
                zeph = api.user(5_550_001, FIRST, "fr")
                zeph.last_name = LAST
                assert FIRST in (await api.reply_to(zeph, lambda: zeph.send_text("/start")))[0].text
                await api.reply_to(zeph, lambda: zeph.send_text(f"/play {SCENARIO}"), count=2)
                for said in (LINE, line(1)):
                    replies = await api.reply_to(zeph, lambda said=said: zeph.send_text(said))
                    assert replies[0].text.startswith("🗣")
                understood, answer = await api.reply_to(
                    zeph, lambda: zeph.send_voice(voice_note(), 2), count=2
                )
                assert HEARD in understood.text and answer.text.startswith("🗣")
                (apology,) = await api.reply_to(zeph, lambda: zeph.send_text(CRASHING))
                assert CrashingOnce.crashed and not apology.text.startswith("🗣")
                await api.reply_to(zeph, lambda: zeph.send_text("/end"), count=2, timeout=60)
                assert len(judge.requests) >= 1  # the judge was asked, and its verdicts refused
                export = (await api.reply_to(zeph, lambda: zeph.send_text("/mydata"), timeout=30))[0]
                assert LINE in export.files["document"][1].decode("utf-8")
                await api.reply_to(zeph, lambda: zeph.send_text("/deletemydata"))
                assert "effacées" in (await api.reply_to(zeph, lambda: zeph.press("del:yes")))[0].text
    names = {r.name for r in caplog.records}
    assert {"bot.telegram.handlers", "feedback.judge", "storage.repository"} <= names  # the paths ran
    assert leaks(caplog.records) == []


def test_a_jury_member_named_in_the_terminal_is_logged_by_id(
    cli_database: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from storage.db import make_engine
    from storage.repository import Repository

    engine = make_engine(cli_database)
    try:
        Repository(engine).get_or_create_user(display_name=NAME, role="jury")
    finally:
        engine.dispose()
    library = Path(__file__).resolve().parent.parent / "scenarios" / "library" / f"{SCENARIO}.yaml"
    script = tmp_path / "mine.yaml"
    script.write_text(
        re.sub(r"(?m)^version: \d+$", "version: 99", library.read_text(encoding="utf-8"), count=1),
        encoding="utf-8",
    )
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    for args in (["jury", "upload", str(script), "--by", NAME], ["jury", "publish", SCENARIO, "--by", NAME]):
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 0, result.output
    assert any("uploaded by user" in r.getMessage() for r in caplog.records)
    assert leaks(caplog.records) == []


def test_a_quote_the_scorer_drops_is_logged_without_its_words(caplog: pytest.LogCaptureFixture) -> None:
    from feedback.scorecard import CriterionScore, Scorecard
    from feedback.scorer import verify_quotes

    caplog.set_level(logging.DEBUG)
    transcript = Transcript(
        kind="negotiation",
        language="fr",
        turns=[
            Turn(speaker="persona", text="Je vous écoute."),
            Turn(speaker="candidate", text="Quels sont vos objectifs ?"),
        ],
    )
    forged = Evidence(turn=2, quote=LINE)
    card = Scorecard(criteria=[CriterionScore(code="BLOC2.A2.C2.CR2", level=2, evidence=[forged])])
    assert verify_quotes(card, transcript).criteria[0].evidence == []
    assert any("quote dropped" in r.getMessage() for r in caplog.records)
    assert leaks(caplog.records) == []
