"""Speech-to-text and scoring on their own queues, as real processes on the test's PostgreSQL: the
webhook ingress, a worker taking only `updates`, and later a worker taking only `speech` and one
taking only `scoring` (`oralblanc worker --queues …`), driven through the fake Bot API.

The speech worker transcribes through the fake OpenAI-compatible server (`ORALBLANC_STT_URL`, set for
it alone), so what the candidate is shown back proves which process transcribed the note. Until a
speech worker runs, the note's job waits on `speech` (queue depth 1 in the metrics), its chat waits in
order behind it, and nothing is answered; then the note and the line sent after it are answered, in
that order, once. The same for a finished session on `scoring`. A speech worker killed after
transcribing, before storing its result, has its job retried by another: the note is answered once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import PostgresServer
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.fake_openai import FakeOpenAI
from tests.telegram_support import SCENARIO
from tests.test_queue_scale_out import _libpq, cluster, send

SPEECH = Path(__file__).resolve().parent / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0
HEARD = "What volumes do you expect next year?"  # what the fake transcription server hears
LINE = "Who decides on the order, and when?"


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Any:
    name = postgres_server.create_database()
    try:
        yield postgres_server.url_for(name)
    finally:
        postgres_server.drop_database(name)


def send_voice(api: FakeBotAPI, user: FakeUser, audio: bytes) -> dict[str, Any]:
    update_id = user.send_voice(audio, duration=10)
    api._queue.clear()  # webhook mode: nothing is polled
    return api.update(update_id)


async def metrics(port: int) -> str:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/metrics", timeout=10)).text


def jobs_by_status(pg_url: str, task: str) -> dict[str, int]:
    with psycopg.connect(_libpq(pg_url)) as connection:
        return dict(
            connection.execute(
                "SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = %s GROUP BY status",
                (task,),
            ).fetchall()
        )


async def test_speech_and_scoring_wait_on_their_queues_until_a_worker_takes_them(
    pg_url: str, tmp_path: Path
) -> None:
    audio = (SPEECH / "fleurs-en-000.ogg").read_bytes()
    with FakeOpenAI() as stt:
        async with FakeBotAPI() as api, cluster(api, pg_url, tmp_path, workers=0) as running:
            await running.start_worker("updates", ("--queues", "updates", "--handoff-wait", "120"))
            port = running.worker_ports["updates"]  # type: ignore[index]
            ana = api.user(4300, "Ana", "en")
            assert await running.post(send(api, ana, f"/play {SCENARIO} en")) == 200
            await api.wait_outbox(ana.id, 2, timeout=60)
            assert await running.post(send_voice(api, ana, audio)) == 200
            assert await running.post(send(api, ana, LINE)) == 200  # sent while the note waits
            await asyncio.sleep(3.0)
            assert len(api.outbox(ana.id)) == 2  # nothing answered: no worker takes `speech`
            text = await metrics(port)
            assert 'oralblanc_queue_depth{queue="speech"} 1.0' in text
            assert 'oralblanc_queue_depth{queue="updates"} 1.0' in text  # the line, behind the note
            assert stt.transcriptions == []

            await running.start_worker(
                "speech",
                ("--queues", "speech"),
                ORALBLANC_STT_URL=stt.base_url,
                ORALBLANC_STT_MAX_RETRIES="0",
            )
            replies = await api.wait_outbox(ana.id, 5, timeout=60)
            texts = [r.text for r in replies]
            assert texts[2] == f"🎙 I understood: “{HEARD}”"  # transcribed by the speech worker
            assert texts[3].startswith("🗣 ") and texts[4].startswith("🗣 ")  # the note's answer, the line's
            (received,) = stt.transcriptions
            assert received["language"] == "en" and received["file_bytes"] == len(audio)
            assert 'oralblanc_queue_depth{queue="speech"} 0.0' in await metrics(port)

            assert await running.post(send(api, ana, "/end")) == 200
            await api.wait_outbox(ana.id, 6, timeout=30)  # "Session ended. Preparing your scorecard…"
            await asyncio.sleep(3.0)
            assert len(api.outbox(ana.id)) == 6  # no scorecard: no worker takes `scoring`
            assert 'oralblanc_queue_depth{queue="scoring"} 1.0' in await metrics(port)
            await running.start_worker("scoring", ("--queues", "scoring"))
            summary = (await api.wait_outbox(ana.id, 7, timeout=60))[6].text
            assert summary.startswith("Score: ") and "/20" in summary
            await asyncio.sleep(1.5)  # anything sent twice would arrive now
            assert len(api.outbox(ana.id)) == 7

        from storage.db import make_engine
        from storage.repository import Repository

        repo = Repository(make_engine(pg_url, migrate=False))
        try:
            (session,) = repo.sessions_for_user(repo.find_user(f"tg:{ana.id}").id)
            record = repo.session(session.id)
            assert [t.text for t in record.turns if t.speaker == "candidate"] == [HEARD, LINE]  # in order
            assert [t.speaker for t in record.turns] == [
                "persona",
                "candidate",
                "persona",
                "candidate",
                "persona",
            ]
            assert record.status == "finished" and len(repo.scorecards(session.id)) == 1
            assert repo.held_voices() == [] and repo.pending_updates() == []
        finally:
            repo.engine.dispose()
        assert jobs_by_status(pg_url, "oralblanc.transcribe") == {"succeeded": 1}
        assert jobs_by_status(pg_url, "oralblanc.score") == {"succeeded": 1}
        with psycopg.connect(_libpq(pg_url)) as connection:
            assert connection.execute("SELECT count(*) FROM oralblanc_speech_results").fetchone() == (0,)


async def test_a_speech_worker_killed_mid_job_is_replaced_and_the_note_answered_once(
    pg_url: str, tmp_path: Path
) -> None:
    audio = (SPEECH / "fleurs-en-001.ogg").read_bytes()
    with FakeOpenAI() as stt:
        async with (
            FakeBotAPI(first_update_id=7001) as api,
            cluster(api, pg_url, tmp_path, workers=0) as running,
        ):
            env = {"ORALBLANC_STT_URL": stt.base_url, "ORALBLANC_STT_MAX_RETRIES": "0"}
            await asyncio.gather(
                running.start_worker("updates", ("--queues", "updates")),
                running.start_worker(
                    "speech1", ("--queues", "speech"), ORALBLANC_CRASH_POINTS="speech.transcribed", **env
                ),
            )
            leo = api.user(4301, "Leo", "en")
            assert await running.post(send(api, leo, f"/play {SCENARIO} en")) == 200
            await api.wait_outbox(leo.id, 2, timeout=60)
            assert await running.post(send_voice(api, leo, audio)) == 200
            assert running.processes is not None
            assert await asyncio.wait_for(running.processes["speech1"].wait(), 60) == -9  # its crash point
            await running.start_worker("speech2", ("--queues", "speech"), **env)
            replies = await api.wait_outbox(leo.id, 4, timeout=60)
            assert replies[2].text == f"🎙 I understood: “{HEARD}”" and replies[3].text.startswith("🗣 ")
            await asyncio.sleep(1.5)
            assert len(api.outbox(leo.id)) == 4  # answered once
            assert len(stt.transcriptions) == 2  # heard by the killed worker, then by its replacement
        assert jobs_by_status(pg_url, "oralblanc.transcribe") == {"succeeded": 1}
        logs = "".join((tmp_path / f"{n}.log").read_text(errors="replace") for n in ("updates", "speech2"))
        assert "of a stopped worker: retried" in logs


async def test_a_note_no_speech_worker_takes_is_answered_as_unreadable_and_the_session_goes_on(
    pg_url: str, tmp_path: Path
) -> None:
    audio = (SPEECH / "fleurs-en-002.ogg").read_bytes()
    async with FakeBotAPI(first_update_id=8001) as api, cluster(api, pg_url, tmp_path, workers=0) as running:
        await running.start_worker("updates", ("--queues", "updates,scoring", "--handoff-wait", "2"))
        mia = api.user(4302, "Mia", "en")
        assert await running.post(send(api, mia, f"/play {SCENARIO} en")) == 200
        await api.wait_outbox(mia.id, 2, timeout=60)
        assert await running.post(send_voice(api, mia, audio)) == 200
        refused = (await api.wait_outbox(mia.id, 3, timeout=30))[2].text
        assert refused == "I could not read this voice note. Try again, or type your line."
        assert await running.post(send(api, mia, LINE)) == 200
        assert (await api.wait_outbox(mia.id, 4, timeout=30))[3].text.startswith("🗣 ")
        text = await metrics(running.worker_ports["updates"])  # type: ignore[index]
        assert 'oralblanc_handed_over_total{outcome="given_up",queue="speech"} 1.0' in text
        assert 'oralblanc_queue_depth{queue="speech"} 0.0' in text
    assert jobs_by_status(pg_url, "oralblanc.transcribe") == {"cancelled": 1}


def test_an_unknown_queue_is_refused_in_one_line() -> None:
    from tests.test_queue_deploy import _oralblanc

    done = _oralblanc(
        "worker",
        "--queues",
        "updates,speach",
        DATABASE_URL="postgresql://u@127.0.0.1:1/x",
        TELEGRAM_BOT_TOKEN="1:A",
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "oralblanc worker: unknown queue 'speach': choose among updates, speech, scoring"
    )


def test_results_and_refusals_cross_the_queue_as_they_were() -> None:
    from bot.queue.handoff import decode_result, encode_result
    from bot.speech.audio import (
        AudioTooLongError,
        NotAudioError,
        SilentAudioError,
        TranscriptionUnavailableError,
    )
    from bot.speech.stt import Transcription, Word

    heard = Transcription(
        text="Hello.",
        language="en",
        duration_s=1.2,
        words=[Word(w="Hello.", start=0.1, end=0.6)],
        confidence=0.8,
    )
    assert decode_result(encode_result(heard)) == heard
    for error in (SilentAudioError("silent"), NotAudioError("damaged"), TranscriptionUnavailableError()):
        with pytest.raises(type(error), match=str(error)[:6]) as caught:
            decode_result(encode_result(error))
        assert type(caught.value) is type(error)
    with pytest.raises(AudioTooLongError) as too_long:
        decode_result(encode_result(AudioTooLongError(200.0, 180.0, at_least=True)))
    assert (too_long.value.seconds, too_long.value.limit, too_long.value.at_least) == (200.0, 180.0, True)
