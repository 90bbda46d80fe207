"""The voice inbox: a voice note is held in the database from its download until it is a turn.

Storage: `hold_voice` (a redelivery is not held twice, nor after it was played or refused),
`add_turn(update_id=...)` clears the held note in the turn's transaction, `release_voice`,
`held_voices`, `erase_user` and `purge_audio`. The bot: a normal note leaves nothing held, a refused
one is released and the session goes on; at start-up, notes a previous run held but never turned into
turns are played (answered in their chat) or, when their session is over, released in silence; one
that fails stays held and the others are still played. And one real crash: a bot process killed while
it transcribes, the next one plays the note.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from bot.config import Settings
from scenarios.model import Audio, Scenario, Turn, Word
from storage.db import make_engine
from storage.repository import DuplicateUpdate, Repository, SessionClosed
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_support import (
    SCENARIO,
    FakeTranscriber,
    bot_running,
    bot_settings,
    line,
    start_session,
)

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "tests" / "data" / "speech"  # FLEURS samples: Google, CC BY 4.0
NOTE = b"OggS\x00 held voice note " + bytes(range(256))


def _spoken(text: str) -> Turn:
    return Turn(
        speaker="candidate",
        text=text,
        lang="en",
        audio=Audio(
            duration_s=2.0,
            words=[Word(w=w, start=0.3 * i, end=0.3 * i + 0.2) for i, w in enumerate(text.split())],
        ),
    )


# --- storage ---------------------------------------------------------------------------------------


def test_a_held_note_becomes_a_turn_and_leaves_the_inbox(repo: Repository, sample_scenario: Scenario) -> None:
    user = repo.get_or_create_user(telegram_id=9_100_000_001, display_name="Nina", language="en")
    session_id = repo.start_session(user, sample_scenario, "en", "voice")
    assert repo.hold_voice(session_id, 5_000_000_001, 9_100_000_001, NOTE, language="en") is True
    assert (
        repo.hold_voice(session_id, 5_000_000_001, 9_100_000_001, b"OggS other copy") is False
    )  # redelivered
    (held,) = repo.held_voices()
    assert (held.session_id, held.update_id, held.chat_id, held.data, held.mime_type, held.language) == (
        session_id,
        5_000_000_001,
        9_100_000_001,
        NOTE,
        "audio/ogg",
        "en",
    )
    assert held.received_at.tzinfo is not None

    # another update's turn leaves it held
    repo.add_turn(
        session_id, Turn(speaker="candidate", text="typed line", lang="en"), update_id=5_000_000_000
    )
    assert [h.update_id for h in repo.held_voices()] == [5_000_000_001]

    number = repo.add_turn(
        session_id, _spoken("How is the season going?"), audio_bytes=NOTE, update_id=5_000_000_001
    )
    assert repo.held_voices() == []
    assert repo.audio(session_id, number) == NOTE
    # played: a redelivery is not held again, and a second turn of it is refused
    assert repo.hold_voice(session_id, 5_000_000_001, 9_100_000_001, NOTE) is False
    assert repo.held_voices() == []
    with pytest.raises(DuplicateUpdate):
        repo.add_turn(session_id, _spoken("again"), audio_bytes=NOTE, update_id=5_000_000_001)


def test_a_turn_that_is_not_stored_leaves_the_note_held(repo: Repository, sample_scenario: Scenario) -> None:
    """The turn and the held note never both vanish: a refused add_turn keeps the note."""
    user = repo.get_or_create_user(display_name="Otto")
    session_id = repo.start_session(user, sample_scenario, "fr", "voice")
    assert repo.hold_voice(session_id, 77, 1234, NOTE)
    repo.finish_session(session_id)
    with pytest.raises(SessionClosed):
        repo.add_turn(session_id, _spoken("too late"), audio_bytes=NOTE, update_id=77)
    assert [h.update_id for h in repo.held_voices()] == [77]
    assert repo.mark_update_processed(77) is True  # the failed add_turn marked nothing either


def test_a_released_note_is_gone_and_its_update_handled(repo: Repository, sample_scenario: Scenario) -> None:
    user = repo.get_or_create_user(display_name="Pia")
    session_id = repo.start_session(user, sample_scenario, "fr", "voice")
    assert repo.hold_voice(session_id, 41, 1234, b"OggS first")
    assert repo.hold_voice(session_id, 42, 1234, b"OggS second")
    assert [h.update_id for h in repo.held_voices()] == [41, 42]  # oldest first
    assert repo.release_voice(41) is True
    assert [h.update_id for h in repo.held_voices()] == [42]
    assert repo.release_voice(41) is False
    assert repo.hold_voice(session_id, 41, 1234, b"OggS first") is False  # refused once: not again
    assert repo.mark_update_processed(41) is False
    assert [h.data for h in repo.held_voices()] == [b"OggS second"]


def _names(engine: Engine, needles: tuple[int, bytes]) -> list[str]:
    """Every cell of every table that holds the chat id or the audio."""
    metadata = MetaData()
    metadata.reflect(engine)
    chat, audio = needles
    found = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    if (isinstance(value, int) and value == chat) or (
                        isinstance(value, (bytes, memoryview)) and audio in bytes(value)
                    ):
                        found.append(f"{table.name}.{column}")
    return found


def test_erasing_a_user_erases_their_held_notes(
    repo: Repository, db_engine: Engine, sample_scenario: Scenario
) -> None:
    target = repo.get_or_create_user(telegram_id=9_100_000_002, display_name="Quentin")
    other = repo.get_or_create_user(telegram_id=9_100_000_003, display_name="Rosa")
    finished = repo.start_session(target, sample_scenario, "fr", "voice")
    repo.hold_voice(finished, 61, 9_100_000_002, NOTE)
    repo.finish_session(finished)
    active = repo.start_session(target, sample_scenario, "fr", "voice")
    repo.hold_voice(active, 62, 9_100_000_002, NOTE)
    kept = repo.start_session(other, sample_scenario, "fr", "voice")
    repo.hold_voice(kept, 63, 9_100_000_003, b"OggS Rosa")
    assert _names(db_engine, (9_100_000_002, NOTE))
    exported = json.dumps(repo.export_user(target))
    assert base64.b64encode(NOTE).decode() not in exported  # transient: not part of the export

    report = repo.erase_user(target)
    assert report.deleted["voice_inbox"] == 2 and report.deleted["sessions"] == 2
    assert _names(db_engine, (9_100_000_002, NOTE)) == []
    assert [(h.update_id, h.data) for h in repo.held_voices()] == [(63, b"OggS Rosa")]


def test_purge_removes_held_notes_past_the_retention(db_engine: Engine, sample_scenario: Scenario) -> None:
    now = [datetime(2026, 3, 1, tzinfo=UTC)]
    repo = Repository(db_engine, clock=lambda: now[0])
    user = repo.get_or_create_user(display_name="Sam")
    session_id = repo.start_session(user, sample_scenario, "fr", "voice")
    repo.hold_voice(session_id, 1, 1234, b"OggS old")  # 1 March
    now[0] += timedelta(days=29)
    repo.hold_voice(session_id, 2, 1234, b"OggS recent")  # 30 March
    now[0] += timedelta(days=2)  # 1 April: 31 and 2 days old
    assert repo.purge_audio(timedelta(days=30)) == 1
    assert [h.data for h in repo.held_voices()] == [b"OggS recent"]
    assert repo.purge_audio(timedelta(days=30)) == 0
    assert repo.purge_audio(timedelta(0)) == 1
    assert repo.held_voices() == []


# --- the bot ---------------------------------------------------------------------------------------


def _repo(settings: Settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


async def _until_empty(repo: Repository, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while await asyncio.to_thread(repo.held_voices):
        assert asyncio.get_running_loop().time() < deadline, f"still held: {repo.held_voices()}"
        await asyncio.sleep(0.05)


class CountingTranscriber(FakeTranscriber):
    """The fake transcriber, counting what it is asked."""

    def __init__(self, text: str = "", error: Exception | None = None) -> None:
        super().__init__(text, error)
        self.heard: list[bytes] = []

    async def transcribe(self, audio: Any, language: str | None = None) -> Any:
        self.heard.append(bytes(audio))
        return await super().transcribe(audio, language)


async def test_a_voice_note_is_held_then_played_and_leaves_nothing_held(tmp_path: Path) -> None:
    audio = (SPEECH / "fleurs-en-001.ogg").read_bytes()
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        repo = _repo(settings)
        seen_held: list[list[int]] = []

        class Watching(CountingTranscriber):
            async def transcribe(self, data: Any, language: str | None = None) -> Any:
                seen_held.append([h.update_id for h in await asyncio.to_thread(repo.held_voices)])
                return await super().transcribe(data, language)

        transcriber = Watching("How is the season going for you?")
        async with bot_running(settings, transcriber_factory=lambda s: transcriber):
            olga = api.user(1701, "Olga", "en")
            await api.reply_to(olga, lambda: olga.send_text(f"/play {SCENARIO} en"), count=2)
            understood, answer = await api.reply_to(olga, lambda: olga.send_voice(audio, duration=8), count=2)
            update_id = api.last_update_id
            assert understood.text == "🎙 I understood: “How is the season going for you?”"
            assert answer.text.startswith("🗣")
            assert seen_held == [[update_id]]  # held while it was being transcribed
            assert repo.held_voices() == []
            # delivered again (unacknowledged) once its first delivery is done: not held, not played
            # twice, nothing said
            await api.reply_to(olga, lambda: olga.send_text("/help"))  # after the note's handler (same chat)
            before = len(api.outbox(olga.id))
            api.redeliver(update_id)
            assert (await api.reply_to(olga, lambda: olga.send_text("/help")))[0].text.startswith("Commands")
            assert len(api.outbox(olga.id)) == before + 1 and len(transcriber.heard) == 1
        record = repo.active_session(repo.find_user("tg:1701").id)
        assert [t.speaker for t in record.turns] == ["persona", "candidate", "persona"]
        assert repo.audio(record.id, 2) == audio and repo.held_voices() == []
        repo.engine.dispose()


async def test_an_unusable_voice_note_is_released_and_the_session_goes_on(tmp_path: Path) -> None:
    """Random bytes in a voice note, through the real transcriber (refused when decoded)."""
    noise = os.urandom(4096)
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings):
            paul = api.user(1702, "Paul", "en")
            await api.reply_to(paul, lambda: paul.send_text(f"/play {SCENARIO} en"), count=2)
            (refused,) = await api.reply_to(paul, lambda: paul.send_voice(noise, duration=3))
            update_id = api.last_update_id
            assert "could not read" in refused.text
            repo = _repo(settings)
            assert repo.held_voices() == []
            await api.reply_to(paul, lambda: paul.send_text("/help"))  # the note's handler is done
            api.redeliver(update_id)  # refused once: not refused again
            assert (await api.reply_to(paul, lambda: paul.send_text(line(0))))[0].text.startswith("🗣")
            assert sum("could not read" in t for t in api.texts(paul.id)) == 1
        record = repo.active_session(repo.find_user("tg:1702").id)
        assert [t.text for t in record.turns if t.speaker == "candidate"] == [line(0)]
        assert repo.held_voices() == []
        repo.engine.dispose()


@pytest.mark.slow
async def test_a_note_held_by_a_crashed_run_is_played_at_the_next_start(tmp_path: Path) -> None:
    """The process died while transcribing: the note is held. The next start transcribes it (the real
    model), shows it back, answers it; the candidate's update, delivered again, adds nothing."""
    audio = (SPEECH / "fleurs-en-000.ogg").read_bytes()
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        session_id = await start_session(api, settings, 1703, "Quinn")
        quinn = api.user(1703, "Quinn", "en")
        update_id = quinn.send_voice(audio, duration=10)  # not acknowledged: delivered again at start
        repo = _repo(settings)
        assert repo.hold_voice(session_id, update_id, quinn.id, audio, language="en")
        before = len(api.outbox(quinn.id))
        async with bot_running(settings):
            understood, answer = (await api.wait_outbox(quinn.id, before + 2, timeout=120))[before:]
            assert understood.text.startswith("🎙 I understood: “")
            assert "communication channels" in understood.text.lower()
            assert answer.text.startswith("🗣 Claire Morel:")
            await _until_empty(repo)
            # the redelivered update went by in silence: the next line is the next thing answered
            reply = await api.reply_to(quinn, lambda: quinn.send_text(line(1)))
            assert reply[0].text.startswith("🗣") and len(api.outbox(quinn.id)) == before + 3
        record = repo.session(session_id)
        assert [t.speaker for t in record.turns] == [
            "persona",
            "candidate",
            "persona",
            "candidate",
            "persona",
        ]
        spoken, meta = record.turns[1], record.meta[1]
        assert "communication channels" in spoken.text.lower() and spoken.audio is not None
        assert meta.has_audio and repo.audio(session_id, 2) == audio
        assert repo.held_voices() == []
        repo.engine.dispose()


async def test_held_notes_of_finished_sessions_are_released_in_silence(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        over = await start_session(api, settings, 1704, "Rita")
        active = await start_session(api, settings, 1705, "Saul")
        repo = _repo(settings)
        assert repo.hold_voice(over, 900_001, 1704, b"OggS Rita's last words")
        repo.finish_session(over)
        assert repo.hold_voice(active, 900_002, 1705, b"OggS Saul")
        rita_before, saul_before = len(api.outbox(1704)), len(api.outbox(1705))
        transcriber = CountingTranscriber("How is the season going for you?")
        async with bot_running(settings, transcriber_factory=lambda s: transcriber):
            saul = (await api.wait_outbox(1705, saul_before + 2))[saul_before:]
            assert saul[0].text == "🎙 I understood: “How is the season going for you?”"
            assert saul[1].text.startswith("🗣")
            await _until_empty(repo)
        assert transcriber.heard == [b"OggS Saul"]  # the finished session's note was not even transcribed
        assert len(api.outbox(1704)) == rita_before
        assert [t.speaker for t in repo.session(over).turns] == ["persona"]
        assert [t.speaker for t in repo.session(active).turns] == ["persona", "candidate", "persona"]
        repo.engine.dispose()


async def test_a_note_that_fails_stays_held_and_the_next_is_played(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        first = await start_session(api, settings, 1706, "Tess")
        second = await start_session(api, settings, 1707, "Ugo")
        repo = _repo(settings)
        assert repo.hold_voice(first, 900_011, 1706, b"OggS Tess")
        assert repo.hold_voice(second, 900_012, 1707, b"OggS Ugo")
        ugo_before = len(api.outbox(1707))
        api.fail_next("sendMessage", 400, description="Bad Request: chat not found")  # Tess's "understood"
        transcriber = CountingTranscriber("How is the season going for you?")
        with caplog.at_level(logging.INFO, logger="bot.telegram.lines"):
            async with bot_running(settings, transcriber_factory=lambda s: transcriber):
                ugo = (await api.wait_outbox(1707, ugo_before + 2))[ugo_before:]
                assert ugo[0].text.startswith("🎙") and ugo[1].text.startswith("🗣")
                await api.wait_for(
                    lambda: "voice notes recovered" in caplog.text, what="the recovery's summary"
                )
        assert transcriber.heard == [b"OggS Tess", b"OggS Ugo"]
        assert [h.update_id for h in repo.held_voices()] == [900_011]  # kept for the next start
        assert "recovering the voice note of update 900011 failed" in caplog.text
        assert "1 played" in caplog.text
        assert [t.speaker for t in repo.session(first).turns] == ["persona"]
        repo.engine.dispose()


# --- a real crash ----------------------------------------------------------------------------------

BOT_PROCESS = """
import asyncio, sys
from pathlib import Path

from bot.config import Settings
from bot.telegram.app import build_application, running
from tests.telegram_support import SCENARIO, fast_options

data_dir, token, base_url = sys.argv[1:4]


class Stuck:
    async def transcribe(self, audio, language=None):
        print("transcribing", flush=True)
        await asyncio.Event().wait()  # the process is killed in here


async def main():
    settings = Settings(data_dir=Path(data_dir), database_url=None, engine="scripted", openai_api_key=None,
                        openai_base_url=None, telegram_bot_token=token, telegram_api_base_url=base_url,
                        telegram_file_base_url=None, default_scenario=SCENARIO)
    application = build_application(settings, options=fast_options(), transcriber_factory=lambda s: Stuck())
    async with running(application, poll_timeout=1.0):
        print("ready", flush=True)
        await asyncio.Event().wait()


asyncio.run(main())
"""


async def _expect(process: asyncio.subprocess.Process, word: str, timeout: float = 60.0) -> None:
    assert process.stdout is not None
    while True:
        text = (await asyncio.wait_for(process.stdout.readline(), timeout)).decode()
        assert text, f"the bot process ended before saying {word!r}"
        if text.strip() == word:
            return


async def test_a_bot_killed_while_transcribing_loses_no_voice_note(tmp_path: Path) -> None:
    audio = (SPEECH / "fleurs-en-002.ogg").read_bytes()
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        session_id = await start_session(api, settings, 1708, "Vera")
        vera = api.user(1708, "Vera", "en")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            BOT_PROCESS,
            str(tmp_path),
            api.token,
            api.base_url,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            await _expect(process, "ready")
            update_id = vera.send_voice(audio, duration=9)
            await _expect(process, "transcribing")
            await api.wait_for(
                lambda: not any(q.update["update_id"] == update_id for q in api._queue),
                what="the update acknowledged",
            )  # Telegram will not deliver it again
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        repo = _repo(settings)
        (held,) = repo.held_voices()
        assert (held.session_id, held.update_id, held.chat_id, held.data) == (
            session_id,
            update_id,
            1708,
            audio,
        )
        assert [t.speaker for t in repo.session(session_id).turns] == ["persona"]

        before = len(api.outbox(1708))
        transcriber = CountingTranscriber("Which volumes do you expect next year?")
        async with bot_running(settings, transcriber_factory=lambda s: transcriber):
            understood, answer = (await api.wait_outbox(1708, before + 2))[before:]
            assert understood.text == "🎙 I understood: “Which volumes do you expect next year?”"
            assert answer.text.startswith("🗣")
            await _until_empty(repo)
        assert transcriber.heard == [audio]
        record = repo.session(session_id)
        assert [t.text for t in record.turns if t.speaker == "candidate"] == [
            "Which volumes do you expect next year?"
        ]
        assert repo.audio(session_id, 2) == audio
        repo.engine.dispose()
