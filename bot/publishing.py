"""The jury's publishing rules, for any transport: when an uploaded script may go live, and which
version a jury member tries; and what every transport does with an uploaded YAML file (lint it, load
it, preview it).

- An upload goes live only with a version higher than the live one (so sessions, which freeze the
  script they started with, can always tell versions apart).
- `/try` (or `oralblanc jury try`) plays the latest upload when it is newer than the live version,
  else the live version.
- An uploaded file is linted with the same `FILE:LINE: message` lines as `oralblanc scenarios lint`;
  only a clean scenario is stored (a valid persona file is not a script).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.catalog import Catalog, lint_paths, load_catalog
from scenarios.loader import load_scenario
from scenarios.model import Scenario
from scenarios.yaml_source import InvalidFile, Problem
from storage.records import ScriptRecord
from storage.repository import Repository

Refusal = Literal["no_upload", "already_published", "version_not_higher"]
TrialSource = Literal["live", "uploaded"]


@dataclass(frozen=True)
class PublishCheck:
    """Whether the latest upload may be published; when not, why (with the versions involved)."""

    refusal: Refusal | None
    upload: ScriptRecord | None
    live_version: int | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def next_version(self) -> int:
        """The lowest version an upload needs to go live."""
        return (self.live_version or 0) + 1


def live_catalog(repo: Repository) -> Catalog:
    """The bundled library with every published script laid over it (the highest version of an id
    wins): what a bot serves and what `oralblanc jury` compares with."""
    published = [Scenario.model_validate(s.script) for s in repo.published_scripts()]
    return load_catalog().with_scenarios(published)


def check_publish(upload: ScriptRecord | None, live: Scenario | None) -> PublishCheck:
    """May `upload` (the latest of its id) replace `live` (the catalog's version, if any)?"""
    live_version = live.version if live is not None else None
    if upload is None:
        return PublishCheck("no_upload", None, live_version)
    if live is not None and upload.published and upload.version == live.version:
        return PublishCheck("already_published", upload, live_version)
    if live is not None and upload.version <= live.version:
        return PublishCheck("version_not_higher", upload, live_version)
    return PublishCheck(None, upload, live_version)


def script_to_try(upload: ScriptRecord | None, live: Scenario | None) -> tuple[Scenario | None, TrialSource]:
    """The script a jury member tries: the latest upload when newer than the live one, else the live one."""
    if upload is not None and (live is None or upload.version > live.version):
        return Scenario.model_validate(upload.script), "uploaded"
    return live, "live"


def lint_script(path: Path) -> tuple[list[Problem], Scenario | None]:
    """The problems `oralblanc scenarios lint` reports for this file, and the scenario it holds when
    there are none (None for a valid file that is not a scenario, e.g. a persona)."""
    problems = lint_paths([path])
    if problems:
        return problems, None
    try:
        return [], load_scenario(path)
    except (InvalidFile, ValueError):  # a valid persona file, not a scenario
        return [], None


def _safe_name(file_name: str) -> str:
    name = re.sub(r"[^\w.-]", "_", Path(file_name).name)[:100]
    return name if name.lower().endswith((".yaml", ".yml")) else name + ".yaml"


def lint_document(file_name: str, data: bytes) -> tuple[list[str], Scenario | None]:
    """`lint_script` for a file received as bytes: written to a temporary folder under its own name,
    so the lines name the file as it was sent."""
    with tempfile.TemporaryDirectory(prefix="oralblanc-jury-") as folder:
        path = Path(folder) / _safe_name(file_name)
        path.write_bytes(data)
        problems, scenario = lint_script(path)
        return [str(p).replace(str(path), path.name) for p in problems], scenario


def preview_fields(scenario: Scenario, lang: str) -> dict[str, str | int]:
    """The script at a glance: id, version, kind, title (in `lang`), stages, criteria."""
    return {
        "id": scenario.id,
        "version": scenario.version,
        "kind": scenario.kind.value,
        "title": scenario.title.get(lang),
        "stages": " → ".join(s.id for s in scenario.stages) if getattr(scenario, "stages", None) else "—",
        "criteria": ", ".join(c.id for c in scenario.criteria),
    }
