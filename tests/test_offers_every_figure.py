"""Every figure a candidate offers in a sentence is read ("3 %, voire 15 %", "start at 2 % and go to 12 %"),
so the mandate check sees the largest concession; figures that are not offers stay out: the client's own
demand quoted back, a quantity or an amount the offer applies to, a date."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

from scenarios.director import Director, DirectorState
from scenarios.offers import offered_figures

sys.path.insert(0, str(Path(__file__).parent))
from test_mandate import CR2_1, PLAYS, indicator, play, scenario  # noqa: E402

from feedback.scorer import score  # noqa: E402


def offered(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.unit.value) for o in offered_figures(text) for f in o.figures]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Je peux faire 3 %, voire 15 % si vous signez sur trois ans.",
            [(3.0, "percent"), (15.0, "percent")],
        ),
        ("Je peux faire 3 % et même 15 % sur le volume.", [(3.0, "percent"), (15.0, "percent")]),
        ("We could start at 2 % and go to 12 % on volume.", [(2.0, "percent"), (12.0, "percent")]),
        ("We could start at 2% and go to 12% on volume.", [(2.0, "percent"), (12.0, "percent")]),
        ("I can give you 3%, even 15% if you commit for three years.", [(3.0, "percent"), (15.0, "percent")]),
        ("Vous demandez 15 %, je peux faire 3 %.", [(3.0, "percent")]),
        ("Vous demandez 15 % : je peux vous faire 3 %.", [(3.0, "percent")]),
        ("Je peux faire 3 % au lieu des 15 % que vous demandez.", [(3.0, "percent")]),
        ("You're asking for 15%, but I can do 3%.", [(3.0, "percent")]),
        ("I can give you 3% instead of the 15% you asked for.", [(3.0, "percent")]),
        ("Je peux vous faire 3 % sur 500 unités livrées le 12 mars.", [(3.0, "percent")]),
        ("We can offer 2% on your 400,000 units from 1 March.", [(2.0, "percent")]),
        ("Je peux vous faire 1 % sur vos 410 000 € de commandes.", [(1.0, "percent")]),
        ("Nous pouvons prendre en charge 12 000 € sur les 91 800 € que vous réclamez.", [(12000.0, "eur")]),
        ("We can cover €12,000 of the €91,800 you claimed.", [(12000.0, "eur")]),
        ("Je peux faire 3 % au lieu de 15 %.", [(3.0, "percent")]),
        ("Je vous propose 3 % de remise.", [(3.0, "percent")]),
        # the other side's demand granted is offered
        ("Je vous accorde les 6 % que vous demandez.", [(6.0, "percent")]),
        ("OK, I'll give you the 6% you asked for.", [(6.0, "percent")]),
        ("Je peux accepter votre demande de 6 %.", [(6.0, "percent")]),
    ],
)
def test_every_offered_figure_and_only_those(text: str, expected: list) -> None:
    assert offered(text) == expected


OPENING = 0  # no objection pending and nothing offered yet: the words around a figure alone say its term
SECOND = {
    "fr": "Je peux vous faire 3 % de remise, voire 15 % si vous vous engagez sur trois ans.",
    "en": "We could start at a 2% discount and go to 12% on volume.",
}
FOLLOW_ON = {
    "fr": "Je peux vous faire 3 % de remise. Et même 15 % si vous vous engagez sur trois ans.",
    "en": "I can give you a 3% discount. Even 15% if you commit for three years.",
}
QUOTED_DEMAND = {
    "fr": "Vous demandez 15 %, je peux vous faire 3 % de remise.",
    "en": "You're asking for 15%, but I can give you a 3% discount.",
}


def _state_after(lang: str, line: str, index: int = OPENING) -> DirectorState:
    lines = list(PLAYS[lang]["strong"])
    lines[index] = line
    director = Director(scenario(), lang)
    state, _ = director.opening()
    for text in lines[: index + 1]:
        state, _ = director.step(state, text)
    return state


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("lines", [SECOND, FOLLOW_ON], ids=["same sentence", "next sentence"])
def test_the_mandate_check_sees_the_largest_figure_offered(lang: str, lines: dict) -> None:
    state = _state_after(lang, lines[lang])
    offers = [(o.term, o.value) for o in state.offers]
    largest = 15.0 if lang == "fr" or lines is FOLLOW_ON else 12.0
    assert ("remise-prix", largest) in offers, offers
    assert [o.value for o in state.beyond_mandate] == [largest]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("index", [OPENING, 3])
def test_the_clients_demand_quoted_back_is_no_offer(lang: str, index: int) -> None:
    state = _state_after(lang, QUOTED_DEMAND[lang], index)
    assert [o.value for o in state.offers if o.term == "remise-prix"][-1:] == [3.0]
    assert not state.beyond_mandate


@pytest.mark.parametrize(
    ("lang", "line"),
    [("fr", "Je vous accorde les 6 % que vous demandez."), ("en", "OK, I'll give you the 6% you asked for.")],
)
def test_the_clients_demand_granted_is_beyond_the_mandate(lang: str, line: str) -> None:
    state = _state_after(lang, line, 3)
    assert [(o.term, o.value) for o in state.beyond_mandate] == [("remise-prix", 6.0)]


@cache
def _card(lang: str):
    lines = list(PLAYS[lang]["strong"])
    lines[3] = SECOND[lang]
    return score(play(tuple(lines), lang), scenario())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_second_figure_beyond_the_mandate_is_quoted_against_cr2_1(lang: str) -> None:
    i = indicator(_card(lang), CR2_1)
    assert i.met is False and i.strength == 0
    assert SECOND[lang] in [a.quote for a in i.against]


CONDITION_NAMES_ANOTHER_TERM = {
    "fr": "Je peux faire 3 %, voire 15 % si vous signez sur trois ans.",
    "en": "I can do 3%, even 15% if you sign for three years.",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_condition_naming_another_term_does_not_hide_the_offer(lang: str) -> None:
    # "si vous signez" is what the client gives, not the signing bonus (a term heard only at the conclusion):
    # against the 6 % demand, both figures are offers on the price and 15 % is beyond the mandate
    state = _state_after(lang, CONDITION_NAMES_ANOTHER_TERM[lang], 3)
    assert [(o.term, o.value) for o in state.offers][-2:] == [("remise-prix", 3.0), ("remise-prix", 15.0)]
    assert [o.value for o in state.beyond_mandate] == [15.0]
