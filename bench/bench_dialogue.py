"""The dialogue state over a long session: sentences repeated (must be 0) and the director's time per turn.

    .venv/bin/python bench/bench_dialogue.py [--turns 60] [--runs 3] [--json]

For each library script, a 60-turn session: the script's `max_turns` is raised to 60 and each stage may
last twice as long, and a candidate says lines drawn reproducibly from a mixed pool (questions, offers
below and above the demand, answers, dodges, summaries, lines in the other language, the same line
again and again). The scripted persona answers. Reported per script: candidate turns played before the
persona closed (it closes early when it has nothing new to say), persona sentences said, sentences said
twice (sentences of three words or more, compared blind to case and punctuation; the target is 0),
director time per turn (median, p95, max) and the time to replay the whole session from its turns.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.catalog import load_catalog  # noqa: E402
from personas.actors import Cue, ScriptedActor  # noqa: E402
from scenarios.director import Director  # noqa: E402
from scenarios.model import Scenario  # noqa: E402

POOL = {
    "fr": [
        "Pouvez-vous m'en dire plus sur vos priorités cette année ?",
        "Si je vous comprends bien, le délai compte autant que le prix.",
        "Je vous propose 2 % de remise.",
        "Je peux aller jusqu'à 8 %.",
        "Si vous vous engagez sur deux ans, nous pouvons consentir 3 %.",
        "Je vous propose 60 jours, le plafond de l'article L441-10.",
        "Nous prenons en charge 40 000 € de frais.",
        "Je te garantis ton variable pendant 6 mois.",
        "Je propose une première phase de 1,1 M€ avec un go/no-go à neuf mois.",
        "Notre produit est le meilleur du marché.",
        "Vous êtes d'accord que c'est une bonne offre, n'est-ce pas ?",
        "Qu'est-ce qui a changé chez vous depuis l'an dernier ?",
        "Comment voyez-vous les volumes de la saison prochaine ?",
        "Je comprends votre inquiétude, c'est une situation difficile.",
        "Pour résumer : nous avançons ensemble, et je vous envoie une proposition écrite vendredi.",
        "Bon.",
        "Comme vous voulez.",
        "What are your main constraints this year?",
    ],
    "en": [
        "Could you tell me more about your priorities this year?",
        "If I understand you correctly, lead time matters as much as price.",
        "I can offer you 2% off.",
        "I can go up to 8%.",
        "If you commit to two years, we can give you 3%.",
        "I can offer 60 days, the legal cap under article L441-10.",
        "We will cover 40,000 euros of costs.",
        "I will guarantee your variable pay for 6 months.",
        "I propose a first phase of 1.1 million euros with a go/no-go at nine months.",
        "Our product is the best on the market.",
        "You agree this is a good offer, don't you?",
        "What has changed on your side since last year?",
        "How do you see volumes for next season?",
        "I understand your concern, this is a difficult situation.",
        "To sum up: we move forward together, and I will send a written proposal on Friday.",
        "OK.",
        "Whatever you want.",
        "Quelles sont vos contraintes cette année ?",
    ],
}

_WORDS = re.compile(r"[^\w%€]+")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"»”)]*\s+")


def stretched(scenario: Scenario, turns: int) -> Scenario:
    data = scenario.model_dump()
    data["max_turns"] = turns
    for stage in data["stages"]:
        end = stage["ends_when"]
        if end.get("max_turns"):
            end["max_turns"] *= 2
    return Scenario.model_validate(data)


def session(scenario: Scenario, lang: str, turns: int, seed: int) -> dict:
    rng = random.Random(seed)
    director, actor = Director(scenario, lang), ScriptedActor(scenario)
    state, direction = director.opening()
    replies = [actor.line(Cue(direction, ""))]
    texts: list[str] = []
    times: list[float] = []
    while not state.ended and len(texts) < turns:
        text = rng.choice(POOL[lang])
        texts.append(text)
        t0 = time.perf_counter()
        state, direction = director.step(state, text)
        times.append(time.perf_counter() - t0)
        replies.append(actor.line(Cue(direction, text)))
    t0 = time.perf_counter()
    replayed = director.replay(texts)
    replay = time.perf_counter() - t0
    assert replayed == state
    seen: set[str] = set()
    said = repeated = 0
    for reply in replies:
        for sentence in _SENTENCE.split(reply):
            words = _WORDS.sub(" ", sentence.lower()).split()
            if len(words) < 3:
                continue
            said += 1
            key = " ".join(words)
            repeated += key in seen
            seen.add(key)
    return {
        "turns": len(texts),
        "sentences": said,
        "repeated": repeated,
        "times": times,
        "replay": replay,
        "state_bytes": len(state.model_dump_json()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument(
        "--runs", type=int, default=3, help="sessions per script and language (different seeds)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    catalog = load_catalog()
    rows = []
    for scenario_id in sorted(catalog.scenarios):
        scenario = stretched(catalog.scenario(scenario_id), args.turns)
        results = [
            session(scenario, lang, args.turns, seed) for lang in ("fr", "en") for seed in range(args.runs)
        ]
        times = sorted(t for r in results for t in r["times"])
        rows.append(
            {
                "scenario": scenario_id,
                "sessions": len(results),
                "turns": round(statistics.mean(r["turns"] for r in results), 1),
                "sentences": sum(r["sentences"] for r in results),
                "repeated": sum(r["repeated"] for r in results),
                "median_ms": round(1000 * statistics.median(times), 2),
                "p95_ms": round(1000 * times[int(0.95 * (len(times) - 1))], 2),
                "max_ms": round(1000 * times[-1], 2),
                "replay_ms": round(1000 * statistics.median(r["replay"] for r in results), 1),
                "state_kb": round(max(r["state_bytes"] for r in results) / 1024, 1),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(
        "| script | sessions | turns played (mean) | persona sentences | repeated | director median / p95 / max per turn | replay of a session | state JSON |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['scenario']} | {r['sessions']} | {r['turns']} | {r['sentences']} | **{r['repeated']}** | "
            f"{r['median_ms']} / {r['p95_ms']} / {r['max_ms']} ms | {r['replay_ms']} ms | {r['state_kb']} KB |"
        )


if __name__ == "__main__":
    main()
