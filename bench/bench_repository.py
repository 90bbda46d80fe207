"""The database's share of a Telegram line: the repository calls one text line makes, timed alone.

Per line, as the bot makes them: hold the update (write-ahead), read the Telegram user, read the active
session with its last 4 turns, commit the candidate's turn (with the update id and the director's
state), commit the persona's turn (with the new state), mark the update done. Sessions of `--lines`
lines, on a fresh SQLite file and/or a throwaway PostgreSQL database (`bench/throwaway_postgres.py`).
CPU time per line is the figure that matters on a busy machine (it is the GIL the turn holds); wall
time includes waiting for the database.

Usage:
    .venv/bin/python bench/bench_repository.py [--backend sqlite|postgresql|both] [--lines 300] [--sessions 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.catalog import load_catalog  # noqa: E402
from scenarios.model import Turn  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.repository import Repository  # noqa: E402


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from throwaway_postgres import postgres_database

    with postgres_database() as url:
        yield url


def measure(backend: str, lines: int, sessions: int) -> dict[str, float]:
    scenario = next(iter(load_catalog().scenarios.values()))
    with _database(backend) as url:
        engine = make_engine(url)
        repo = Repository(engine)
        user = repo.get_or_create_user(telegram_id=1, display_name="Bench", language="fr")
        cpu: list[float] = []
        wall: list[float] = []
        for k in range(sessions):
            session = repo.start_session(user, scenario, "fr")
            first_update = 1_000_000 * (k + 1)
            started, started_cpu = time.perf_counter(), time.process_time()
            for i in range(lines):
                update = first_update + i
                repo.hold_update(update, 1, {"message": {"text": f"line {i}"}})
                repo.telegram_user(1, display_name="Bench")
                repo.active_session(user, last_turns=4)
                state = {"turn": i, "said": ["a", "b"]}
                candidate = Turn(speaker="candidate", text=f"Quel volume visez-vous ? ({i})", lang="fr")
                repo.add_turn(session, candidate, update_id=update, director_state=state)
                persona = Turn(speaker="persona", text=f"Environ trois mille unités. ({i})", lang="fr")
                repo.add_turn(session, persona, director_state=state)
                repo.update_done(update)
            cpu.append((time.process_time() - started_cpu) / lines * 1000)
            wall.append((time.perf_counter() - started) / lines * 1000)
            repo.finish_session(session)
        engine.dispose()
    return {"cpu_ms_per_line": statistics.median(cpu), "wall_ms_per_line": statistics.median(wall)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--lines", type=int, default=300, help="lines per session")
    parser.add_argument("--sessions", type=int, default=5, help="sessions (the median is reported)")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print("| database | CPU per line | wall time per line |\n|---|---|---|")
    for backend in backends:
        figures = measure(backend, args.lines, args.sessions)
        print(f"| {backend} | {figures['cpu_ms_per_line']:.2f} ms | {figures['wall_ms_per_line']:.2f} ms |")


if __name__ == "__main__":
    main()
