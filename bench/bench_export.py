"""Benchmark: a cohort's export (`/export`, `oralblanc results --html/--csv`) for a large cohort.

30 candidates × 5 scored sessions × 3 criteria, levels and scores drawn reproducibly. Measures the HTML
summary (two charts drawn with matplotlib, embedded as PNG) and the CSV: time per call (the first one
apart: first drawing, font loading; imports excluded) and the page's size, which travels through Telegram as a document.

    .venv/bin/python bench/bench_export.py [--runs 5] [--candidates 30] [--sessions 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.records import ScorecardRecord, SessionSummary, UserRecord  # noqa: E402

CRITERIA = ("BLOC2.A2.C1.CR1", "BLOC2.A2.C2.CR2", "BLOC3.A1.C5.CR5")


def cohort_rows(
    candidates: int, sessions: int, seed: int = 7
) -> list[tuple[UserRecord, SessionSummary, ScorecardRecord]]:
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    rows = []
    number = 0
    for c in range(candidates):
        user = UserRecord(c + 1, 1000 + c, f"Candidat·e {c + 1:02d}", "fr", "candidate", start)
        for k in range(sessions):
            number += 1
            levels = [rng.choice([0, 1, 2, 2, 3, None]) for _ in CRITERIA]
            scored = [lv for lv in levels if lv is not None]
            score = round(sum(scored) / len(scored) / 3 * 20, 1) if scored else None
            data = {
                "criteria": [
                    {
                        "code": code,
                        "level": lv,
                        "status": "scored" if lv is not None else "insufficient_evidence",
                        "weight": 1.0,
                    }
                    for code, lv in zip(CRITERIA, levels, strict=True)
                ],
                "overall": {"score_20": score},
            }
            when = start + timedelta(days=7 * k)
            session = SessionSummary(
                number,
                user.id,
                "negotiation-castelnau-arrosage",
                1,
                "fr",
                "text",
                "scripted",
                "finished",
                12,
                when,
                when + timedelta(minutes=25),
            )
            card = ScorecardRecord(number, number, data, "bench", "proposed", None, None, None, None, when)
            rows.append((user, session, card))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=5)
    args = parser.parse_args()
    from bot import results

    rows = cohort_rows(args.candidates, args.sessions)
    began = time.perf_counter()
    page = results.to_html("Promo 2027", rows, "fr")
    cold = time.perf_counter() - began
    warm = []
    for _ in range(args.runs):
        began = time.perf_counter()
        page = results.to_html("Promo 2027", rows, "fr")
        warm.append(time.perf_counter() - began)
    began = time.perf_counter()
    csv_text = results.to_csv("Promo 2027", rows)
    csv_time = time.perf_counter() - began
    print(f"cohort: {args.candidates} candidates × {args.sessions} sessions × {len(CRITERIA)} criteria")
    print(
        f"HTML summary: cold {cold:.2f} s; warm median {statistics.median(warm):.2f} s, max {max(warm):.2f} s "
        f"({args.runs} runs); {len(page.encode()) / 1024:.0f} KB"
    )
    print(
        f"CSV: {csv_time * 1000:.1f} ms; {len(csv_text.encode()) / 1024:.0f} KB, {csv_text.count(chr(10)) - 1} rows"
    )


if __name__ == "__main__":
    main()
