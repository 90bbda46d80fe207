"""The exam clock past one machine, as real processes on the test's PostgreSQL: the periodic job only
looks for the exam sessions past their deadline and defers, for each, a job that ends it in the chat's
lock (`oralblanc.end_exam`, lock `chat:<id>`), so it never ends a session while another worker is
handling a line of that chat; a line sent before the deadline is answered first, then the exam ends,
once.

Worker `w1` takes one job at a time (`--concurrency 1`) and holds Eva's voice note, sent before the
deadline, waiting for the speech queue that nobody takes yet; worker `w2` takes the clock's ticks
meanwhile. Finn's exam, with no line in flight, is ended by the clock's job alone.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import PostgresServer
from tests.fake_bot_api import FakeBotAPI
from tests.fake_openai import FakeOpenAI
from tests.telegram_support import SCENARIO
from tests.test_queue_handoff import HEARD, jobs_by_status, send_voice
from tests.test_queue_scale_out import _libpq, cluster, send

SPEECH = Path(__file__).resolve().parent / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0
END_EXAM = "oralblanc.end_exam"


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Any:
    name = postgres_server.create_database()
    try:
        yield postgres_server.url_for(name)
    finally:
        postgres_server.drop_database(name)


def _make_exam(pg_url: str, telegram_id: int, deadline: datetime) -> int:
    """Turn the candidate's active session into a mock exam ending at `deadline`."""
    from storage.db import make_engine
    from storage.repository import Repository

    repo = Repository(make_engine(pg_url, migrate=False))
    try:
        record = repo.active_session(repo.find_user(f"tg:{telegram_id}").id)
        assert record is not None
        state = dict(record.state)
        state["telegram"] = {**state.get("telegram", {}), "exam": True, "deadline": deadline.isoformat()}
        repo.set_session_state(record.id, state)
        return record.id
    finally:
        repo.engine.dispose()


def _end_jobs(pg_url: str, session_id: int) -> dict[str, int]:
    with psycopg.connect(_libpq(pg_url)) as connection:
        return dict(
            connection.execute(
                "SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = %s "
                "AND (args->>'session_id')::bigint = %s GROUP BY status",
                (END_EXAM, session_id),
            ).fetchall()
        )


async def _until(check: Any, timeout: float, what: str) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)
    return value


async def test_the_clock_ends_an_exam_in_the_chats_turn_after_the_line_in_flight(
    pg_url: str, tmp_path: Path
) -> None:
    audio = (SPEECH / "fleurs-en-003.ogg").read_bytes()
    with FakeOpenAI() as stt:
        async with (
            FakeBotAPI(first_update_id=9501) as api,
            cluster(api, pg_url, tmp_path, workers=0) as running,
        ):
            only_updates = ("--queues", "updates,scoring", "--handoff-wait", "120")
            await running.start_worker("w1", (*only_updates, "--concurrency", "1"))
            eva, finn = api.user(4500, "Eva", "en"), api.user(4501, "Finn", "en")
            for user in (eva, finn):
                assert await running.post(send(api, user, f"/play {SCENARIO} en")) == 200
                await api.wait_outbox(user.id, 2, timeout=60)
            deadline = datetime.now(UTC) + timedelta(seconds=3)
            eva_session = _make_exam(pg_url, eva.id, deadline)
            finn_session = _make_exam(pg_url, finn.id, deadline)
            assert await running.post(send_voice(api, eva, audio)) == 200  # sent in time
            # w1 holds the note's job (and Eva's lock), waiting for a speech worker
            await _until(
                lambda: jobs_by_status(pg_url, "oralblanc.transcribe").get("todo"), 30, "the note handed over"
            )
            await running.start_worker("w2", only_updates)  # takes the clock's ticks meanwhile

            ended = await api.wait_outbox(finn.id, 4, timeout=30)  # no line in flight: ended by the clock
            assert ended[2].text.startswith("⏱ The time allowed") and ended[3].text.startswith("📝 Mock exam")
            await asyncio.sleep(2.0)  # the same tick found Eva's exam overdue too
            assert api.texts(eva.id)[2:] == []  # not ended while her line is in w1's hands
            await _until(lambda: _end_jobs(pg_url, eva_session).get("todo"), 30, "Eva's end queued")
            await asyncio.sleep(5.5)  # more ticks: her end waits behind her note, deferred once
            assert _end_jobs(pg_url, eva_session) == {"todo": 1}

            await running.start_worker(
                "speech",
                ("--queues", "speech"),
                ORALBLANC_STT_URL=stt.base_url,
                ORALBLANC_STT_MAX_RETRIES="0",
            )
            replies = await api.wait_outbox(eva.id, 6, timeout=60)
            texts = [r.text for r in replies]
            assert texts[2] == f"🎙 I understood: “{HEARD}”"
            assert texts[3].startswith("🗣 ")  # the line sent in time, answered
            assert texts[4].startswith("⏱ The time allowed") and texts[5].startswith("📝 Mock exam")
            await _until(lambda: _end_jobs(pg_url, eva_session) == {"succeeded": 1}, 30, "Eva's end job run")
            await asyncio.sleep(1.5)  # anything sent twice would arrive now
            assert len(api.outbox(eva.id)) == 6 and len(api.outbox(finn.id)) == 4  # ended once each

    from storage.db import make_engine
    from storage.repository import Repository

    repo = Repository(make_engine(pg_url, migrate=False))
    try:
        eva_record, finn_record = repo.session(eva_session), repo.session(finn_session)
        assert [t.text for t in eva_record.turns if t.speaker == "candidate"] == [HEARD]
        assert [t.speaker for t in eva_record.turns] == ["persona", "candidate", "persona"]
        assert [t.speaker for t in finn_record.turns] == ["persona"]
        assert eva_record.status == finn_record.status == "finished"
        assert len(repo.scorecards(eva_session)) == len(repo.scorecards(finn_session)) == 1
        assert repo.pending_updates() == [] and repo.held_voices() == []
    finally:
        repo.engine.dispose()
    assert set(_end_jobs(pg_url, finn_session)) == {"succeeded"}
