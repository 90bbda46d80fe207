"""The scorecard of a rehearsal: the exam's criteria with levels, quoted evidence and advice.

`score(transcript, scenario=None, judge=None) -> Scorecard`

1. **Deterministic layer** (always on, offline, reproducible): `feedback.observations.observe` runs the
   move detectors, phrase markers, the director's replay, the scenario's observables and the English /
   French measures; `feedback.rules` turns them into one finding per indicator (strength 0–3 or not
   assessable, evidence for and against, why). A criterion's level is the rounded mean strength of its
   assessable indicators but at most one step above the weakest one, capped by red flags (accepting
   terms the law forbids caps it at 1).
2. **LLM judge** (optional, `feedback.judge.Judge`): one call per criterion; its level may move the
   detectors' level by one step; a gap of two or more leaves the detectors' level and marks the
   criterion `needs_review` (see `feedback.judge.merge`).

Without a scenario (a trainer's typed record of a real mock exam that only names its `kind`), the
criteria are the referential's oral criteria for that kind, with equal weights.

Beside each weak indicator, `feedback.teaching.teach` puts the candidate's own words at that moment and a
model answer of the script (`model_answers`, written by the jury).

Every quote is an exact substring of the candidate turn it cites; `verify_quotes` runs last and drops
any that is not (fail closed). A candidate who addresses the scorer ("give me 20/20") gets
`review_required`, every scored criterion `needs_review`, and no credit for it: those sentences are not
evidence (not even when the judge quotes them), nor part of the English or French measured, and the judge's
level never rises above the detectors'. Too few candidate turns or
words give `insufficient_evidence` rather than a level.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from feedback.advice import advice as advice_for
from feedback.judge import Judge, JudgeVerdict, merge
from feedback.observations import Hit, Observations, observe
from feedback.referential import Criterion, load_referential
from feedback.rules import Finding, assess
from feedback.scorecard import (
    CriterionScore,
    EnglishScore,
    Evidence,
    FrenchScore,
    IndicatorScore,
    Overall,
    Provenance,
    Scorecard,
    Status,
    score_20,
)
from feedback.teaching import teach
from scenarios.model import Lang, Scenario, Transcript

logger = logging.getLogger(__name__)

SCORER_VERSION = "oralblanc-scorer/1"
MIN_CANDIDATE_TURNS = 3
MIN_CANDIDATE_WORDS = 40
MAX_EVIDENCE = 4  # quotes per indicator
MAX_CRITERION_EVIDENCE = 6


def criteria_for(transcript: Transcript, scenario: Scenario | None) -> list[tuple[Criterion, float]]:
    """The criteria a session is scored on, with their weights."""
    referential = load_referential()
    if scenario is not None:
        return [(referential.criterion(c.id), c.weight) for c in scenario.criteria]
    kind = transcript.kind.value if transcript.kind is not None else None
    if kind is None:
        raise ValueError("a transcript without a scenario must name its kind")
    return [(c, 1.0) for c in referential.oral_criteria(kind)]


def score(transcript: Transcript, scenario: Scenario | None = None, judge: Judge | None = None) -> Scorecard:
    """Score a transcript (see the module docstring). Blocking: call it off the event loop."""
    obs, criteria = _detect(transcript, scenario)
    verdicts: dict[str, JudgeVerdict | str] = {}
    if judge is not None and _enough(obs):
        verdicts = judge.judge_all([c for c, _ in criteria], transcript, scenario)
    return _finish(transcript, scenario, obs, criteria, judge, verdicts)


async def ascore(
    transcript: Transcript, scenario: Scenario | None = None, judge: Judge | None = None
) -> Scorecard:
    """`score` for async callers: detectors in a worker thread, judge calls awaited."""
    obs, criteria = await asyncio.to_thread(_detect, transcript, scenario)
    verdicts: dict[str, JudgeVerdict | str] = {}
    if judge is not None and _enough(obs):
        verdicts = await judge.ajudge_all([c for c, _ in criteria], transcript, scenario)
    return _finish(transcript, scenario, obs, criteria, judge, verdicts)


# --- the deterministic layer ---------------------------------------------------------------------------


def _detect(
    transcript: Transcript, scenario: Scenario | None
) -> tuple[Observations, list[tuple[Criterion, float]]]:
    if scenario is not None and transcript.scenario not in (None, scenario.id):
        logger.warning("transcript names scenario %s, scored with %s", transcript.scenario, scenario.id)
    return observe(transcript, scenario), criteria_for(transcript, scenario)


def _enough(obs: Observations) -> bool:
    return len(obs.turns) >= MIN_CANDIDATE_TURNS and obs.words >= MIN_CANDIDATE_WORDS


def _finish(
    transcript: Transcript,
    scenario: Scenario | None,
    obs: Observations,
    criteria: list[tuple[Criterion, float]],
    judge: Judge | None,
    verdicts: dict[str, JudgeVerdict | str],
) -> Scorecard:
    lang = transcript.language
    enough = _enough(obs)
    scored: list[CriterionScore] = []
    problems: list[str] = []
    for criterion, weight in criteria:
        result, cap = score_criterion(criterion, weight, obs, lang, enough)
        verdict = verdicts.get(criterion.id)
        if isinstance(verdict, str):
            problems.append(f"{criterion.id}: {verdict}")
        elif verdict is not None:
            result = merge(result, verdict, cap=cap, manipulation=bool(obs.manipulation))
        if obs.manipulation and result.status == Status.scored:
            # the candidate addressed the scorer: a person looks at every level (which the plea never raised)
            result = result.model_copy(update={"status": Status.needs_review})
        scored.append(result)

    reasons: list[str] = []
    if obs.manipulation:
        quotes = "; ".join(f"turn {h.turn}: {h.quote!r}" for h in obs.manipulation[:3])
        reasons.append(f"the candidate addresses the scorer ({quotes})")
    for c in scored:
        if (
            c.status == Status.needs_review
            and c.judge_level is not None
            and c.judge_level != c.detector_level
        ):
            reasons.append(f"{c.code}: detectors {c.detector_level} vs judge {c.judge_level}")
    card = Scorecard(
        scenario=scenario.id if scenario is not None else transcript.scenario,
        kind=(
            scenario.kind.value
            if scenario is not None
            else transcript.kind.value
            if transcript.kind
            else None
        ),
        language=lang,
        criteria=scored,
        english=_english(obs),
        french=_french(obs),
        overall=Overall(score_20=score_20(scored), review_required=bool(reasons), reasons=reasons),
        provenance=Provenance(
            scorer_version=SCORER_VERSION,
            judge_model=judge.model if judge is not None else None,
            judge_prompt_version=judge.prompt_version if judge is not None else None,
            judge_problems=problems,
        ),
    )
    card = teach(card, obs, scenario)
    if obs.manipulation:
        card = _drop_quotes(card, [(h.turn, h.quote) for h in obs.manipulation])
    return verify_quotes(card, transcript)


def _drop_quotes(card: Scorecard, sentences: list[tuple[int, str]]) -> Scorecard:
    """Drop every quote taken from these sentences (what the candidate said to the scorer is no evidence, even
    when the judge quotes it)."""

    def keep(items: list[Evidence]) -> list[Evidence]:
        return [
            e for e in items if not any(e.turn == n and (e.quote in q or q in e.quote) for n, q in sentences)
        ]

    return _filter_evidence(card, keep)


def score_criterion(
    criterion: Criterion, weight: float, obs: Observations, lang: Lang, enough: bool = True
) -> tuple[CriterionScore, int | None]:
    """The deterministic score of one criterion, and the cap its red flags put on any level."""
    indicators: list[IndicatorScore] = []
    strengths: list[int] = []
    caps: list[int] = []
    for ind in criterion.indicators:
        finding = assess(ind.id, obs, ind.language)
        if finding.cap is not None:
            caps.append(finding.cap)
        if finding.strength is not None:
            strengths.append(finding.strength)
        indicators.append(_indicator(ind.id, ind.text(lang), finding, lang))
    cap = min(caps) if caps else None
    evidence = _dedupe([e for i in indicators if i.met for e in i.evidence])[:MAX_CRITERION_EVIDENCE]
    advice = " ".join(i.advice for i in indicators if i.advice)
    non_language = [
        f for f, ind in zip(indicators, criterion.indicators, strict=True) if ind.language is None
    ]
    if not enough or not strengths or (non_language and all(i.met is None for i in non_language)):
        return CriterionScore(
            code=criterion.id,
            level=None,
            status=Status.insufficient_evidence,
            indicators=indicators,
            evidence=evidence,
            advice=advice,
            weight=weight,
        ), cap
    level = criterion_level(strengths)
    if cap is not None:
        level = min(level, cap)
    return CriterionScore(
        code=criterion.id,
        level=level,
        status=Status.scored,
        indicators=indicators,
        evidence=evidence,
        advice=advice,
        weight=weight,
        detector_level=level,
    ), cap


def criterion_level(strengths: list[int]) -> int:
    """A criterion's level from its indicators' strengths: the rounded mean, but at most one step above
    the weakest indicator (an indicator not shown at all keeps the criterion at 1)."""
    mean = int(sum(strengths) / len(strengths) + 0.5)
    return min(mean, min(strengths) + 1)


def _indicator(code: str, text: str, f: Finding, lang: str) -> IndicatorScore:
    evidence = _dedupe(_evidence(f.evidence))[:MAX_EVIDENCE]
    against = _dedupe(_evidence(f.against))[:MAX_EVIDENCE]
    weak = f.met is False
    quote = against[0].quote if against else None
    return IndicatorScore(
        code=code,
        met=f.met,
        strength=f.strength,
        evidence=evidence,
        against=against,
        note=_note(f, lang),
        advice=advice_for(code, f.reason, lang, quote, text, hint=f.hint)
        if weak or (f.reason and against)
        else None,
    )


def _evidence(hits: Iterable[Hit]) -> list[Evidence]:
    return [Evidence(turn=h.turn, quote=h.quote) for h in sorted(hits, key=lambda h: (h.turn, h.start))]


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, str]] = set()
    out: list[Evidence] = []
    for e in items:
        if (e.turn, e.quote) not in seen:
            seen.add((e.turn, e.quote))
            out.append(e)
    return out


# --- notes: what a finding rests on, in words -------------------------------------------------------

LABELS: dict[str, tuple[str, str]] = {
    "open_question": ("question(s) ouverte(s)", "open question(s)"),
    "closed_question": ("question(s) fermée(s)", "closed question(s)"),
    "leading_question": ("question(s) orientée(s)", "leading question(s)"),
    "reformulation": ("reformulation(s)", "reformulation(s)"),
    "fact": ("fait(s) caché(s) découvert(s)", "hidden fact(s) discovered"),
    "quantified_argument": ("argument(s) chiffré(s)", "quantified argument(s)"),
    "resolved": ("objection(s) levée(s)", "objection(s) resolved"),
    "unresolved": ("objection(s) non levée(s)", "objection(s) left unresolved"),
    "regulation_reference": ("référence(s) à la réglementation", "reference(s) to regulations"),
    "proposal": ("proposition(s)", "proposal(s)"),
    "illegal": ("acceptation(s) de conditions interdites", "acceptance(s) of unlawful terms"),
    "unconditional_concession": ("concession(s) sans contrepartie", "unconditional concession(s)"),
    "conditional_concession": ("concession(s) conditionnelle(s)", "conditional concession(s)"),
    "mandate": ("mention(s) du mandat", "mention(s) of the mandate"),
    "beyond_mandate": ("offre(s) au-delà du mandat", "offer(s) beyond the mandate"),
    "justified_proposal": ("proposition(s) justifiée(s)", "justified proposal(s)"),
    "blame": ("mise(s) en cause de l'interlocuteur", "blaming sentence(s)"),
    "empathy": ("marque(s) d'empathie", "empathic sentence(s)"),
    "rules": ("référence(s) aux règles ou procédures", "reference(s) to rules or procedures"),
    "impact_question": ("question(s) sur les impacts", "question(s) on impacts"),
    "imposition": ("injonction(s)", "imposition(s)"),
    "psychosocial_risk": ("risque(s) psychosociaux abordé(s)", "psychosocial risk(s) addressed"),
    "assessment": ("moyen(s) d'évaluation", "means of assessment"),
    "dismissal": ("inquiétude(s) balayée(s)", "worry/worries dismissed"),
    "change_step": ("étape(s) ou outil(s) du changement", "change step(s) or tool(s)"),
    "coconstruction": ("marque(s) de co-construction", "co-construction sign(s)"),
    "feedback_request": ("demande(s) de feedback", "feedback request(s)"),
    "feedback_request_turns": ("tour(s) avec demande de feedback", "turn(s) with a feedback request"),
    "turns": ("tour(s) de parole", "turn(s)"),
    "support": ("marque(s) d'accompagnement", "sign(s) of support"),
    "structure": ("marqueur(s) de structure", "structure marker(s)"),
    "summary": ("synthèse(s)", "summary/summaries"),
    "decision_ask": ("demande(s) de décision", "decision request(s)"),
    "values_linked": ("lien(s) explicite(s) aux valeurs", "explicit link(s) to the values"),
    "values": ("mention(s) des valeurs / RSE", "mention(s) of values / CSR"),
    "violation": ("propos contraire(s) aux valeurs", "statement(s) against the values"),
    "innovation": ("argument(s) d'innovation", "innovation argument(s)"),
    "versus_market": ("comparaison(s) au marché", "comparison(s) with the market"),
    "quantified_value": ("création de valeur chiffrée", "quantified value creation"),
    "value": ("mention(s) de valeur créée", "mention(s) of value created"),
    "observable": ("observable(s) du scénario", "scenario observable(s)"),
    "errors_per_100_words": ("erreurs pour 100 mots", "errors per 100 words"),
    "tu_sentence": (
        "phrase(s) au tutoiement face à un interlocuteur à vouvoyer",
        "sentence(s) saying tu where vous is expected",
    ),
    "professional_terms_fr": (
        "terme(s) professionnel(s) distinct(s) en français",
        "distinct professional term(s) in French",
    ),
    "professional_terms_en": (
        "terme(s) professionnel(s) distinct(s) en anglais",
        "distinct professional term(s) in English",
    ),
    "term_misuse": ("terme(s) mal employé(s)", "misused term(s)"),
}


def _note(f: Finding, lang: str) -> str | None:
    if f.strength is None:
        return "non évaluable sur cette session" if lang == "fr" else "not assessable in this session"
    parts = []
    for key, n in f.counts.items():
        if key.startswith("cefr_"):
            parts.append(("niveau estimé " if lang == "fr" else "estimated level ") + key[5:])
        elif n:
            label = LABELS.get(key, (key, key))[0 if lang == "fr" else 1]
            parts.append(f"{n} {label}")
    return ", ".join(parts) or ("rien d'observé" if lang == "fr" else "nothing observed")


# --- languages -----------------------------------------------------------------------------------------


def _english(obs: Observations) -> EnglishScore | None:
    e = obs.english
    if e is None:
        return None
    texts = [t.text for t in obs.turns]
    measures = dict(e.measures) | {"score": e.score, "confidence": e.confidence, "words": e.words}
    measures |= {f"fluency_{k}": v for k, v in obs.fluency.get("en", {}).items()}
    return EnglishScore(
        cefr=e.cefr,
        b1_reached=e.b1_reached,
        measures=measures,
        evidence=[s for s in e.evidence if any(s in t for t in texts)],
    )


def _french(obs: Observations) -> FrenchScore | None:
    f = obs.french
    if f is None:
        return None
    errors = list(getattr(f, "errors", []) or [])
    measures = dict(getattr(f, "measures", {}) or {})
    register = getattr(f, "register", None)
    if register is not None:
        measures["register"] = _plain(register)
    measures |= {f"fluency_{k}": v for k, v in obs.fluency.get("fr", {}).items()}
    return FrenchScore(
        errors_per_100_words=float(f.errors_per_100_words),
        measures=measures,
        errors=[_plain(e) for e in errors[:20]],
    )


def _plain(value: object) -> object:
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, (str, int, float, bool, dict, list)) or value is None:
        return value
    if hasattr(value, "__dict__"):
        return dict(vars(value))
    return str(value)


def _one(keep, moment: Evidence | None) -> Evidence | None:
    """A single quote through a `keep` filter."""
    kept = keep([moment]) if moment is not None else []
    return kept[0] if kept else None


# --- the last check ---------------------------------------------------------------------------------------


def verify_quotes(card: Scorecard, transcript: Transcript) -> Scorecard:
    """Drop every quote that is not an exact substring of the candidate turn it cites (fail closed)."""
    turns = {n: t.text for n, t in transcript.candidate_turns()}

    def keep(items: list[Evidence]) -> list[Evidence]:
        out = []
        for e in items:
            if e.turn in turns and e.quote and e.quote in turns[e.turn]:
                out.append(e)
            else:
                # the turn and the length, never the words: a quote is the candidate's (personal data)
                logger.warning(
                    "quote dropped (not in candidate turn %d, %d characters)", e.turn, len(e.quote)
                )
        return out

    return _filter_evidence(card, keep)


def _filter_evidence(card: Scorecard, keep: Callable[[list[Evidence]], list[Evidence]]) -> Scorecard:
    """The scorecard with every list of evidence (criteria, indicators, against, moments) passed
    through `keep`."""
    criteria = []
    for c in card.criteria:
        indicators = [
            i.model_copy(
                update={
                    "evidence": keep(i.evidence),
                    "against": keep(i.against),
                    "moment": _one(keep, i.moment),
                }
            )
            for i in c.indicators
        ]
        criteria.append(c.model_copy(update={"evidence": keep(c.evidence), "indicators": indicators}))
    return card.model_copy(update={"criteria": criteria})
