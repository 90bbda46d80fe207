"""Load and lint persona files (`personas/library/*.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from personas.model import Persona
from scenarios.yaml_source import InvalidFile, Problem, YamlSource

LIBRARY = Path(str(resources.files("personas") / "library"))


@dataclass
class PersonaReport:
    personas: dict[str, Persona] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def lint_personas(paths: Iterable[Path]) -> PersonaReport:
    report = PersonaReport()
    first_file: dict[str, str] = {}
    for path in paths:
        try:
            source = YamlSource.read(path)
            persona = source.validate(Persona)
        except InvalidFile as exc:
            report.problems.extend(exc.problems)
            continue
        if persona.id in first_file:
            report.problems.append(
                source.problem(("id",), f"duplicate persona id '{persona.id}' (also in {first_file[persona.id]})")
            )
        else:
            first_file[persona.id] = str(path)
            report.personas[persona.id] = persona
    report.problems.sort()
    return report


def load_personas(directory: Path = LIBRARY) -> dict[str, Persona]:
    report = lint_personas(sorted(directory.glob("*.yaml")))
    if report.problems:
        raise InvalidFile(report.problems)
    return report.personas
