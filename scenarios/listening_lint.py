"""Lint checks of what a script's persona listens for (terms, participants, objection answers).

Called by `scenarios.loader.check_scenario`; each problem comes with where it is in the file.
"""

from __future__ import annotations

import re

from scenarios.model import LANGS, Scenario
from scenarios.moves import Move, detect
from scenarios.offers import offered_figures
from scenarios.topics import matches
from scenarios.yaml_source import Loc

PLACEHOLDERS = frozenset({"offer", "demand"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_listening(s: Scenario) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    stage_ids = [st.id for st in s.stages]
    objection_ids = {o.id for st in s.stages for o in st.objections}
    seen_terms: set[str] = set()
    for i, term in enumerate(s.hidden_brief.terms):
        here: Loc = ("hidden_brief", "terms", i)
        if term.id in seen_terms:
            found.append(((*here, "id"), f"duplicate term id '{term.id}'"))
        seen_terms.add(term.id)
        if term.objection is not None and term.objection not in objection_ids:
            found.append(((*here, "objection"), f"term '{term.id}': unknown objection '{term.objection}'"))
        if term.from_stage is not None and term.from_stage not in stage_ids:
            found.append(((*here, "from_stage"), f"term '{term.id}': unknown stage '{term.from_stage}'"))
        for name, limit in (("accept", term.accept), ("mandate", term.mandate)):
            if name == "accept" and limit is not None:
                worse = limit > term.demand if term.persona_wants == "more" else limit < term.demand
                if worse:
                    found.append(
                        (
                            (*here, name),
                            f"term '{term.id}': accept {limit:g} is better for the persona than its demand {term.demand:g}",
                        )
                    )
        for field in ("when_met", "when_close", "when_below"):
            lines = getattr(term, field)
            if lines is None:
                continue
            for lang in LANGS:
                for j, line in enumerate(lines.get(lang)):
                    unknown = sorted(set(_PLACEHOLDER.findall(line)) - PLACEHOLDERS)
                    if unknown:
                        found.append(
                            (
                                (*here, field, lang, j),
                                f"term '{term.id}': unknown placeholder {{{unknown[0]}}} (use {{offer}} or {{demand}})",
                            )
                        )
    for i, p in enumerate(s.participants):
        here = ("participants", i)
        if p.joins_in not in stage_ids:
            found.append(((*here, "joins_in"), f"participant '{p.id}': unknown stage '{p.joins_in}'"))
        elif stage_ids.index(p.joins_in) == 0:
            found.append(
                (
                    (*here, "joins_in"),
                    f"participant '{p.id}' is there from the start: joins_in must be a later stage",
                )
            )
    return found


#: Moves a model answer must never be detected as: what it teaches would count against the candidate.
MODEL_ANSWER_FAULTS = frozenset(
    {Move.blame, Move.imposition, Move.leading_question, Move.unconditional_concession}
)


def check_model_answers(s: Scenario) -> list[tuple[Loc, str]]:
    """Each model answer, run through the real move detectors in its language, must be detected as a move that
    answers where it stands (one of the objection's `resolved_by`; one of the stage's `ends_when.moves_any`, any
    move when that is empty), as none of `MODEL_ANSWER_FAULTS`, and must offer nothing beyond the candidate's
    mandate (`hidden_brief.terms[].mandate`): a jury cannot write a model answer that would not score."""
    found: list[tuple[Loc, str]] = []
    for i, stage in enumerate(s.stages):
        places: list[tuple[Loc, str, object, frozenset[Move] | None]] = [
            (
                ("stages", i),
                f"stage '{stage.id}'",
                stage.model_answers,
                frozenset(stage.ends_when.moves_any) or None,
            )
        ]
        places += [
            (
                ("stages", i, "objections", j),
                f"objection '{o.id}'",
                o.model_answers,
                frozenset(o.resolved_by) - MODEL_ANSWER_FAULTS,
            )
            for j, o in enumerate(stage.objections)
        ]
        for here, what, answers, wanted in places:
            if answers is None:
                continue
            for lang in LANGS:
                for k, text in enumerate(answers.get(lang)):  # type: ignore[attr-defined]
                    loc: Loc = (*here, "model_answers", lang, k)
                    moves = {h.move for h in detect(text, lang)}
                    faults = sorted(str(m) for m in moves & MODEL_ANSWER_FAULTS)
                    if faults:
                        found.append(
                            (
                                loc,
                                f"{what}: model answer is detected as {', '.join(faults)} (a move a good candidate avoids)",
                            )
                        )
                    if wanted is not None and not moves & wanted:
                        seen = ", ".join(sorted(str(m) for m in moves)) or "no move"
                        found.append(
                            (
                                loc,
                                f"{what}: model answer is not detected as {' or '.join(sorted(str(m) for m in wanted))} "
                                f"(detected: {seen})",
                            )
                        )
                    elif wanted is None and not moves - MODEL_ANSWER_FAULTS:
                        found.append((loc, f"{what}: model answer is detected as no move"))
                    found += [(loc, f"{what}: model answer {p}") for p in _beyond_mandate(s, text)]
    return found


def _beyond_mandate(s: Scenario, text: str) -> list[str]:
    out = []
    for sentence in offered_figures(text):
        for figure in sentence.figures:
            for term in s.hidden_brief.terms:
                if term.mandate is None or term.unit is not figure.unit:
                    continue
                if not matches(figure.context, (*term.about.get("fr"), *term.about.get("en"))):
                    continue
                beyond = (
                    figure.value > term.mandate
                    if term.persona_wants == "more"
                    else figure.value < term.mandate
                )
                if beyond:
                    out.append(
                        f"offers {figure.value:g} on term '{term.id}', beyond the candidate's mandate {term.mandate:g}"
                    )
    return out
