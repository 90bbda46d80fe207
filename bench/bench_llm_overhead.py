"""Our own overhead per LLM persona turn, excluding the model's time, against the fake server.

    .venv/bin/python bench/bench_llm_overhead.py [--turns 300] [--scenario ID]

Plays turns through the real stack (`LlmActor`: prompt, guard, `bot.llm.ChatClient`, the openai SDK,
HTTP on loopback) against `tests/fake_openai.py` run in its own process, whose model answers at once
with the stage note's gist. Per turn: overhead = wall time of `actor.speak` minus the time the server
spent serving that turn's requests (the "model's time", read from the server's `/stats` outside the
timed section). Also times the prompt and the guard alone. Goal: median overhead under 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openai import DefaultAsyncHttpxClient  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.llm import ChatClient  # noqa: E402
from personas.actors import ConversationCue, LlmActor  # noqa: E402
from personas.chat import ChatReply  # noqa: E402
from personas.guard import Guard  # noqa: E402
from personas.loader import lint_personas, load_personas  # noqa: E402
from personas.model import Persona  # noqa: E402
from personas.prompt import build_prompt  # noqa: E402
from scenarios.director import Director  # noqa: E402
from scenarios.loader import load_library, load_scenario  # noqa: E402
from scenarios.model import Scenario, Turn  # noqa: E402
from tests.fake_openai import gist, tokens  # noqa: E402

CANDIDATE = [
    "Bonjour Madame, merci de me recevoir. Quels sont vos enjeux pour cette année ?",
    "Si je vous comprends bien, le prix compte, mais la disponibilité en saison encore plus ?",
    "Pouvez-vous me parler de vos prévisions de volume pour l'an prochain ?",
    "Si vous vous engagez sur deux ans avec des prévisions partagées, nous pouvons consentir 2 %.",
    "Je comprends votre contrainte de trésorerie. Le Code de commerce plafonne les délais à 60 jours.",
    "Je vous propose un escompte de 1 % pour paiement à 10 jours, en contrepartie d'un engagement.",
    "Let me summarise: a two-year agreement, shared forecasts and a tiered year-end rebate.",
    "Shall we meet next Tuesday to validate the written proposal?",
]


def pick(scenario_id: str | None) -> tuple[Scenario, Persona]:
    """A library scenario (richer prompts) when it loads, else the tests' mini script."""
    try:
        library = load_library()
        personas = load_personas()
        negotiations = [s for _, s in sorted(library.items()) if s.kind == "negotiation"]
        scenario = library[scenario_id] if scenario_id else (negotiations or list(library.values()))[0]
        return scenario, personas[scenario.persona]
    except Exception as exc:  # the library is being written by colleagues
        if scenario_id:
            raise
        print(f"(library unavailable: {exc}; using tests/data/mini-negotiation.yaml)")
        data = ROOT / "tests" / "data"
        persona = lint_personas([data / "test-buyer.yaml"]).documents["test-buyer"]
        return load_scenario(data / "mini-negotiation.yaml"), persona


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(
        f"{name:<38} median {statistics.median(ms):6.2f} ms   p95 {percentile(ms, 0.95):6.2f} ms   n={len(ms)}"
    )


@contextmanager
def fake_server() -> Iterator[str]:
    """`tests/fake_openai.py` in its own process (no GIL shared with the client); its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_openai"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def served(base_url: str, since: int) -> list[float]:
    root = base_url.removesuffix("/v1")
    with urllib.request.urlopen(f"{root}/stats?since={since}") as response:
        return json.load(response)["handling"]


async def play(base_url: str, scenario: Scenario, persona: Persona, turns: int, streamed: bool):
    settings = Settings(openai_base_url=base_url, openai_api_key="bench", llm_model="fake")
    chat = ChatClient.from_settings(settings, http_client=DefaultAsyncHttpxClient())
    actor = LlmActor(scenario, persona, chat, turn_deadline=10)
    overhead: list[float] = []
    total: list[float] = []
    cpu: list[float] = []
    fell_back = 0
    sink = (lambda piece: None) if streamed else None
    n = 0
    while n < turns:
        director = Director(scenario, "fr")
        state, direction = director.opening()
        history: list[Turn] = []
        text = ""
        while n < turns:
            before = len(served(base_url, 0))
            started, cpu_started = time.perf_counter(), time.process_time()
            spoken = await actor.speak(ConversationCue(direction, text, tuple(history)), on_token=sink)
            elapsed, cpu_spent = time.perf_counter() - started, time.process_time() - cpu_started
            cpu.append(cpu_spent)
            model = sum(served(base_url, before))
            total.append(elapsed)
            overhead.append(elapsed - model)
            fell_back += spoken.fell_back
            n += 1
            history.append(Turn(speaker="persona", text=spoken.text, lang=direction.language))
            if state.ended:
                break
            text = CANDIDATE[n % len(CANDIDATE)]
            history.append(Turn(speaker="candidate", text=text, lang=state.language))
            state, direction = director.step(state, text)
    await chat.aclose()
    return total, overhead, cpu, fell_back


class InMemoryChat:
    """The same well-behaved model without HTTP: what `LlmActor` costs on its own."""

    async def __call__(self, messages, *, max_tokens=None, on_token=None, deadline=None) -> ChatReply:
        text = gist({"messages": messages})
        if on_token is not None:
            for piece in tokens(text):
                on_token(piece)
        return ChatReply(text, "stop")


async def actor_only(scenario: Scenario, persona: Persona, turns: int, streamed: bool) -> list[float]:
    actor = LlmActor(scenario, persona, InMemoryChat(), turn_deadline=10)
    director = Director(scenario, "fr")
    state, direction = director.opening()
    history: list[Turn] = []
    text = ""
    out: list[float] = []
    for n in range(turns):
        cue = ConversationCue(direction, text, tuple(history))
        started = time.perf_counter()
        spoken = await actor.speak(cue, on_token=(lambda piece: None) if streamed else None)
        out.append(time.perf_counter() - started)
        history.append(Turn(speaker="persona", text=spoken.text, lang=direction.language))
        if state.ended:
            state, direction = director.opening()
            history, text = [], ""
            continue
        text = CANDIDATE[n % len(CANDIDATE)]
        history.append(Turn(speaker="candidate", text=text, lang=state.language))
        state, direction = director.step(state, text)
    return out


def cpu_only(scenario: Scenario, persona: Persona, turns: int) -> tuple[list[float], list[float]]:
    director = Director(scenario, "fr")
    state, direction = director.opening()
    prompt_t: list[float] = []
    guard_t: list[float] = []
    history: list[Turn] = []
    for n in range(turns):
        text = CANDIDATE[n % len(CANDIDATE)]
        if state.ended:
            state, direction = director.opening()
            history = []
        history.append(Turn(speaker="candidate", text=text, lang=state.language))
        state, direction = director.step(state, text)
        t0 = time.perf_counter()
        prompt = build_prompt(scenario, persona, direction, text, history)
        t1 = time.perf_counter()
        guard = Guard.for_turn(scenario, persona, direction, text, history, prompt.private)
        reply = " ".join(line for beat in direction.beats for line in beat.lines[:1])
        guard.check(reply)
        t2 = time.perf_counter()
        prompt_t.append(t1 - t0)
        guard_t.append(t2 - t1)
        history.append(Turn(speaker="persona", text=reply, lang=direction.language))
    return prompt_t, guard_t


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--scenario", default=None)
    args = parser.parse_args()
    scenario, persona = pick(args.scenario)
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(
        f"scenario {scenario.id} (persona {persona.id}), {args.turns} turns per mode, "
        f"Python {sys.version.split()[0]}, load average {load}"
    )
    prompt_t, guard_t = cpu_only(scenario, persona, args.turns)
    report("build_prompt", prompt_t)
    report("Guard.for_turn + check", guard_t)
    for streamed in (False, True):
        report(
            f"LlmActor.speak, no HTTP ({'streamed' if streamed else 'plain'})",
            await actor_only(scenario, persona, args.turns, streamed),
        )
    logging.basicConfig(level=logging.ERROR)
    with fake_server() as base_url:
        for streamed in (False, True):
            await play(base_url, scenario, persona, 20, streamed)  # warm-up
            total, overhead, cpu, fell_back = await play(base_url, scenario, persona, args.turns, streamed)
            mode = "streamed" if streamed else "plain"
            report(f"turn wall time ({mode})", total)
            report(f"our overhead per turn ({mode})", overhead)
            report(f"  of which CPU time ({mode})", cpu)
            if fell_back:
                print(f"  ({fell_back} turns fell back)")


if __name__ == "__main__":
    asyncio.run(main())
