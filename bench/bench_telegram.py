"""Benchmark the Telegram bot: many simulated candidates playing at once against the fake Bot API.

The real PTB Application (long polling, per-chat update processor, flood control) runs against
`tests/fake_bot_api.py` on 127.0.0.1 with the scripted engine and a fresh SQLite database. Every
candidate starts the negotiation scenario (half in French, half in English), plays `--turns` lines,
each sent as soon as the persona's previous answer arrives (plus `--think` seconds), then `/end`s and
gets the scorecard. A share of the lines (`--redeliver`) is delivered twice, as Telegram does after a
crash. Afterwards the database is checked: every line stored exactly once, in order, each answered.

Latency is measured on the fake server's clock, from the moment an update is handed to getUpdates'
queue to the moment the bot's answer reaches the server (sendMessage).

Usage:
    .venv/bin/python bench/bench_telegram.py                      # 50 candidates, 10 turns each
    .venv/bin/python bench/bench_telegram.py --candidates 100 --flood-rate 30 --think 1
    .venv/bin/python bench/bench_telegram.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.db import make_engine  # noqa: E402
from storage.repository import Repository  # noqa: E402
from tests.fake_bot_api import FakeBotAPI, FakeUser  # noqa: E402
from tests.telegram_support import NEGOTIATION_LINES, SCENARIO, bot_running, bot_settings, fast_options  # noqa: E402

log = logging.getLogger("bench_telegram")

ENGLISH_LINES = [
    "Good morning, thank you for seeing me. How is the season going for you?",
    "If I understand correctly, your volumes are growing. What are your targets for next year?",
    "If you commit to three years, we can lower the price by 3%.",
    "I understand your concern. Our offer cuts your costs by 12% over three years.",
    "To sum up: a three-year commitment, 3% off, payment at 45 days. Shall we meet on Thursday?",
]


@dataclass
class Candidate:
    user: FakeUser
    language: str
    lines: list[str] = field(default_factory=list)  # what was sent, in order
    latencies: list[float] = field(default_factory=list)
    end_latency: float | None = None
    ended_early: bool = False
    redelivered: int = 0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _persona_reply(
    api: FakeBotAPI, user: FakeUser, since: int, timeout: float
) -> tuple[float, list[str]]:
    """The time the first persona line after `since` reached the server, and the texts since."""
    box = await api.wait_for(
        lambda: (new := api.outbox(user.id)[since:]) and any(c.text.startswith("🗣") for c in new) and new,
        timeout,
        f"an answer in chat {user.id}",
    )
    first = next(c for c in box if c.text.startswith("🗣"))
    return first.at, [c.text for c in box]


async def _play(
    api: FakeBotAPI,
    c: Candidate,
    turns: int,
    think: float,
    redeliver: float,
    rng: random.Random,
    timeout: float,
) -> None:
    user = c.user
    await api.reply_to(
        user, lambda: user.send_text(f"/play {SCENARIO} {c.language}"), count=2, timeout=timeout
    )
    script = NEGOTIATION_LINES if c.language == "fr" else ENGLISH_LINES
    for n in range(turns):
        if think:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        text = f"{script[n % len(script)]} ({n + 1})"
        since = len(api.outbox(user.id))
        update_id = user.send_text(text)
        c.lines.append(text)
        if rng.random() < redeliver:
            api.redeliver(update_id)
            c.redelivered += 1
        at, texts = await _persona_reply(api, user, since, timeout)
        c.latencies.append(at - api.pushed_at[update_id])
        if any("Fin de la simulation" in t or "End of the role-play" in t for t in texts):
            c.ended_early = True
            return
    since = len(api.outbox(user.id))
    update_id = user.send_text("/end")
    box = await api.wait_for(
        lambda: next((x for x in api.outbox(user.id)[since:] if "/20" in x.text), None),
        timeout * 4,
        "a scorecard",
    )
    c.end_latency = box.at - api.pushed_at[update_id]


def _check(repo: Repository, candidates: list[Candidate]) -> dict[str, int]:
    """Every line stored once, in order, and answered; no error or busy message."""
    problems = {"lost_or_duplicated": 0, "unanswered": 0, "sessions": 0}
    for c in candidates:
        user = repo.find_user(f"tg:{c.user.id}")
        sessions = repo.sessions_for_user(user.id)
        problems["sessions"] += len(sessions)
        record = repo.session(sessions[-1].id)
        stored = [t.text for t in record.turns if t.speaker == "candidate"]
        if stored != c.lines:
            problems["lost_or_duplicated"] += 1
            log.error("candidate %s: sent %d lines, stored %d", c.user.id, len(c.lines), len(stored))
        speakers = [t.speaker for t in record.turns]
        if speakers != ["persona"] + ["candidate", "persona"] * len(stored):
            problems["unanswered"] += 1
    return problems


CHILD_BOT = """
import asyncio, json, logging, signal, sys
from pathlib import Path

from bot.config import Settings
from bot.telegram.app import build_application, running
from tests.telegram_support import fast_options

settings = Settings(**json.loads(sys.argv[1]))
options = fast_options(**json.loads(sys.argv[2]))


async def main():
    application = build_application(settings, options=options)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with running(application, poll_timeout=1.0):
        print("ready", flush=True)
        await stop.wait()


logging.basicConfig(level=logging.WARNING)
asyncio.run(main())
"""


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc), in seconds."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def _bot_in_child(settings, options) -> AsyncIterator[Callable[[], float]]:
    """The bot in its own process (its own interpreter and GIL, as in production, where Telegram is
    elsewhere): only the fake Bot API and the simulated candidates stay in this one."""
    import os

    values = settings.model_dump(mode="json", exclude_none=True)
    knobs = {
        "typing_interval": options.typing_interval,
        "flood_overall_rate": options.flood_overall_rate,
        "preload_speech": options.preload_speech,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD_BOT,
        json.dumps(values),
        json.dumps(knobs),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        if line.strip() != b"ready":
            raise SystemExit(f"the bot process did not start: {line!r}")
        yield lambda: _cpu_seconds(process.pid)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


@contextmanager
def _database(postgres: bool) -> Iterator[str | None]:
    """None (the SQLite file in the data directory), or a throwaway PostgreSQL database."""
    if not postgres:
        yield None
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from throwaway_postgres import postgres_database

    with postgres_database() as url:
        yield url


async def run(args: argparse.Namespace) -> dict[str, object]:
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp,
        _database(getattr(args, "postgres", False)) as url,
    ):
        async with FakeBotAPI() as api:
            settings = bot_settings(Path(tmp), api, database_url=url)
            options = fast_options(typing_interval=4.0, flood_overall_rate=args.flood_rate)
            candidates = [
                Candidate(
                    api.user(20_000 + i, f"Candidate{i}", "fr" if i % 2 == 0 else "en"),
                    "fr" if i % 2 == 0 else "en",
                )
                for i in range(args.candidates)
            ]
            bot = (
                _bot_in_child(settings, options)
                if getattr(args, "bot_process", False)
                else bot_running(settings, options=options)
            )
            async with bot as bot_cpu:
                cpu_before = bot_cpu() if callable(bot_cpu) else None
                own_cpu_before = time.process_time()
                started = time.perf_counter()
                await asyncio.gather(
                    *(
                        _play(
                            api,
                            c,
                            args.turns,
                            args.think,
                            args.redeliver,
                            random.Random(rng.random()),
                            args.timeout,
                        )
                        for c in candidates
                    )
                )
                wall = time.perf_counter() - started
                # CPU the bot's process spent on the whole run (its scoring workers excluded): per turn,
                # it depends far less than latency on what else the machine is doing
                bot_cpu_s = bot_cpu() - cpu_before if cpu_before is not None else None
                own_cpu_s = time.process_time() - own_cpu_before  # fake server + simulated candidates
            calls = collections.Counter(c.method for c in api.calls)
            unwanted = [
                t
                for c in candidates
                for t in api.texts(c.user.id)
                if "Désolé" in t or "Sorry" in t or "⏳" in t
            ]
        repo = Repository(make_engine(settings.effective_database_url))
        try:
            problems = _check(repo, candidates)
        finally:
            repo.engine.dispose()
    latencies = [x for c in candidates for x in c.latencies]
    ends = [c.end_latency for c in candidates if c.end_latency is not None]
    return {
        "database": "postgresql" if getattr(args, "postgres", False) else "sqlite",
        "bot": "own process" if getattr(args, "bot_process", False) else "same process as the fake server",
        "candidates": args.candidates,
        "turns_per_candidate": args.turns,
        "think_s": args.think,
        "flood_rate_per_s": args.flood_rate,
        "redelivered_share": args.redeliver,
        "redelivered": sum(c.redelivered for c in candidates),
        "turns": len(latencies),
        "wall_s": round(wall, 2),
        "turns_per_s": round(len(latencies) / wall, 1),
        "latency_median_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(_percentile(latencies, 95) * 1000, 1),
        "latency_max_ms": round(max(latencies) * 1000, 1),
        # the n-th line of every candidate: the first comes right after 200 /play at once
        "latency_p95_ms_by_line": [
            round(_percentile([c.latencies[n] for c in candidates if len(c.latencies) > n], 95) * 1000)
            for n in range(args.turns)
        ],
        "end_median_s": round(statistics.median(ends), 2) if ends else None,
        "end_p95_s": round(_percentile(ends, 95), 2) if ends else None,
        "lost_or_duplicated": problems["lost_or_duplicated"],
        "unanswered": problems["unanswered"],
        "sessions": problems["sessions"],
        "apologies_or_busy": len(unwanted),
        "ended_early": sum(c.ended_early for c in candidates),
        "bot_api_calls_per_turn": {m: round(n / len(latencies), 2) for m, n in calls.most_common()},
        "bot_cpu_ms_per_turn": round(bot_cpu_s * 1000 / len(latencies), 2) if bot_cpu_s else None,
        "bench_cpu_ms_per_turn": round(own_cpu_s * 1000 / len(latencies), 2),
    }


VOICE_NOTES = sorted((ROOT / "tests" / "data" / "speech").glob("fleurs-en-*.ogg"))  # read English (FLEURS)


async def run_voice(args: argparse.Namespace) -> dict[str, object]:
    """One candidate, an idle bot: `--voice` voice notes, the five FLEURS notes (4.3–11.5 s) in turn, each
    sent when the previous answer arrived (never the same note twice in a row: the transcriber reuses
    the encoder output of the very same audio). Latency: the note's update queued → the persona's
    answer received (download, decoding, speech recognition with the language detected, the turn, the
    reply)."""
    from bot.speech.audio import decode_audio

    notes = [(path.read_bytes(), decode_audio(path.read_bytes()).size / 16_000) for path in VOICE_NOTES]
    heard: list[tuple[float, float]] = []  # (note seconds, note → reply seconds)
    with tempfile.TemporaryDirectory(prefix="oralblanc-bench-") as tmp:
        async with FakeBotAPI() as api:
            settings = bot_settings(Path(tmp), api)
            options = fast_options(typing_interval=4.0, preload_speech=True)
            bot = (
                _bot_in_child(settings, options)
                if getattr(args, "bot_process", False)
                else bot_running(settings, options=options)
            )
            user = api.user(30_000, "Voice", "en")
            async with bot:
                await api.reply_to(user, lambda: user.send_text(f"/play {SCENARIO} en"), count=2, timeout=120)
                for n in range(args.voice):
                    data, seconds = notes[n % len(notes)]
                    since = len(api.outbox(user.id))
                    update_id = user.send_voice(data, duration=max(1, round(seconds)))
                    at, texts = await _persona_reply(api, user, since, args.timeout)
                    heard.append((seconds, at - api.pushed_at[update_id]))
                    if any("Fin de la simulation" in t or "End of the role-play" in t for t in texts):
                        break
    long_notes = [latency for seconds, latency in heard if seconds >= 10]
    return {
        "bot": "own process" if getattr(args, "bot_process", False) else "same process as the fake server",
        "notes": len(heard),
        "per_note": [{"note_s": round(s, 2), "reply_s": round(r, 3)} for s, r in heard],
        "notes_of_10_s_or_more_median_reply_s": round(statistics.median(long_notes), 3)
        if long_notes
        else None,
        "reply_s_per_note_second_median": round(statistics.median(r / s for s, r in heard), 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10, help="lines per candidate before /end")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds between an answer and the next line"
    )
    parser.add_argument(
        "--flood-rate",
        type=float,
        default=0.0,
        help="outgoing messages per second (Telegram: 30); 0 = no throttling",
    )
    parser.add_argument("--redeliver", type=float, default=0.1, help="share of lines delivered twice")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one answer")
    parser.add_argument("--seed", type=int, default=20240607)
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite"
    )
    parser.add_argument(
        "--bot-process",
        action="store_true",
        help="run the bot in its own process (as in production) rather than beside the fake server",
    )
    parser.add_argument(
        "--voice",
        type=int,
        default=0,
        help="instead: one candidate sends this many 10.6 s voice notes to an idle bot (note → reply)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.voice:
        print(json.dumps(asyncio.run(run_voice(args)), indent=2))
        return 0
    figures = asyncio.run(run(args))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(map(len, figures))
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    ok = (
        figures["lost_or_duplicated"] == 0
        and figures["unanswered"] == 0
        and figures["sessions"] == args.candidates
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
