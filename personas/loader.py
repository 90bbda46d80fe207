"""Load and lint persona files (`personas/library/*.yaml`)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from personas.model import Persona
from scenarios.yaml_source import InvalidFile, Linted, lint_documents

LIBRARY = Path(str(resources.files("personas") / "library"))


def lint_personas(paths: Iterable[Path]) -> Linted[Persona]:
    """Every valid persona by id, and every problem, of these files."""
    return lint_documents(paths, Persona, "persona")


def load_personas(directory: Path = LIBRARY) -> dict[str, Persona]:
    report = lint_personas(sorted(directory.glob("*.yaml")))
    if report.problems:
        raise InvalidFile(report.problems)
    return report.documents
