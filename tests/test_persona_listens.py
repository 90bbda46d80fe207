"""The counterpart listens: a corpus of candidate dialogues (tests/dialogues/*.yaml) played against the
library scripts, with assertions on how the persona reacts to what was just said.

Every dialogue checks, whatever it holds: no sentence of the persona is said twice; an objection once
answered or pre-empted is never pressed or raised again; each reply is in the language of its direction;
and its own expectations (offers heard and how, facts given to differently worded questions, objections
answered, participants joining, replies in the language addressed). The same dialogues are played with
the LLM engine against the fake OpenAI server (tests/test_persona_listens_llm.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.catalog import load_catalog
from personas.actors import Cue, ScriptedActor
from scenarios.dialogue_state import SETTLED, ObjectionStatus
from scenarios.director import BeatKind, Direction, Director, DirectorState
from scenarios.model import Scenario
from scenarios.moves import turn_language

DIALOGUES = Path(__file__).parent / "dialogues"
PRESSING = {BeatKind.unresolved, BeatKind.objection, BeatKind.escalated, BeatKind.reaction}


@cache
def scenario(scenario_id: str) -> Scenario:
    return load_catalog().scenario(scenario_id)


def dialogues() -> list[Path]:
    return sorted(DIALOGUES.glob("*.yaml"))


@dataclass
class Played:
    spec: dict
    replies: list[str] = field(default_factory=list)  # [opening, reply to turn 1, ...]
    directions: list[Direction] = field(default_factory=list)
    states: list[DirectorState] = field(default_factory=list)


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def play_scripted(spec: dict) -> Played:
    sc = scenario(spec["scenario"])
    director, actor = Director(sc, spec["language"]), ScriptedActor(sc)
    state, direction = director.opening()
    out = Played(spec, [actor.line(Cue(direction, ""))], [direction], [state])
    for turn in spec["turns"]:
        if state.ended:
            break
        state, direction = director.step(state, turn["say"])
        out.replies.append(actor.line(Cue(direction, turn["say"])))
        out.directions.append(direction)
        out.states.append(state)
    return out


# --- the checks (shared with the LLM test) -----------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?…])[\"»”)]*\s+")


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if len(re.sub(r"[^\w%€]+", " ", s).split()) >= 3]


def check(played: Played) -> None:
    spec, sc = played.spec, scenario(played.spec["scenario"])
    # 1. no sentence said twice
    seen: dict[str, int] = {}
    for i, reply in enumerate(played.replies):
        for sentence in sentences_of(reply):
            key = " ".join(re.sub(r"[^\w%€]+", " ", sentence.lower()).split())
            assert key not in seen, (
                f"turn {i}: the persona repeats {sentence!r} (first said in turn {seen[key]})"
            )
            seen[key] = i
    # 2. an answered or pre-empted objection is never pressed or raised again (each state with the next
    # direction: the last state has none)
    for i, (before, direction) in enumerate(zip(played.states, played.directions[1:], strict=False), start=1):
        settled = {oid for oid, rec in before.objections.items() if rec.status in SETTLED}
        for beat in direction.beats:
            if beat.kind in PRESSING:
                assert beat.ref not in settled, (
                    f"turn {i}: settled objection {beat.ref} pressed again ({beat.kind})"
                )
    # 3. each reply in the language of its direction
    for i, (reply, direction) in enumerate(zip(played.replies, played.directions, strict=True)):
        read_fr, read_en = turn_language(reply, "fr"), turn_language(reply, "en")
        if read_fr == read_en:  # too short to tell otherwise ("Continuez.")
            assert read_fr == direction.language, f"turn {i}: not in {direction.language}: {reply!r}"
    # 4. the dialogue's own expectations
    for i, turn in enumerate(spec["turns"], start=1):
        expect = turn.get("expect") or {}
        if not expect:
            continue
        assert i < len(played.directions), f"turn {i}: the session ended before it"
        direction, reply, state = played.directions[i], played.replies[i], played.states[i]
        kinds = {(b.kind, b.ref) for b in direction.beats}
        where = f"turn {i} ({turn['say']!r}) -> {reply!r} {sorted((k.value, r) for k, r in kinds)}"
        if "fact" in expect:
            assert (BeatKind.fact, expect["fact"]) in kinds, where
            assert expect["fact"] in state.revealed
        if "offer" in expect:
            verdicts = [b.ref.rsplit(":", 1)[1] for b in direction.beats if b.kind is BeatKind.offer]
            assert expect["offer"] in verdicts, where
            assert direction.beats[0].kind in (BeatKind.offer, BeatKind.joins), (
                f"the offer is heard first: {where}"
            )
        if "beyond_mandate" in expect:
            assert any(o.term == expect["beyond_mandate"] and o.turn == i for o in state.beyond_mandate), (
                where
            )
        if "resolved" in expect:
            assert (BeatKind.resolved, expect["resolved"]) in kinds or state.status(
                expect["resolved"]
            ) in SETTLED, where
        if "preempted" in expect:
            assert state.status(expect["preempted"]) is ObjectionStatus.preempted, where
        if "joins" in expect:
            assert (BeatKind.joins, expect["joins"]) in kinds, where
        if "language" in expect:
            assert direction.language == expect["language"], where
        if "not" in expect:
            assert not {k for k, _ in kinds} & {BeatKind(k) for k in expect["not"]}, where
        if "says" in expect:
            assert re.search(expect["says"], reply, re.IGNORECASE), where
    final, state = spec.get("final") or {}, played.states[-1]
    for fact in final.get("revealed", []):
        assert fact in state.revealed, f"fact {fact} never given: {state.revealed}"
    for oid in final.get("settled", []):
        assert state.status(oid) in SETTLED, f"objection {oid}: {state.status(oid)}"
    for oid in final.get("not_settled", []):
        assert state.status(oid) not in SETTLED, f"objection {oid} should not be settled: {state.status(oid)}"
    for term in final.get("beyond_mandate", []):
        assert any(o.term == term for o in state.beyond_mandate), f"no offer beyond the mandate on {term}"
    if final.get("no_beyond_mandate"):
        assert not state.beyond_mandate, state.beyond_mandate
    assert all(t in {x.id for x in sc.hidden_brief.terms} for t in final.get("beyond_mandate", []))


def test_the_corpus_covers_every_kind_in_both_languages_strong_and_weak() -> None:
    found = {
        (scenario(load(p)["scenario"]).kind.value, load(p)["language"], p.stem.rsplit("-", 1)[1])
        for p in dialogues()
    }
    for kind in ("negotiation", "complaint", "change", "pitch"):
        for lang in ("fr", "en"):
            for profile in ("strong", "weak"):
                assert (kind, lang, profile) in found, (kind, lang, profile)
    assert len(dialogues()) >= 16


@pytest.mark.parametrize("path", dialogues(), ids=lambda p: p.stem)
def test_the_persona_listens(path: Path) -> None:
    check(play_scripted(load(path)))


@pytest.mark.parametrize("path", dialogues(), ids=lambda p: p.stem)
def test_replay_gives_the_same_state_and_it_serialises(path: Path) -> None:
    spec = load(path)
    played = play_scripted(spec)
    director = Director(scenario(spec["scenario"]), spec["language"])
    texts = [t["say"] for t in spec["turns"]][: len(played.states) - 1]
    state = director.replay(texts)
    assert state == played.states[-1]
    assert DirectorState.model_validate_json(state.model_dump_json()) == state


# --- the cases the issue reported --------------------------------------------------------------------


def replies_to(scenario_id: str, lang: str, lines: list[str]) -> Played:
    return play_scripted(
        {"scenario": scenario_id, "language": lang, "turns": [{"say": line} for line in lines]}
    )


def test_an_offer_beyond_the_demand_is_heard_not_answered_with_the_demand() -> None:
    played = replies_to(
        "negotiation-castelnau-arrosage",
        "fr",
        [
            "Bonjour Madame Morel.",
            "Quels volumes prévoyez-vous pour la saison prochaine ?",
            "Si je vous comprends bien, la disponibilité compte autant que le prix.",
            "Je vous propose -10 %.",
            "Je vous propose -10 %.",
            "Je peux faire 15 %.",
        ],
    )
    assert "410 000" in played.replies[2]  # the fact asked for in other words
    after = " ".join(played.replies[4:])
    assert "10 %" in played.replies[4] and "Mon comité attend moins 6 %" not in after
    assert not re.search(r"J'ai besoin de 6 %|besoin de 6 %", " ".join(played.replies[5:]))
    assert [o.value for o in played.states[-1].beyond_mandate] == [10.0, 10.0, 15.0]


def test_a_variable_pay_guarantee_is_not_met_with_you_are_not_answering() -> None:
    played = replies_to(
        "change-verticales-crm",
        "fr",
        [
            "Salut Patrick. Comment as-tu vécu l'annonce de mardi ?",
            "Je comprends, l'apprendre par un mail, c'est brutal. Qu'est-ce qui t'inquiète le plus ?",
            "Tes clients, on organisera la passation ensemble.",
            "Je te propose de garder ton variable pendant 12 mois, calculé sur ta moyenne 2023-2024.",
            "Et on fait le point à trois mois.",
            "On avance comme ça ?",
        ],
    )
    later = " ".join(played.replies[4:])
    assert "Tu ne me réponds pas" not in later and "Combien je perds" not in later
    assert played.states[-1].status("variable") in {
        ObjectionStatus.answered,
        ObjectionStatus.conceded,
        ObjectionStatus.preempted,
    }


def test_refusing_90_days_on_the_law_is_not_met_with_everyone_signed() -> None:
    lines = [
        "Bonjour.",
        "Si je vous comprends bien, il vous faut un gain chiffré.",
        "Si vous vous engagez sur deux ans, nous pouvons consentir 2 %.",
        "Pour résumer : 2 % contre deux ans.",
        "Très bien.",
        "D'accord, je vous écoute sur les conditions.",
        "90 jours, ce n'est pas possible : l'article L441-10 plafonne à 60 jours date de facture.",
        "Je le répète, la loi ne le permet pas.",
        "Parlons de la suite.",
    ]
    played = replies_to("negotiation-castelnau-arrosage", "fr", lines)
    refused = next(i for i, line in enumerate(lines, start=1) if "L441-10" in line)
    assert not any(
        "Vos confrères" in r or "D'autres fournisseurs l'ont accepté" in r for r in played.replies[refused:]
    )


def test_a_remedy_is_not_answered_as_if_it_were_blame() -> None:
    played = replies_to(
        "complaint-arvel-collage-vitrage",
        "en",
        [
            "I am really sorry, I can see the pressure you're under with the site and the blocked sashes.",
            "Where were the drums kept after delivery?",
            "Which lines are affected?",
            "What changed on line 2?",
            "We will replace the adhesive at no cost.",
            "We will also send a technician within 48 hours.",
        ],
    )
    assert not any("push the blame" in r for r in played.replies)


def test_a_fact_and_a_press_are_never_glued_in_one_reply() -> None:
    for path in dialogues():
        played = play_scripted(load(path))
        for direction in played.directions:
            kinds = {b.kind for b in direction.beats}
            assert not ({BeatKind.fact} <= kinds and kinds & {BeatKind.unresolved, BeatKind.escalated}), (
                path.stem,
                direction,
            )
            assert not (kinds & {BeatKind.resolved, BeatKind.preempted} and kinds & {BeatKind.unresolved}), (
                path.stem,
                direction,
            )
