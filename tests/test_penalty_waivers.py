"""Late-payment penalties are read by what the sentence does with them: waived or conceded ("nous renonçons
aux pénalités de retard", "we'll waive the late-payment penalties if..."), they are a concession and no
reference to the rules; imposed, announced or kept ("les pénalités de retard s'appliqueront", "we will charge
late-payment penalties", "je ne peux pas y renoncer"), they are one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.catalog import load_catalog
from feedback.markers import illegal_terms
from feedback.observations import observe
from scenarios.director import Director
from scenarios.model import Transcript, Turn
from scenarios.moves import Move, detect_moves

M = Move

WAIVED = [
    ("fr", "Nous renonçons aux pénalités de retard pour ce premier trimestre.", M.unconditional_concession),
    ("fr", "Nous annulons les pénalités de retard sur la facture de mars.", M.unconditional_concession),
    (
        "fr",
        "Je peux supprimer les pénalités de retard si vous réglez le solde avant vendredi.",
        M.conditional_concession,
    ),
    (
        "fr",
        "D'accord, nous acceptons de retirer de l'accord les pénalités de retard.",
        M.unconditional_concession,
    ),
    ("fr", "Les pénalités de retard de mars, nous y renonçons.", M.unconditional_concession),
    (
        "en",
        "We'll waive the late-payment penalties if you settle the March invoices this month.",
        M.conditional_concession,
    ),
    ("en", "We waive the late-payment penalties for this first quarter.", M.unconditional_concession),
    (
        "en",
        "Fine, we agree to remove the late-payment penalties from the agreement.",
        M.unconditional_concession,
    ),
    ("en", "I can drop the late payment penalties on the March invoice.", M.unconditional_concession),
    ("en", "The late-payment penalties will be waived for this first quarter.", None),
]

KEPT = [
    ("fr", "Au-delà de 60 jours, nous appliquerons les pénalités de retard."),
    ("fr", "Les pénalités de retard s'appliqueront dès le premier jour."),
    ("fr", "Le contrat prévoit des pénalités de retard au-delà de dix jours."),
    ("fr", "Je ne peux pas renoncer aux pénalités de retard."),
    ("fr", "Nous ne supprimerons pas les pénalités de retard de l'accord."),
    ("en", "If payment is late, we will charge late-payment penalties."),
    ("en", "Late-payment penalties will apply from day 61."),
    ("en", "We won't waive the late-payment penalties this time."),
    ("en", "I cannot remove the late-payment penalties from the agreement."),
]


@pytest.mark.parametrize(("lang", "text", "concession"), WAIVED, ids=lambda v: str(v)[:50])
def test_waived_penalties_are_a_concession_not_a_reference_to_the_rules(
    lang: str, text: str, concession: Move | None
) -> None:
    moves = detect_moves(text, lang)
    assert M.regulation_reference not in moves, sorted(moves)
    if concession is not None:
        assert concession in moves, sorted(moves)


@pytest.mark.parametrize(("lang", "text"), KEPT, ids=lambda v: str(v)[:50])
def test_imposed_or_kept_penalties_are_a_reference_to_the_rules(lang: str, text: str) -> None:
    moves = detect_moves(text, lang)
    assert M.regulation_reference in moves, sorted(moves)
    assert not moves & {M.unconditional_concession, M.conditional_concession}, sorted(moves)


THEIRS = [  # the other side waives them, or is asked to: no concession of ours
    ("fr", "Nous vous demandons de renoncer aux pénalités logistiques."),
    ("fr", "Vous avez supprimé les pénalités de retard de la facture."),
    ("en", "We ask you to drop the contractual penalties."),
    ("en", "You can remove the late-payment penalties from the invoice."),
]


@pytest.mark.parametrize(("lang", "text"), THEIRS, ids=lambda v: str(v)[:50])
def test_penalties_the_other_side_waives_are_no_concession(lang: str, text: str) -> None:
    moves = detect_moves(text, lang)
    assert not moves & {M.unconditional_concession, M.conditional_concession}, sorted(moves)


SCRIPT = "negotiation-helios-kits-bloc"
WAIVER_TURN = 9  # the weak candidate agrees to strike the penalties from the agreement


@cache
def _weak_observations(lang: str):
    scenario = load_catalog().scenario(SCRIPT)
    plays = yaml.safe_load((Path(__file__).parent / "library_plays" / f"{SCRIPT}.yaml").read_text("utf-8"))
    director = Director(scenario, lang)
    state, _ = director.opening()
    turns = [Turn(speaker="persona", text=scenario.stages[0].says.get(lang)[0])]
    for line in plays[lang]["weak"]:
        if state.ended:
            break
        turns.append(Turn(speaker="candidate", text=line))
        state, direction = director.step(state, line)
        turns.append(Turn(speaker="persona", text=" ".join(b.ref for b in direction.beats) or "..."))
    return plays[lang]["weak"][WAIVER_TURN], observe(
        Transcript(scenario=SCRIPT, language=lang, turns=turns), scenario
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_striking_the_penalties_earns_no_credit_for_citing_the_rules(lang: str) -> None:
    line, obs = _weak_observations(lang)
    assert not [h for h in obs.get(M.regulation_reference) if h.quote in line]
    assert [h for h in obs.get(M.unconditional_concession) if h.quote in line]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_striking_the_penalties_from_the_agreement_is_an_unlawful_term(lang: str) -> None:
    line, obs = _weak_observations(lang)
    assert [h for h in obs.get("illegal") if h.quote in line]


STRUCK = [  # (lang, sentence, unlawful): penalties and the €40 fee are mandatory in the agreement (L441-10)
    ("fr", "D'accord, nous retirons de l'accord les pénalités de retard et l'indemnité de 40 €.", True),
    ("fr", "C'est entendu, l'accord ne prévoira pas de pénalités de retard.", True),
    ("fr", "OK, on supprime les pénalités de retard du contrat.", True),
    ("fr", "Va pour un contrat sans pénalités de retard.", True),
    (
        "en",
        "Fine, we'll remove the late-payment penalties and the €40 recovery fee from the agreement.",
        True,
    ),
    ("en", "We will waive the late-payment penalties in the new contract.", True),
    ("en", "Agreed, the contract won't include any late-payment penalties.", True),
    ("en", "OK, no late-payment penalties in the agreement.", True),
    # refused, asked by the other side, kept, or a one-off gesture on penalties already due: no clause
    (
        "fr",
        "Et je vous demande de retirer de l'accord les pénalités de retard et l'indemnité de 40 €.",
        False,
    ),
    ("fr", "Je ne peux pas accepter que l'accord ne prévoie pas de pénalités de retard.", False),
    ("fr", "Je ne peux pas retirer les pénalités de retard de l'accord : elles sont obligatoires.", False),
    ("fr", "Nous renonçons aux pénalités de retard prévues au contrat pour cette facture.", False),
    ("fr", "Les pénalités de retard restent dans l'accord, c'est la loi.", False),
    ("en", "I cannot take the late-payment penalties out of the agreement.", False),
    ("en", "We'll waive the late-payment penalties on this invoice.", False),
    ("en", "I can't accept a contract without late-payment penalties.", False),
    ("en", "The agreement keeps the late-payment penalties.", False),
]


@pytest.mark.parametrize(("lang", "text", "unlawful"), STRUCK)
def test_penalties_taken_out_of_the_agreement_are_unlawful(lang: str, text: str, unlawful: bool) -> None:
    assert bool(illegal_terms(text, lang)) is unlawful
