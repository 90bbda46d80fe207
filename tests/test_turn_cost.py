"""Constant cost per turn (issue 20): the director's state stored with the session and advanced by the
new turn only (always equal to replaying the session), a frozen script validated once per process,
one session read per line on Telegram, one user read per update, scoring in a worker process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from bot.catalog import load_catalog
from bot.rehearsal import DIRECTOR_STATE_FORMAT, Rehearsal, director_for
from bot.scoring import InlineScorer, PoolScorer
from scenarios.director import Director, DirectorState
from scenarios.model import Scenario, Transcript, Turn
from storage.frozen_scripts import frozen_scripts
from storage.repository import AsyncRepository, Repository
from storage.tables import SessionRow
from tests.test_persona_listens import dialogues, load, play_scripted

CATALOG = load_catalog()


@pytest.fixture
def sqlite_repo(tmp_path: Path):
    """A repository on a fresh SQLite file (the many-turn tests; PostgreSQL has its own test)."""
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'oralblanc.sqlite3'}")
    try:
        yield Repository(engine)
    finally:
        engine.dispose()


def _stored(repo: Repository, session_id: int) -> DirectorState:
    record = repo.session(session_id)
    assert record.director_state is not None and record.director_state["format"] == DIRECTOR_STATE_FORMAT
    assert record.director_turn == len(record.turns)
    return DirectorState.model_validate(record.director_state["state"])


def _replayed(repo: Repository, session_id: int) -> DirectorState:
    record = repo.session(session_id)
    return Director(record.scenario, record.language).replay(
        [t.text for t in record.turns if t.speaker == "candidate"]
    )


@pytest.mark.parametrize("path", dialogues(), ids=lambda p: p.stem)
async def test_the_stored_state_equals_the_replayed_one_after_every_turn(
    sqlite_repo: Repository, path: Path
) -> None:
    spec = load(path)
    scripted = play_scripted(spec)  # the same dialogue, the director stepped in memory
    rehearsal = Rehearsal(AsyncRepository(sqlite_repo), CATALOG)
    user = sqlite_repo.get_or_create_user(display_name="Dana")
    opening = await rehearsal.start(user, spec["scenario"], spec["language"])
    assert opening.text == scripted.replies[0]
    assert (
        _stored(sqlite_repo, opening.session_id)
        == _replayed(sqlite_repo, opening.session_id)
        == scripted.states[0]
    )
    for n, turn in enumerate(spec["turns"][: len(scripted.replies) - 1], start=1):
        reply = await rehearsal.turn(opening.session_id, turn["say"])
        assert reply.text == scripted.replies[n], f"turn {n}"
        stored = _stored(sqlite_repo, opening.session_id)
        assert stored == _replayed(sqlite_repo, opening.session_id) == scripted.states[n], f"turn {n}"


async def test_state_stored_and_advanced_on_postgresql_too(repo: Repository) -> None:
    spec = load(dialogues()[0])
    rehearsal = Rehearsal(AsyncRepository(repo), CATALOG)
    opening = await rehearsal.start(
        repo.get_or_create_user(display_name="Eve"), spec["scenario"], spec["language"]
    )
    for turn in spec["turns"][:6]:
        if (await rehearsal.turn(opening.session_id, turn["say"])).ended:
            break
        assert _stored(repo, opening.session_id) == _replayed(repo, opening.session_id)


def _set_state(repo: Repository, session_id: int, **values: Any) -> None:
    with repo.engine.begin() as connection:
        connection.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values))  # type: ignore[arg-type]


@pytest.mark.parametrize("damage", ["none", "format", "count", "garbage"])
async def test_a_missing_or_unusable_stored_state_is_rebuilt_by_replay(
    sqlite_repo: Repository, damage: str
) -> None:
    """Sessions stored before the state was (NULL), a state of another format, one that does not match
    the turns, or one that no longer validates: the turn replays, and stores a good state again."""
    spec = load(dialogues()[4])
    scripted = play_scripted(spec)
    rehearsal = Rehearsal(AsyncRepository(sqlite_repo), CATALOG)
    opening = await rehearsal.start(
        sqlite_repo.get_or_create_user(display_name="Finn"), spec["scenario"], spec["language"]
    )
    says = [t["say"] for t in spec["turns"]]
    for text in says[:3]:
        await rehearsal.turn(opening.session_id, text)
    good = sqlite_repo.session(opening.session_id).director_state
    assert good is not None
    broken = {
        "none": dict(director_state=None, director_turn=None),
        "format": dict(director_state={**good, "format": DIRECTOR_STATE_FORMAT + 1}),
        "count": dict(director_turn=3),  # says it follows turn 3: it holds 3 candidate turns, not 1
        "garbage": dict(director_state={"format": DIRECTOR_STATE_FORMAT, "state": {"stage": "x"}}),
    }[damage]
    _set_state(sqlite_repo, opening.session_id, **broken)
    reply = await rehearsal.turn(opening.session_id, says[3])
    assert reply.text == scripted.replies[4]
    assert (
        _stored(sqlite_repo, opening.session_id)
        == _replayed(sqlite_repo, opening.session_id)
        == scripted.states[4]
    )


async def test_resume_answers_a_turn_a_crash_left_unanswered_from_the_stored_state(
    sqlite_repo: Repository,
) -> None:
    spec = load(dialogues()[8])
    scripted = play_scripted(spec)
    rehearsal = Rehearsal(AsyncRepository(sqlite_repo), CATALOG)
    opening = await rehearsal.start(
        sqlite_repo.get_or_create_user(display_name="Gil"), spec["scenario"], spec["language"]
    )
    says = [t["say"] for t in spec["turns"]]
    await rehearsal.turn(opening.session_id, says[0])
    # the crash: the candidate's turn committed, the persona's answer never came
    sqlite_repo.add_turn(opening.session_id, Turn(speaker="candidate", text=says[1], lang=spec["language"]))
    record = sqlite_repo.session(opening.session_id)
    assert record.director_turn == len(record.turns) - 1  # the state stored with the last answer
    owed = await rehearsal.resume(record)
    assert owed is not None and owed.text == scripted.replies[2]
    assert await rehearsal.resume(opening.session_id) is None
    assert _stored(sqlite_repo, opening.session_id) == scripted.states[2]


async def test_a_turn_on_a_record_read_before_another_turn_answers_from_what_is_stored(
    sqlite_repo: Repository,
) -> None:
    """The record handed to `turn` is out of date (a turn was added since): the stored turns win."""
    spec = load(dialogues()[8])
    scripted = play_scripted(spec)
    rehearsal = Rehearsal(AsyncRepository(sqlite_repo), CATALOG)
    opening = await rehearsal.start(
        sqlite_repo.get_or_create_user(display_name="Hana"), spec["scenario"], spec["language"]
    )
    says = [t["say"] for t in spec["turns"]]
    stale = sqlite_repo.session(opening.session_id)
    await rehearsal.turn(opening.session_id, says[0])
    reply = await rehearsal.turn(stale, says[1])
    assert reply.text == scripted.replies[2]
    assert _stored(sqlite_repo, opening.session_id) == _replayed(sqlite_repo, opening.session_id)


# --- the frozen script, validated once -----------------------------------------------------------------


async def test_a_frozen_script_is_validated_once_per_process(
    sqlite_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = Scenario.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Scenario], *args: Any, **kwargs: Any) -> Scenario:
        calls.append(1)
        return original(cls, *args, **kwargs)

    frozen_scripts.clear()
    rehearsal = Rehearsal(AsyncRepository(sqlite_repo), CATALOG)
    user = sqlite_repo.get_or_create_user(display_name="Ivo")
    first = await rehearsal.start(user, "negotiation-castelnau-arrosage", "fr")
    second = await rehearsal.start(user, "negotiation-castelnau-arrosage", "en")
    monkeypatch.setattr(Scenario, "model_validate", classmethod(counting))
    for _ in range(3):
        a, b = sqlite_repo.session(first.session_id), sqlite_repo.session(second.session_id)
        await rehearsal.turn(a, "Bonjour, comment se passe la saison ?")
    assert len(calls) == 1 and frozen_scripts.validations == 1  # one script, two sessions, many reads
    assert a.scenario is b.scenario and a.scenario == CATALOG.scenario("negotiation-castelnau-arrosage")
    assert director_for(a.scenario, "fr") is director_for(b.scenario, "fr")
    # another content under the same id and version (a jury member's trial upload) is another entry
    changed = CATALOG.scenario("negotiation-castelnau-arrosage").model_copy(update={"max_turns": 7})
    third = await rehearsal.start(user, changed.id, "fr", scenario=changed)
    assert sqlite_repo.session(third.session_id).scenario.max_turns == 7
    assert len(calls) == 2


# --- one read per line on Telegram ---------------------------------------------------------------------


class CountingRepository(Repository):
    """The real repository, counting the calls the Telegram tests look at."""

    counted = (
        "session",
        "active_session",
        "get_or_create_user",
        "telegram_user",
        "telegram_user_and_active_session",
        "user",
        "add_turn",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: dict[str, int] = dict.fromkeys(self.counted, 0)

    def __getattribute__(self, name: str) -> Any:
        if name in type(self).counted:
            self.calls[name] += 1
        return super().__getattribute__(name)


async def test_a_line_on_telegram_reads_the_session_and_the_user_once(tmp_path: Path) -> None:
    """In one repository call: one connection, one transaction."""
    from bot.services import open_services
    from tests.fake_bot_api import FakeBotAPI
    from tests.telegram_support import SCENARIO, bot_running, bot_settings, line

    counting: list[CountingRepository] = []

    async def services_factory(settings: Any) -> Any:
        services = await open_services(settings)
        repo = CountingRepository(services.engine)
        counting.append(repo)
        services.repo.sync = repo
        return services

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, services_factory=services_factory):
            alice = api.user(301, "Alice", "fr")
            await api.reply_to(alice, lambda: alice.send_text(f"/play {SCENARIO} fr"), count=2)
            repo = counting[0]
            for n in range(4):
                before = dict(repo.calls)
                reply = await api.reply_to(alice, lambda n=n: alice.send_text(line(n)))
                assert reply[0].text.startswith("🗣")
                delta = {k: repo.calls[k] - before[k] for k in repo.calls}
                assert delta["telegram_user_and_active_session"] == 1, delta
                assert delta["session"] + delta["active_session"] == 0, delta
                assert (
                    delta["telegram_user"] == 0 and delta["get_or_create_user"] == 0 and delta["user"] == 0
                ), delta
                assert delta["add_turn"] == 2, delta
            before = dict(repo.calls)
            ended = await api.reply_to(alice, lambda: alice.send_text("/end"), count=2, timeout=30)
            assert "/20" in ended[-1].text
            delta = {k: repo.calls[k] - before[k] for k in repo.calls}
            # /end: the person and their session in one read, then the whole session once, to close
            # it and score it
            assert delta["telegram_user_and_active_session"] == 1 and delta["session"] == 1, delta


async def test_a_changed_role_or_language_is_seen_at_once(sqlite_repo: Repository) -> None:
    """The user is read on every update (never cached): a change by another process counts at once."""
    first = sqlite_repo.telegram_user(555, display_name="Jo", language="en")
    assert (first.language, first.role) == ("en", "candidate")
    sqlite_repo.update_user(first.id, language="fr", role="trainer")
    again = sqlite_repo.telegram_user(555, display_name="Jo", language="en")
    assert (again.id, again.language, again.role) == (first.id, "fr", "trainer")


# --- scoring in a worker process -----------------------------------------------------------------------


def _transcript() -> tuple[Transcript, Scenario]:
    from tests.telegram_support import NEGOTIATION_LINES, SCENARIO

    turns = []
    for text in NEGOTIATION_LINES:
        turns += [
            Turn(speaker="persona", text="Je vous écoute.", lang="fr"),
            Turn(speaker="candidate", text=text, lang="fr"),
        ]
    scenario = CATALOG.scenario(SCENARIO)
    return Transcript(scenario=scenario.id, kind=scenario.kind, language="fr", turns=turns), scenario


async def test_scoring_runs_in_a_worker_process_and_falls_back_when_the_worker_dies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transcript, scenario = _transcript()
    inline = await InlineScorer().score(transcript, scenario, None)
    monkeypatch.setenv("ORALBLANC_CRASH_POINTS", "scoring.child")
    scorer = PoolScorer(1)
    try:
        died = await scorer.score(transcript, scenario, None)  # the worker dies: scored here instead
        assert scorer.last_pid == os.getpid()
        assert died.model_dump() == inline.model_dump()
        monkeypatch.delenv("ORALBLANC_CRASH_POINTS")
        card = await scorer.score(transcript, scenario, None)  # a new pool, a new worker
        assert scorer.last_pid is not None and scorer.last_pid != os.getpid()
        assert card.model_dump() == inline.model_dump()
    finally:
        await scorer.aclose()


async def test_scoring_workers_yield_the_cpu_to_the_bot() -> None:
    from bot.scoring import SCORING_NICENESS

    transcript, scenario = _transcript()
    scorer = PoolScorer(1)
    try:
        await scorer.score(transcript, scenario, None)
        child = scorer.last_pid
        assert child is not None and child != os.getpid()
        parent_nice = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, child) == min(19, parent_nice + SCORING_NICENESS)
    finally:
        await scorer.aclose()


def test_the_user_and_their_active_session_are_read_together(
    repo: Repository, sample_scenario: Scenario
) -> None:
    """The combined read gives what the two reads give, and creates the person on first contact."""
    user, none = repo.telegram_user_and_active_session(777, display_name="Lou", language="en")
    assert none is None and user == repo.telegram_user(777, display_name="Lou", language="en")
    session_id = repo.start_session(user.id, sample_scenario, "en")
    repo.add_turn(session_id, Turn(speaker="candidate", text="Hello", lang="en"))
    again, active = repo.telegram_user_and_active_session(
        777, display_name="Lou", language="en", last_turns=4
    )
    assert again == user and active is not None
    assert active == repo.active_session(user.id, last_turns=4)
    repo.finish_session(session_id)
    assert repo.telegram_user_and_active_session(777, display_name="Lou")[1] is None


_BOT_WITH_A_SCORING_POOL = """
import asyncio
from bot.scoring import PoolScorer, _warm


async def main():
    scorer = PoolScorer(1)
    loop = asyncio.get_running_loop()
    child = await loop.run_in_executor(scorer._executor(), _warm)
    print(child, flush=True)
    await asyncio.sleep(120)


asyncio.run(main())
"""


def test_a_scoring_process_ends_when_its_bot_is_killed() -> None:
    """A bot (or queue worker) killed with SIGKILL cannot stop its scoring pool: the scoring process
    notices that its parent is gone and ends, instead of waiting for work forever."""
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[1]
    bot = subprocess.Popen(
        [sys.executable, "-c", _BOT_WITH_A_SCORING_POOL],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert bot.stdout is not None
        child = int(bot.stdout.readline())
        assert child != bot.pid and Path(f"/proc/{child}").exists()
        bot.send_signal(signal.SIGKILL)
        bot.wait(10)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{child}").exists(), "the scoring process outlived its bot"
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
