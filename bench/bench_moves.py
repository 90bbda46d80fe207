"""Per-move precision and recall of the move detectors (`scenarios.moves`) on the labelled corpus.

Corpus: tests/data/moves/{tuning,checking}.jsonl, one candidate sentence per line, {"id", "lang", "text",
"moves": [the moves it does]}, written fresh for this (FR and EN, every move, sentences that do none of them).
The detectors may be tuned on the tuning half only; the figures that count are the checking half's.

    .venv/bin/python bench/bench_moves.py                  # checking half
    .venv/bin/python bench/bench_moves.py --half tuning    # the half one may tune on
    .venv/bin/python bench/bench_moves.py --errors         # also list the sentences the detectors get wrong
    .venv/bin/python bench/bench_moves.py --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scenarios.moves import Move, detect  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "moves"


def load(half: str) -> list[dict]:
    halves = ("tuning", "checking") if half == "both" else (half,)
    return [
        json.loads(line)
        for h in halves
        for line in (CORPUS / f"{h}.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def evaluate(
    items: list[dict],
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, list[str], list[str]]]]:
    """Per move: tp, fp, fn, precision, recall, support; and the sentences with a wrong move set."""
    counts = {str(m): {"tp": 0, "fp": 0, "fn": 0} for m in Move}
    errors = []
    for item in items:
        gold = set(item["moves"])
        found = {str(h.move) for h in detect(item["text"], item["lang"])}
        for m in counts:
            if m in found and m in gold:
                counts[m]["tp"] += 1
            elif m in found:
                counts[m]["fp"] += 1
            elif m in gold:
                counts[m]["fn"] += 1
        if found != gold:
            errors.append((item["id"], item["text"], sorted(gold), sorted(found)))
    out: dict[str, dict[str, float]] = {}
    for m, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        out[m] = {
            **c,
            "support": tp + fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return out, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", choices=("checking", "tuning", "both"), default="checking")
    ap.add_argument("--errors", action="store_true", help="list the sentences whose moves are wrong")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    items = load(args.half)
    figures, errors = evaluate(items)
    if args.json:
        print(json.dumps({"half": args.half, "sentences": len(items), "moves": figures}, indent=2))
        return 0
    negatives = sum(1 for i in items if not i["moves"])
    print(
        f"{args.half} half: {len(items)} sentences ({negatives} doing none of the moves), "
        f"{sum(1 for i in items if i['lang'] == 'fr')} FR / {sum(1 for i in items if i['lang'] == 'en')} EN"
    )
    print("| move | support | precision | recall |\n|---|---|---|---|")
    for m, f in figures.items():
        print(f"| {m} | {f['support']} | {f['precision']:.3f} | {f['recall']:.3f} |")
    exact = 1 - len(errors) / len(items)
    print(f"\nsentences with exactly the right moves: {exact:.3f}")
    if args.errors:
        for e in errors:
            print(f"{e[0]}: {e[1]!r}\n    gold {e[2]}  found {e[3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
