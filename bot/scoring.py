"""Where a finished session is scored: inline (the terminal, tests) or in a pool of worker processes
(the bot), so that scoring, 0.2–0.5 s of CPU, never competes with everyone's turns for the bot's
process (its event loop and its GIL).

`PoolScorer` is built once at start-up and closed at shutdown (`bot.telegram.app`), as the speech
model is. The detectors (move detection, Grammalecte, the CEFR estimate) run in a child process,
which receives the transcript and the frozen script as JSON and keeps the scorer's resources loaded
between sessions; the LLM judge (async, network) stays in this process: with a judge, the child
returns its observations and the judge's verdicts are merged here. If the child fails (it raised, it
died, the pool is broken), the session is scored here instead, in a worker thread, and the failure
logged: a candidate always gets a scorecard.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from feedback.judge import Judge
from feedback.scorecard import Scorecard
from scenarios.model import Scenario, Transcript

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 1
# Scoring workers run at a lower CPU priority than the bot (Linux "nice" 10: about a tenth of the
# bot's share when both want the CPU): a line waiting for its reply goes before a scorecard, which the
# candidate expects to take a few seconds. Measured in bench/README.md ("Throughput of one process").
SCORING_NICENESS = 10


class Scorer(Protocol):
    async def score(
        self, transcript: Transcript, scenario: Scenario | None, judge: Judge | None
    ) -> Scorecard: ...


class InlineScorer:
    """Scores in this process (detectors in a worker thread, the judge awaited)."""

    async def score(
        self, transcript: Transcript, scenario: Scenario | None, judge: Judge | None
    ) -> Scorecard:
        from feedback.scorer import ascore

        return await ascore(transcript, scenario, judge)


class PoolScorer:
    """Scores in a pool of `workers` child processes (spawned, not forked: the bot runs threads)."""

    def __init__(self, workers: int = DEFAULT_WORKERS, *, fallback: Scorer | None = None) -> None:
        self.workers = workers
        self.fallback = fallback or InlineScorer()
        self.last_pid: int | None = None  # the process that produced the last scorecard (tests, logs)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_child,
                    initargs=(SCORING_NICENESS,),
                )
            return self._pool

    async def warm(self) -> None:
        """Start the workers and load the scorer's resources in them (one small scoring each)."""
        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            await asyncio.gather(*(loop.run_in_executor(pool, _warm) for _ in range(self.workers)))
        except Exception:
            log.exception("scoring workers not warmed up (the first scoring will load them)")

    async def score(
        self, transcript: Transcript, scenario: Scenario | None, judge: Judge | None
    ) -> Scorecard:
        loop = asyncio.get_running_loop()
        payload = (transcript.model_dump_json(), scenario.model_dump_json() if scenario is not None else None)
        try:
            if judge is None:
                card_json, pid = await loop.run_in_executor(self._executor(), _score_in_child, *payload)
                self.last_pid = pid
                return Scorecard.model_validate_json(card_json)
            detected, pid = await loop.run_in_executor(self._executor(), _detect_in_child, *payload)
        except Exception as error:
            if isinstance(error, BrokenProcessPool):  # a worker died: a new pool next time
                self._discard()
            log.exception("scoring in a worker process failed: scoring in the bot's process instead")
            self.last_pid = os.getpid()
            return await self.fallback.score(transcript, scenario, judge)
        self.last_pid = pid
        return await _judged(transcript, scenario, judge, *detected)

    def _discard(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (a scoring under way is finished first)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)


async def _judged(
    transcript: Transcript, scenario: Scenario | None, judge: Judge, obs: Any, criteria: Any
) -> Scorecard:
    """The judge's verdicts (awaited here) merged with the detectors' observations from the child."""
    from feedback import scorer

    verdicts: dict[str, Any] = {}
    if scorer._enough(obs):
        verdicts = await judge.ajudge_all([c for c, _ in criteria], transcript, scenario)
    return scorer._finish(transcript, scenario, obs, criteria, judge, verdicts)


# --- in the child process ---------------------------------------------------------------------------

_scenarios: dict[str, Scenario] = {}  # the scripts this child has validated, by their JSON


def _start_child(niceness: int) -> None:
    """Run this child at a lower CPU priority than its parent (where the system allows it), and end it
    when its parent is gone (a bot or worker killed with SIGKILL does not stop its pool: its scoring
    process would otherwise wait for work forever)."""
    try:
        os.nice(niceness)
    except OSError:  # not permitted here: scoring still works, at the bot's priority
        log.warning("scoring worker left at normal CPU priority")
    threading.Thread(
        target=_exit_with_parent, args=(os.getppid(),), name="oralblanc-parent-watch", daemon=True
    ).start()


PARENT_CHECK_S = 1.0


def _exit_with_parent(parent: int) -> None:
    """End this process once `parent` is gone (it is then re-parented: its parent id changes)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _inputs(transcript_json: str, scenario_json: str | None) -> tuple[Transcript, Scenario | None]:
    transcript = Transcript.model_validate_json(transcript_json)
    if scenario_json is None:
        return transcript, None
    scenario = _scenarios.get(scenario_json)
    if scenario is None:
        if len(_scenarios) >= 32:
            _scenarios.clear()
        scenario = _scenarios[scenario_json] = Scenario.model_validate_json(scenario_json)
    return transcript, scenario


def _score_in_child(transcript_json: str, scenario_json: str | None) -> tuple[str, int]:
    from feedback.scorer import score

    _fault()
    card = score(*_inputs(transcript_json, scenario_json))
    return card.model_dump_json(), os.getpid()


def _detect_in_child(transcript_json: str, scenario_json: str | None) -> tuple[tuple[Any, Any], int]:
    from feedback import scorer

    _fault()
    return scorer._detect(*_inputs(transcript_json, scenario_json)), os.getpid()


CRASH_POINT = "scoring.child"


def _fault() -> None:
    """The crash point `scoring.child` (`ORALBLANC_CRASH_POINTS`, as `bot.faults`): the child dies
    (SIGKILL) in the middle of a scoring, as when the OOM killer takes it."""
    points = os.environ.get("ORALBLANC_CRASH_POINTS") or ""
    if CRASH_POINT in {p.strip() for p in points.split(",")}:
        os.kill(os.getpid(), signal.SIGKILL)


def _warm() -> int:
    from feedback.scorer import score

    score(
        Transcript.model_validate(
            {
                "kind": "negotiation",
                "language": "fr",
                "turns": [
                    {
                        "speaker": "candidate",
                        "text": "Bonjour, quels sont vos besoins pour la saison prochaine ?",
                    }
                ],
            }
        )
    )
    return os.getpid()
