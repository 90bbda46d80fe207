"""Benchmark: scoring a 40-turn transcript without an LLM, on one core (goal: under 1 s).

The transcript has 40 candidate turns (80 turns with the persona's), built from the graded negotiation
transcripts (French with an English part, so both language measures run) against the library scenario,
so the director replay and the observables run too. One CPU is pinned (`sched_setaffinity`) when the
platform allows it. The first call also loads Grammalecte, cefrpy's word list and the catalog: it is
reported apart ("cold"); the goal is on warm calls, the steady state of a running bot.

    .venv/bin/python bench/bench_scorer.py [--runs 10]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenarios.model import Transcript, Turn  # noqa: E402

GRADED = ROOT / "tests" / "data" / "graded"
SOURCES = (
    "negotiation-fr.better",
    "negotiation-fr.illegal",
    "negotiation-fr.leading",
    "negotiation-en.better",
)


def forty_turns() -> Transcript:
    """80 turns, 40 of them the candidate's."""
    turns: list[Turn] = []
    for name in SOURCES:
        t = Transcript.model_validate_json((GRADED / f"{name}.json").read_text(encoding="utf-8"))
        turns += t.turns
    out: list[Turn] = []
    candidate = 0
    for turn in turns:
        if turn.speaker == "candidate":
            if candidate == 40:
                break
            candidate += 1
        out.append(turn)
    return Transcript(scenario="negotiation-castelnau-arrosage", kind="negotiation", language="fr", turns=out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"

    t0 = time.perf_counter()
    from bot.catalog import load_catalog
    from feedback.scorer import score

    scenario = load_catalog().scenario("negotiation-castelnau-arrosage")
    transcript = forty_turns()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    card = score(transcript, scenario)
    cold = time.perf_counter() - t0
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        score(transcript, scenario)
        times.append(time.perf_counter() - t0)
    from feedback import markers
    from feedback.english import assess_english
    from feedback.french import assess_french

    turns = [
        (t, markers.guess_language(t.text, t.lang or transcript.language))
        for _, t in transcript.candidate_turns()
    ]
    t0 = time.perf_counter()
    assess_french([(t.text, t.audio is not None) for t, lang in turns if lang == "fr"])
    french = time.perf_counter() - t0
    t0 = time.perf_counter()
    assess_english([t.text for t, lang in turns if lang == "en"])
    english = time.perf_counter() - t0
    n_candidate = len(transcript.candidate_turns())
    words = sum(len(t.text.split()) for _, t in transcript.candidate_turns())
    print(
        f"transcript: {len(transcript.turns)} turns, {n_candidate} candidate turns, {words} candidate words"
    )
    print(f"cores used: {cores}; imports + catalog: {load:.2f} s")
    print(f"cold (first) score: {cold:.3f} s")
    print(
        f"warm score over {args.runs} runs: median {statistics.median(times):.3f} s, max {max(times):.3f} s"
    )
    print(f"of which French (Grammalecte) {french:.3f} s, English (CEFR) {english:.3f} s")
    print(f"goal < 1 s (warm median): {'met' if statistics.median(times) < 1.0 else 'NOT met'}")
    print(f"score_20 = {card.overall.score_20}")


if __name__ == "__main__":
    main()
