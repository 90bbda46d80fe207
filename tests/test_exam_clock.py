"""Exam timing (issue 19, item 12): an exam session ends when its time is up, by itself, and a line
the candidate sent before the deadline is taken and answered even when it is handled after it."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, bot_running, bot_settings, fast_options


def _repo(settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


def _make_exam(settings, telegram_id: int, deadline: datetime) -> int:
    """Turn the candidate's active session into a mock exam ending at `deadline`."""
    repo = _repo(settings)
    try:
        record = repo.active_session(repo.find_user(f"tg:{telegram_id}").id)
        assert record is not None
        state = dict(record.state)
        state["telegram"] = {**state.get("telegram", {}), "exam": True, "deadline": deadline.isoformat()}
        repo.set_session_state(record.id, state)
        return record.id
    finally:
        repo.engine.dispose()


async def test_an_exam_ends_on_time_without_a_new_line(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        eva = api.user(3201, "Eva", "en")
        async with bot_running(settings, options=fast_options(exam_clock_seconds=0.2)):
            await api.reply_to(eva, lambda: eva.send_text(f"/play {SCENARIO} en"), count=2)
            session_id = _make_exam(settings, eva.id, datetime.now(UTC) + timedelta(seconds=1))
            before = len(api.outbox(eva.id))
            await api.wait_outbox(eva.id, before + 2, timeout=10)  # nothing sent by the candidate
            await asyncio.sleep(0.6)  # and nothing more: ended once
            texts = api.texts(eva.id)[before:]
        assert texts[0].startswith("⏱ The time allowed")
        assert texts[1].startswith("📝 Mock exam")  # the score waits for a trainer
        assert len(texts) == 2
        repo = _repo(settings)
        assert repo.session(session_id).status == "finished"
        assert repo.latest_scorecard(session_id) is not None
        repo.engine.dispose()


async def test_a_line_sent_before_the_deadline_is_kept_and_answered(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        finn = api.user(3202, "Finn", "en")
        async with bot_running(settings, options=fast_options(exam_clock_seconds=3600)):  # no clock here
            await api.reply_to(finn, lambda: finn.send_text(f"/play {SCENARIO} en"), count=2)
            deadline = datetime.now(UTC) - timedelta(seconds=5)  # already past when the line is handled…
            session_id = _make_exam(settings, finn.id, deadline)
            sent = _line_sent_at(
                finn, "What volumes do you plan for next season?", deadline - timedelta(seconds=20)
            )
            before = len(api.outbox(finn.id))
            api.push(sent)  # … but it was sent before
            await api.wait_outbox(finn.id, before + 3, timeout=10)
            texts = api.texts(finn.id)[before:]
        assert texts[0].startswith("🗣")  # answered
        assert texts[1].startswith("⏱ The time allowed") and texts[2].startswith("📝 Mock exam")
        repo = _repo(settings)
        record = repo.session(session_id)
        assert [t.text for t in record.turns if t.speaker == "candidate"] == [
            "What volumes do you plan for next season?"
        ]
        assert record.status == "finished"
        repo.engine.dispose()


async def test_a_line_sent_after_the_deadline_is_not_taken(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        gus = api.user(3203, "Gus", "en")
        async with bot_running(settings, options=fast_options(exam_clock_seconds=3600)):
            await api.reply_to(gus, lambda: gus.send_text(f"/play {SCENARIO} en"), count=2)
            session_id = _make_exam(settings, gus.id, datetime.now(UTC) - timedelta(seconds=5))
            texts = [
                c.text for c in await api.reply_to(gus, lambda: gus.send_text("One more thing!"), count=2)
            ]
        assert texts[0].startswith("⏱ The time allowed")
        repo = _repo(settings)
        assert [t.speaker for t in repo.session(session_id).turns] == ["persona"]
        repo.engine.dispose()


def _line_sent_at(user: FakeUser, text: str, when: datetime) -> dict:
    message = user._message(text=text)
    message["date"] = int(when.timestamp())
    assert message["date"] < time.time()
    return {"message": message}
