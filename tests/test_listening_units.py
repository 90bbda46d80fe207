"""The pieces the director listens with: offered figures, topic words, and their lint checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog import lint_paths
from scenarios.model import Unit
from scenarios.offers import format_figure, offered_figures
from scenarios.topics import matches

DATA = Path(__file__).parent / "data"


def offers(text: str) -> list[tuple[float, str, bool]]:
    return [
        (f.value, f.unit.value, o.conditional)
        for o in offered_figures(text)
        if not o.elliptic
        for f in o.figures
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On peut descendre à 4 % sur toute la gamme.", [(4.0, "percent", False)]),
        ("Nous sommes prêts à accorder 2,5 % si vous signez pour trois ans.", [(2.5, "percent", True)]),
        ("En contrepartie d'un engagement de deux ans, on vous consent 3 %.", [(3.0, "percent", True)]),
        ("We could knock 5% off the list price.", [(5.0, "percent", False)]),
        ("We are willing to give you 5% off.", [(5.0, "percent", False)]),
        ("I'm prepared to extend payment to 60 days provided you order full trucks.", [(60.0, "days", True)]),
        ("Nous couvrirons jusqu'à 25 000 euros de frais de reprise.", [(25000.0, "eur", False)]),
        ("We'll reimburse €12,500 and no more.", [(12500.0, "eur", False)]),
        ("We will refund €12,500.", [(12500.0, "eur", False)]),
        ("Je te garantis le maintien pendant un an.", [(12.0, "months", False)]),
        ("Vous voulez 6 %, mais cela nous coûterait 150 000 €.", []),
        ("Je refuse d'aller à 6 %.", []),
        ("We cannot go to 6%.", []),
        ("Our sales grew by 12% last year.", []),
    ],
)
def test_offered_figures(text: str, expected: list) -> None:
    assert offers(text) == expected


def test_a_bare_figure_is_only_a_candidate_follow_on() -> None:
    (sentence,) = offered_figures("Et même 15 % si ça vous arrange.")
    assert sentence.elliptic and sentence.figures[0].value == 15
    assert offered_figures("Our sales grew by 12% last year.") == []
    assert offered_figures("Vous demandez 6 %.") == []


def test_figures_are_spoken_in_each_language() -> None:
    assert format_figure(6, Unit.percent, "fr") == "6 %" and format_figure(6, Unit.percent, "en") == "6%"
    assert (
        format_figure(40000, Unit.eur, "fr") == "40\u202f000 €"
        and format_figure(40000, Unit.eur, "en") == "€40,000"
    )
    assert format_figure(2.5, Unit.percent, "fr") == "2,5 %"
    assert format_figure(90, Unit.days, "en") == "90 days"


@pytest.mark.parametrize(
    ("sentence", "topics", "hit"),
    [
        ("Quels volumes prévoyez-vous pour la saison prochaine ?", ["prévoir"], "prévoir"),
        ("Quels volumes prévoyez-vous pour la saison prochaine ?", ["saison prochaine"], "saison prochaine"),
        ("How are you forecasting demand?", ["forecast"], "forecast"),
        ("Où la colle était-elle stockée ?", ["stockage"], "stockage"),
        ("Quelle est la saisonnalité de vos achats ?", ["saison prochaine"], None),
        ("Parlons de vos partenaires.", ["part"], None),
    ],
)
def test_topic_words_match_whatever_the_ending(sentence: str, topics: list[str], hit: str | None) -> None:
    assert matches(sentence, topics) == hit


TERM = """  terms:
    - id: remise
      unit: percent
      label: {fr: remise, en: discount}
      about: {fr: [remise], en: [discount]}
      persona_wants: more
      demand: 10
      accept: 12
      objection: nowhere
      when_met: {fr: ["Je prends {offer}."], en: ["I'll take {offer}."]}
      when_below: {fr: ["{offer} ? Il me faut {demande}."], en: ["{offer}? I need {demand}."]}
stages:
"""


def test_listening_mistakes_are_reported_with_their_line(tmp_path: Path) -> None:
    shutil.copy(DATA / "test-buyer.yaml", tmp_path / "persona.yaml")
    text = (DATA / "mini-negotiation.yaml").read_text(encoding="utf-8").replace("stages:\n", TERM, 1)
    text = text.replace(
        "persona: test-buyer\n",
        "persona: test-buyer\nparticipants:\n  - id: mark\n    name: Mark\n"
        "    language: en\n    addressed_by: {fr: [Mark], en: [Mark]}\n    joins_in: nowhere\n"
        "    joins: {fr: [Mark arrive.], en: [Mark is joining.]}\n",
        1,
    )
    script = tmp_path / "script.yaml"
    script.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    problems = [str(p) for p in lint_paths([tmp_path])]

    def at(needle: str) -> int:
        return next(i for i, line in enumerate(lines, start=1) if needle in line)

    assert f"{script}:{at('objection: nowhere')}: term 'remise': unknown objection 'nowhere'" in problems
    assert (
        f"{script}:{at('accept: 12')}: term 'remise': accept 12 is better for the persona than its demand 10"
        in problems
    )
    assert any(
        p.startswith(f"{script}:{at('{demande}')}:") and "unknown placeholder {demande}" in p
        for p in problems
    ), problems
    assert f"{script}:{at('joins_in: nowhere')}: participant 'mark': unknown stage 'nowhere'" in problems
