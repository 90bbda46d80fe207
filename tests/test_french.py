"""French accuracy with Grammalecte: grammar everywhere, spelling only when typed, typography ignored;
register of address (tu / vous); professional vocabulary."""

from __future__ import annotations

import json

import pytest

from feedback.french import MIN_WORDS, FrenchAssessment, assess_french, check_text, count_words, register_of

CLEAN = (
    "Je comprends tout à fait votre position, et je vous propose que nous regardions ensemble les volumes "
    "de l'année prochaine. Si vous vous engagez sur deux ans, nous pourrions envisager une remise de trois "
    "pour cent sur l'ensemble de la gamme."
)
# Grammar: "je comprend", "pour en discuté", "les prix que nous avons proposé", "si ils travaille".
GRAMMAR = (
    "Bonjour monsieur, je comprend votre inquiétude mais les prix que nous avons proposé sont justes. "
    "Je vous propose de nous revoir mardi pour en discuté. Vos équipes vont réussir si ils travaille ensemble."
)
# Spelling only: unknown words ("grace", "commercialle"), a homophone ("Il à") and a missing hyphen ("Est ce").
SPELLING = (
    "Nous avons augmenté nos ventes cette année grace à notre nouvelle stratégie commercialle. "
    "Il à raison sur ce point. Est ce que cette proposition vous convient pour le contrat de l'année prochaine ?"
)
# Only typography: straight apostrophes, a space before a comma, no non-breaking space before "?" or "%".
TYPOGRAPHY = (
    "Je vais vous envoyer le devis aujourd'hui , d'accord ? C'est une remise de 12% sur le volume annuel. "
    "Qu'en pensez-vous ? Nous pouvons aussi revoir les délais de livraison si c'est important pour vous."
)


def test_clean_french_has_no_error():
    result = assess_french([(CLEAN, False)])
    assert isinstance(result, FrenchAssessment)
    assert result.errors == []
    assert result.errors_per_100_words == 0.0
    assert result.checker.startswith("grammalecte")


def test_grammar_errors_are_found_with_verbatim_quotes():
    result = assess_french([(CLEAN, False), (GRAMMAR, False)])
    assert result is not None
    flagged = {e.flagged for e in result.errors if e.kind == "grammar"}
    assert {"comprend", "discuté", "proposé"} <= flagged
    assert result.measures["grammar_errors"] >= 4
    assert result.errors_per_100_words > 5
    for err in result.errors:
        assert err.turn_index == 1  # the clean turn has none
        assert err.quote in GRAMMAR
        assert err.flagged in err.quote
        assert err.message


def test_one_fault_flagged_at_both_ends_counts_once():
    errors, _ = check_text("Les clients sont contents si ils travaille avec nous depuis longtemps.")
    conj = [e for e in errors if "conj_ils" in e.rule]
    assert len(conj) == 1


def test_typography_is_not_an_error():
    result = assess_french([(TYPOGRAPHY, False)])
    assert result is not None
    assert result.errors == [], [(e.flagged, e.rule) for e in result.errors]


def test_spelling_counts_only_in_typed_turns():
    typed = assess_french([(SPELLING, False)])
    spoken = assess_french([(SPELLING, True)])
    assert typed is not None and spoken is not None
    flagged = {e.flagged for e in typed.errors if e.kind == "spelling"}
    assert {"grace", "commercialle", "à", "Est ce"} <= flagged
    assert typed.measures["spelling_errors"] >= 4
    assert spoken.errors == []
    assert spoken.measures["spelling_errors"] == 0
    assert spoken.measures["typed_words"] == 0
    assert typed.errors_per_100_words > spoken.errors_per_100_words


def test_grammar_counts_in_spoken_turns_too():
    spoken = assess_french([(GRAMMAR, True)])
    assert spoken is not None
    assert {"comprend", "discuté"} <= {e.flagged for e in spoken.errors}
    assert all(e.kind == "grammar" for e in spoken.errors)


def test_names_and_business_anglicisms_are_not_misspellings():
    text = (
        "Avec Acmex et Duravis, nous suivons les leads dans le CRM et nous préparons le closing avant la "
        "deadline de juin, avec un point de suivi en visio chaque semaine et un onboarding des nouveaux clients."
    )
    result = assess_french([(text, False)])
    assert result is not None
    assert [e for e in result.errors if e.kind == "spelling"] == []


@pytest.mark.parametrize(
    ("texts", "register"),
    [
        (["Je vous remercie pour votre accueil. Pouvez-vous me préciser vos contraintes de délai ?"], "vous"),
        (["Je te remercie pour ton accueil. Tu peux me dire ce qui t'inquiète dans ce projet ?"], "tu"),
        (["Merci pour votre accueil.", "Dis-moi, tu as vu les chiffres ?"], "mixed"),
        (["Nous proposons une remise de cinq pour cent sur les volumes annuels."], "unknown"),
        # "le ton" (a tone) and "a-t-il" (euphonic t) are not "tu"
        (["Le ton de la discussion est bon, votre directeur a-t-il validé le budget ?"], "vous"),
        # "changer de ton" and "un ton plus ferme" are a tone; "de ton équipe" is "your team"
        (["Je vous propose de changer de ton. Votre équipe parle sur un ton plus ferme."], "vous"),
        (["Je vous demande l'avis de ton équipe."], "mixed"),
    ],
)
def test_register(texts, register):
    assert register_of(texts)[0] == register


def test_register_is_reported_with_the_candidate_words():
    turns = [
        ("Bonjour madame, merci de nous recevoir, nous avons étudié votre demande avec attention.", False),
        ("Franchement, tu sais bien que ce prix est le meilleur du marché.", True),
    ]
    result = assess_french(turns)
    assert result is not None
    assert result.register == "mixed"
    assert result.measures["tu_forms"] == 1
    assert 0 < result.measures["vouvoiement_ratio"] < 1
    assert [(q.turn_index, q.quote) for q in result.register_evidence] == [
        (1, "Franchement, tu sais bien que ce prix est le meilleur du marché.")
    ]
    polite = assess_french([(CLEAN, False)])
    assert polite.register == "vous" and polite.register_evidence == []
    assert polite.measures["vouvoiement_ratio"] == 1.0


def test_professional_vocabulary():
    plain = "Bonjour, je suis content de vous voir, il fait beau aujourd'hui et nous allons parler un peu ensemble."
    pro = (
        "Sur le contrat cadre, la remise dépend des volumes et du délai de paiement ; notre marge reste "
        "compatible avec votre budget et le retour sur investissement est atteint en dix-huit mois."
    )
    a = assess_french([(plain + " " + plain, False)])
    b = assess_french([(pro, False)])
    assert a is not None and b is not None
    assert a.measures["professional_terms"] == 0
    assert {"contrat", "remise", "volumes", "marge", "budget", "retour sur investissement"} <= set(
        b.professional_terms
    )
    assert b.measures["professional_terms_per_100_words"] > 10


def test_too_little_french_is_none():
    assert assess_french([]) is None
    assert assess_french([("D'accord, merci.", False), ("Oui, bien sûr.", True)]) is None
    assert count_words(CLEAN) >= MIN_WORDS


def test_assessment_serialises():
    result = assess_french([(GRAMMAR, False), (SPELLING, True), (CLEAN, False)])
    payload = json.loads(result.model_dump_json())
    assert set(payload) >= {"errors_per_100_words", "measures", "errors", "register"}
    assert all(set(e) >= {"turn_index", "quote", "message"} for e in payload["errors"])
