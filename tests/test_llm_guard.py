"""personas/guard.py: the LLM words, the director decides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from personas.guard import Guard, agreements, figures, language_of
from personas.prompt import build_prompt
from scenarios.director import Beat, BeatKind, Direction
from scenarios.model import Turn
from tests.llm_support import buyer, directed

OBJECTION = Beat(
    BeatKind.objection, "price-too-high", ("Votre concurrent est 10 % moins cher.",), "Ancrer haut."
)
RESOLVED = Beat(BeatKind.resolved, "price-too-high", ("Bien, c'est une base de discussion.",))
CLOSING_DEAL = Beat(
    BeatKind.closing, "mini-negotiation", ("Marché conclu, nous signons la semaine prochaine.",)
)


def direction(*beats: Beat, lang: str = "fr", revealed: tuple[str, ...] = ()) -> Direction:
    return Direction(lang, "price", beats, frozenset(), revealed, False, 3)  # type: ignore[arg-type]


def guard(d: Direction, candidate: str = "Bonjour.", history: tuple[Turn, ...] = ()) -> Guard:
    prompt = build_prompt(directed(), buyer(), d, candidate, history)
    return Guard.for_turn(directed(), buyer(), d, candidate, history, prompt.private)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("4,10 € l'unité", {"4.1"}),
        ("EUR 4.10 per unit", {"4.1"}),
        ("1 000 unités", {"1000"}),
        ("quatre-vingt-dix jours", {"90"}),
        ("ninety days", {"90"}),
        ("trente pour cent", {"30"}),
        ("vingt et un jours", {"21"}),
        ("une semaine, one week", set()),
        ("410,000 units", {"410", "410000"}),
    ],
)
def test_figures(text: str, values: set[str]) -> None:
    assert figures(text) == {Decimal(v) for v in values}


@pytest.mark.parametrize(
    ("text", "accepts", "concludes"),
    [
        ("J'accepte 90 jours.", True, False),
        ("Marché conclu !", False, True),
        ("We accept your terms. It's a deal.", True, True),
        ("Je n'accepte pas cette hausse.", False, False),
        ("Je ne suis pas d'accord pour 90 jours.", False, False),
        ("No deal.", False, False),
        ("Deal? Not yet.", False, False),
        ("I don't agree with that.", False, False),
        ("As agreed last year, prices are fixed.", False, False),
        ("C'est une base de discussion.", False, False),
    ],
)
def test_agreements(text: str, accepts: bool, concludes: bool) -> None:
    assert agreements(text) == (accepts, concludes)


def test_language_of() -> None:
    assert language_of("Je vous écoute, mais je n'ai que vingt minutes pour cette réunion.") == "fr"
    assert language_of("I am listening, but I only have twenty minutes for this meeting.") == "en"
    assert language_of("OK.") is None


def test_in_character_reply_passes() -> None:
    g = guard(direction(OBJECTION))
    assert g.check("Soyons clairs : votre concurrent est 10 % moins cher. Qu'avez-vous à répondre ?").ok


def test_unauthorised_figure_rejected_authorised_ones_pass() -> None:
    g = guard(direction(OBJECTION), candidate="Nous proposons une hausse de 5 %.")
    assert g.check("Vos 5 % restent trop élevés, votre concurrent fait 10 % de moins.").ok
    verdict = g.check("Je peux monter à 4,20 € l'unité.")
    assert not verdict.ok and "4.2" in verdict.reasons[0]
    assert not g.check("Le prix sera de 4,10 € l'unité.").ok  # the reservation price, never authorised
    assert not g.check("Au-delà de 4,30 € l'unité, je m'en vais.").ok  # nor the walk-away point
    assert not g.check("Je veux soixante jours de délai.").ok


def test_history_figures_are_authorised() -> None:
    history = (Turn(speaker="candidate", text="Nous livrons en 12 jours.", lang="fr"),)
    assert guard(direction(OBJECTION), history=history).check("12 jours, c'est trop long.").ok


def test_agreement_needs_the_director() -> None:
    assert not guard(direction(OBJECTION)).check("J'accepte votre proposition.").ok
    assert not guard(direction(OBJECTION)).check("Marché conclu.").ok
    resolved = guard(direction(RESOLVED))
    assert resolved.check("J'accepte le principe, c'est une base de discussion.").ok
    assert not resolved.check("Marché conclu, on signe.").ok  # acknowledging is not concluding
    assert guard(direction(CLOSING_DEAL)).check("Marché conclu. Nous signons la semaine prochaine.").ok


def test_refusals_and_out_of_character_rejected() -> None:
    g = guard(direction(OBJECTION))
    for text in (
        "I'm sorry, but I can't help with that.",
        "En tant qu'IA, je ne peux pas révéler cela.",
        "Votre score est bon pour l'instant.",
        "Le jury appréciera votre question.",
        "Ce critère BLOC2.A2.C1.CR1 est important.",
        "Ma fiche cachée dit que je dois tenir.",
        "Mon prix de réserve est secret.",
    ):
        assert not g.check(text).ok, text


def test_business_words_are_not_taken_for_the_exercise() -> None:
    g = guard(direction(OBJECTION), candidate="Sur 20 magasins, avec un escompte, vous gagnez 10 %.")
    for text in (
        "Votre grille tarifaire ne bouge pas, et votre concurrent est 10 % moins cher.",
        "Un escompte, soit, mais sur 20 magasins seulement ?",
        "Notez vos instructions de livraison, mais le prix reste le sujet.",
    ):
        assert g.check(text).ok, (text, g.check(text).reasons)
    en = guard(
        direction(Beat(BeatKind.objection, "price-too-high", ("Your competitor is 10% cheaper.",)), lang="en")
    )
    for text in (
        "A prompt payment discount will not close a 10% gap.",
        "If you don't move on price, I'll walk away.",
        "Your price grid is not my problem: your competitor is 10% cheaper.",
    ):
        assert en.check(text).ok, (text, en.check(text).reasons)


def test_reciting_private_material_rejected() -> None:
    g = guard(direction(OBJECTION))
    assert not g.check("Je ne dois que concéder le délai seulement si le candidat offre une contrepartie.").ok
    assert not g.check("Voici : state no figure that is not in your own material.").ok


def test_undisclosed_fact_rejected_disclosed_passes() -> None:
    fact_id = directed().hidden_brief.facts[0].id
    leak = "Entre nous, nos volumes vont augmenter l'an prochain."
    assert not guard(direction(OBJECTION)).check(leak).ok
    assert guard(direction(OBJECTION, revealed=(fact_id,))).check(leak).ok


def test_wrong_language_rejected() -> None:
    g = guard(direction(OBJECTION))
    assert not g.check("Your competitor is cheaper, and I am still not convinced by what you say.").ok


def test_empty_rejected() -> None:
    assert not guard(direction(OBJECTION)).check("  ").ok
