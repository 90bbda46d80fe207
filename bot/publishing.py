"""The jury's publishing rules, for any transport: when an uploaded script may go live, and which
version a jury member tries; and what every transport does with an uploaded YAML file (lint it, load
it, preview it).

- An upload goes live only with a version higher than the live one (so sessions, which freeze the
  script they started with, can always tell versions apart).
- `/try` (or `oralblanc jury try`) plays the latest upload when it is newer than the live version,
  else the live version.
- An uploaded file is linted with the same `FILE:LINE: message` lines as `oralblanc scenarios lint`
  (an id that is not plain a-z, 0-9 and hyphens, e.g. a stage "découverte", gets the line plus how to
  write it: ids are kept as written, never changed behind the jury's back); only a clean scenario is
  stored (a valid persona file is not a script).
- A file sent with another name than .yaml/.yml is read as YAML when it is text (`looks_like_text`:
  .txt, no extension, a text or YAML MIME type).
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.catalog import Catalog, lint_paths, load_catalog
from scenarios.loader import load_scenario
from scenarios.model import ID_PATTERN, Lang, Scenario
from scenarios.yaml_source import MAX_CHARS, InvalidFile, Problem
from storage.records import ScriptRecord
from storage.repository import Repository

MAX_SCRIPT_BYTES = MAX_CHARS
"""Largest uploaded file (bytes): what `YamlSource` reads at most (the bundled scripts are under 60 KB)."""

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


TEXT_SUFFIXES = (".yaml", ".yml", ".txt", ".text")
_ID_VALUE = re.compile(r"""\bid:\s*["']?([^"'#\n]+?)["']?\s*(?:#.*)?$""")


def looks_like_text(file_name: str | None, mime_type: str | None) -> bool:
    """Whether a document may be a YAML script under another name: a text or YAML MIME type, a .txt
    (or .yaml/.yml) name, or no extension and no telling MIME type."""
    mime = (mime_type or "").lower()
    suffix = Path(file_name or "").suffix.lower()
    if mime.startswith("text/") or "yaml" in mime or suffix in TEXT_SUFFIXES:
        return True
    return suffix == "" and mime in ("", "application/octet-stream")


def plain_id(value: str) -> str:
    """`value` as an id may be written: "Découverte client" → "decouverte-client"."""
    bare = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")


def _explain_id(path: Path, problem: Problem) -> Problem:
    """An id refused by its pattern, with how to write it (the value is read from the problem's line)."""
    if ID_PATTERN not in problem.message:
        return problem
    try:
        line = path.read_text(encoding="utf-8", errors="replace").splitlines()[problem.line - 1]
    except (OSError, IndexError):
        line = ""
    found = _ID_VALUE.search(line)
    value = found.group(1).strip() if found else ""
    example = f": write '{plain_id(value)}' for '{value}'" if value and plain_id(value) else ""
    hint = (
        f" — an id is written with a-z, 0-9 and hyphens only, no accents, capitals or spaces{example}, "
        "here and wherever the script refers to it"
    )
    return Problem(problem.file, problem.line, problem.message + hint)


def lint_script(path: Path) -> tuple[list[Problem], Scenario | None]:
    """The problems `oralblanc scenarios lint` reports for this file (an id refused by its pattern
    explained), and the scenario it holds when there are none (None for a valid file that is not a
    scenario, e.g. a persona)."""
    problems = lint_paths([path])
    if problems:
        return [_explain_id(path, p) for p in problems], None
    try:
        return [], load_scenario(path)
    except (InvalidFile, ValueError):  # a valid persona file, not a scenario
        return [], None


def _safe_name(file_name: str) -> str:
    name = re.sub(r"[^\w.-]", "_", Path(file_name).name)[:100]
    return name if name.lower().endswith((".yaml", ".yml")) else name + ".yaml"


def lint_document(file_name: str, data: bytes) -> tuple[list[str], Scenario | None]:
    """`lint_script` for a file received as bytes: written to a temporary folder under its own name,
    so the lines name the file as it was sent. Over `MAX_SCRIPT_BYTES` it is refused unread."""
    if len(data) > MAX_SCRIPT_BYTES:
        name = _safe_name(file_name)
        return [
            str(
                Problem(
                    name,
                    1,
                    f"the file is too large ({len(data) // 1024} KB, at most {MAX_SCRIPT_BYTES // 1024} KB)",
                )
            )
        ], None
    shown = re.sub(r"[^\w.-]", "_", Path(file_name).name)[:100] or "script.yaml"  # the name as sent
    with tempfile.TemporaryDirectory(prefix="oralblanc-jury-") as folder:
        path = Path(folder) / _safe_name(file_name)
        path.write_bytes(data)
        problems, scenario = lint_script(path)
        return [str(p).replace(str(path), shown) for p in problems], scenario


def preview_fields(scenario: Scenario, lang: Lang) -> dict[str, str | int]:
    """The script at a glance: id, version, kind, title (in `lang`), stages, criteria."""
    return {
        "id": scenario.id,
        "version": scenario.version,
        "kind": scenario.kind.value,
        "title": scenario.title.get(lang),
        "stages": " → ".join(s.id for s in scenario.stages) if getattr(scenario, "stages", None) else "—",
        "criteria": ", ".join(c.id for c in scenario.criteria),
    }
