"""Load, validate and lint standardized scripts; export their JSON Schema.

A script is valid when its YAML parses, it matches `scenarios.model.Scenario`, and it makes sense:
ids are unique, every stage can end, every objection can be resolved, and the persona, criteria and
indicators it names exist. The known personas, criteria and indicators are given by the caller
(`scenarios` depends on neither `personas` nor `feedback`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scenarios.listening_lint import check_listening, check_model_answers
from scenarios.model import LANGS, Scenario
from scenarios.moves import Move
from scenarios.yaml_source import InvalidFile, Linted, Loc, Problem, YamlSource, lint_documents

LIBRARY = Path(str(resources.files("scenarios") / "library"))

# Moves a good candidate avoids: an objection they alone "resolve" rewards bad practice.
AVOIDED_MOVES = frozenset({Move.blame, Move.imposition, Move.leading_question})


@dataclass(frozen=True)
class References:
    """What a script may refer to; None means "not checked"."""

    personas: frozenset[str] | None = None
    criteria: frozenset[str] | None = None
    indicators: frozenset[str] | None = None
    oral_criteria: frozenset[str] | None = None


def load_scenario(path: Path, refs: References = References()) -> Scenario:
    """The script at `path`, or InvalidFile listing every problem with its line."""
    source = YamlSource.read(path)
    scenario = source.validate(Scenario)
    problems = [source.problem(loc, msg) for loc, msg in check_scenario(scenario, refs)]
    if problems:
        raise InvalidFile(sorted(problems))
    return scenario


def load_library(directory: Path = LIBRARY, refs: References = References()) -> dict[str, Scenario]:
    """Every script of a folder, by id. Raises InvalidFile on the first invalid one."""
    report = lint_scenarios(sorted(directory.glob("*.yaml")), refs)
    if report.problems:
        raise InvalidFile(report.problems)
    return report.documents


def lint_scenarios(paths: Iterable[Path], refs: References = References()) -> Linted[Scenario]:
    """Every valid script by id, and every problem, of these files."""
    return lint_documents(paths, Scenario, "scenario", lambda scenario: check_scenario(scenario, refs))


def check_scenario(s: Scenario, refs: References) -> list[tuple[Loc, str]]:
    """The problems a schema cannot see, each with where it is in the file."""
    found: list[tuple[Loc, str]] = []
    found += _duplicates([(("stages", i, "id"), st.id) for i, st in enumerate(s.stages)], "stage")
    found += _duplicates(
        [
            (("stages", i, "objections", j, "id"), o.id)
            for i, st in enumerate(s.stages)
            for j, o in enumerate(st.objections)
        ],
        "objection",
    )
    found += _duplicates(
        [(("hidden_brief", "facts", i, "id"), f.id) for i, f in enumerate(s.hidden_brief.facts)],
        "hidden fact",
    )
    found += _duplicates(
        [(("observables", i, "id"), o.id) for i, o in enumerate(s.observables)], "observable"
    )
    found += _duplicates([(("criteria", i, "id"), c.id) for i, c in enumerate(s.criteria)], "criterion")

    if refs.personas is not None and s.persona not in refs.personas:
        found.append((("persona",), f"unknown persona '{s.persona}'"))
    for i, crit in enumerate(s.criteria):
        if refs.criteria is not None and crit.id not in refs.criteria:
            found.append((("criteria", i, "id"), f"unknown criterion id '{crit.id}'"))
        elif refs.oral_criteria is not None and crit.id not in refs.oral_criteria:
            found.append((("criteria", i, "id"), f"criterion '{crit.id}' is not assessed orally"))
    for i, obs in enumerate(s.observables):
        if refs.indicators is not None and obs.indicator not in refs.indicators:
            found.append((("observables", i, "indicator"), f"unknown indicator id '{obs.indicator}'"))
        elif refs.criteria is not None and not any(obs.indicator.startswith(c.id + ".") for c in s.criteria):
            found.append(
                (
                    ("observables", i, "indicator"),
                    f"indicator '{obs.indicator}' is not under a criterion this scenario is scored on",
                )
            )

    stage_ids = {st.id for st in s.stages}
    for i, fact in enumerate(s.hidden_brief.facts):
        if fact.from_stage is not None and fact.from_stage not in stage_ids:
            found.append(
                (
                    ("hidden_brief", "facts", i, "from_stage"),
                    f"hidden fact '{fact.id}': unknown stage '{fact.from_stage}'",
                )
            )

    needed = 0
    for i, stage in enumerate(s.stages):
        end = stage.ends_when
        if end.max_turns is None and not end.moves_any:
            found.append(
                (
                    ("stages", i, "ends_when"),
                    f"stage '{stage.id}' can never end: give ends_when a max_turns or moves_any",
                )
            )
        if end.max_turns is not None and end.min_turns > end.max_turns:
            found.append(
                (
                    ("stages", i, "ends_when", "min_turns"),
                    f"stage '{stage.id}' can never end on moves: min_turns {end.min_turns} > max_turns {end.max_turns}",
                )
            )
        needed += max(end.min_turns, 1)
        for j, obj in enumerate(stage.objections):
            here: Loc = ("stages", i, "objections", j)
            useful = [m for m in obj.resolved_by if m not in AVOIDED_MOVES]
            if not obj.resolved_by:
                found.append(
                    (
                        (*here, "resolved_by"),
                        f"objection '{obj.id}' can never be resolved: resolved_by is empty",
                    )
                )
            elif not useful:
                found.append(
                    (
                        (*here, "resolved_by"),
                        f"objection '{obj.id}' is resolved only by moves a good candidate avoids ({', '.join(obj.resolved_by)})",
                    )
                )
            if end.max_turns is not None and obj.after_turns >= end.max_turns:
                found.append(
                    (
                        (*here, "after_turns"),
                        f"objection '{obj.id}' is never raised: the stage ends after {end.max_turns} turns",
                    )
                )
    if needed > s.max_turns:
        found.append(
            (
                ("max_turns",),
                f"max_turns {s.max_turns} ends the scenario before its stages can be played (they need at least {needed})",
            )
        )
    if s.stages[0].switch_language is not None:
        found.append(
            (
                ("stages", 0, "switch_language"),
                "the first stage cannot switch language: choose the session language instead",
            )
        )
    return found + check_listening(s) + check_model_answers(s)


def _duplicates(items: list[tuple[Loc, str]], what: str) -> list[tuple[Loc, str]]:
    counts = Counter(value for _, value in items)
    seen: set[str] = set()
    out: list[tuple[Loc, str]] = []
    for loc, value in items:
        if counts[value] > 1:
            if value in seen:
                out.append((loc, f"duplicate {what} id '{value}'"))
            seen.add(value)
    return out


def json_schema() -> str:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "oralblanc standardized role-play script"
    return json.dumps(schema, indent=2, ensure_ascii=False)


__all__ = [
    "LANGS",
    "LIBRARY",
    "InvalidFile",
    "Linted",
    "Problem",
    "References",
    "check_scenario",
    "json_schema",
    "lint_scenarios",
    "load_library",
    "load_scenario",
]
