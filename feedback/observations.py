"""What the candidate did in a transcript, where: the deterministic layer's raw material.

`observe(transcript, scenario)` runs, on each candidate turn, the move detectors of `scenarios.moves`
and the phrase markers of `feedback.markers`; replays the director (hidden facts discovered, objections
answered or not, and in which turn); matches the scenario's observables; measures the candidate's
English and French; finds the professional terms used and misused in each turn's language; and keeps
the sentences saying "tu" with the register the scenario expects (`french_register`: vous with a client or
the Direction). Every `Hit` carries an exact quote of a candidate turn: a quote that is not a
substring of its turn is dropped (fail closed). Sentences in which the candidate addresses the scorer
("give me 20/20") are kept aside in `manipulation` and nothing in them counts as evidence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from feedback import english as english_terms
from feedback import markers
from feedback.english import EnglishAssessment, assess_english
from feedback.fluency import fluency_measures
from scenarios.director import BeatKind, Director
from scenarios.model import Scenario, Transcript
from scenarios.moves import Move, detect

logger = logging.getLogger(__name__)

MARKERS = (
    "rps",
    "assessment",
    "dismissal",
    "change_steps",
    "coconstruction",
    "support",
    "impact",
    "values",
    "coherence",
    "values_violation",
    "innovation",
    "competition",
    "value_creation",
    "effect",
    "structure",
    "mandate",
    "justification",
    "process",
)
MAX_QUOTE = 240
#: Hits that organise what is said count only in a sentence with at least this many content words.
_NEEDS_SUBSTANCE = frozenset({"structure", str(Move.summary)})
MIN_CONTENT_WORDS = 3
#: What is offered or given away, and counts as justified when its reason is given in the sentence or the next one.
_OFFERS = (str(Move.proposal), str(Move.conditional_concession), str(Move.unconditional_concession))
#: When the scenario does not say (`french_register` unset, or no scenario), how a candidate should address
#: the persona in French, by kind: a client or the Direction is "vous"; in a change interview the team may
#: say tu or vous, so it is not judged.
KIND_REGISTER = {"negotiation": "vous", "complaint": "vous", "pitch": "vous"}


@dataclass(frozen=True)
class Hit:
    """Something the candidate did: `kind` is a Move value, a marker name, `illegal`, `fact` or `resolved`."""

    kind: str
    turn: int  # 1-based over all turns
    quote: str  # exact substring of the candidate turn
    start: int
    end: int
    ref: str | None = None  # the fact, objection or observable id

    def overlaps(self, other: Hit) -> bool:
        return self.turn == other.turn and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class CandidateTurn:
    number: int  # 1-based over all turns
    text: str
    lang: str
    spoken: bool


@dataclass
class Observations:
    """Everything the rules read. `hits[kind]` lists hits in turn order."""

    language: str
    turns: list[CandidateTurn]
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    manipulation: list[Hit] = field(default_factory=list)
    facts_total: int | None = None
    facts: list[Hit] = field(default_factory=list)
    objections_raised: int | None = None
    resolved: list[Hit] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    observables: dict[str, list[Hit]] = field(default_factory=dict)
    english: EnglishAssessment | None = None
    french: Any | None = None
    fluency: dict[str, dict[str, float]] = field(default_factory=dict)  # per language, spoken turns only
    words: int = 0
    register: str | None = (
        None  # how the candidate should address the persona in French (vous / tu), None if unknown
    )
    tu_sentences: list[Hit] = field(default_factory=list)  # French sentences saying tu (register tu or mixed)
    terms: dict[str, list[Hit]] = field(
        default_factory=dict
    )  # per language: sentences using a term (ref = the term)
    misuses: list[Hit] = field(default_factory=list)  # sentences misusing a term (ref = "wrong → right")
    # offers beyond the candidate's mandate (the script's `terms[].mandate`), as the director's dialogue state
    # remembers them: the candidate's sentence quoted, `ref` = the term id
    beyond_mandate: list[Hit] = field(default_factory=list)
    mandates: dict[str, tuple[float, str]] = field(
        default_factory=dict
    )  # term id -> (mandate, unit) of those terms
    # where each candidate turn was said: turn -> (stage id, objection pending when the candidate spoke or None)
    moments: dict[int, tuple[str, str | None]] = field(default_factory=dict)

    def get(self, kind: str | Move) -> list[Hit]:
        return self.hits.get(str(kind), [])

    def turns_with(self, kind: str | Move) -> set[int]:
        return {h.turn for h in self.get(kind)}

    def without(self, kind: str | Move, *others: str | Move) -> list[Hit]:
        """Hits of `kind` whose sentence is not also a hit of any of `others`."""
        excluded = [h for o in others for h in self.get(o)]
        return [h for h in self.get(kind) if not any(h.overlaps(x) for x in excluded)]

    def within(self, kind: str | Move, *others: str | Move) -> list[Hit]:
        """Hits of `kind` whose sentence is also a hit of one of `others`."""
        included = [h for o in others for h in self.get(o)]
        return [h for h in self.get(kind) if any(h.overlaps(x) for x in included)]


def observe(transcript: Transcript, scenario: Scenario | None = None) -> Observations:
    """Run every detector on the candidate's turns (see the module docstring)."""
    default = transcript.language
    turns: list[CandidateTurn] = []
    previous = ""
    contexts: dict[int, str] = {}
    for number, turn in enumerate(transcript.turns, start=1):
        if turn.speaker == "candidate":
            # a turn's declared language is checked against its words: recorders may stamp every turn
            # with the session's language even after the exam's switch to English
            lang = markers.guess_language(turn.text, turn.lang or default)
            turns.append(CandidateTurn(number, turn.text, lang, turn.audio is not None))
            contexts[number] = previous
        else:
            previous = turn.text
    obs = Observations(language=default, turns=turns, words=sum(len(t.text.split()) for t in turns))

    raw: list[Hit] = []
    for t in turns:
        raw += _moves(t)
        for name in MARKERS:
            raw += _verified(_hit(name, t, s.start, s.end) for s in markers.find(name, t.text, t.lang))
        raw += _verified(
            _hit("illegal", t, s.start, s.end)
            for s in markers.illegal_terms(t.text, t.lang, contexts[t.number])
        )
        # an instruction to the scorer may come in either language, whatever the turn's
        pleas = {
            (s.start, s.end) for lang in ("fr", "en") for s in markers.find("manipulation", t.text, lang)
        }
        obs.manipulation += _verified(_hit("manipulation", t, a, b) for a, b in sorted(pleas))
    raw = [h for h in raw if not any(h.overlaps(m) for m in obs.manipulation)]
    langs = {t.number: t.lang for t in turns}
    # a signpost or a summary that says nothing ("first of all, to sum up, in a nutshell") structures nothing
    raw = [
        h
        for h in raw
        if h.kind not in _NEEDS_SUBSTANCE
        or markers.content_words(h.quote, langs[h.turn]) >= MIN_CONTENT_WORDS
    ]
    for h in raw:
        obs.hits.setdefault(h.kind, []).append(h)
    _justified(obs)
    if obs.manipulation:
        logger.info("candidate addresses the scorer in %d sentence(s)", len(obs.manipulation))

    if scenario is not None:
        _replay(obs, transcript, scenario)
        _observables(obs, scenario)
        obs.register = scenario.french_register or KIND_REGISTER.get(scenario.kind.value)
    elif transcript.kind is not None:
        obs.register = KIND_REGISTER.get(str(transcript.kind.value))
    _terms(obs)
    _languages(obs, transcript, scenario)
    _tu_sentences(obs)
    _fluency(transcript, obs)
    return obs


def _justified(obs: Observations) -> None:
    """`justified`: proposals and concessions whose reason is given in the same sentence or the next one of
    the same turn ("We can go to 2 %. That reflects the 20 % rise in your volumes.")."""
    reasons = obs.get("justification")
    if not reasons:
        return
    by_turn = {t.number: t for t in obs.turns}
    seen: set[tuple[int, int]] = set()
    for kind in _OFFERS:
        for h in obs.get(kind):
            if (h.turn, h.start) in seen:
                continue
            following = [s for s in markers.sentences(by_turn[h.turn].text) if s.start >= h.end][:1]
            nxt = [Hit("next", h.turn, s.text, s.start, s.end) for s in following]
            if any(h.overlaps(r) or any(n.overlaps(r) for n in nxt) for r in reasons):
                seen.add((h.turn, h.start))
                obs.hits.setdefault("justified", []).append(Hit("justified", h.turn, h.quote, h.start, h.end))


def _without_manipulation(t: CandidateTurn, manipulation: list[Hit]) -> str:
    """The turn's text without the sentences that address the scorer (they are not the candidate's English or French)."""
    text = t.text
    for m in sorted((m for m in manipulation if m.turn == t.number), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    return text


def _hit(kind: str, t: CandidateTurn, start: int, end: int, ref: str | None = None) -> Hit | None:
    """A hit whose quote is verified to be the turn's own words (None otherwise)."""
    quote = t.text[start:end].strip()
    if not quote:
        return None
    start = t.text.index(quote, start)
    if len(quote) > MAX_QUOTE:
        quote = quote[:MAX_QUOTE].rsplit(" ", 1)[0]
    if quote not in t.text:
        return None
    return Hit(kind, t.number, quote, start, start + len(quote), ref)


def _verified(hits: Iterable[Hit | None]) -> list[Hit]:
    """The hits `_hit` could verify (the others are None)."""
    return [h for h in hits if h is not None]


def _moves(t: CandidateTurn) -> list[Hit]:
    out: list[Hit] = []
    try:
        found = detect(t.text, t.lang)
    except Exception:  # a detector bug must not lose the scorecard
        logger.exception("move detection failed on turn %d", t.number)
        return out
    for h in found:
        sentence = h.sentence
        if not sentence or sentence not in t.text:
            logger.warning("move %s: quote not in turn %d, dropped", h.move, t.number)
            continue
        start = h.start if t.text[h.start : h.start + len(sentence)] == sentence else t.text.index(sentence)
        hit = _hit(str(h.move), t, start, start + len(sentence))
        if hit is not None:
            out.append(hit)
    return out


def _replay(obs: Observations, transcript: Transcript, scenario: Scenario) -> None:
    """Step the director through the candidate's turns: which turn revealed a fact or answered an objection."""
    obs.facts_total = len(scenario.hidden_brief.facts)
    objections = {o.id: o for s in scenario.stages for o in s.objections}
    raised: set[str] = set()
    try:
        director = Director(scenario, transcript.language)
        state, _ = director.opening()
        terms = {term.id: term for term in scenario.hidden_brief.terms}
        for t in obs.turns:
            if state.ended:
                break
            obs.moments[t.number] = (scenario.stages[state.stage].id, state.pending)
            heard = len(state.offers)
            state, direction = director.step(state, t.text)
            for offer in state.offers[heard:]:
                if offer.beyond_mandate:
                    _beyond_mandate(obs, t, offer.sentence, offer.term, terms)
            for beat in direction.beats:
                if beat.kind == BeatKind.objection:
                    raised.add(beat.ref)
                elif beat.kind == BeatKind.resolved:
                    wanted = {str(m) for m in objections[beat.ref].resolved_by}
                    obs.resolved.append(_turn_evidence(obs, t, "resolved", beat.ref, wanted))
                elif beat.kind == BeatKind.fact:
                    fact = next(f for f in scenario.hidden_brief.facts if f.id == beat.ref)
                    patterns = [p for lang in ("fr", "en") for p in fact.asked_by.get(lang)]
                    obs.facts.append(_pattern_evidence(t, "fact", beat.ref, patterns))
        obs.unresolved = list(state.unresolved) + ([state.pending] if state.pending else [])
        obs.objections_raised = len(raised | set(state.raised))
    except Exception:  # the replay is extra evidence; never lose the scorecard over it
        logger.exception("director replay failed for scenario %s", scenario.id)
        obs.facts, obs.resolved, obs.unresolved, obs.objections_raised = [], [], [], None
        obs.beyond_mandate, obs.mandates, obs.moments = [], {}, {}


def _beyond_mandate(obs: Observations, t: CandidateTurn, sentence: str, term_id: str, terms: dict) -> None:
    """An offer beyond the candidate's mandate: the candidate's sentence (verified to be their words), once
    per sentence and term."""
    start = t.text.find(sentence) if sentence else -1
    hit = _hit("beyond_mandate", t, start, start + len(sentence), term_id) if start >= 0 else None
    if hit is None:
        logger.warning("offer beyond the mandate in turn %d: sentence not found, not quoted", t.number)
        return
    if any(h.turn == hit.turn and h.start == hit.start and h.ref == term_id for h in obs.beyond_mandate):
        return
    if any(hit.overlaps(m) for m in obs.manipulation):
        return
    term = terms[term_id]
    obs.mandates[term_id] = (float(term.mandate), str(term.unit))
    obs.beyond_mandate.append(hit)


def _turn_evidence(obs: Observations, t: CandidateTurn, kind: str, ref: str, moves: set[str]) -> Hit:
    for move in moves:
        for h in obs.get(move):
            if h.turn == t.number:
                return Hit(kind, h.turn, h.quote, h.start, h.end, ref)
    first = markers.sentences(t.text)[0]
    return Hit(kind, t.number, first.text, first.start, first.end, ref)


def _pattern_evidence(t: CandidateTurn, kind: str, ref: str, patterns: list[str]) -> Hit:
    for s in markers.sentences(t.text):
        if any(re.search(p, s.text, re.IGNORECASE) for p in patterns):
            return Hit(kind, t.number, s.text, s.start, s.end, ref)
    first = markers.sentences(t.text)[0]
    return Hit(kind, t.number, first.text, first.start, first.end, ref)


_COMPILED: dict[tuple[str, int], list[tuple[str, str, list[re.Pattern[str]]]]] = {}


def _compiled_observables(scenario: Scenario) -> list[tuple[str, str, list[re.Pattern[str]]]]:
    """(id, indicator, patterns) of the scenario's observables, compiled once per scenario version."""
    key = (scenario.id, scenario.version)
    if key not in _COMPILED:
        _COMPILED[key] = [
            (
                o.id,
                o.indicator,
                [re.compile(p, re.IGNORECASE) for lang in ("fr", "en") for p in o.patterns.get(lang)],
            )
            for o in scenario.observables
        ]
    return _COMPILED[key]


def _observables(obs: Observations, scenario: Scenario) -> None:
    """The scenario's observables, counted only in sentences that are not leading, blaming or imposing."""
    faults = (
        Move.leading_question,
        Move.blame,
        Move.imposition,
        Move.unconditional_concession,
        "dismissal",
        "illegal",
        "values_violation",
    )
    bad = [h for k in faults for h in obs.get(k)]
    for observable_id, indicator, patterns in _compiled_observables(scenario):
        for t in obs.turns:
            for s in markers.sentences(t.text):
                if any(p.search(s.text) for p in patterns):
                    hit = Hit("observable", t.number, s.text, s.start, s.end, observable_id)
                    if not any(hit.overlaps(b) for b in bad + obs.manipulation):
                        obs.observables.setdefault(indicator, []).append(hit)
                    break


def _terms(obs: Observations) -> None:
    """Professional terms used and misused, each in the language of its turn (an English term in a French
    turn is a French anglicism, counted by the French list); the sentence is quoted."""
    from feedback import french  # imports no checker: only the word lists

    for t in obs.turns:
        lang = t.lang if t.lang in ("fr", "en") else "fr"
        module = english_terms if lang == "en" else french
        try:
            used, misused = module.find_terms(t.text), module.find_misuses(t.text, spoken=t.spoken)
        except Exception:  # a detector bug must not lose the scorecard
            logger.exception("term detection failed on turn %d", t.number)
            continue
        if not used and not misused:
            continue
        spans = markers.sentences(t.text)
        for start, _end, ref, kind in [(s, e, term, "term") for s, e, term in used] + [
            (s, e, f"{t.text[s:e]} → {right}", "term_misuse") for s, e, right in misused
        ]:
            sentence = next((x for x in spans if x.start <= start < x.end), None)
            if sentence is None:
                continue
            hit = _hit(kind, t, sentence.start, sentence.end, ref)
            if hit is None or any(hit.overlaps(m) for m in obs.manipulation):
                continue
            if kind == "term":
                obs.terms.setdefault(lang, []).append(hit)
            else:
                obs.misuses.append(hit)


def _tu_sentences(obs: Observations) -> None:
    """The French sentences in which the candidate says tu (only when the register is tu or mixed)."""
    evidence = getattr(obs.french, "register_evidence", None) or []
    fr_turns = [t for t in obs.turns if t.lang == "fr"]  # the turns given to assess_french, in order
    for q in evidence:
        if not 0 <= q.turn_index < len(fr_turns):
            continue
        t = fr_turns[q.turn_index]
        start = t.text.find(q.quote)
        hit = _hit("tu", t, start, start + len(q.quote)) if start >= 0 else None
        if hit is not None and not any(hit.overlaps(m) for m in obs.manipulation):
            obs.tu_sentences.append(hit)


def _languages(obs: Observations, transcript: Transcript, scenario: Scenario | None) -> None:
    """English and French measures on the candidate's own turns (None when there is too little)."""
    # one English measure, the one `oralblanc cefr` gives on the same lines: the candidate's English turns as said
    en = [_without_manipulation(t, obs.manipulation) for t in obs.turns if t.lang == "en"]
    try:
        obs.english = assess_english(en) if en else None
    except Exception:
        logger.exception("English assessment failed")
        obs.english = None
    fr = [(_without_manipulation(t, obs.manipulation), t.spoken) for t in obs.turns if t.lang == "fr"]
    try:
        from feedback.french import assess_french, script_texts

        given = [
            t.text for t in transcript.turns if t.speaker == "persona"
        ]  # the script's wording is no error
        given += script_texts(scenario) if scenario is not None else []
        obs.french = assess_french(fr, given=given) if fr else None
    except ImportError:
        logger.warning("feedback.french is not available: French not assessed")
        obs.french = None
    except Exception as exc:  # e.g. Grammalecte not installed: the French indicator is not assessable
        logger.warning("French assessment failed: %s: %s", type(exc).__name__, exc)
        obs.french = None


def _fluency(transcript: Transcript, obs: Observations) -> None:
    """Temporal fluency of the spoken candidate turns, per language (from the recogniser's word timings)."""
    langs = {t.number: t.lang for t in obs.turns}
    totals: dict[str, dict[str, float]] = {}
    for number, turn in enumerate(transcript.turns, start=1):
        if turn.speaker != "candidate" or turn.audio is None or not turn.audio.words:
            continue
        m = fluency_measures(turn.audio.words)
        if m.word_count == 0 or m.span_s <= 0:
            continue
        t = totals.setdefault(
            langs.get(number, obs.language),
            dict.fromkeys(("turns", "words", "span_s", "speaking_s", "pauses", "pause_s", "filled"), 0.0),
        )
        t["turns"] += 1
        t["words"] += m.word_count
        t["span_s"] += m.span_s
        t["speaking_s"] += m.speaking_time_s
        t["pauses"] += m.pause_count
        t["pause_s"] += m.total_pause_s
        t["filled"] += m.filled_pause_count
    for lang, t in totals.items():
        obs.fluency[lang] = {
            "spoken_turns": t["turns"],
            "speech_rate_wpm": round(t["words"] * 60 / t["span_s"], 1),
            "articulation_rate_wpm": round(t["words"] * 60 / t["speaking_s"], 1)
            if t["speaking_s"] > 0
            else 0.0,
            "pauses_per_minute": round(t["pauses"] * 60 / t["span_s"], 1),
            "mean_pause_s": round(t["pause_s"] / t["pauses"], 2) if t["pauses"] else 0.0,
            "filled_pauses_per_100_words": round(100 * t["filled"] / t["words"], 1),
        }
