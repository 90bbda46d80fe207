"""Offers beyond the candidate's mandate (the script's `terms[].mandate`, remembered by the director's dialogue
state) are a fault of BLOC2.A2.C2.CR2.1, quoted in the candidate's own words, with advice; within the mandate,
no fault. Played on the library's negotiation script (mandate: -3 % on the net price, 60 days), FR and EN."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.catalog import load_catalog
from feedback.scorecard import Scorecard
from feedback.scorer import score
from scenarios.director import Director
from scenarios.model import Scenario, Transcript, Turn

SCRIPT = "negotiation-castelnau-arrosage"
PLAYS = yaml.safe_load(
    (Path(__file__).parent / "library_plays" / f"{SCRIPT}.yaml").read_text(encoding="utf-8")
)
CR2, CR2_1 = "BLOC2.A2.C2.CR2", "BLOC2.A2.C2.CR2.1"
PRICE_TURN = 3  # the strong candidate's conditional price offer (2 %), index in the play
# the same sentence, the figure only differs: within the mandate (3 %), then beyond it (15 %)
OFFER = {
    "fr": "Dans le cadre de mon mandat, si vous vous engagez sur deux ans, je peux vous accorder {} % sur le prix net, "
    "parce que vos volumes le permettent.",
    "en": "Within my mandate, if you commit for two years, I can give you {}% off the net price, because your volumes "
    "allow it.",
}
BEYOND = {lang: text.format(15) for lang, text in OFFER.items()}
NEXT = {  # the play's next line, which offered 3 % again, now asks for forecasts against a rebate
    "fr": "Si vous partagez aussi vos prévisions à douze semaines, nous pouvons ajouter une remise de fin d'année par paliers.",
    "en": "If you also share twelve-week forecasts, we can add a tiered year-end rebate.",
}


@cache
def scenario() -> Scenario:
    return load_catalog().scenario(SCRIPT)


def play(lines: tuple[str, ...], lang: str) -> Transcript:
    director = Director(scenario(), lang)
    state, _ = director.opening()
    turns = [Turn(speaker="persona", text=scenario().stages[0].says.get(lang)[0])]
    for line in lines:
        if state.ended:
            break
        turns.append(Turn(speaker="candidate", text=line))
        state, direction = director.step(state, line)
        turns.append(Turn(speaker="persona", text=" ".join(b.ref for b in direction.beats) or "..."))
    return Transcript(scenario=SCRIPT, language=lang, turns=turns)


@cache
def card(lang: str, beyond: bool) -> tuple[Transcript, Scorecard]:
    lines = list(PLAYS[lang]["strong"])
    lines[PRICE_TURN] = OFFER[lang].format(15 if beyond else 3)
    lines[PRICE_TURN + 1] = NEXT[lang]
    t = play(tuple(lines), lang)
    return t, score(t, scenario())


def indicator(c: Scorecard, code: str):
    return next(i for i in c.criterion(CR2).indicators if i.code == code)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_within_the_mandate_there_is_no_fault(lang: str) -> None:
    _, c = card(lang, beyond=False)
    i = indicator(c, CR2_1)
    assert not any(a.quote == BEYOND[lang] or "15" in a.quote for a in i.against)
    assert "au-delà du mandat" not in (i.note or "") and "beyond the mandate" not in (i.note or "")
    assert "au-delà de votre mandat" not in (i.advice or "") and "beyond your mandate" not in (i.advice or "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_beyond_the_mandate_is_a_quoted_fault_and_lowers_the_level(lang: str) -> None:
    t, within = card(lang, beyond=False)
    t_beyond, beyond = card(lang, beyond=True)
    i = indicator(beyond, CR2_1)
    assert i.met is False and i.strength == 0
    assert [a.quote for a in i.against][:1] == [BEYOND[lang]]
    turn = t_beyond.turns[i.against[0].turn - 1]
    assert turn.speaker == "candidate" and i.against[0].quote in turn.text  # the candidate's own words
    assert (
        ("au-delà de votre mandat (3 % au plus" in i.advice)
        if lang == "fr"
        else ("beyond your mandate (at most 3%" in i.advice)
    )
    assert ("offre(s) au-delà du mandat" if lang == "fr" else "offer(s) beyond the mandate") in (i.note or "")
    lvl_within, lvl_beyond = within.criterion(CR2).level, beyond.criterion(CR2).level
    assert lvl_beyond is not None and lvl_within is not None and lvl_beyond <= 1
    assert indicator(within, CR2_1).strength > i.strength and lvl_beyond <= lvl_within
    assert beyond.overall.score_20 <= within.overall.score_20
    if (
        lang == "fr"
    ):  # (in English another line of the strong play still reads as a concession given for nothing)
        assert indicator(within, CR2_1).met and lvl_beyond < lvl_within
        assert beyond.overall.score_20 < within.overall.score_20


def test_the_weak_library_candidate_is_told_about_both_terms() -> None:
    """The weak play concedes 4 % (mandate 3 %) and 90 days (mandate 60): each is quoted against CR2.1."""
    for lang in ("fr", "en"):
        t = play(tuple(PLAYS[lang]["weak"]), lang)
        i = indicator(score(t, scenario()), CR2_1)
        quotes = [a.quote for a in i.against]
        assert any("4" in q for q in quotes) and any("90" in q for q in quotes), quotes
