"""Message texts built from domain objects: the scenario list, a briefing, the persona's lines,
the privacy notice, the candidate's progress."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.config import Settings
from bot.telegram.scorecards import Scored, criteria_lines, score_text
from bot.telegram.texts import KIND_ICONS, Lang, difficulty_name, kind_name, t
from personas.model import Persona
from scenarios.model import Scenario

log = logging.getLogger(__name__)


def _l(lang: str) -> Lang:
    return "fr" if lang == "fr" else "en"


def played_by(engine: str, lang: str) -> str:
    """Who speaks the counterpart, said plainly: the scripted engine is not an AI."""
    return t(lang, "played_by_llm" if engine == "llm" else "played_by_scripted")


def welcome(name: str, lang: str, settings: Settings) -> str:
    engine = settings.effective_engine
    llm = t(lang, "privacy_llm") if engine == "llm" else ""
    return "\n\n".join(
        [
            t(lang, "greeting", name=name),
            t(
                lang,
                "privacy",
                days=settings.audio_retention_days,
                llm=llm,
                played_by=played_by(engine, lang),
            ),
            t(lang, "menu"),
        ]
    )


@dataclass(frozen=True)
class Played:
    """What a candidate did with one scenario: sessions finished, and the latest score they may see
    (None: not scored, or an exam score a trainer has not released yet: `pending`)."""

    count: int
    latest_score: float | None = None
    pending: bool = False


KIND_ORDER = ("negotiation", "complaint", "change", "pitch")
DIFFICULTY_ORDER = ("easy", "medium", "hard")


def scenario_list(
    scenarios: list[Scenario],
    lang: str,
    assigned: dict[str, str] | None = None,
    played: dict[str, Played] | None = None,
) -> str:
    """The list shown by /scenarios, grouped by kind (in `ordered`'s order), each line with its
    difficulty, whether it is assigned (and an exam), and what the candidate already did with it."""
    assigned, played = assigned or {}, played or {}
    lines = [t(lang, "scenarios_title")]
    kind: str | None = None
    for s in scenarios:
        if s.kind.value != kind:
            kind = s.kind.value
            lines += ["", t(lang, "kind_heading", icon=KIND_ICONS.get(kind, "•"), kind=kind_name(kind, lang))]
        exam = t(lang, "exam_mark") if s.exam or assigned.get(s.id) == "exam" else ""
        lines.append(
            t(
                lang,
                "scenario_line",
                mark=t(lang, "assigned_mark") if s.id in assigned else "",
                exam=exam,
                title=s.title.get(_l(lang)),
                difficulty=difficulty_name(s.difficulty.value, lang),
                minutes=s.duration_min,
                played=_played(played.get(s.id), lang),
            )
        )
    return "\n".join(lines)


def _played(summary: Played | None, lang: str) -> str:
    if summary is None or summary.count == 0:
        return t(lang, "played_never")
    if summary.latest_score is not None:
        score = f"{summary.latest_score:.1f}".replace(".", "," if lang == "fr" else ".")
        return t(lang, "played_scored", count=summary.count, score=score)
    return t(lang, "played_pending" if summary.pending else "played_unscored", count=summary.count)


def ordered(catalog: Catalog, assigned: dict[str, str] | None = None) -> list[Scenario]:
    """Scenarios in display order: by kind, then difficulty (easy first), then title; within those,
    what the candidate was assigned comes first."""
    assigned = assigned or {}

    def key(s: Scenario) -> tuple:
        kind = KIND_ORDER.index(s.kind.value) if s.kind.value in KIND_ORDER else len(KIND_ORDER)
        level = DIFFICULTY_ORDER.index(s.difficulty.value) if s.difficulty.value in DIFFICULTY_ORDER else 9
        return (kind, s.id not in assigned, level, s.title.get("fr"), s.id)

    return sorted(catalog.scenarios.values(), key=key)


def briefing(scenario: Scenario, persona: Persona, lang: str, engine: str = "scripted") -> str:
    code = _l(lang)
    return t(
        lang,
        "briefing",
        icon=KIND_ICONS.get(scenario.kind.value, "•"),
        title=scenario.title.get(code),
        kind=kind_name(scenario.kind.value, lang),
        difficulty=difficulty_name(scenario.difficulty.value, lang),
        minutes=scenario.duration_min,
        persona=persona.name,
        role=persona.role.get(code),
        company=persona.company.get(code),
        briefing=scenario.briefing.get(code).strip(),
        played_by=played_by(engine, lang),
    )


def persona_line(name: str, text: str, lang: str) -> str:
    return t(lang, "persona_line", name=name, text=text)


def scenario_title(catalog: Catalog, scenario_id: str, lang: str) -> str:
    scenario = catalog.scenarios.get(scenario_id)
    return scenario.title.get(_l(lang)) if scenario is not None else scenario_id


def progress(items: list[Scored], catalog: Catalog, lang: str) -> str:
    lines = [t(lang, "progress_title")]
    for item in items:
        date = item.session.started_at.strftime("%d/%m" if lang == "fr" else "%b %d")
        lines.append(
            t(
                lang,
                "progress_line",
                n=item.number,
                date=date,
                title=scenario_title(catalog, item.session.scenario_id, lang),
                score=score_text(item.card, lang),
            )
        )
    lines += ["", t(lang, "progress_criteria"), *criteria_lines(items, lang)]
    return "\n".join(lines)
