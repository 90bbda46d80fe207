"""The Telegram benchmark still runs: a few candidates, every line stored once, each answered."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_telegram.py"


async def test_the_benchmark_runs_and_loses_nothing() -> None:
    spec = importlib.util.spec_from_file_location("bench_telegram", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_telegram", bench)  # dataclasses look their module up
    spec.loader.exec_module(bench)
    args = argparse.Namespace(
        candidates=4, turns=3, think=0.0, flood_rate=30.0, redeliver=0.5, timeout=30.0, seed=7, json=True
    )
    figures = await bench.run(args)
    assert figures["turns"] == 12 and figures["sessions"] == 4
    assert (
        figures["lost_or_duplicated"] == 0
        and figures["unanswered"] == 0
        and figures["apologies_or_busy"] == 0
    )
    assert figures["redelivered"] > 0 and figures["latency_median_ms"] > 0
