"""The deployment files of "Past one machine", checked without building anything: the compose file
is linted (parsed as YAML; services, commands, settings), and the image's entry points (`oralblanc`
with each service's command) are run directly with `--help`, so an option the CLI does not know
fails here, not in production. `--queue` without PostgreSQL stops with one clear line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
PROBE = "from bot.cli import app; app()"


def _compose() -> dict[str, Any]:
    return YAML(typ="safe").load((ROOT / "compose.yaml").read_text())


def _oralblanc(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def _filled(command: list[str]) -> list[str]:
    """The command as compose would run it, `${NAME:?…}` filled with a sample value."""
    return [
        re.sub(
            r"\$\{([A-Z_]+)[^}]*\}",
            lambda m: {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg"}.get(m.group(1), "sample"),
            part,
        )
        for part in command
    ]


def test_the_compose_file_runs_postgresql_an_ingress_and_two_workers() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"postgres", "ingress", "worker1", "worker2"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    ingress = services["ingress"]["command"]
    assert ingress[0] == "bot" and "--queue" in ingress
    for option in ("--webhook-url", "--listen", "--port", "--secret-token"):
        assert option in ingress, option
    assert ingress[ingress.index("--listen") + 1] == "0.0.0.0"
    assert services["ingress"]["ports"] == ["8080:8080"]
    for name in ("ingress", "worker1", "worker2"):
        service = services[name]
        assert service["build"] == "." and service["image"] == "oralblanc:latest"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert "TELEGRAM_BOT_TOKEN" in service["environment"]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "/healthz" in " ".join(service["healthcheck"]["test"])
    for name in ("worker1", "worker2"):
        command = services[name]["command"]
        assert command[0] == "worker" and "--metrics-port" in command


def test_the_dockerfile_s_entry_point_is_the_cli() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["oralblanc"]' in dockerfile
    assert "pip install --no-cache-dir ." in dockerfile
    for folder in ("bot", "scenarios", "personas", "feedback", "storage"):
        assert f"COPY {folder} ./{folder}" in dockerfile


def test_each_service_s_command_is_understood_by_the_cli() -> None:
    services = _compose()["services"]
    for name in ("ingress", "worker1", "worker2"):
        done = _oralblanc(*_filled(services[name]["command"]), "--help")
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    worker = _oralblanc("worker", "--help")
    assert worker.returncode == 0 and "--concurrency" in worker.stdout and "--queues" in worker.stdout
    ingress = _oralblanc("bot", "--queue", "--help")
    assert ingress.returncode == 0 and "--queue" in ingress.stdout


def test_queue_mode_without_postgresql_says_so_in_one_line(tmp_path: Path) -> None:
    for args in (["bot", "--webhook-url", "https://bot.example.org/tg", "--queue"], ["worker"]):
        for url in ("", f"sqlite:///{tmp_path / 'x.sqlite3'}"):
            done = _oralblanc(*args, DATABASE_URL=url, TELEGRAM_BOT_TOKEN="1:A")
            assert done.returncode == 2, (args, url, done.stderr)
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and ("PostgreSQL" in lines[0] or "postgresql://" in lines[0]), lines
    done = _oralblanc("bot", "--queue", DATABASE_URL="postgresql://u@127.0.0.1:1/x", TELEGRAM_BOT_TOKEN="1:A")
    assert done.returncode == 2 and "--webhook-url" in done.stderr


def test_the_new_commands_start_fast() -> None:
    """`worker --help` and `bot --queue --help` import nothing heavy (tests/test_cli_start.py)."""
    from tests.test_cli_start import HEAVY, _modules

    for args in (["worker", "--help"], ["bot", "--queue", "--help"]):
        loaded = _modules(*args)
        heavy = sorted(
            m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY + ("procrastinate",))
        )
        assert heavy == [], f"oralblanc {' '.join(args)} imports {heavy}"
