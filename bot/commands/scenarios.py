"""`oralblanc scenarios …`: the jury's tools to check, list and read scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypedDict

import typer

if TYPE_CHECKING:  # heavy: imported where used, so that `oralblanc --help` starts at once
    from scenarios.model import Lang

app = typer.Typer(help="Check, list and read the standardized role-play scripts.", no_args_is_help=True)


class ScenarioRow(TypedDict):
    """One script as `oralblanc scenarios list` prints it (a line, or an object with --json)."""

    id: str
    version: int
    kind: str
    languages: list[Lang]
    persona: str
    difficulty: str
    title: dict[str, str]
    switches_language: bool


class ShowWords(TypedDict):
    """The labels of `oralblanc scenarios show` in one language (kind names etc. by their value)."""

    head: str
    stages: str
    switch: str
    criteria: str
    kind: dict[str, str]
    difficulty: dict[str, str]
    language: dict[str, str]


@app.command()
def lint(
    paths: Annotated[list[Path], typer.Argument(help="Script and persona files or folders.")],
) -> None:
    """Check scripts and personas: one `FILE:LINE: message` per problem; exit 1 if any."""
    from bot.catalog import lint_paths

    problems = lint_paths(paths)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    typer.echo("All files are valid.", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a script (for editors' autocompletion)."""
    from scenarios.loader import json_schema

    typer.echo(json_schema())


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List the scripts of the library: id, kind, languages, persona, difficulty."""
    from bot.catalog import load_catalog

    catalog = load_catalog()
    rows: list[ScenarioRow] = [
        {
            "id": s.id,
            "version": s.version,
            "kind": s.kind.value,
            "languages": s.languages,
            "persona": s.persona,
            "difficulty": s.difficulty.value,
            "title": {"fr": s.title.fr, "en": s.title.en},
            "switches_language": any(stage.switch_language for stage in s.stages),
        }
        for s in sorted(catalog.scenarios.values(), key=lambda s: (s.kind.value, s.id))
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(
            f"{row['id']:<40} {row['kind']:<12} {','.join(row['languages']):<6} "
            f"{row['persona']:<24} {row['difficulty']:<7} {row['title']['en']}"
        )


SHOW: dict[str, ShowWords] = {
    "fr": {
        "head": "{id} v{version} — {kind}, {difficulty}, ≈ {minutes} min, {turns} répliques au plus",
        "stages": "Étapes : ",
        "switch": " (passage en {language})",
        "criteria": "Évalué sur : ",
        "kind": {
            "negotiation": "négociation",
            "complaint": "réclamation",
            "change": "conduite du changement",
            "pitch": "présentation à la Direction",
        },
        "difficulty": {"easy": "facile", "medium": "moyen", "hard": "difficile"},
        "language": {"fr": "français", "en": "anglais"},
    },
    "en": {
        "head": "{id} v{version} — {kind}, {difficulty}, ~{minutes} min, at most {turns} turns",
        "stages": "Stages: ",
        "switch": " (switch to {language})",
        "criteria": "Scored on: ",
        "kind": {},
        "difficulty": {},
        "language": {"fr": "French", "en": "English"},
    },
}


@app.command()
def show(
    scenario_id: Annotated[str, typer.Argument(help="A scenario id (see `oralblanc scenarios list`).")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="fr or en (default: both, with English labels).")
    ] = None,
) -> None:
    """Show a script as the candidate and the jury see it (not the persona's hidden brief)."""
    from bot.catalog import load_catalog
    from bot.screen import width, wrap
    from feedback.report import criterion_title
    from feedback.scorecard import decimal

    if lang not in (None, "fr", "en"):
        raise typer.BadParameter("--lang must be fr or en")
    catalog = load_catalog()
    try:
        scenario = catalog.scenario(scenario_id)
    except KeyError as exc:
        typer.echo(str(exc.args[0]), err=True)
        raise typer.Exit(2) from None
    persona = catalog.persona_of(scenario)
    langs: list[Lang] = ["fr"] if lang == "fr" else ["en"] if lang == "en" else ["fr", "en"]
    words = SHOW[lang or "en"]  # the labels in the language asked for (English when showing both)
    label = lang or "en"
    w = width()
    typer.echo(
        wrap(
            words["head"].format(
                id=scenario.id,
                version=scenario.version,
                minutes=scenario.duration_min,
                turns=scenario.max_turns,
                kind=words["kind"].get(scenario.kind.value, scenario.kind.value),
                difficulty=words["difficulty"].get(scenario.difficulty.value, scenario.difficulty.value),
            ),
            w,
        )
    )
    for code in langs:
        typer.echo("\n" + wrap(f"[{code}] {scenario.title.get(code)}", w))
        typer.echo(wrap(f"{persona.name} — {persona.role.get(code)}, {persona.company.get(code)}", w))
        typer.echo(wrap(scenario.briefing.get(code).strip(), w))
    stages = " → ".join(
        stage.id
        + (
            words["switch"].format(
                language=words["language"].get(stage.switch_language, stage.switch_language)
            )
            if stage.switch_language
            else ""
        )
        for stage in scenario.stages
    )
    typer.echo("\n" + wrap(words["stages"] + stages, w))
    typer.echo(
        wrap(
            words["criteria"]
            + ", ".join(
                f"{c.id} ({criterion_title(c.id, label)}) ×{decimal(c.weight, label)}"
                for c in scenario.criteria
            ),
            w,
        )
    )
