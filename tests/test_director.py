"""The director and the scripted actor: reproducible, and responsive to what the candidate does."""

from __future__ import annotations

from pathlib import Path

import pytest

from personas.actors import Cue, ScriptedActor
from scenarios.director import BeatKind, Director
from scenarios.loader import load_scenario
from scenarios.model import Scenario

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(DATA / "mini-negotiation.yaml")


def play(scenario: Scenario, lines: list[str], lang: str = "fr"):
    """Persona replies and directions for a scripted candidate."""
    director, actor = Director(scenario, lang), ScriptedActor(scenario)
    state, direction = director.opening()
    replies, directions = [actor.line(Cue(direction, ""))], [direction]
    for line in lines:
        if state.ended:
            break
        state, direction = director.step(state, line)
        replies.append(actor.line(Cue(direction, line)))
        directions.append(direction)
    return state, replies, directions


EXPLORER = [
    "Quels sont vos volumes prévus pour l'an prochain ?",
    "Si je vous comprends bien, vous cherchez surtout à sécuriser vos approvisionnements.",
    "Je comprends. Qu'est-ce qui compte le plus pour vous dans ce renouvellement ?",
    "Si vous vous engagez sur 24 mois, nous limitons la hausse à 3 %.",
    "Pour résumer : engagement de 24 mois, hausse limitée à 3 %. Prochaine étape : je vous envoie la proposition vendredi.",
    "Thank you. What matters most to your London team?",
    "To sum up, I will send the proposal by Friday.",
]

PRICE_REPEATER = [
    "Notre prix est de 4,50 € l'unité.",
    "Notre prix est de 4,50 € l'unité.",
    "Notre prix est de 4,50 € l'unité.",
    "Notre prix est de 4,50 € l'unité.",
    "Notre prix est de 4,50 € l'unité.",
    "Notre prix est de 4,50 € l'unité.",
    "Notre prix est de 4,50 € l'unité.",
]


def test_same_inputs_give_the_same_transcript(scenario: Scenario) -> None:
    first = play(scenario, EXPLORER)[1]
    second = play(scenario, EXPLORER)[1]
    assert first == second
    assert len(first) > 3


def test_different_inputs_hear_different_replies(scenario: Scenario) -> None:
    _, explorer, _ = play(scenario, EXPLORER)
    _, repeater, _ = play(scenario, PRICE_REPEATER)
    assert explorer[0] == repeater[0]  # the opening depends on nothing the candidate did
    assert explorer[1:] != repeater[1:]


def test_an_explorer_discovers_the_hidden_fact_and_answers_the_objection(scenario: Scenario) -> None:
    state, replies, directions = play(scenario, EXPLORER)
    assert "volume-growth" in state.revealed
    assert any("30 %" in r for r in replies)
    assert "price-too-high" in state.resolved
    assert state.ended
    kinds = [b.kind for d in directions for b in d.beats]
    assert BeatKind.fact in kinds and BeatKind.resolved in kinds and BeatKind.closing in kinds


def test_a_price_repeater_hears_pushback_and_discovers_nothing(scenario: Scenario) -> None:
    state, replies, directions = play(scenario, PRICE_REPEATER)
    assert state.revealed == ()
    assert "price-too-high" in state.unresolved
    assert "price-too-high" not in state.resolved
    assert any(b.kind == BeatKind.unresolved for d in directions for b in d.beats)
    assert not any("30 %" in r for r in replies)


def test_the_explorer_reaches_later_stages_sooner(scenario: Scenario) -> None:
    _, _, explorer = play(scenario, EXPLORER)
    _, _, repeater = play(scenario, PRICE_REPEATER)

    def turn_reaching(directions, stage_id):
        return next((d.turn for d in directions if d.stage_id == stage_id), None)

    assert turn_reaching(explorer, "wrap-up") is not None
    assert turn_reaching(repeater, "wrap-up") is None or turn_reaching(explorer, "wrap-up") < turn_reaching(
        repeater, "wrap-up"
    )


def test_the_persona_switches_to_english_at_the_switch_stage(scenario: Scenario) -> None:
    _, replies, directions = play(scenario, EXPLORER, lang="fr")
    switched = next(d for d in directions if d.stage_id == "wrap-up")
    assert switched.language == "en"
    assert "let's go on in English" in replies[directions.index(switched)]
    assert directions[0].language == "fr"


def test_a_leading_question_reveals_nothing(scenario: Scenario) -> None:
    state, _, _ = play(scenario, ["Vos volumes vont augmenter, n'est-ce pas ?"])
    assert state.revealed == ()


def test_the_scenario_closes_at_max_turns(scenario: Scenario) -> None:
    state, _, directions = play(scenario, ["Bonjour."] * 30)
    assert state.ended
    assert state.turns <= scenario.max_turns
    assert directions[-1].beats[-1].kind == BeatKind.closing


def test_replay_rebuilds_the_same_state(scenario: Scenario) -> None:
    state, _, _ = play(scenario, EXPLORER[:4])
    assert Director(scenario, "fr").replay(EXPLORER[:4]) == state


def test_the_state_is_serialisable(scenario: Scenario) -> None:
    state, _, _ = play(scenario, EXPLORER[:3])
    assert type(state).model_validate_json(state.model_dump_json()) == state


def test_stepping_after_the_end_is_refused(scenario: Scenario) -> None:
    state, _, _ = play(scenario, ["Bonjour."] * 30)
    with pytest.raises(ValueError):
        Director(scenario, "fr").step(state, "Encore ?")


def test_the_persona_never_says_the_same_sentence_twice(scenario: Scenario) -> None:
    _, replies, _ = play(scenario, PRICE_REPEATER * 3)
    sentences = [
        s for r in replies for s in r.replace("?", "?|").replace(".", ".|").split("|") if len(s.split()) >= 3
    ]
    assert len(sentences) == len(set(s.strip() for s in sentences))


def test_the_state_records_each_objection_and_its_status(scenario: Scenario) -> None:
    state, _, _ = play(scenario, EXPLORER)
    assert state.objections["price-too-high"].status == "answered"
    state, _, _ = play(scenario, PRICE_REPEATER)
    assert state.objections["price-too-high"].status == "escalated"
    assert state.objections["price-too-high"].presses >= 1
