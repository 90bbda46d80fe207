"""The reports: Telegram summary, HTML, PDF and charts; and the `score` command."""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.catalog import load_catalog
from bot.commands.score import app
from feedback import report
from feedback.charts import progress_chart, radar_chart
from feedback.scorecard import Scorecard
from feedback.scorer import score
from scenarios.model import Transcript

GRADED = Path(__file__).parent / "data" / "graded"
PNG = b"\x89PNG\r\n\x1a\n"


@cache
def card(name: str) -> Scorecard:
    t = Transcript.model_validate_json((GRADED / f"{name}.json").read_text(encoding="utf-8"))
    return score(t, load_catalog().scenario(t.scenario) if t.scenario else None)


@pytest.mark.parametrize(
    "name", ["negotiation-fr.illegal", "change-en.dismissal", "complaint-fr.better", "pitch-en.figures"]
)
def test_summary_fits_a_telegram_message_in_the_session_language(name: str) -> None:
    c = card(name)
    text = report.summary(c)
    assert len(text) <= report.TELEGRAM_LIMIT
    assert all(x.code in text for x in c.criteria)
    quoted = [e.quote for x in c.criteria for e in x.evidence]
    assert any(q[:40] in text for q in quoted)
    if c.language == "fr":
        assert "Note : " in text and "/20" in text
    else:
        assert "Score: " in text and "/20" in text


def test_summary_shrinks_to_the_limit() -> None:
    c = card("negotiation-fr.illegal")
    short = report.summary(c, limit=600)
    assert len(short) <= 600
    assert "/20" in short


def test_html_report_is_self_contained_and_holds_the_evidence() -> None:
    c = card("negotiation-fr.illegal")
    history = [("S1", card("negotiation-fr.leading")), ("S2", c)]
    page = report.render_html(c, history)
    assert page.startswith("<!DOCTYPE html>")
    for x in c.criteria:
        assert x.code in page
        for i in x.indicators:
            assert report.short_code(i.code) in page
    assert "90 jours fin de mois" in page  # the words that count against the candidate
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2  # radar + progress
    assert all(base64.b64decode(i).startswith(PNG) for i in images)
    assert "http://" not in page and "https://" not in page
    assert "CEFR" in page  # English measures
    assert "erreurs pour 100 mots" in page  # French measures


def test_html_escapes_the_candidates_words() -> None:
    c = card("complaint-en.better")
    first = c.criteria[0]
    evil = first.indicators[0].model_copy(update={"note": "<script>alert(1)</script>"})
    c = c.model_copy(
        update={
            "criteria": [
                first.model_copy(update={"indicators": [evil, *first.indicators[1:]]}),
                *c.criteria[1:],
            ]
        }
    )
    page = report.render_html(c)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_pdf_report(tmp_path: Path) -> None:
    pdf = report.render_pdf(
        card("pitch-fr.values"), [("S1", card("pitch-fr.values")), ("S2", card("pitch-fr.better"))]
    )
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000


def test_pdf_without_weasyprint_falls_back_to_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name: str, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError("no weasyprint here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    pdf = report.render_pdf(
        card("change-fr.better"), [card("change-fr.imposition"), card("change-fr.better")]
    )
    assert pdf.startswith(b"%PDF")


def test_charts_are_png() -> None:
    assert radar_chart(card("change-fr.better")).startswith(PNG)  # three criteria: one axis each
    assert radar_chart(card("pitch-fr.better")).startswith(PNG)  # one criterion: its indicators
    history = [
        card("pitch-en.figures"),
        card("pitch-en.better"),
        card("pitch-fr.values"),
        card("pitch-fr.better"),
    ]
    assert progress_chart(history).startswith(PNG)


# --- the command ------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_prints_the_summary() -> None:
    result = runner.invoke(app, [str(GRADED / "negotiation-fr.illegal.json"), "--no-judge"])
    assert result.exit_code == 0, result.output
    assert "/20" in result.output and "BLOC2.A2.C1.CR1" in result.output


def test_cli_json_and_reports(tmp_path: Path) -> None:
    html_path, pdf_path = tmp_path / "r.html", tmp_path / "r.pdf"
    result = runner.invoke(
        app, [str(GRADED / "pitch-en.better.json"), "--json", "--no-judge", "--report", str(html_path)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "oralblanc.scorecard/1" and data["kind"] == "pitch"
    assert "BLOC1.A2.C3.CR3" in html_path.read_text(encoding="utf-8")
    result = runner.invoke(
        app, [str(GRADED / "complaint-fr.blame.json"), "--no-judge", "--report", str(pdf_path)]
    )
    assert result.exit_code == 0, result.output
    assert pdf_path.read_bytes().startswith(b"%PDF")


def test_cli_reads_standard_input() -> None:
    text = (GRADED / "change-en.better.json").read_text(encoding="utf-8")
    result = runner.invoke(app, ["-", "--json", "--no-judge"], input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["criteria"]


def test_cli_unknown_scenario_falls_back_to_kind_or_fails(tmp_path: Path) -> None:
    data = json.loads((GRADED / "complaint-fr.better.json").read_text(encoding="utf-8"))
    data["scenario"] = "no-such-scenario"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, [str(path), "--json", "--no-judge"])
    assert result.exit_code == 0, result.output
    assert [c["code"] for c in json.loads(result.stdout)["criteria"]] == [
        "BLOC2.A2.C1.CR1",
        "BLOC2.A2.C3.CR3",
    ]
    del data["kind"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert runner.invoke(app, [str(path), "--no-judge"]).exit_code == 2


def test_cli_rejects_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert runner.invoke(app, [str(bad)]).exit_code == 2
    assert runner.invoke(app, [str(tmp_path / "missing.json")]).exit_code == 2
    result = runner.invoke(
        app, [str(GRADED / "pitch-en.better.json"), "--no-judge", "--report", str(tmp_path / "r.txt")]
    )
    assert result.exit_code == 2
