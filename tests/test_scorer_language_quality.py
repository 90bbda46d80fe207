"""BLOC3.A1.C5.CR5, "Communiquer en français et en anglais": the register of address (CR5.1) and the
professional terms (CR5.3, first half).

- With a client or the Direction (scenario `french_register: vous`, or unset in a client scenario), saying
  "tu" costs CR5.1 one level and the "tu" sentence is quoted against; in the change interview
  (`french_register: tu`) the same words cost nothing.
- CR5.3 gains a point when the candidate uses enough distinct professional terms in every language they
  spoke, each counted in turns of its own language; a misused term (false friend, wrong form) is quoted
  against with the right word and gives no point.
"""

from __future__ import annotations

import pytest

from bot.catalog import load_catalog
from feedback import english, french
from feedback.observations import observe
from feedback.rules import MIN_DISTINCT_TERMS, assess
from feedback.scorer import score
from scenarios.model import Audio, ScoredCriterion, Transcript, Turn

CR5 = "BLOC3.A1.C5.CR5"
FRENCH, TERMS = f"{CR5}.1", f"{CR5}.3"

# Clean French (no Grammalecte error), said to a buyer; the second turn is the one that changes.
OPENING = (
    "Bonjour madame, merci de me recevoir aujourd'hui. Je souhaite comprendre vos priorités pour la saison "
    "prochaine avant de parler de notre proposition."
)
TU = "Franchement, tu sais bien que nos délais sont les meilleurs de la région."
VOUS = "Franchement, vous savez bien que nos délais sont les meilleurs de la région."
CLOSING = "Je vous envoie une synthèse écrite demain matin et nous fixons ensemble la prochaine rencontre."


def _transcript(
    candidate: list[str],
    *,
    scenario: str | None = None,
    kind: str | None = None,
    langs: list[str] | None = None,
    typed: bool = True,
) -> Transcript:
    turns: list[Turn] = []
    for i, text in enumerate(candidate):
        lang = (langs or ["fr"] * len(candidate))[i]
        turns.append(
            Turn(speaker="persona", text="Je vous écoute." if lang == "fr" else "I'm listening.", lang=lang)
        )
        turns.append(
            Turn(speaker="candidate", text=text, lang=lang, audio=None if typed else Audio(duration_s=5.0))
        )
    return Transcript(scenario=scenario, kind=kind, language="fr", turns=turns)


def _client_scenario_with_cr5():
    """The negotiation scenario (a client: register vous), also scored on CR5."""
    s = load_catalog().scenario("negotiation-castelnau-arrosage")
    assert s.french_register is None  # unset: a negotiation expects vous
    return s.model_copy(update={"criteria": [*s.criteria, ScoredCriterion(id=CR5, weight=1.0)]})


def _indicator(card, code: str):
    return next(i for c in card.criteria for i in c.indicators if i.code == code)


# --- the register ---------------------------------------------------------------------------------


def test_the_library_says_who_is_addressed_as_tu() -> None:
    catalog = load_catalog()
    change = catalog.scenario("change-verticales-crm")
    assert change.french_register == "tu"
    empty = Transcript(scenario=change.id, language="fr")
    assert observe(empty, change).register == "tu"
    for other in ("negotiation-castelnau-arrosage", "complaint-arvel-collage-vitrage", "pitch-orvalis-flux"):
        assert observe(Transcript(scenario=other, language="fr"), catalog.scenario(other)).register == "vous"


def test_saying_tu_to_a_client_costs_a_level_and_is_quoted() -> None:
    scenario = _client_scenario_with_cr5()
    polite = _transcript([OPENING, VOUS, CLOSING], scenario=scenario.id)
    familiar = _transcript([OPENING, TU, CLOSING], scenario=scenario.id)
    base = _indicator(score(polite, scenario), FRENCH)
    worse = _indicator(score(familiar, scenario), FRENCH)
    assert base.strength == 3 and base.against == []
    assert worse.strength == base.strength - 1
    assert [(a.turn, a.quote) for a in worse.against] == [(4, TU)]
    assert worse.advice is not None and TU in worse.advice and "vouvoie" in worse.advice


def test_mixed_register_with_a_client_also_counts_against() -> None:
    scenario = _client_scenario_with_cr5()
    mixed = _transcript([OPENING, TU, CLOSING], scenario=scenario.id)  # the opening and closing say vous
    obs = observe(mixed, scenario)
    assert obs.french.register == "mixed"
    finding = assess(FRENCH, obs, "fr")
    assert finding.strength == 2 and finding.reason == "register"
    assert [h.quote for h in finding.against] == [TU]


def test_the_level_lost_stops_at_zero() -> None:
    scenario = _client_scenario_with_cr5()
    obs = observe(_transcript([OPENING, TU, CLOSING], scenario=scenario.id), scenario)
    obs.french = obs.french.model_copy(update={"errors_per_100_words": 9.0})  # already 0 on errors
    assert assess(FRENCH, obs, "fr").strength == 0


def test_the_same_words_cost_nothing_where_the_team_says_tu() -> None:
    change = load_catalog().scenario("change-verticales-crm")
    familiar = _transcript([OPENING, TU, CLOSING], scenario=change.id)
    polite = _transcript([OPENING, VOUS, CLOSING], scenario=change.id)
    tu_card, vous_card = score(familiar, change), score(polite, change)
    assert _indicator(tu_card, FRENCH).strength == _indicator(vous_card, FRENCH).strength == 3
    assert _indicator(tu_card, FRENCH).against == []


def test_a_change_session_frozen_before_the_register_existed_is_not_judged() -> None:
    old_copy = load_catalog().scenario("change-verticales-crm").model_copy(update={"french_register": None})
    familiar = _transcript([OPENING, TU, CLOSING], scenario=old_copy.id)
    assert _indicator(score(familiar, old_copy), FRENCH).against == []


def test_without_a_scenario_the_kind_says_who_is_addressed() -> None:
    words = [OPENING, TU, CLOSING]
    client = observe(_transcript(words, kind="negotiation"))
    team = observe(_transcript(words, kind="change"))
    assert client.register == "vous" and assess(FRENCH, client, "fr").reason == "register"
    assert team.register is None and assess(FRENCH, team, "fr").against == []


# --- professional terms ---------------------------------------------------------------------------

# Kind-only change interviews (no scenario, so no observables): one feedback request in five turns (20 %:
# 2 points from feedback) in both; only the words differ.
WITH_TERMS = [
    "Je voudrais qu'on parle de ta charge de travail depuis l'annonce de la réorganisation.",
    "Pour tes trois clients, on prévoit une passation avec un calendrier précis et un accompagnement.",
    "Ta rémunération variable sera simulée avec les RH, ligne par ligne, avant toute signature.",
    "On fera aussi une formation sur l'outil, à ton rythme, avec un binôme de ton équipe.",
    "Est-ce que c'est clair pour toi, et qu'en penses-tu ?",
]
WITHOUT_TERMS = [
    "Je voudrais qu'on parle de ce que tu vis depuis l'annonce de tout ce qui va bouger bientôt.",
    "Pour tes trois gros dossiers, on prévoit de bien faire les choses, avec un rythme précis et de l'aide.",
    "Ce que tu gagnes sera regardé avec les RH, ligne par ligne, avant de signer quoi que ce soit.",
    "On fera aussi une séance sur le nouveau logiciel, à ton rythme, avec quelqu'un à côté de toi.",
    "Est-ce que c'est clair pour toi, et qu'en penses-tu ?",
]


def test_using_professional_terms_raises_cr5_3() -> None:
    rich = assess(TERMS, observe(_transcript(WITH_TERMS, kind="change")))
    plain = assess(TERMS, observe(_transcript(WITHOUT_TERMS, kind="change")))
    assert plain.counts["feedback_request_turns"] == rich.counts["feedback_request_turns"] == 1
    assert plain.counts["professional_terms_fr"] < MIN_DISTINCT_TERMS <= rich.counts["professional_terms_fr"]
    assert rich.strength == plain.strength + 1 == 3


def test_a_misused_term_is_quoted_against_and_gives_no_point() -> None:
    misused = "Notre chiffre d'affaire sur tes comptes reste la base de ta rémunération variable."
    obs = observe(_transcript([*WITH_TERMS[:4], misused, WITH_TERMS[4]], kind="change"))
    finding = assess(TERMS, obs)
    assert finding.strength == 2  # feedback only (1 turn in 6): the terms' point is lost
    assert [(h.turn, h.quote) for h in finding.against] == [(10, misused)]
    assert finding.reason == "misuse" and finding.hint == "chiffre d'affaire → chiffre d'affaires"


def test_a_spoken_misspelling_is_the_recogniser_s_not_the_candidate_s() -> None:
    said = "Notre chiffre d'affaire sur tes comptes reste la base de ta rémunération variable."
    obs = observe(_transcript([said, *WITH_TERMS], kind="change", typed=False))
    assert obs.misuses == []


ENGLISH_PART = [
    (
        "Hannah, welcome. Patrick keeps the relationship as account owner, and your team joins him for a handover "
        "of the key accounts over three months."
    ),
    "The lead scoring in the CRM is only a first filter: Patrick corrects it with what he knows of the pipeline.",
    "Does that make sense to you both?",
]


def test_english_terms_count_in_english_turns_only() -> None:
    # the same English words inside a French turn are French anglicisms: they do not show English
    french_turn = (
        "On fera la handover avec l'account owner, puis on regardera ensemble le lead scoring du CRM."
    )
    obs = observe(_transcript([french_turn, *WITH_TERMS], kind="change"))
    assert "handover" not in {h.ref for h in obs.terms.get("en", [])}
    obs = observe(_transcript([*WITH_TERMS, *ENGLISH_PART], kind="change", langs=["fr"] * 5 + ["en"] * 3))
    english_terms = {h.ref for h in obs.terms["en"]}
    assert {"account owner", "handover", "key account", "lead scoring", "crm", "pipeline"} <= english_terms
    assert all(obs.turns[[t.number for t in obs.turns].index(h.turn)].lang == "en" for h in obs.terms["en"])


def test_terms_are_needed_in_every_language_spoken() -> None:
    vague_english = [
        (
            "Hannah, welcome. Patrick keeps the people he knows, and your colleagues join him for a while so that "
            "nobody feels lost."
        ),
        "The new tool gives a first idea only: Patrick fixes it with what he knows of these people and places.",
        "Does that make sense to you both?",
    ]
    langs = ["fr"] * 5 + ["en"] * 3
    both = assess(TERMS, observe(_transcript([*WITH_TERMS, *ENGLISH_PART], kind="change", langs=langs)))
    french_only = assess(
        TERMS, observe(_transcript([*WITH_TERMS, *vague_english], kind="change", langs=langs))
    )
    assert (
        both.counts["professional_terms_en"]
        >= MIN_DISTINCT_TERMS
        > french_only.counts["professional_terms_en"]
    )
    assert both.strength == french_only.strength + 1


def test_an_english_false_friend_gets_advice_naming_the_right_word() -> None:
    change = load_catalog().scenario("change-verticales-crm")
    friend = "We will organise a formation on the CRM for the whole team next month."
    t = _transcript(
        [*WITH_TERMS, *ENGLISH_PART[:2], friend, ENGLISH_PART[2]],
        scenario=change.id,
        langs=["fr"] * 5 + ["en"] * 4,
    )
    indicator = _indicator(score(t, change), TERMS)
    assert [a.quote for a in indicator.against] == [friend]
    assert indicator.advice is not None and friend in indicator.advice and "training" in indicator.advice


# --- the misuse lists: each entry caught, and its look-alike left alone ---------------------------------


@pytest.mark.parametrize(
    ("text", "spoken", "right"),
    [
        ("Notre chiffre d'affaire progresse de 8 %.", False, "chiffre d'affaires"),
        ("Notre chiffre d’affaire progresse de 8 %.", True, None),  # spoken: the recogniser spelled it
        ("Notre chiffre d'affaires progresse de 8 %.", False, None),
        ("Le cahier des charge est validé.", False, "cahier des charges"),
        ("Le cahier des charges est validé.", False, None),
        ("Il faut adresser ce problème avant janvier.", True, "traiter / aborder (un problème, un sujet)"),
        ("Je vais adresser le sujet à la DRH.", True, None),  # send it to HR: correct French
        ("Je vous adresse le devis ce soir.", True, None),
        ("Une remise, un rabais ou une ristourne sont possibles.", False, None),
    ],
)
def test_french_misuses(text: str, spoken: bool, right: str | None) -> None:
    found = french.find_misuses(text, spoken=spoken)
    assert [r for _, _, r in found] == ([right] if right else [])


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("I will assist to the meeting on Monday.", "attend"),
        ("We can assist you to set it up.", None),
        ("We will organise a formation on the CRM.", "training"),
        ("Everyone will follow a short formation.", "training"),
        ("The formation of three vertical teams starts in January.", None),
        ("Hannah's team called Frankfurt without preventing Patrick.", "warning / letting … know"),
        ("I will prevent you before we call the buyer.", "warn / let … know"),
        ("This prevents us from losing the account.", None),
        ("These are sensible data, keep them in the CRM.", "sensitive"),
        ("That is a sensible price for both sides.", None),
        ("Who is the responsible of the account?", "the person in charge of"),
        ("You are responsible for the account.", None),
        ("Call me for any eventual questions.", "possible"),
        ("The eventual winner is the customer.", None),
        ("Our commercials who visit the plants know the buyers.", "sales rep(s)"),
        ("The commercial team meets on Monday.", None),
        ("The negociation starts tomorrow.", "negotiate / negotiation"),
        ("Actually, the price is fine.", None),  # "actually" is not flagged: natives say it too
    ],
)
def test_english_misuses(text: str, right: str | None) -> None:
    found = english.find_misuses(text)
    assert [r for _, _, r in found] == ([right] if right else [])


def test_a_spoken_english_misspelling_is_not_flagged() -> None:
    assert english.find_misuses("The negociation starts tomorrow.", spoken=True) == []


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("D'accord, le client a besoin d'une remise ; ça a marché.", {"client", "remise"}),
        ("Les besoins des clients et les volumes du marché.", {"besoin", "client", "volume", "marché"}),
    ],
)
def test_french_terms_leave_everyday_french_alone(text: str, terms: set[str]) -> None:
    assert {t for _, _, t in french.find_terms(text)} == terms


def test_english_terms_are_listed_once_whatever_the_form() -> None:
    text = "Two key accounts, new opportunities, the roll out, the rollout, the lead-scoring, in order to cut costs."
    assert {t for _, _, t in english.find_terms(text)} == {
        "key account",
        "opportunity",
        "roll-out",
        "lead scoring",
        "cost",
    }
