"""Calibration against the people who decide: `feedback.calibration` (confirmed / raised / lowered, Cohen's κ),
`oralblanc calibration [--cohort X] [--json]` on the test database, and the cohort's HTML export."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot import results
from bot.cli import app
from feedback.calibration import calibrate, cohen_kappa, from_records, pairs_from_scorecards
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.records import ScorecardRecord
from storage.repository import Repository

CR1, CR2 = "BLOC2.A2.C1.CR1", "BLOC2.A2.C2.CR2"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_kappa_of_the_textbook_example() -> None:
    """Cohen (1960) as worked in every textbook (e.g. Wikipedia's "Cohen's kappa"): two raters, 50 items,
    yes/yes 20, yes/no 5, no/yes 10, no/no 15 → p_o = 0.7, p_e = 0.5, κ = 0.4."""
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_bounds_and_undefined_cases() -> None:
    assert cohen_kappa([(0, 0), (1, 1), (2, 2), (3, 3)]) == pytest.approx(1.0)
    assert cohen_kappa([(0, 1), (1, 0)]) == pytest.approx(-1.0)
    assert cohen_kappa([]) is None
    assert cohen_kappa([(2, 2), (2, 2)]) is None  # one level on both sides: agreement by construction
    # "no level" is a category of its own, below 0
    assert cohen_kappa([(None, None), (2, 2)]) == pytest.approx(1.0)


def test_confirmed_raised_lowered_per_criterion() -> None:
    stats = calibrate({CR1: [(1, 1), (1, 2), (2, 1), (None, 2)], CR2: [(2, 2)]}, pending={CR1: 3})
    cr1, cr2 = stats
    assert (cr1.code, cr1.decided, cr1.confirmed, cr1.up, cr1.down, cr1.pending) == (CR1, 4, 1, 2, 1, 3)
    assert cr1.agreement == pytest.approx(0.25)
    assert (cr2.decided, cr2.confirmed, cr2.up, cr2.down, cr2.kappa) == (1, 1, 0, 0, None)


def _card(levels: dict[str, int | None]) -> dict:
    return {
        "format": "oralblanc.scorecard/1",
        "criteria": [{"code": c, "level": v, "status": "scored"} for c, v in levels.items()],
        "overall": {"score_20": 10.0},
    }


def _record(n: int, proposed: dict, status: str, amended: dict | None = None) -> ScorecardRecord:
    return ScorecardRecord(
        n,
        n,
        _card(proposed),
        "test",
        status,
        _card(amended) if amended else None,
        1 if status != "proposed" else None,
        T0 if status != "proposed" else None,
        None,
        T0,
    )


def test_pairs_come_from_decided_scorecards_only() -> None:
    pairs, pending = pairs_from_scorecards(
        [
            (_card({CR1: 1, CR2: 2}), _card({CR1: 2, CR2: 2})),
            (_card({CR1: 3, CR2: 1}), None),
        ]
    )
    assert pairs == {CR1: [(1, 2)], CR2: [(2, 2)]} and pending == {CR1: 1, CR2: 1}
    stats, total = from_records(
        [
            _record(1, {CR1: 1, CR2: 2}, "confirmed"),
            _record(2, {CR1: 1, CR2: 2}, "amended", {CR1: 2, CR2: 1}),
            _record(2, {CR1: 1, CR2: 2}, "amended", {CR1: 2, CR2: 1}),  # the same scorecard twice counts once
            _record(3, {CR1: 0, CR2: 0}, "proposed"),
        ]
    )
    by = {s.code: s for s in stats}
    assert (by[CR1].confirmed, by[CR1].up, by[CR1].down, by[CR1].pending) == (1, 1, 0, 1)
    assert (by[CR2].confirmed, by[CR2].up, by[CR2].down) == (1, 0, 1)
    assert (total.decided, total.confirmed, total.up, total.down, total.pending) == (4, 2, 1, 1, 2)


def test_the_cohort_export_shows_the_calibration_to_the_trainer() -> None:
    from storage.records import SessionSummary, UserRecord

    user = UserRecord(1, 101, "Alice", "fr", "candidate", T0)
    rows = []
    for n, (proposed, status, amended) in enumerate(
        [({CR1: 1, CR2: 2}, "confirmed", None), ({CR1: 1, CR2: 2}, "amended", {CR1: 3, CR2: 2})], start=1
    ):
        session = SessionSummary(n, 1, "negotiation", 1, "fr", "text", "scripted", "finished", 8, T0, T0)
        rows.append((user, session, _record(n, proposed, status, amended)))
    fr, en = (html.unescape(results.to_html("Promo", rows, lang)) for lang in ("fr", "en"))
    assert "Calibration" in fr and "κ de Cohen" in fr and "relevés" in fr
    assert "Cohen's κ" in en and "raised" in en
    assert f"<td>{CR1}</td><td>2</td><td>1 (50 %)</td><td>1</td><td>0</td>" in en


def test_oralblanc_calibration_on_the_test_database(cli_database: str, sample_scenario: Scenario) -> None:
    repo = Repository(make_engine(cli_database))
    trainer = repo.get_or_create_user(telegram_id=1, display_name="Tom", role="trainer")
    runner = CliRunner()
    assert runner.invoke(app, ["cohort", "new", "Promo", "--owner", "tg:1"]).exit_code == 0
    cohort_rec = repo.cohorts_owned(trainer)[0]
    cards = []
    for tg, name, levels in (
        (2, "Alice", {CR1: 1, CR2: 2}),
        (3, "Bob", {CR1: 2, CR2: 2}),
        (4, "Eve", {CR1: 0, CR2: 1}),
    ):
        user = repo.get_or_create_user(telegram_id=tg, display_name=name)
        repo.add_member(cohort_rec.id, user)
        session = repo.start_session(user, sample_scenario, "fr")
        repo.add_turn(session, Turn(speaker="candidate", text="Quels sont vos objectifs ?"))
        repo.finish_session(session)
        cards.append(repo.save_scorecard(session, _card(levels), "test"))
    assert runner.invoke(app, ["review", "confirm", str(cards[0]), "--by", "tg:1"]).exit_code == 0
    out = runner.invoke(
        app, ["review", "amend", str(cards[1]), "C1.CR1", "3", "good discovery", "--by", "tg:1"]
    )
    assert out.exit_code == 0, out.output
    result = runner.invoke(app, ["calibration", "--cohort", "Promo", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    by = {c["code"]: c for c in doc["criteria"]}
    assert (by[CR1]["decided"], by[CR1]["confirmed"], by[CR1]["up"], by[CR1]["down"], by[CR1]["pending"]) == (
        2,
        1,
        1,
        0,
        1,
    )
    assert (by[CR2]["decided"], by[CR2]["confirmed"]) == (2, 2)
    table = runner.invoke(app, ["calibration"])
    assert table.exit_code == 0 and CR1 in table.output and "all criteria" in table.output
    unknown = runner.invoke(app, ["calibration", "--cohort", "Nope"])
    assert unknown.exit_code == 1
