"""The cost of one turn without the model, and whether it grows with the session (issue 20).

A session of the library's negotiation script, made long: the script's `max_turns` raised and its last
stage given enough distinct follow-ups never to run out (so the persona never has to close), played
with the scripted actor through `bot.rehearsal.Rehearsal` on a fresh SQLite file and on a throwaway
PostgreSQL database. Each turn is what the Telegram handler does for a line: read the active session with its last turns
(`AsyncRepository.active_session(user, last_turns=TURN_PATH_TURNS)`), then `Rehearsal.turn(record,
text)` (candidate's turn committed, the director's state read and advanced, the persona's line chosen
and committed with the new state). Run on the code before issue 20 (no `TURN_PATH_TURNS`), it does
what the handler did then: `active_session(user)`, then `Rehearsal.turn(session_id, text)`.
Wall and CPU time per turn; the figures compare turns 1–10 with turns 181–200 (a script allows
200 turns at most).

    .venv/bin/python bench/bench_turn_cost.py [--turns 200] [--sessions 3] [--backend sqlite|postgresql|both] [--json]
    .venv/bin/python bench/bench_turn_cost.py --profile      # cProfile of the turns, top 25 by cumulative time
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bot.rehearsal as rehearsal_module  # noqa: E402
from bot.catalog import load_catalog  # noqa: E402
from bot.rehearsal import Rehearsal  # noqa: E402
from scenarios.model import Scenario  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.repository import AsyncRepository, Repository  # noqa: E402

SCENARIO = "negotiation-castelnau-arrosage"
LINES = [
    "Bonjour Madame Morel, merci de me recevoir. Comment se passe la saison pour vous ?",
    "Si je comprends bien, vos volumes augmentent. Quels sont vos objectifs pour l'an prochain ?",
    "Si vous vous engagez sur trois ans, nous pouvons baisser le prix de 3 %.",
    "Je comprends votre inquiétude. Notre offre réduit vos coûts de 12 % sur trois ans.",
    "Pour résumer : engagement trois ans, remise de 3 %, paiement à 45 jours. On fixe un rendez-vous jeudi ?",
    "Qu'est-ce qui compte le plus pour vous dans ce choix de fournisseur ?",
    "Nous pouvons aussi proposer une formation de vos équipes au printemps.",
]


def long_scenario(turns: int) -> Scenario:
    """The negotiation with room for `turns` candidate turns: it closes on the last one."""
    data = load_catalog().scenario(SCENARIO).model_dump(mode="json")
    data["max_turns"] = turns  # at most 200 (the schema's limit)
    last = data["stages"][-1]
    last["ends_when"] = {"min_turns": turns + 10, "max_turns": None, "moves_any": []}
    last["follow_ups"] = {
        "fr": [f"Point {n} : je note, continuez, je vous écoute attentivement." for n in range(turns + 10)],
        "en": [f"Point {n}: noted, go on, I am listening carefully." for n in range(turns + 10)],
    }
    return Scenario.model_validate(data)


async def play(
    url: str, scenario: Scenario, turns: int, sessions: int, profile: cProfile.Profile | None
) -> list[list[tuple[float, float]]]:
    engine = make_engine(url)
    repo = AsyncRepository(Repository(engine))
    rehearsal = Rehearsal(repo, load_catalog())
    out: list[list[tuple[float, float]]] = []
    tail = getattr(
        rehearsal_module, "TURN_PATH_TURNS", None
    )  # None: the code before issue 20 (for the "before" figures)
    try:
        for s in range(sessions):
            user = await repo.get_or_create_user(display_name=f"bench-{s}")
            await rehearsal.start(user, scenario.id, "fr", scenario=scenario)
            costs: list[tuple[float, float]] = []
            for n in range(turns):
                text = f"{LINES[n % len(LINES)]} ({n + 1})"
                if profile is not None:
                    profile.enable()
                wall, cpu = time.perf_counter(), time.process_time()
                if tail is not None:  # one read, of the last turns, handed to the turn
                    reply = await rehearsal.turn(await repo.active_session(user, last_turns=tail), text)
                else:  # before issue 20: the handler's read, then the turn's own
                    reply = await rehearsal.turn((await repo.active_session(user)).id, text)
                costs.append((time.perf_counter() - wall, time.process_time() - cpu))
                if profile is not None:
                    profile.disable()
                if reply.ended and n + 1 < turns:
                    raise RuntimeError(
                        f"the session ended at turn {n + 1}: the benchmark needs a longer script"
                    )
            out.append(costs)
    finally:
        engine.dispose()
    return out


def figures(backend: str, runs: list[list[tuple[float, float]]]) -> dict[str, object]:
    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 2)

    walls = [w for run in runs for w, _ in run]
    cpus = [c for run in runs for _, c in run]
    early = [w for run in runs for w, _ in run[:10]]
    late = [w for run in runs for w, _ in run[-20:]]
    result: dict[str, object] = {
        "backend": backend,
        "sessions": len(runs),
        "turns": len(runs[0]),
        "median_ms": ms(walls),
        "p95_ms": round(sorted(walls)[int(0.95 * (len(walls) - 1))] * 1000, 2),
        "cpu_median_ms": ms(cpus),
        "turns_1_10_median_ms": ms(early),
    }
    step = max(1, len(runs[0]) // 10)
    result["median_ms_by_tenth"] = [
        ms([w for run in runs for w, _ in run[i : i + step]]) for i in range(0, len(runs[0]), step)
    ]
    if late:
        result[f"turns_{len(runs[0]) - 19}_{len(runs[0])}_median_ms"] = ms(late)
        result["late_over_early"] = round(statistics.median(late) / statistics.median(early), 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=200, help="candidate turns per session (at most 200)")
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the turns (SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    scenario = long_scenario(args.turns)
    results = []
    profile = cProfile.Profile() if args.profile else None
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp:
            runs = asyncio.run(
                play(f"sqlite:///{tmp}/bench.sqlite3", scenario, args.turns, args.sessions, profile)
            )
            results.append(figures("sqlite", runs))
    if args.backend in ("postgresql", "both") and not args.profile:
        sys.path.insert(0, str(ROOT / "bench"))
        from throwaway_postgres import postgres_database

        with postgres_database() as url:
            results.append(
                figures("postgresql", asyncio.run(play(url, scenario, args.turns, args.sessions, None)))
            )
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    header = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load": __import__("os").getloadavg()[0],
    }
    if args.json:
        print(json.dumps({"header": header, "results": results}, indent=2))
    else:
        print(f"Python {header['python']}, {header['machine']}, load average {header['load']:.1f}")
        for r in results:
            print("  ".join(f"{k}={v}" for k, v in r.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
