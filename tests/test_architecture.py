"""The rule between the layers (docs/architecture.md), checked on the source itself with `ast`.

- Doors only translate: no module of the Telegram transport, the terminal and CLI, the web console or
  the queue imports `storage` (at the top or inside a function); they call the application core
  (`bot.core`, `bot.rehearsal`) and the composition module (`bot.services`).
- The core and the domain packages talk to no network: `bot.core`, `scenarios`, `personas`,
  `feedback` and `storage` import none of the network libraries the doors use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOORS = ["bot/telegram", "bot/commands", "bot/web", "bot/queue", "bot/terminal.py", "bot/cli.py"]
INNER = ["bot/core", "scenarios", "personas", "feedback", "storage"]
NETWORK = {"telegram", "httpx", "openai", "starlette", "uvicorn", "procrastinate"}


def modules(*places: str) -> list[Path]:
    found: list[Path] = []
    for place in places:
        path = ROOT / place
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the module, wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def offences(paths: list[Path], forbidden: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in paths
        for line, package in imported(path)
        if package in forbidden
    ]


def test_the_places_checked_exist() -> None:
    for place in DOORS + INNER:
        assert (ROOT / place).exists(), place
    assert len(modules(*DOORS)) > 20 and len(modules(*INNER)) > 20


def test_no_door_imports_storage() -> None:
    found = offences(modules(*DOORS), {"storage"})
    assert not found, (
        "doors call the core (bot.core, bot.rehearsal, bot.services), never storage:\n" + "\n".join(found)
    )


@pytest.mark.parametrize("place", INNER)
def test_the_core_and_the_domain_import_no_network_library(place: str) -> None:
    found = offences(modules(place), NETWORK)
    assert not found, (
        "network libraries belong to the doors (bot/telegram, bot/web, bot/queue, bot/llm):\n"
        + ("\n".join(found))
    )


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "door.py"
    module.write_text(
        "import os\n\n\ndef f():\n    from storage.db import make_engine\n    import telegram.ext\n"
    )
    assert list(imported(module)) == [(1, "os"), (5, "storage"), (6, "telegram")]
