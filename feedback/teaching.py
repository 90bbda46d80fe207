"""Model answers that teach: beside each weak indicator, the candidate's own words at that moment and what a
strong candidate could have said there (the script's `model_answers`, written by the jury).

`teach(card, obs, scenario)` fills `IndicatorScore.moment` (an exact quote of the candidate, verified like every
quote) and `model_answer` / `model_answer_at` for each indicator that is not met:

1. **The moment**: the turn of the first quote that counts against the indicator; failing that, the first
   turn said where the script holds a model answer that shows the indicator. `observations.moments` (from the
   director's replay) says in which stage the turn was said and which objection was then pending.
2. **The model answer**: of that objection, else of that stage, the first model answer that *shows* the
   indicator (its moves and markers, detected by the same detectors as the candidate's turns, are among what
   the indicator rests on: `SHOWS`); else the objection's first one (what answered the moment). With no
   moment (the candidate never reached a stage with one), the first model answer of the script that shows it.
   Answers are given in the language of the moment's turn (the exam switches to English), else the session's.

Language indicators (English level, French accuracy) get none: a sentence does not teach a level.
Deterministic; the model answers are detected once per script version.
"""

from __future__ import annotations

import logging

from feedback import markers
from feedback.observations import Observations
from feedback.referential import load_referential
from feedback.scorecard import Evidence, IndicatorScore, Scorecard
from scenarios.model import LANGS, Scenario
from scenarios.moves import detect

logger = logging.getLogger(__name__)

MAX_MOMENT = 240

#: What each indicator rests on (moves of `scenarios.moves`, markers of `feedback.markers`): a model answer
#: shows an indicator when it is detected as one of these. "objection": any objection's model answer.
SHOWS: dict[str, frozenset[str]] = {
    "BLOC2.A2.C1.CR1.1": frozenset({"open_question", "reformulation", "summary"}),
    "BLOC2.A2.C1.CR1.2": frozenset({"quantified_argument", "regulation_reference"}),
    "BLOC2.A2.C1.CR1.3": frozenset({"regulation_reference", "conditional_concession", "proposal"}),
    "BLOC2.A2.C2.CR2.1": frozenset({"conditional_concession", "mandate", "justification"}),
    "BLOC2.A2.C2.CR2.2": frozenset({"conditional_concession"}),
    "BLOC2.A2.C2.CR2.3": frozenset({"proposal", "next_step", "conditional_concession"}),
    "BLOC2.A2.C2.CR2.4": frozenset({"objection", "quantified_argument", "regulation_reference"}),
    "BLOC2.A2.C3.CR3.1": frozenset({"open_question", "closed_question", "reformulation"}),
    "BLOC2.A2.C3.CR3.2": frozenset({"empathy", "proposal", "next_step"}),
    "BLOC2.A2.C3.CR3.3": frozenset(
        {"proposal", "conditional_concession", "regulation_reference", "process", "next_step"}
    ),
    "BLOC3.A1.C3.CR3.1": frozenset({"empathy", "support", "coconstruction"}),
    "BLOC3.A1.C3.CR3.2": frozenset({"open_question", "reformulation", "empathy", "feedback_request"}),
    "BLOC3.A1.C4.CR4.1": frozenset({"impact", "open_question", "reformulation"}),
    "BLOC3.A1.C4.CR4.2": frozenset({"rps", "empathy", "support"}),
    "BLOC3.A1.C4.CR4.3": frozenset({"change_steps", "next_step", "summary"}),
    "BLOC3.A1.C4.CR4.4": frozenset({"coconstruction", "feedback_request"}),
    "BLOC3.A1.C5.CR5.3": frozenset({"feedback_request"}),
    "BLOC1.A2.C3.CR3.1": frozenset({"structure", "summary", "next_step", "proposal"}),
    "BLOC1.A2.C3.CR3.2": frozenset({"quantified_argument", "structure", "summary"}),
    "BLOC1.A2.C3.CR3.3": frozenset({"values", "coherence"}),
    "BLOC1.A2.C3.CR3.4": frozenset({"values"}),
    "BLOC1.A2.C3.CR3.5": frozenset({"innovation", "competition"}),
    "BLOC1.A2.C3.CR3.6": frozenset({"value_creation", "quantified_argument"}),
}

_MARKERS = (
    "mandate",
    "justification",
    "process",
    "support",
    "coconstruction",
    "impact",
    "rps",
    "change_steps",
    "structure",
    "values",
    "coherence",
    "innovation",
    "competition",
    "value_creation",
)


class Answer:
    """One model answer of the script: where it stands and what it shows."""

    __slots__ = ("stage", "objection", "lang", "text", "shows")

    def __init__(self, stage: str, objection: str | None, lang: str, text: str, shows: frozenset[str]):
        self.stage, self.objection, self.lang, self.text, self.shows = stage, objection, lang, text, shows

    @property
    def at(self) -> str:
        return f"objection:{self.objection}" if self.objection else f"stage:{self.stage}"


def shows(text: str, lang: str) -> frozenset[str]:
    """What a sentence is detected as: its moves and markers (the candidate's detectors)."""
    found = {str(h.move) for h in detect(text, lang)}
    found |= {name for name in _MARKERS if markers.find(name, text, lang)}
    return frozenset(found)


_CACHE: dict[tuple[str, int], tuple[Answer, ...]] = {}


def _answers(scenario: Scenario) -> tuple[Answer, ...]:
    """The script's model answers, detected once per script version."""
    key = (scenario.id, scenario.version)
    if key not in _CACHE:
        _CACHE[key] = _read_answers(scenario)
    return _CACHE[key]


def _read_answers(scenario: Scenario) -> tuple[Answer, ...]:
    out: list[Answer] = []
    for stage in scenario.stages:
        for objection in stage.objections:
            if objection.model_answers is not None:
                for lang in LANGS:
                    for text in objection.model_answers.get(lang):
                        out.append(
                            Answer(stage.id, objection.id, lang, text, shows(text, lang) | {"objection"})
                        )
        if stage.model_answers is not None:
            for lang in LANGS:
                for text in stage.model_answers.get(lang):
                    out.append(Answer(stage.id, None, lang, text, shows(text, lang)))
    return tuple(out)


def _pick(
    answers: tuple[Answer, ...],
    wanted: frozenset[str],
    stages: list[str],
    stage: str,
    objection: str | None,
    lang: str,
    about: str | None = None,
) -> Answer | None:
    """The model answer for this moment: one that shows the indicator, of the objection the fault was about
    (`about`: an offer beyond the mandate is about its term's objection), of the objection then pending, of the
    stage, else of the nearest stage; failing all, the pending objection's first answer."""
    here = [a for a in answers if a.lang == lang]
    at = stages.index(stage) if stage in stages else 0

    def rank(a: Answer) -> tuple[int, int]:
        if about is not None and a.objection == about:
            return (0, 0)
        if objection is not None and a.objection == objection:
            return (1, 0)
        if a.stage == stage and a.objection is None:
            return (2, 0)
        where = stages.index(a.stage) if a.stage in stages else len(stages)
        return (
            3,
            abs(where - at) * 2 + (where < at),
        )  # the nearest stage, a later one first at equal distance

    showing = sorted((a for a in here if a.shows & wanted), key=rank)
    if showing:
        return showing[0]
    return next((a for a in here if objection is not None and a.objection == objection), None)


def _moment_quote(text: str) -> str:
    """The start of a turn, whole sentences up to MAX_MOMENT characters (an exact prefix of the turn)."""
    if len(text) <= MAX_MOMENT:
        return text.strip()
    cut = 0
    for s in markers.sentences(text):
        if s.end > MAX_MOMENT:
            break
        cut = s.end
    return text[:cut].strip() if cut else text[:MAX_MOMENT].rsplit(" ", 1)[0].strip()


def teach(card: Scorecard, obs: Observations, scenario: Scenario | None) -> Scorecard:
    """The scorecard with a model answer, and the candidate's words at that moment, beside each weak indicator."""
    if scenario is None:
        return card
    try:
        answers = _answers(scenario)
    except Exception:  # a detector bug must not lose the scorecard
        logger.exception("model answers of %s could not be read", scenario.id)
        return card
    if not answers:
        return card
    referential = load_referential()
    turns = {t.number: t for t in obs.turns}
    pleas = {h.turn for h in obs.manipulation}  # a turn that addresses the scorer is quoted nowhere
    criteria = []
    for c in card.criteria:
        indicators = []
        for i in c.indicators:
            if i.met is False:
                try:
                    language = referential.indicator(i.code).language
                except KeyError:
                    language = None
                wanted = SHOWS.get(i.code)
                if language is None and wanted:
                    i = _teach_one(i, wanted, answers, obs, turns, pleas, card.language, scenario)
            indicators.append(i)
        criteria.append(c.model_copy(update={"indicators": indicators}))
    return card.model_copy(update={"criteria": criteria})


def _teach_one(
    i: IndicatorScore,
    wanted: frozenset[str],
    answers: tuple[Answer, ...],
    obs: Observations,
    turns: dict,
    pleas: set,
    session_lang: str,
    scenario: Scenario,
) -> IndicatorScore:
    stages = [st.id for st in scenario.stages]
    objections_of = {t.id: t.objection for t in scenario.hidden_brief.terms}
    moment: Evidence | None = None
    chosen: Answer | None = None
    if i.against:
        first = i.against[0]
        where = obs.moments.get(first.turn)
        if where is not None:
            lang = turns[first.turn].lang if first.turn in turns else session_lang
            about = next(
                (
                    objections_of.get(h.ref or "")
                    for h in obs.beyond_mandate
                    if h.turn == first.turn and h.quote == first.quote
                ),
                None,
            )
            chosen = _pick(
                answers,
                wanted,
                stages,
                where[0],
                where[1],
                lang if lang in ("fr", "en") else session_lang,
                about,
            )
            moment = first  # already a verified quote (the words that count against it)
    if chosen is None:
        for number, (stage, objection) in sorted(obs.moments.items()):
            t = turns.get(number)
            if t is None:
                continue
            lang = t.lang if t.lang in ("fr", "en") else session_lang
            found = _pick(answers, wanted, stages, stage, objection, lang)
            if found is not None and found.shows & wanted and (found.stage == stage):
                quote = _moment_quote(t.text)
                chosen = found
                moment = Evidence(turn=number, quote=quote) if quote and number not in pleas else None
                break
    if chosen is None:
        chosen = next((a for a in answers if a.lang == session_lang and a.shows & wanted), None)
        moment = None
    if chosen is None:
        return i
    return i.model_copy(update={"moment": moment, "model_answer": chosen.text, "model_answer_at": chosen.at})
