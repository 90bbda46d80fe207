"""`oralblanc cohort …`, `oralblanc results <cohort> --csv`, `oralblanc review …` on the test database
(SQLite and PostgreSQL), and the repository queries they rest on."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from bot.commands.trainer import app
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.repository import Repository

CARD = {
    "format": "oralblanc.scorecard/1",
    "criteria": [
        {"code": "BLOC2.A2.C1.CR1", "level": 1, "status": "scored", "weight": 1.0},
        {"code": "BLOC2.A2.C2.CR2", "level": 2, "status": "scored", "weight": 1.0},
    ],
    "overall": {"score_20": 10.0},
}


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cohort_results_and_review_from_a_terminal(
    cli_database: str, sample_scenario: Scenario, tmp_path: Path
) -> None:
    engine = make_engine(cli_database)
    repo = Repository(engine)
    try:
        trainer = repo.get_or_create_user(telegram_id=1, display_name="Tom", role="trainer")
        out = _run("cohort", "new", "Promo", "--owner", "tg:1", "--bot-username", "oralblanc_bot")
        assert "cohort 1 'Promo'" in out and "https://t.me/oralblanc_bot?start=" in out
        cohort = repo.cohorts_owned(trainer)[0]
        cards = {}
        for tg, name in ((2, "Alice"), (3, "Bob")):
            user = repo.get_or_create_user(telegram_id=tg, display_name=name)
            repo.add_member(cohort.id, user)
            session = repo.start_session(user, sample_scenario, "fr")
            repo.add_turn(session, Turn(speaker="candidate", text="Quels sont vos objectifs ?"))
            repo.finish_session(session)
            cards[name] = repo.save_scorecard(session, CARD, "test")
        assert "Alice" in _run("cohort", "members", "Promo") and "Promo" in _run("cohort", "list")
        waiting = _run("review", "list")
        assert "Alice" in waiting and "Bob" in waiting and "10.0/20" in waiting
        _run("review", "confirm", str(cards["Alice"]), "--by", "tg:1")
        _run("review", "amend", str(cards["Bob"]), "C1.CR1", "3", "good discovery", "--by", "tg:1")
        assert "Alice" not in _run("review", "list")
        assert "B2 CR1: last 3 best 3" in _run("results", "Promo")
        html = tmp_path / "promo.html"
        rows = list(csv.DictReader(io.StringIO(_run("results", "Promo", "--csv", "--html", str(html)))))
        assert {r["candidate"] for r in rows} == {"Alice", "Bob"} and len(rows) == 4
        bob = next(r for r in rows if r["candidate"] == "Bob" and r["criterion"] == "BLOC2.A2.C1.CR1")
        assert bob["level"] == "3" and bob["review_status"] == "amended"
        assert "Bob" in html.read_text(encoding="utf-8")
        assert CliRunner().invoke(app, ["results", "Nope"]).exit_code == 1
        assert (
            CliRunner().invoke(app, ["review", "amend", "999", "CR1", "2", "x", "--by", "tg:1"]).exit_code
            == 1
        )
        assert repo.proposed_scorecards(trainer) == []
        assert len(repo.cohort_scorecards(cohort.id)) == 2
        assert repo.cohorts_of_member(repo.find_user("tg:2").id)[0].name == "Promo"
    finally:
        engine.dispose()
