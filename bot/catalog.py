"""The library a rehearsal draws on: scripts, personas and the referential, checked together.

`lint_paths` is what `oralblanc scenarios lint` runs: scripts and personas in any mix of files and
folders, each problem reported as `FILE:LINE: message`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from feedback.referential import load_referential
from personas.loader import LIBRARY as PERSONA_LIBRARY
from personas.loader import lint_personas, load_personas
from personas.model import Persona
from scenarios.loader import LIBRARY as SCENARIO_LIBRARY
from scenarios.loader import References, lint_scenarios
from scenarios.model import Scenario
from scenarios.yaml_source import InvalidFile, Problem, YamlSource

SCENARIO_KEYS = frozenset({"kind", "stages", "briefing", "hidden_brief", "criteria"})
PERSONA_KEYS = frozenset({"personality", "speaking_style", "voice", "attitude"})


@dataclass(frozen=True)
class Catalog:
    scenarios: dict[str, Scenario]
    personas: dict[str, Persona]

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            known = ", ".join(sorted(self.scenarios))
            raise KeyError(f"unknown scenario '{scenario_id}' (known: {known})") from None

    def persona_of(self, scenario: Scenario) -> Persona:
        return self.personas[scenario.persona]

    def with_scenarios(self, scenarios: Iterable[Scenario]) -> Catalog:
        """A new catalog with these scenarios laid over this one's: for each id, the highest version
        wins (a version equal to or lower than the current one leaves it in place)."""
        merged = dict(self.scenarios)
        for scenario in scenarios:
            current = merged.get(scenario.id)
            if current is None or scenario.version > current.version:
                merged[scenario.id] = scenario
        return Catalog(merged, self.personas)


def references(personas: Iterable[str]) -> References:
    referential = load_referential()
    return References(
        personas=frozenset(personas),
        criteria=frozenset(c.id for c in referential.criteria),
        indicators=frozenset(i.id for c in referential.criteria for i in c.indicators),
        oral_criteria=frozenset(c.id for c in referential.criteria if c.oral),
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The bundled library, validated (raises InvalidFile if a bundled file is broken)."""
    personas = load_personas(PERSONA_LIBRARY)
    report = lint_scenarios(sorted(SCENARIO_LIBRARY.glob("*.yaml")), references(personas))
    if report.problems:
        raise InvalidFile(report.problems)
    return Catalog(report.documents, personas)


def lint_paths(paths: Iterable[Path]) -> list[Problem]:
    """Every problem in these scripts and personas (folders are searched for *.yaml / *.yml)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files += sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, "no such file or folder"))

    scenario_files: list[Path] = []
    persona_files: list[Path] = []
    for file in files:
        (persona_files if _is_persona(file) else scenario_files).append(file)

    persona_report = lint_personas(persona_files)
    problems += persona_report.problems
    known = set(persona_report.documents)
    if PERSONA_LIBRARY.is_dir():
        with contextlib.suppress(InvalidFile):  # the library's own problems are reported when it is linted
            known |= set(load_personas(PERSONA_LIBRARY))
    problems += lint_scenarios(scenario_files, references(known)).problems
    return sorted(set(problems))


def _is_persona(file: Path) -> bool:
    try:
        keys = set(YamlSource.read(file).data)
    except InvalidFile:
        return file.parent.name == "library" and file.parent.parent.name == "personas"
    return bool(keys & PERSONA_KEYS) and not keys & SCENARIO_KEYS
