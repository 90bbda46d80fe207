"""Message texts built from domain objects: the scenario list, a briefing, the persona's lines,
the privacy notice, the candidate's progress."""

from __future__ import annotations

import logging

from bot.catalog import Catalog
from bot.config import Settings
from bot.telegram.scorecards import Scored, criteria_lines, score_text
from bot.telegram.texts import KIND_ICONS, difficulty_name, kind_name, t
from personas.model import Persona
from scenarios.model import Scenario

log = logging.getLogger(__name__)


def _l(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def played_by(engine: str, lang: str) -> str:
    """Who speaks the counterpart, said plainly: the scripted engine is not an AI."""
    return t(lang, "played_by_llm" if engine == "llm" else "played_by_scripted")


def welcome(name: str, lang: str, settings: Settings) -> str:
    engine = settings.effective_engine
    llm = t(lang, "privacy_llm") if engine == "llm" else ""
    return "\n\n".join([
        t(lang, "greeting", name=name),
        t(lang, "privacy", days=settings.audio_retention_days, llm=llm, played_by=played_by(engine, lang)),
        t(lang, "menu"),
    ])


def scenario_list(scenarios: list[Scenario], lang: str, assigned: dict[str, str] | None = None) -> str:
    """The list shown by /scenarios; `assigned` maps scenario ids to their assignment mode."""
    assigned = assigned or {}
    lines = [t(lang, "scenarios_title"), ""]
    for s in scenarios:
        mark = t(lang, "assigned_mark") if s.id in assigned else ""
        line = t(
            lang, "scenario_line", mark=mark, icon=KIND_ICONS.get(s.kind.value, "•"), title=s.title.get(_l(lang)),
            kind=kind_name(s.kind.value, lang), difficulty=difficulty_name(s.difficulty.value, lang),
            minutes=s.duration_min,
        )
        if s.exam or assigned.get(s.id) == "exam":
            line += t(lang, "exam_mark")
        lines.append(line)
    return "\n".join(lines)


def ordered(catalog: Catalog, assigned: dict[str, str] | None = None) -> list[Scenario]:
    """Scenarios in display order: assigned first, then by kind and title."""
    assigned = assigned or {}
    return sorted(catalog.scenarios.values(), key=lambda s: (s.id not in assigned, s.kind.value, s.id))


def briefing(scenario: Scenario, persona: Persona, lang: str, engine: str = "scripted") -> str:
    code = _l(lang)
    return t(
        lang, "briefing", icon=KIND_ICONS.get(scenario.kind.value, "•"), title=scenario.title.get(code),
        kind=kind_name(scenario.kind.value, lang), difficulty=difficulty_name(scenario.difficulty.value, lang),
        minutes=scenario.duration_min, persona=persona.name, role=persona.role.get(code),
        company=persona.company.get(code), briefing=scenario.briefing.get(code).strip(),
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
        lines.append(t(
            lang, "progress_line", n=item.number, date=date,
            title=scenario_title(catalog, item.session.scenario_id, lang), score=score_text(item.card, lang),
        ))
    lines += ["", t(lang, "progress_criteria"), *criteria_lines(items, lang)]
    return "\n".join(lines)
