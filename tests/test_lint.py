"""`oralblanc scenarios lint`: each mistake a jury can make is reported as FILE:LINE: message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.catalog import lint_paths
from bot.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(DATA / "mini-negotiation.yaml", tmp_path / "script.yaml")
    shutil.copy(DATA / "test-buyer.yaml", tmp_path / "persona.yaml")
    return tmp_path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def edit(path: Path, old: str, new: str, count: int = 1) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def test_the_fixture_and_the_library_are_valid(workdir: Path) -> None:
    assert lint_paths([workdir]) == []
    result = runner.invoke(app, ["scenarios", "lint", "scenarios/library", "personas/library"])
    assert result.exit_code == 0, result.output


# (what to break, replacement, the line's marker in the edited file, expected message fragment)
MISTAKES = [
    pytest.param(
        "kind: negotiation",
        "kind: negotiation: pitch",
        "kind: negotiation: pitch",
        "YAML syntax error",
        id="yaml-syntax",
    ),
    pytest.param(
        "difficulty: easy",
        "difficulty: easy\ndificulty: hard",
        "dificulty: hard",
        "unknown field 'dificulty'",
        id="unknown-field",
    ),
    pytest.param(
        "  en: Renewal of the framework contract\n",
        "",
        "title:",
        "missing language 'en' in title",
        id="missing-language",
    ),
    pytest.param(
        "persona: test-buyer",
        "persona: nobody",
        "persona: nobody",
        "unknown persona 'nobody'",
        id="unknown-persona",
    ),
    pytest.param(
        "  - id: BLOC2.A2.C1.CR1",
        "  - id: BLOC2.A2.C9.CR9",
        "BLOC2.A2.C9.CR9",
        "unknown criterion id 'BLOC2.A2.C9.CR9'",
        id="unknown-criterion",
    ),
    pytest.param(
        "indicator: BLOC2.A2.C1.CR1.1",
        "indicator: BLOC2.A2.C1.CR1.42",
        "CR1.42",
        "unknown indicator id 'BLOC2.A2.C1.CR1.42'",
        id="unknown-indicator",
    ),
    pytest.param(
        "  - id: wrap-up",
        "  - id: price  # twice",
        "  - id: price  # twice",
        "duplicate stage id 'price'",
        id="duplicate-stage",
    ),
    pytest.param(
        "    ends_when:\n      max_turns: 2\nclosing:",
        "    ends_when:  # wrap-up\n      min_turns: 1\nclosing:",
        "ends_when:  # wrap-up",
        "can never end",
        id="stage-never-ends",
    ),
    pytest.param(
        "resolved_by: [conditional_concession, quantified_argument]",
        "resolved_by: []",
        "resolved_by: []",
        "can never be resolved",
        id="objection-unresolvable",
    ),
    pytest.param(
        "resolved_by: [conditional_concession, quantified_argument]",
        "resolved_by: [blame]",
        "resolved_by: [blame]",
        "moves a good candidate avoids",
        id="objection-resolved-by-blame",
    ),
    pytest.param(
        "resolved_by: [conditional_concession, quantified_argument]",
        "resolved_by: [flattery]",
        "resolved_by: [flattery]",
        "resolved_by[0]",
        id="unknown-move",
    ),
    pytest.param(
        "fr: ['volume', 'prévision']",
        "fr: ['volume(', 'prévision']",
        "volume(",
        "invalid regular expression",
        id="bad-regex",
    ),
    pytest.param(
        "criteria:\n  - id: BLOC2.A2.C2.CR2",
        "criteria:\n  - id: BLOC2.A1.C1.CR1",
        "BLOC2.A1.C1.CR1",
        "not assessed orally",
        id="criterion-not-oral",
    ),
    pytest.param(
        "difficulty: easy",
        "difficulty: easy\nattempts: 2",
        "attempts: 2",
        "attempts is only for exam scripts",
        id="attempts-without-exam",
    ),
    pytest.param(
        "      max_attempts: 2",
        "      max_attempts: 2\n        after_turns: 9",
        "after_turns: 9",
        "is never raised",
        id="objection-never-raised",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), MISTAKES)
def test_each_mistake_is_reported_with_file_and_line(
    workdir: Path, old: str, new: str, marker: str, message: str
) -> None:
    script = workdir / "script.yaml"
    text = edit(script, old, new)
    marker_line = line_of(text, marker)
    result = runner.invoke(app, ["scenarios", "lint", str(workdir)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    matching = [line for line in lines if message in line]
    assert matching, result.output
    for line in matching:
        m = re.match(rf"^{re.escape(str(script))}:(\d+): ", line)
        assert m, line
        assert int(m.group(1)) == marker_line, (line, marker_line)


def test_duplicate_scenario_ids_across_files(workdir: Path) -> None:
    shutil.copy(workdir / "script.yaml", workdir / "copy.yaml")
    problems = lint_paths([workdir])
    assert [str(p) for p in problems] == [
        f"{workdir / 'script.yaml'}:2: duplicate scenario id 'mini-negotiation' (also in {workdir / 'copy.yaml'})"
    ]


def test_persona_mistakes_are_reported(workdir: Path) -> None:
    persona = workdir / "persona.yaml"
    text = edit(persona, "  en: Test Group\n", "")
    edit(persona, "name: Test Buyer", "name: Test Buyer\nnmae: typo")
    problems = [str(p) for p in lint_paths([persona])]
    text = persona.read_text()
    assert f"{persona}:{line_of(text, 'company:')}: missing language 'en' in company" in problems
    assert f"{persona}:{line_of(text, 'nmae')}: unknown field 'nmae'" in problems


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenarios", "lint", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}:1: no such file or folder" in result.stdout


def test_schema_is_json_schema_of_a_script() -> None:
    import json

    result = runner.invoke(app, ["scenarios", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"id", "kind", "stages", "persona", "criteria"} <= set(schema["required"])
