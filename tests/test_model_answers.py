"""Model answers that teach: the script's `model_answers` (per objection and per stage, FR and EN) are linted
with the real move detectors, and the report shows, beside a weak indicator, the candidate's own words at that
moment and a model answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import load_catalog
from feedback.report import render_html, summary
from feedback.scorer import score
from scenarios.listening_lint import check_model_answers
from scenarios.loader import lint_scenarios
from scenarios.model import LANGS, Scenario
from tests.test_mandate import PLAYS, SCRIPT, play

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios" / "library"
FOUR = [
    "negotiation-castelnau-arrosage",
    "complaint-arvel-collage-vitrage",
    "change-verticales-crm",
    "pitch-orvalis-flux",
]


@pytest.mark.parametrize("script", FOUR)
def test_the_library_scripts_carry_model_answers_for_every_objection_and_stage(script: str) -> None:
    s = load_catalog().scenario(script)
    for holder in [*s.stages, *(o for st in s.stages for o in st.objections)]:
        assert holder.model_answers is not None, holder.id
        for lang in LANGS:
            assert holder.model_answers.get(lang), (holder.id, lang)
    assert check_model_answers(s) == []


def _with_answer(where: str, fr: str, en: str) -> Scenario:
    data = load_catalog().scenario(SCRIPT).model_dump()
    stage = data["stages"][1]  # prix
    target = stage if where == "stage" else stage["objections"][0]  # baisse-6-pourcent
    target["model_answers"] = {"fr": [fr], "en": [en]}
    return Scenario.model_validate(data)


def test_a_model_answer_that_would_not_score_is_refused() -> None:
    bad = _with_answer(
        "objection",
        "Je vous accorde 4 % sur le prix net, sans condition.",  # unconditional, and beyond the 3 % mandate
        "Our range is the best, isn't it?",  # leading, answers nothing
    )
    problems = [msg for _, msg in check_model_answers(bad)]
    assert any("unconditional_concession" in p and "avoids" in p for p in problems)
    assert any("beyond the candidate's mandate 3" in p for p in problems)
    assert any("leading_question" in p for p in problems)
    assert any("not detected as conditional_concession or quantified_argument" in p for p in problems)
    stage = _with_answer("stage", "Bonjour.", "Hello.")
    assert any(
        "stage 'prix': model answer is not detected as" in msg for _, msg in check_model_answers(stage)
    )


def test_the_lint_names_the_file_and_line(tmp_path: Path) -> None:
    text = (LIBRARY / f"{SCRIPT}.yaml").read_text(encoding="utf-8")
    good = "Moins 6 % retirerait près de 148 000 € de marge au compte."
    assert good in text
    broken = tmp_path / f"{SCRIPT}.yaml"
    broken.write_text(
        text.replace(good, "Je vous accorde 4 % sur le prix net, sans condition.", 1), encoding="utf-8"
    )
    report = lint_scenarios([broken])
    lines = [str(p) for p in report.problems]
    assert lines and all(f"{SCRIPT}.yaml:" in line for line in lines)
    assert any("model answer" in line for line in lines)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_shows_the_candidates_words_and_a_model_answer_beside_a_weak_indicator(lang: str) -> None:
    s = load_catalog().scenario(SCRIPT)
    t = play(tuple(PLAYS[lang]["weak"]), lang)
    card = score(t, s)
    taught = [i for c in card.criteria for i in c.indicators if i.model_answer]
    assert taught and all(i.met is False for i in taught)
    answers = {
        a
        for st in s.stages
        for h in [st, *st.objections]
        if h.model_answers
        for a in h.model_answers.get(lang)
    }
    answers |= {
        a
        for st in s.stages
        for h in [st, *st.objections]
        if h.model_answers
        for a in h.model_answers.get("en")
    }
    assert all(i.model_answer in answers for i in taught)
    for i in taught:  # the candidate's words at that moment are theirs, verbatim
        if i.moment is not None:
            turn = t.turns[i.moment.turn - 1]
            assert turn.speaker == "candidate" and i.moment.quote in turn.text
    # the offer beyond the mandate is taught with the answer to the price objection, within the mandate
    cr2_1 = next(i for c in card.criteria for i in c.indicators if i.code == "BLOC2.A2.C2.CR2.1")
    assert cr2_1.model_answer_at == "objection:baisse-6-pourcent" and cr2_1.moment is not None
    page = render_html(card)
    said, model = ("Vous avez dit", "Réponse modèle") if lang == "fr" else ("You said", "Model answer")
    assert said in page and model in page and 'class="teach"' in page
    assert ("✎ Modèle" if lang == "fr" else "✎ Model") in summary(card)


def test_a_strong_session_is_not_lectured() -> None:
    s = load_catalog().scenario(SCRIPT)
    card = score(play(tuple(PLAYS["fr"]["strong"]), "fr"), s)
    assert all(i.model_answer is None for c in card.criteria for i in c.indicators if i.met is not False)
