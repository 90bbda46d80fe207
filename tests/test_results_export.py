"""The cohort export's HTML summary (`bot.results.to_html`) and the cohort charts behind it."""

from __future__ import annotations

import base64
import io
import re
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot import results
from bot.commands.trainer import app
from bot.config import get_settings
from feedback.charts import cohort_levels_chart, cohort_scores_chart
from scenarios.model import Scenario, Turn
from storage.db import make_engine
from storage.records import ScorecardRecord, SessionSummary, UserRecord
from storage.repository import Repository

PNG = b"\x89PNG\r\n\x1a\n"
CR1, CR2 = "BLOC2.A2.C1.CR1", "BLOC2.A2.C2.CR2"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class Cohort:
    """Rows as `Repository.cohort_scorecards` returns them, built from the storage records."""

    def __init__(self) -> None:
        self.rows: list[results.Row] = []
        self._users: dict[str, UserRecord] = {}

    def session(
        self,
        name: str,
        levels: dict[str, int | None],
        score: float | None,
        amended: tuple[dict[str, int | None], float | None] | None = None,
    ) -> None:
        user = self._users.setdefault(
            name, UserRecord(len(self._users) + 1, 100 + len(self._users), name, "fr", "candidate", T0)
        )
        n = len(self.rows) + 1
        session = SessionSummary(
            n,
            user.id,
            "negotiation",
            1,
            "fr",
            "text",
            "scripted",
            "finished",
            8,
            T0 + timedelta(days=n),
            T0 + timedelta(days=n, hours=1),
        )
        record = ScorecardRecord(
            n,
            n,
            _card(levels, score),
            "test",
            "amended" if amended else "proposed",
            _card(*amended) if amended else None,
            1 if amended else None,
            T0 if amended else None,
            None,
            T0,
        )
        self.rows.append((user, session, record))


def _card(levels: dict[str, int | None], score: float | None) -> dict[str, Any]:
    return {
        "format": "oralblanc.scorecard/1",
        "criteria": [{"code": code, "level": level, "status": "scored"} for code, level in levels.items()],
        "overall": {"score_20": score},
    }


def images(page: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height: with Pillow when it is there (it decodes the whole image), else from IHDR."""
    assert png.startswith(PNG) and png[12:16] == b"IHDR"
    try:
        from PIL import Image
    except ImportError:
        width, height = struct.unpack(">II", png[16:24])
        return width, height
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.size


def two_candidates() -> Cohort:
    cohort = Cohort()
    cohort.session("Alice", {CR1: 1, CR2: 2}, 9.0)
    cohort.session("Alice", {CR1: 2, CR2: 3}, 13.5)
    cohort.session("Bob", {CR1: 0, CR2: None}, 6.0)
    return cohort


def test_the_page_holds_both_charts_as_png_images() -> None:
    page = results.to_html("Promo 2027", two_candidates().rows, now=datetime(2026, 4, 1, 8, 5, tzinfo=UTC))
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "http://" not in page and "https://" not in page  # self-contained
    pngs = images(page)
    assert len(pngs) == 2  # levels per criterion, scores per candidate
    for png in pngs:
        width, height = png_size(png)
        assert 300 <= width <= 2000 and 100 <= height <= 2000, (width, height)
    assert all(alt.strip() for alt in re.findall(r'<img[^>]* alt="([^"]*)"', page))
    assert "01/04/2026 à 08:05" in page
    assert "2 candidat(s) · 3 séance(s)" in page
    assert "B2 CR1 : 1 acquis sur 2" in page  # Alice's last is 2, Bob's 0
    assert "Conseiller les grands comptes" in page  # the criterion's title heads its column
    alice = re.search(r"<tr><th class='name'>Alice</th>(.*?)</tr>", page)
    assert (
        alice
        and alice.group(1) == "<td>2</td><td>13.5</td><td class='l2'>2 / 2</td><td class='l3'>3 / 3</td>"
    )
    bob = re.search(r"<tr><th class='name'>Bob</th>(.*?)</tr>", page)
    assert bob and bob.group(1) == "<td>1</td><td>6</td><td class='l0'>0 / 0</td><td class='lx'>– / –</td>"


def test_the_charts_and_the_table_use_the_amended_levels() -> None:
    cohort = Cohort()
    cohort.session("Alice", {CR1: 1, CR2: 1}, 7.0, amended=({CR1: 3, CR2: 1}, 12.0))
    page = results.to_html("Promo", cohort.rows)
    assert "<td>12</td><td class='l3'>3 / 3</td><td class='l1'>1 / 1</td>" in page
    levels_png, scores_png = images(page)
    # the same drawing as from the amendment, not as from the proposal
    assert levels_png == cohort_levels_chart({CR1: [3], CR2: [1]})
    assert levels_png != cohort_levels_chart({CR1: [1], CR2: [1]})
    assert scores_png == cohort_scores_chart([("Alice", [12.0])])
    assert scores_png != cohort_scores_chart([("Alice", [7.0])])
    assert "B2 CR1 : 1 acquis sur 1" in page and "1 candidat(s) sur 1 à 10/20 ou plus" in page


def test_user_provided_names_are_escaped() -> None:
    cohort = Cohort()
    cohort.session("<script>alert(1)</script> & $x$", {CR1: 2}, 11.0)
    page = results.to_html("Promo <b>2027</b>", cohort.rows)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x$" in page
    assert "Promo &lt;b&gt;2027&lt;/b&gt;" in page
    assert len(images(page)) == 2


def test_labels_follow_the_trainer_language() -> None:
    rows = two_candidates().rows
    fr, en = results.to_html("Promo", rows, "fr"), results.to_html("Promo", rows, "en")
    assert "<html lang='fr'>" in fr and "<html lang='en'>" in en
    assert "Derniers niveaux par critère" in fr and "Latest levels per criterion" not in fr
    assert "Latest levels per criterion" in en and "Derniers niveaux par critère" not in en
    assert "Conseiller les grands comptes" in fr and "Advising key accounts" in en
    assert "dernier / meilleur" in fr and "last / best" in en
    assert "B2 CR1: 1 acquired of 2" in en
    assert images(fr)[0] != images(en)[0]  # the chart's labels are translated too
    assert results.to_html("Promo", rows, "de", now=T0) == results.to_html(
        "Promo", rows, "en", now=T0
    )  # else English


@pytest.mark.parametrize(("lang", "text"), [("fr", "Aucune séance notée"), ("en", "No scored session")])
def test_an_empty_cohort_still_renders_a_page(lang: str, text: str) -> None:
    page = results.to_html("Vide", [], lang)
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert text in page and "Vide" in page and "0 candidat" in page
    assert images(page) == []


def test_one_candidate_without_any_level_or_score() -> None:
    cohort = Cohort()
    cohort.session("Solo", {CR1: None, CR2: None}, None)
    page = results.to_html("Promo", cohort.rows)
    assert len(images(page)) == 2
    assert "<td>1</td><td>–</td><td class='lx'>– / –</td><td class='lx'>– / –</td>" in page
    assert "B2 CR1 : 0 acquis sur 1" in page


@pytest.mark.parametrize(
    "latest", [{}, {CR1: []}, {CR1: [None]}, {CR1: [None, None], CR2: [3]}, {CR1: [0, 1, 2, 3]}]
)
def test_the_levels_chart_draws_edge_data(latest: dict[str, list[int | None]]) -> None:
    assert png_size(cohort_levels_chart(latest))[0] > 100


@pytest.mark.parametrize(
    "scores",
    [
        [],
        [("Solo", [12.0])],
        [("Solo", [None])],
        [("Solo", [])],
        [("Solo", [None, 4.0, None])],
        [("$\\frac{$", [20.0]), ("a" * 80, [0.0])],  # a name with $ is drawn as typed, not as mathtext
    ],
)
def test_the_scores_chart_draws_edge_data(scores: list[tuple[str, list[float | None]]]) -> None:
    assert png_size(cohort_scores_chart(scores, "en"))[0] > 100


def test_the_levels_chart_counts_each_level() -> None:
    """Different counts draw different charts (the chart is not a constant picture)."""
    assert cohort_levels_chart({CR1: [2, 2, 1]}) != cohort_levels_chart({CR1: [2, 1, 1]})
    assert cohort_scores_chart([("A", [9.0])]) != cohort_scores_chart([("A", [11.0])])


# --- `oralblanc results <cohort> --html FILE --lang en` ---------------------------------------------------


@pytest.fixture
def sqlite_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'db' / 'oralblanc.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ORALBLANC_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_results_command_writes_the_page_in_the_chosen_language(
    sqlite_database: str, sample_scenario: Scenario, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["cohort", "new", "Promo"]).exit_code == 0
    engine = make_engine(sqlite_database)
    try:
        repo = Repository(engine)
        cohort = repo.cohorts_owned(None)[0]
        user = repo.get_or_create_user(telegram_id=2, display_name="Alice")
        repo.add_member(cohort.id, user)
        session = repo.start_session(user, sample_scenario, "fr")
        repo.add_turn(session, Turn(speaker="candidate", text="Quels sont vos objectifs ?"))
        repo.finish_session(session)
        repo.save_scorecard(session, _card({CR1: 2}, 12.0), "test")
    finally:
        engine.dispose()
    pages = {}
    for lang in ("en", None):
        out = tmp_path / f"{lang}.html"
        result = runner.invoke(
            app, ["results", "Promo", "--html", str(out)] + (["--lang", lang] if lang else [])
        )
        assert result.exit_code == 0, result.output
        pages[lang] = out.read_text(encoding="utf-8")
        assert len(images(pages[lang])) == 2 and "Alice" in pages[lang]
    assert "Cohort results" in pages["en"] and "Résultats de la cohorte" in pages[None]  # French by default
    assert (
        runner.invoke(app, ["results", "Promo", "--html", str(tmp_path / "x.html"), "--lang", "de"]).exit_code
        == 2
    )
    assert not (tmp_path / "x.html").exists()
