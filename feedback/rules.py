"""How each indicator of the referential is read from what the candidate did (the deterministic layer).

One rule per oral indicator. A rule returns a `Finding`: a strength 0–3 (0 not shown, 1 insufficient,
2 acquired, 3 mastered) or None (not assessable from this transcript), the hits that support it, the
hits that count against it, and the reason it is weak (which picks the advice). Rules rest on what the
candidate's sentences *do* (moves) and what they are about (markers), never on how many words,
question marks or digits there are:

- exploring needs = open questions that are not leading + hidden facts discovered + reformulation;
  leading questions cap it;
- respecting regulations = citing the rule, proposing, and never accepting forbidden terms (payment
  beyond 60 days / 45 days end of month, bribery): accepting them is 0 and caps the criterion at 1;
- negotiation techniques = conditional concessions; unconditional ones count against, unless their reason
  is given in the same sentence or the next one (a justified concession);
- assertiveness = proposals and next steps; blame and capitulation cap it;
- complaint handling = analysis questions, empathy, reformulation, a solution within the rules;
  blame caps it;
- change = questions on impacts, psychosocial risks raised in questions or support (not dismissed),
  steps and tools, co-construction; imposing the change caps it;
- pitch = quantified arguments, structure, value creation, coherence with values, innovation;
- French = errors per 100 words, one level less for "tu" where the scenario expects "vous";
- professional terms and feedback = feedback requested in a share of the turns, and terms used in each
  language spoken; a misused term (a false friend) is quoted and gives no point.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from feedback.observations import Hit, Observations
from scenarios.moves import Move

logger = logging.getLogger(__name__)

M = Move


@dataclass
class Finding:
    """What the deterministic layer found for one indicator."""

    strength: int | None
    evidence: list[Hit] = field(default_factory=list)
    against: list[Hit] = field(default_factory=list)
    reason: str | None = None  # why it is weak: picks the advice
    cap: int | None = None  # the most the whole criterion may reach (a red flag)
    counts: dict[str, float] = field(default_factory=dict)  # what it rests on, for the note
    hint: str | None = None  # what to say instead of the first quote against, for the advice

    @property
    def met(self) -> bool | None:
        return None if self.strength is None else self.strength >= 2


Rule = Callable[[Observations], Finding]


def _pts(*conditions: bool) -> int:
    return min(3, sum(bool(c) for c in conditions))


def _capped(points: int, cap: int | None) -> int:
    return points if cap is None else min(points, cap)


def _open(obs: Observations) -> list[Hit]:
    return obs.without(M.open_question, M.leading_question, M.blame, M.imposition)


def _closed(obs: Observations) -> list[Hit]:
    return obs.without(M.closed_question, M.leading_question, M.blame, M.imposition)


def _reform(obs: Observations) -> list[Hit]:
    return obs.get(M.reformulation) + obs.get(M.summary)


def _leading_cap(points: int, open_: list[Hit], leading: list[Hit]) -> tuple[int, str | None]:
    if leading and len(leading) >= len(open_):
        return min(points, 1), "leading"
    if leading:
        return min(points, 2), "leading"
    return points, None


def _with_observables(obs: Observations, indicator: str, f: Finding) -> Finding:
    """The scenario's observables add evidence; they lift the strength by one step only when nothing
    counts against the indicator."""
    found = [h for h in obs.observables.get(indicator, []) if not any(h.overlaps(a) for a in f.against)]
    f.evidence = [h for h in f.evidence if not any(h.overlaps(a) for a in f.against)]
    if found and f.strength is not None:
        f.evidence += found
        f.counts["observable"] = len(found)
        if not f.against and f.reason is None:
            f.strength = min(3, f.strength + 1)
    return f


# --- BLOC2.A2.C1.CR1 and BLOC2.A2.C3.CR3: exploring and analysing ----------------------------------


def explore_needs(obs: Observations) -> Finding:
    open_, leading, reform = _open(obs), obs.get(M.leading_question), _reform(obs)
    points = _pts(len(open_) >= 1, len(open_) >= 2, bool(reform), bool(obs.facts))
    points, reason = _leading_cap(points, open_, leading)
    return Finding(
        points,
        open_ + reform + obs.facts,
        leading,
        reason if points < 2 or leading else None,
        counts={
            "open_question": len(open_),
            "reformulation": len(reform),
            "fact": len(obs.facts),
            "leading_question": len(leading),
        },
    )


def analyse_complaint(obs: Observations) -> Finding:
    open_, closed, leading, reform = _open(obs), _closed(obs), obs.get(M.leading_question), _reform(obs)
    points = _pts(len(open_) >= 1, len(open_) + len(closed) >= 3, bool(reform), bool(obs.facts))
    points, reason = _leading_cap(points, open_, leading)
    return Finding(
        points,
        open_ + reform + obs.facts + closed,
        leading,
        reason,
        counts={
            "open_question": len(open_),
            "closed_question": len(closed),
            "reformulation": len(reform),
            "fact": len(obs.facts),
            "leading_question": len(leading),
        },
    )


# --- expertise and regulations ---------------------------------------------------------------------


def _arguments(obs: Observations) -> list[Hit]:
    return obs.without(M.quantified_argument, M.unconditional_concession, "illegal", M.blame)


def expertise(obs: Observations) -> Finding:
    quant, reg = _arguments(obs), obs.get(M.regulation_reference)
    points = _pts(len(quant) >= 1, len(quant) >= 2, bool(obs.resolved) or bool(reg))
    reason = None
    if obs.unresolved and len(obs.unresolved) > len(obs.resolved):
        points, reason = min(points, 1), "unresolved"
    return Finding(
        points,
        quant + obs.resolved + reg,
        [],
        reason,
        counts={
            "quantified_argument": len(quant),
            "resolved": len(obs.resolved),
            "unresolved": len(obs.unresolved),
        },
    )


def respects_rules(obs: Observations) -> Finding:
    illegal = obs.get("illegal")
    reg = obs.without(M.regulation_reference, "illegal")
    offer = obs.without(M.proposal, "illegal", M.unconditional_concession) + obs.without(
        M.conditional_concession, "illegal"
    )
    frame = obs.get(M.next_step) + obs.get(M.summary) + obs.without("process", "illegal")
    uncond = _unjustified(obs)
    counts: dict[str, float] = {
        "regulation_reference": len(reg),
        "proposal": len(offer),
        "illegal": len(illegal),
        "unconditional_concession": len(uncond),
    }
    if illegal:
        return Finding(0, reg, illegal, "illegal", cap=1, counts=counts)
    points = _pts(bool(reg), bool(offer), bool(frame))
    reason = None
    if uncond:
        points, reason = max(0, points - 1), "unconditional"
    return Finding(points, reg + offer, uncond, reason, counts=counts)


# --- BLOC2.A2.C2.CR2: negotiating ------------------------------------------------------------------


def _unjustified(obs: Observations) -> list[Hit]:
    """Concessions given with nothing in return and no reason (in their sentence or the next one)."""
    return obs.without(M.unconditional_concession, "justified")


def intervention_level(obs: Observations) -> Finding:
    """CR2.1: the mandate stated, and proposals or concessions justified (the reason in the same sentence or
    the next one); a concession given with neither a counterpart nor a reason counts against.

    An offer beyond the candidate's mandate (the script's `terms[].mandate`, read from the director's dialogue
    state) is a fault of this indicator: "Le niveau d'intervention dans la négociation est justifié" is the one
    of the exam's CR2 indicators about how far the negotiator may commit (the margin the brief gives: -3 %, a
    floor of 18 % margin); committing beyond it is intervening at a level one has no authority for, which no
    justification makes good. (CR2.2, the techniques, and CR2.3, assertiveness, are about how one concedes,
    not how far one may go.) The offer is quoted against, the indicator is 0 and the criterion at most 1."""
    mandate = obs.get("mandate")
    justified = obs.get("justified")
    uncond = _unjustified(obs)
    beyond = obs.beyond_mandate
    counts: dict[str, float] = {
        "mandate": len(mandate),
        "justified_proposal": len(justified),
        "unconditional_concession": len(uncond),
    }
    if beyond:
        counts["beyond_mandate"] = len(beyond)
        # the mention of a mandate one then goes beyond is no evidence of a justified level of intervention
        return Finding(
            0, justified, beyond, "mandate", cap=1, counts=counts, hint=_mandate_hint(obs, beyond[0])
        )
    points = min(3, 2 * bool(mandate) + (len(justified) >= 1) + (len(justified) >= 2))
    reason = None
    if uncond:
        points, reason = min(points, 1), "unconditional"
    return Finding(points, mandate + justified, uncond, reason, counts=counts)


def _mandate_hint(obs: Observations, hit: Hit) -> str | None:
    """The mandate the offer went beyond, as the candidate's brief gives it ("3 %", "60 days")."""
    from scenarios.model import Unit
    from scenarios.offers import format_figure

    known = obs.mandates.get(hit.ref or "")
    if known is None:
        return None
    return format_figure(known[0], Unit(known[1]), "fr" if obs.language == "fr" else "en")


def negotiation_techniques(obs: Observations) -> Finding:
    """CR2.2: conditional concessions; a concession with nothing in return counts against, unless its reason is
    given (a justified concession answers something the other side already brought, e.g. volumes that grew)."""
    cond, uncond = obs.get(M.conditional_concession), _unjustified(obs)
    closing = obs.get(M.summary) + obs.get(M.next_step)
    if cond:
        points = min(3, 2 + (len(cond) >= 2 or bool(closing)))
    else:
        points = 1 if obs.without(M.proposal, M.unconditional_concession) else 0
    reason = None
    if uncond:
        points, reason = min(points, 1 if len(cond) > len(uncond) else 0), "unconditional"
    return Finding(
        points,
        cond + closing,
        uncond,
        reason,
        counts={"conditional_concession": len(cond), "unconditional_concession": len(uncond)},
    )


def assertive(obs: Observations) -> Finding:
    props = obs.without(M.proposal, M.unconditional_concession, M.blame)
    closing = obs.get(M.next_step) + obs.get(M.summary)
    firm = obs.get(M.conditional_concession) + obs.without(M.regulation_reference, "illegal")
    blame, uncond, dismiss = obs.get(M.blame), _unjustified(obs), obs.get("dismissal")
    points = _pts(bool(props), bool(closing), bool(firm))
    reason = None
    if uncond:
        points, reason = min(points, 1), "unconditional"
    if blame or dismiss:
        points, reason = min(points, 0 if len(blame) + len(dismiss) >= 2 else 1), "blame"
    return Finding(
        points,
        props + closing + firm,
        blame + dismiss + uncond,
        reason,
        counts={"proposal": len(props), "blame": len(blame), "unconditional_concession": len(uncond)},
    )


def objection_answers(obs: Observations) -> Finding:
    quant, reg = _arguments(obs), obs.get(M.regulation_reference)
    uncond = obs.get(M.unconditional_concession)
    if obs.objections_raised:
        answered = len(obs.resolved) + len(obs.unresolved)
        ratio = len(obs.resolved) / answered if answered else 0.0
        points = 3 if obs.resolved and ratio >= 0.99 else 2 if ratio >= 0.5 else 1 if obs.resolved else 0
    else:
        points = _pts(len(quant) >= 1, len(quant) >= 2, bool(reg) or bool(obs.get("process")))
    reason = "unresolved" if obs.unresolved else None
    if uncond:
        points, reason = min(points, 1), reason or "unconditional"
    return Finding(
        points,
        obs.resolved + quant + reg,
        uncond,
        reason,
        counts={
            "resolved": len(obs.resolved),
            "unresolved": len(obs.unresolved),
            "quantified_argument": len(quant),
        },
    )


# --- BLOC2.A2.C3.CR3: complaints --------------------------------------------------------------------


def _blame_cap(points: int, blame: list[Hit]) -> tuple[int, str | None]:
    if not blame:
        return points, None
    return min(points, 0 if len(blame) >= 2 else 1), "blame"


def _process(obs: Observations) -> list[Hit]:
    """Procedures and contracts named while proposing or arguing (not in passing, not to blame)."""
    named = obs.within(
        "process", M.proposal, M.next_step, M.conditional_concession, M.quantified_argument, M.summary
    )
    bad = [h for k in (M.blame, "illegal", "dismissal", M.imposition) for h in obs.get(k)]
    return [h for h in named if not any(h.overlaps(b) for b in bad)]


def handle_complaint(obs: Observations) -> Finding:
    empathy = obs.without(M.empathy, M.blame)
    action = obs.without(M.proposal, M.blame) + obs.get(M.next_step)
    expert = _arguments(obs) + obs.get(M.regulation_reference) + _process(obs)
    blame = obs.get(M.blame) + obs.get("dismissal")
    points = _pts(bool(empathy), bool(action), bool(expert))
    points, reason = _blame_cap(points, blame)
    return Finding(
        points,
        empathy + action + expert,
        blame,
        reason,
        counts={"empathy": len(empathy), "proposal": len(action), "blame": len(blame)},
    )


def complaint_solution(obs: Observations) -> Finding:
    illegal = obs.get("illegal")
    offer = obs.without(M.proposal, "illegal", M.blame) + obs.without(M.conditional_concession, "illegal")
    rules = obs.without(M.regulation_reference, "illegal") + _process(obs)
    check = obs.get(M.next_step) + obs.get(M.feedback_request) + obs.get(M.summary)
    blame, uncond = obs.get(M.blame), obs.get(M.unconditional_concession)
    counts: dict[str, float] = {
        "proposal": len(offer),
        "rules": len(rules),
        "illegal": len(illegal),
        "blame": len(blame),
    }
    if illegal:
        return Finding(0, rules, illegal, "illegal", cap=1, counts=counts)
    points = _pts(bool(offer), bool(rules), bool(check))
    reason = None
    if uncond:
        points, reason = max(0, points - 1), None
    points, blamed = _blame_cap(points, blame)
    return Finding(points, offer + rules + check, blame + uncond, blamed or reason, counts=counts)


# --- BLOC3: managing change --------------------------------------------------------------------------

_TOP_DOWN = (M.imposition, "dismissal")


def _top_down(obs: Observations) -> list[Hit]:
    return obs.get(M.imposition) + obs.without("dismissal", M.imposition)


def _top_down_cap(points: int, imposed: list[Hit], hard: int = 1) -> tuple[int, str | None]:
    if not imposed:
        return points, None
    return min(points, hard - 1 if len(imposed) >= 2 and hard > 0 else hard), "imposition"


def change_impacts(obs: Observations) -> Finding:
    asked = obs.within(
        "impact", M.open_question, M.closed_question, M.reformulation, M.summary, M.quantified_argument
    )
    asked = [
        h
        for h in asked
        if not any(h.overlaps(x) for k in (*_TOP_DOWN, M.leading_question) for x in obs.get(k))
    ]
    reform = _reform(obs)
    imposed = _top_down(obs)
    points = _pts(len(asked) >= 1, len(asked) >= 2, bool(reform))
    points, reason = _top_down_cap(points, imposed)
    return Finding(
        points,
        asked + reform,
        imposed,
        reason,
        counts={"impact_question": len(asked), "reformulation": len(reform), "imposition": len(imposed)},
    )


def psychosocial_risks(obs: Observations) -> Finding:
    engaged = (
        M.open_question,
        M.closed_question,
        M.empathy,
        M.proposal,
        M.reformulation,
        M.next_step,
        M.feedback_request,
        "assessment",
        "support",
    )
    named = [
        h
        for h in obs.within("rps", *engaged)
        if not any(h.overlaps(x) for k in (*_TOP_DOWN, M.blame, M.leading_question) for x in obs.get(k))
    ]
    assessed = [
        h for h in obs.get("assessment") if not any(h.overlaps(x) for k in _TOP_DOWN for x in obs.get(k))
    ]
    dismissed = obs.get("dismissal") + obs.within(M.imposition, "rps")
    points = min(3, 2 * bool(named) + (len(named) >= 2 or bool(assessed and named)))
    reason = None
    if dismissed:
        points, reason = min(points, 1), "dismissal"
    return Finding(
        points,
        named + assessed,
        dismissed,
        reason,
        counts={"psychosocial_risk": len(named), "assessment": len(assessed), "dismissal": len(dismissed)},
    )


def change_steps(obs: Observations) -> Finding:
    steps = [
        h for h in obs.get("change_steps") if not any(h.overlaps(x) for k in _TOP_DOWN for x in obs.get(k))
    ]
    closing = obs.get(M.next_step) + obs.get(M.summary)
    imposed = _top_down(obs)
    points = _pts(len(steps) >= 1, len(steps) >= 2, bool(closing))
    reason = None
    if imposed:
        points, reason = (min(points, 1) if len(imposed) >= 2 else max(0, points - 1)), "imposition"
    return Finding(
        points,
        steps + closing,
        imposed,
        reason,
        counts={"change_step": len(steps), "imposition": len(imposed)},
    )


def agile(obs: Observations) -> Finding:
    cocon = [
        h
        for h in obs.get("coconstruction")
        if not any(h.overlaps(x) for k in (*_TOP_DOWN, M.leading_question) for x in obs.get(k))
    ]
    feedback = obs.get(M.feedback_request)
    imposed = _top_down(obs)
    points = _pts(len(cocon) >= 1, len(cocon) >= 2, len(cocon) >= 3 or bool(feedback))
    points, reason = _top_down_cap(points, imposed)
    return Finding(
        points,
        cocon + feedback,
        imposed,
        reason,
        counts={"coconstruction": len(cocon), "feedback_request": len(feedback), "imposition": len(imposed)},
    )


def management_style(obs: Observations) -> Finding:
    bad = (*_TOP_DOWN, M.blame)
    support = [h for h in obs.get("support") if not any(h.overlaps(x) for k in bad for x in obs.get(k))]
    empathy = obs.without(M.empathy, *bad)
    cocon = [h for h in obs.get("coconstruction") if not any(h.overlaps(x) for k in bad for x in obs.get(k))]
    imposed = _top_down(obs) + obs.get(M.blame)
    points = _pts(bool(support), bool(empathy), bool(cocon))
    points, reason = _top_down_cap(points, imposed)
    return Finding(
        points,
        support + empathy + cocon,
        imposed,
        reason,
        counts={
            "support": len(support),
            "empathy": len(empathy),
            "coconstruction": len(cocon),
            "imposition": len(imposed),
        },
    )


def open_stance(obs: Observations) -> Finding:
    open_, reform = _open(obs), _reform(obs)
    listening = obs.without(M.empathy, M.blame, M.imposition) + obs.get(M.feedback_request)
    imposed = _top_down(obs) + obs.get(M.blame)
    leading = obs.get(M.leading_question)
    points = _pts(bool(open_), bool(reform), bool(listening))
    points, reason = _top_down_cap(points, imposed)
    if reason is None:
        points, reason = _leading_cap(points, open_, leading) if leading else (points, None)
    return Finding(
        points,
        open_ + reform + listening,
        imposed + leading,
        reason,
        counts={"open_question": len(open_), "reformulation": len(reform), "imposition": len(imposed)},
    )


#: CR5.3: the share of the candidate's turns with a feedback request for 3, 2 (1 for any).
FEEDBACK_RATE_3, FEEDBACK_RATE_2 = 0.3, 0.15
#: CR5.3: distinct professional terms to use in each language spoken for the terms' point.
MIN_DISTINCT_TERMS = 3
#: CR5.3: a language counts as spoken from this many of the candidate's words in it (as the language measures).
TERMS_MIN_WORDS = 25


def _richest(terms: list[Hit]) -> Hit:
    """The sentence with the most distinct terms (the first of them)."""
    by_sentence: dict[tuple[int, int], set[str | None]] = {}
    for h in terms:
        by_sentence.setdefault((h.turn, h.start), set()).add(h.ref)
    best = max(by_sentence, key=lambda k: len(by_sentence[k]))
    return next(h for h in terms if (h.turn, h.start) == best)


def feedback_requests(obs: Observations) -> Finding:
    """CR5.3 "Les termes professionnels sont justes et compréhensibles dans les deux langues. Un feedback
    est demandé systématiquement pour s'assurer de leur compréhension."

    - feedback (second half): turns with a feedback request over all the candidate's turns: 3 from
      FEEDBACK_RATE_3, 2 from FEEDBACK_RATE_2, 1 for any, else 0;
    - terms (first half): +1 when the candidate uses at least MIN_DISTINCT_TERMS distinct professional
      terms (feedback.french / feedback.english lists, each counted in turns of its language only) in
      every language in which they said TERMS_MIN_WORDS words or more, and misuses none;
    - a misused term (a French false friend in English, "chiffre d'affaire" typed…) gives no term point,
      is quoted against (reason `misuse`) and so also forgoes the lift of the scenario's observables.
    At most 3."""
    asked = obs.get(M.feedback_request)
    turns = len({h.turn for h in asked})
    rate = turns / len(obs.turns) if obs.turns else 0.0
    points = 3 if rate >= FEEDBACK_RATE_3 else 2 if rate >= FEEDBACK_RATE_2 else 1 if turns else 0
    spoken = [
        lang
        for lang in ("fr", "en")
        if sum(len(t.text.split()) for t in obs.turns if t.lang == lang) >= TERMS_MIN_WORDS
    ]
    distinct = {lang: {h.ref for h in obs.terms.get(lang, [])} for lang in spoken}
    misused = sorted(obs.misuses, key=lambda h: (h.turn, h.start))
    terms_point = (
        bool(spoken) and all(len(d) >= MIN_DISTINCT_TERMS for d in distinct.values()) and not misused
    )
    shown = [_richest(obs.terms[lang]) for lang in spoken if obs.terms.get(lang)]
    counts: dict[str, float] = {"feedback_request_turns": turns, "turns": len(obs.turns)}
    counts |= {f"professional_terms_{lang}": len(d) for lang, d in distinct.items()}
    counts["term_misuse"] = len(misused)
    return Finding(
        min(3, points + terms_point),
        asked + shown,
        misused,
        "misuse" if misused else None,
        counts=counts,
        hint=misused[0].ref if misused else None,
    )


# --- languages ----------------------------------------------------------------------------------------

_CEFR_STRENGTH = {"A1": 0, "A2": 1, "B1": 2, "B2": 3, "C1": 3, "C2": 3}


def english(obs: Observations) -> Finding:
    if obs.english is None:
        return Finding(None)
    return Finding(_CEFR_STRENGTH.get(obs.english.cefr, 0), counts={"cefr_" + obs.english.cefr: 1})


def french(obs: Observations) -> Finding:
    """CR5.1: errors per 100 words (3 up to 1, 2 up to 2.5, 1 up to 5, else 0). When the scenario expects
    "vous" (a client, the Direction) and the candidate says "tu" (register tu or mixed), one level less
    (not below 0) and the "tu" sentences are quoted against (reason `register`). When "tu" is expected (a
    team that says tu) or the counterpart is unknown, neither form counts."""
    fr = obs.french
    if fr is None:
        return Finding(None)
    rate = float(getattr(fr, "errors_per_100_words", 0.0))
    points = 3 if rate <= 1.0 else 2 if rate <= 2.5 else 1 if rate <= 5.0 else 0
    counts = {"errors_per_100_words": round(rate, 1)}
    if obs.register == "vous" and getattr(fr, "register", None) in ("tu", "mixed"):
        counts["tu_sentence"] = len(obs.tu_sentences)
        return Finding(max(0, points - 1), [], obs.tu_sentences, "register", counts=counts)
    return Finding(points, [], [], None, counts=counts)


# --- BLOC1.A2.C3.CR3: pitching to the Direction ---------------------------------------------------------


def direction_format(obs: Observations) -> Finding:
    structure, summary = obs.get("structure"), obs.get(M.summary)
    ask = obs.get(M.next_step) + obs.without(M.proposal, M.blame)
    blame = obs.get(M.blame)
    points = _pts(bool(structure), bool(summary) or len(structure) >= 2, bool(ask))
    points, reason = _blame_cap(points, blame)
    return Finding(
        points,
        structure + summary + ask,
        blame,
        reason,
        counts={"structure": len(structure), "summary": len(summary), "decision_ask": len(ask)},
    )


def quantified_structure(obs: Observations) -> Finding:
    quant = _arguments(obs)
    structure = obs.get("structure") + obs.get(M.summary)
    points = _pts(len(quant) >= 1, len(quant) >= 2, bool(structure))
    return Finding(
        points,
        quant + structure,
        [],
        None,
        counts={"quantified_argument": len(quant), "structure": len(structure)},
    )


def _values(obs: Observations) -> tuple[list[Hit], list[Hit]]:
    values = obs.without("values", "values_violation")
    linked = [h for h in values if any(h.overlaps(c) for c in obs.get("coherence"))]
    return values, linked


def values_coherence(obs: Observations) -> Finding:
    values, linked = _values(obs)
    points = min(3, 2 * bool(linked) + (len(linked) >= 2)) if linked else (1 if values else 0)
    return Finding(
        points,
        linked or values,
        obs.get("values_violation"),
        None,
        counts={"values_linked": len(linked), "values": len(values)},
    )


def values_respected(obs: Observations) -> Finding:
    violation = obs.get("values_violation")
    values, linked = _values(obs)
    if violation:
        return Finding(0, [], violation, "violation", counts={"violation": len(violation)})
    if not values:
        return Finding(None)
    return Finding(2 + bool(linked), values, [], None, counts={"values": len(values)})


def innovation(obs: Observations) -> Finding:
    inno = obs.without("innovation", "values_violation", M.blame)
    versus = [h for h in inno if any(h.overlaps(c) for c in obs.get("competition"))]
    points = min(3, 2 * bool(inno) + (bool(versus) or len(inno) >= 2))
    return Finding(points, inno, [], None, counts={"innovation": len(inno), "versus_market": len(versus)})


def value_creation(obs: Observations) -> Finding:
    """Value is demonstrated by a quantified argument that says what changes (rises, saves, pays back,
    against...): a margin or a revenue figure on its own is a figure, not a demonstration."""
    value = obs.without("value_creation", "values_violation")
    effects = obs.get("effect")
    shown = [
        h
        for h in value
        if any(h.overlaps(q) for q in _arguments(obs)) and any(h.overlaps(e) for e in effects)
    ]
    points = min(3, 2 * bool(shown) + (len(shown) >= 2)) if shown else (1 if value else 0)
    return Finding(
        points, shown or value, [], None, counts={"quantified_value": len(shown), "value": len(value)}
    )


RULES: dict[str, Rule] = {
    "BLOC2.A2.C1.CR1.1": explore_needs,
    "BLOC2.A2.C1.CR1.2": expertise,
    "BLOC2.A2.C1.CR1.3": respects_rules,
    "BLOC2.A2.C1.CR1.4": english,
    "BLOC2.A2.C2.CR2.1": intervention_level,
    "BLOC2.A2.C2.CR2.2": negotiation_techniques,
    "BLOC2.A2.C2.CR2.3": assertive,
    "BLOC2.A2.C2.CR2.4": objection_answers,
    "BLOC2.A2.C2.CR2.5": english,
    "BLOC2.A2.C3.CR3.1": analyse_complaint,
    "BLOC2.A2.C3.CR3.2": handle_complaint,
    "BLOC2.A2.C3.CR3.3": complaint_solution,
    "BLOC3.A1.C3.CR3.1": management_style,
    "BLOC3.A1.C3.CR3.2": open_stance,
    "BLOC3.A1.C4.CR4.1": change_impacts,
    "BLOC3.A1.C4.CR4.2": psychosocial_risks,
    "BLOC3.A1.C4.CR4.3": change_steps,
    "BLOC3.A1.C4.CR4.4": agile,
    "BLOC3.A1.C5.CR5.1": french,
    "BLOC3.A1.C5.CR5.2": english,
    "BLOC3.A1.C5.CR5.3": feedback_requests,
    "BLOC1.A2.C3.CR3.1": direction_format,
    "BLOC1.A2.C3.CR3.2": quantified_structure,
    "BLOC1.A2.C3.CR3.3": values_coherence,
    "BLOC1.A2.C3.CR3.4": values_respected,
    "BLOC1.A2.C3.CR3.5": innovation,
    "BLOC1.A2.C3.CR3.6": value_creation,
}


def assess(indicator_id: str, obs: Observations, language: str | None = None) -> Finding:
    """The finding for one indicator; language indicators by their flag; None strength when no rule applies."""
    rule = RULES.get(indicator_id)
    if rule is None:
        if language == "en":
            rule = english
        elif language == "fr":
            rule = french
        else:
            logger.info("no rule for indicator %s: not assessable by the detectors", indicator_id)
            return Finding(None)
    return _with_observables(obs, indicator_id, rule(obs))
