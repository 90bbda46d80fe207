"""Nothing lost: a real bot process killed at chosen points, then restarted, answers every update once.

The bot runs in a child process against the fake Bot API (on this test's loop) with a crash point set
(`ORALBLANC_CRASH_POINTS`, `bot/faults.py`): it kills itself with SIGKILL there, after Telegram was
told the update arrived (the test checks the acknowledgement). The next start, in this process,
must answer that update exactly once, and go on with the lines that follow.

Also: the inbox itself (held before queueing, a redelivery not queued twice, done only when settled,
replayed in order, let go after its attempts), and storage failures keep the update for a retry with
a message that says so.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.telegram.inbox import MAX_ATTEMPTS
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import SCENARIO, FakeTranscriber, bot_running, bot_settings, start_session

ROOT = Path(__file__).resolve().parent.parent
NOTE = b"OggS\x00 a voice note " + bytes(range(256))
HEARD = "Which volumes do you expect next season?"

BOT_PROCESS = """
import asyncio, sys
from pathlib import Path

from bot.config import Settings
from bot.telegram.app import build_application, running
from tests.telegram_support import SCENARIO, FakeTranscriber, fast_options

data_dir, token, base_url, crash_points, heard = sys.argv[1:6]


async def main():
    settings = Settings(data_dir=Path(data_dir), database_url=None, engine="scripted", openai_api_key=None,
                        openai_base_url=None, telegram_bot_token=token, telegram_api_base_url=base_url,
                        telegram_file_base_url=None, default_scenario=SCENARIO, crash_points=crash_points)
    application = build_application(settings, options=fast_options(), transcriber_factory=lambda s: FakeTranscriber(heard))
    async with running(application, poll_timeout=1.0):
        print("ready", flush=True)
        await asyncio.Event().wait()


asyncio.run(main())
"""


def _repo(settings: Settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


async def _run_until_killed(api: FakeBotAPI, settings: Settings, crash_point: str, send: Any) -> int:
    """Start the bot in a child process with `crash_point`, send one update, wait for the kill."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        BOT_PROCESS,
        str(settings.data_dir),
        api.token,
        api.base_url,
        crash_point,
        HEARD,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line.strip() == b"ready"
        update_id = send()
        code = await asyncio.wait_for(process.wait(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == -9, f"the bot was expected to die at {crash_point} (exit {code})"
    # Telegram was told: it will not deliver this update again. Only the bot's own inbox has it.
    await api.wait_for(lambda: api.confirmed >= update_id, timeout=5, what="the update acknowledged")
    assert all(q.update["update_id"] != update_id for q in api._queue)
    return update_id


async def _settle(api: FakeBotAPI, chat: int, count: int, quiet: float = 1.5) -> list[str]:
    """Wait for `count` replies to `chat`, then a moment more: nothing else may come."""
    await api.wait_outbox(chat, count, timeout=30)
    await asyncio.sleep(quiet)
    return api.texts(chat)


@pytest.mark.parametrize("point", ["voice.before_download", "voice.downloaded"])
async def test_a_voice_note_survives_a_kill_around_its_download(tmp_path: Path, point: str) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        session_id = await start_session(api, settings, 2101, "Vera")
        vera = api.user(2101, "Vera", "en")
        before = len(api.outbox(vera.id))
        await _run_until_killed(api, settings, point, lambda: vera.send_voice(NOTE, duration=4))
        assert len(api.outbox(vera.id)) == before  # the candidate got nothing yet

        async with bot_running(settings, transcriber_factory=lambda s: FakeTranscriber(HEARD)):
            texts = (await _settle(api, vera.id, before + 2))[before:]
            assert len(texts) == 2, texts  # answered once: what was understood, then the persona
            assert texts[0] == f"🎙 I understood: “{HEARD}”"
            assert texts[1].startswith("🗣")
            later = await api.reply_to(vera, lambda: vera.send_text("And what would help you most?"))
            assert later[0].text.startswith("🗣")
        repo = _repo(settings)
        record = repo.session(session_id)
        assert [t.text for t in record.turns if t.speaker == "candidate"] == [
            HEARD,
            "And what would help you most?",
        ]
        assert repo.audio(session_id, 2) == NOTE
        assert repo.held_voices() == [] and repo.pending_updates() == []
        repo.engine.dispose()


async def test_a_play_command_killed_after_the_session_opened_is_answered_once(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        nora = api.user(2102, "Nora", "en")
        await _run_until_killed(
            api, settings, "play.session_started", lambda: nora.send_text(f"/play {SCENARIO} en")
        )
        assert api.texts(nora.id) == []  # the session was opened, the candidate was told nothing

        async with bot_running(settings):
            texts = await _settle(api, nora.id, 2)
            assert len(texts) == 2, texts  # the start notice and the persona's first words, once
            assert texts[1].startswith("🗣")
            answer = await api.reply_to(
                nora, lambda: nora.send_text("Hello, what matters most to you this year?")
            )
            assert answer[0].text.startswith("🗣")
        repo = _repo(settings)
        user = repo.find_user("tg:2102")
        sessions = repo.sessions_for_user(user.id)
        assert [s.status for s in sessions] == ["active"]  # one session, not an abandoned one and another
        record = repo.session(sessions[0].id)
        assert [t.speaker for t in record.turns] == ["persona", "candidate", "persona"]
        repo.engine.dispose()


async def test_a_play_command_killed_before_anything_was_stored_is_answered_at_the_next_start(
    tmp_path: Path,
) -> None:
    """The update was held and acknowledged, nothing else happened: the next start plays it."""
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        omar = api.user(2103, "Omar", "en")
        update_id = omar.send_text(f"/play {SCENARIO} en")
        repo = _repo(settings)
        assert repo.hold_update(update_id, omar.id, api.update(update_id))
        api.confirmed = update_id
        api._queue.clear()  # acknowledged: Telegram would not send it again
        async with bot_running(settings):
            texts = await _settle(api, omar.id, 2)
            assert len(texts) == 2 and texts[1].startswith("🗣"), texts
        assert repo.pending_updates() == []
        repo.engine.dispose()


# --- the inbox ---------------------------------------------------------------------------------------


def test_a_held_update_is_pending_until_done_and_a_redelivery_is_refused(repo: Repository) -> None:
    assert repo.hold_update(501, 77, {"update_id": 501, "message": {"text": "secret line"}})
    assert not repo.hold_update(501, 77, {"update_id": 501})  # redelivered while pending
    assert repo.hold_update(502, 77, {"update_id": 502})
    assert [p.update_id for p in repo.pending_updates()] == [501, 502]
    repo.update_done(501)
    assert [p.update_id for p in repo.pending_updates()] == [502]
    assert not repo.hold_update(501, 77, {"update_id": 501})  # redelivered once done
    assert repo.count_update_attempt(502) == 1
    assert repo.count_update_attempt(502) == 2
    with repo.engine.connect() as c:
        from sqlalchemy import text

        payloads = dict(c.execute(text("SELECT update_id, payload FROM update_inbox")).all())
    assert payloads[501] is None  # its content is not kept once handled


def test_erasing_a_user_erases_the_updates_held_from_their_chat(repo: Repository) -> None:
    user = repo.get_or_create_user(telegram_id=9_200_000_001, display_name="Erin Vale", language="en")
    repo.hold_update(601, 9_200_000_001, {"update_id": 601, "message": {"text": "Erin's line"}})
    repo.hold_update(602, 9_200_000_002, {"update_id": 602})
    report = repo.erase_user(user)
    assert report.deleted["update_inbox"] == 1
    assert [p.update_id for p in repo.pending_updates()] == [602]


async def test_an_update_that_keeps_failing_is_let_go_with_an_apology(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        pia = api.user(2104, "Pia", "en")
        update_id = pia.send_text("/help")
        api._queue.clear()
        repo = _repo(settings)
        repo.hold_update(update_id, pia.id, api.update(update_id))
        for _ in range(MAX_ATTEMPTS):
            repo.count_update_attempt(update_id)  # three starts died on it
        async with bot_running(settings):
            texts = await _settle(api, pia.id, 1)
        assert texts == [
            "Sorry, I could not handle one of your messages after several tries. Please send it again."
        ]
        assert repo.pending_updates() == []
        repo.engine.dispose()


async def test_a_line_the_database_could_not_store_is_kept_and_answered_by_the_retry(tmp_path: Path) -> None:
    """The database fails while a line is handled: the candidate is told it is kept (not that their
    session is stored), and the retry answers it once the database is back."""
    from sqlalchemy.exc import OperationalError

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, update_retry_seconds=0.5)
        session_id = await start_session(api, settings, 2105, "Rita")
        rita = api.user(2105, "Rita", "en")
        failures = {"left": 1}

        async def services(settings: Settings) -> Any:
            from bot.services import open_services

            opened = await open_services(settings)
            add_turn = opened.repo.add_turn

            async def failing_add_turn(*args: Any, **kwargs: Any) -> Any:
                if failures["left"]:
                    failures["left"] -= 1
                    raise OperationalError("INSERT INTO turns", {}, Exception("database is locked"))
                return await add_turn(*args, **kwargs)

            opened.repo.add_turn = failing_add_turn  # the database peer failing, once
            return opened

        before = len(api.outbox(rita.id))
        async with bot_running(settings, services_factory=services):
            rita.send_text("What volumes do you plan for next season?")
            texts = (await _settle(api, rita.id, before + 2, quiet=2.0))[before:]
        assert "database is not answering" in texts[0] and "stored" not in texts[0].replace(
            "could not store", ""
        )
        assert len(texts) == 2 and texts[1].startswith("🗣"), texts
        repo = _repo(settings)
        assert [t.text for t in repo.session(session_id).turns if t.speaker == "candidate"] == [
            "What volumes do you plan for next season?"
        ]
        assert repo.pending_updates() == []
        repo.engine.dispose()


async def test_a_line_waits_out_another_writer_holding_sqlite_for_20_seconds(tmp_path: Path) -> None:
    """Another process holds SQLite's write lock for 20 s (a long purge, say): the line waits and is
    answered, with no apology and nothing lost."""
    import sqlite3

    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        session_id = await start_session(api, settings, 2106, "Sven")
        sven = api.user(2106, "Sven", "en")
        path = settings.effective_database_url.removeprefix("sqlite:///")
        holder = sqlite3.connect(path, timeout=1)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held
        before = len(api.outbox(sven.id))
        async with bot_running(settings):
            sven.send_text("What volumes do you plan for next season?")
            await asyncio.sleep(20)
            holder.rollback()
            holder.close()
            texts = (await _settle(api, sven.id, before + 1, quiet=1.0))[before:]
        assert len(texts) == 1 and texts[0].startswith("🗣"), texts
        repo = _repo(settings)
        assert [t.text for t in repo.session(session_id).turns if t.speaker == "candidate"] == [
            "What volumes do you plan for next season?"
        ]
        repo.engine.dispose()
