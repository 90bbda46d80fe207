"""Bad input gets a short, polite answer in the user's language, and the session goes on.

Stickers, photos, documents, edited messages, unknown commands, commands out of context, stale
buttons, a line sent while the previous one is still being answered, text over 4000 characters,
unusable voice notes, group chats, and an internal error (an apology, never a stack trace).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.rehearsal import Rehearsal
from bot.services import Services, open_services
from bot.speech.audio import NotAudioError, SilentAudioError
from storage.db import make_engine
from storage.repository import Repository
from tests.fake_bot_api import FakeBotAPI, FakeUser
from tests.telegram_support import SCENARIO, FakeTranscriber, bot_running, bot_settings, line, slow_services


def _repo(settings: Settings) -> Repository:
    return Repository(make_engine(settings.effective_database_url))


async def _say(api: FakeBotAPI, user: FakeUser, text: str, count: int = 1) -> list[str]:
    return [c.text for c in await api.reply_to(user, lambda: user.send_text(text), count)]


async def _one(api: FakeBotAPI, user: FakeUser, send) -> str:
    return (await api.reply_to(user, send))[0].text


def _candidate_lines(repo: Repository, telegram_id: int) -> list[str]:
    record = repo.active_session(repo.find_user(f"tg:{telegram_id}").id)
    return [t.text for t in record.turns if t.speaker == "candidate"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            {
                "sticker": "Je ne lis que",
                "edited": "modifications",
                "unknown": "Commande inconnue",
                "no_session": "Aucune séance",
                "no_reports": "Pas encore d'évaluation",
                "report_usage": "Numéro de séance",
                "play_usage": "/play <id>",
                "unknown_scenario": "Je ne connais pas",
                "voice_no_session": "message vocal",
                "stale": "plus valable",
                "too_long": "trop long",
                "busy": "Je réponds encore",
            },
        ),
        (
            "en",
            {
                "sticker": "I can only read",
                "edited": "Edited messages",
                "unknown": "Unknown command",
                "no_session": "No session",
                "no_reports": "No scorecard yet",
                "report_usage": "Unknown session number",
                "play_usage": "/play <id>",
                "unknown_scenario": "I don't know",
                "voice_no_session": "voice note",
                "stale": "no longer valid",
                "too_long": "too long",
                "busy": "still answering",
            },
        ),
    ],
)
async def test_bad_input_is_answered_politely_and_the_session_goes_on(
    tmp_path: Path, language: str, words: dict[str, str]
) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, services_factory=slow_services(0.5)):
            user = api.user(1100, "Hana", language)
            # out of context, before any session
            assert words["sticker"] in await _one(api, user, user.send_sticker)
            assert words["sticker"] in await _one(api, user, user.send_photo)
            assert words["sticker"] in await _one(api, user, user.send_document)
            assert words["unknown"] in (await _say(api, user, "/dance"))[0]
            for command in ("/end", "/hint"):
                assert words["no_session"] in (await _say(api, user, command))[0]
            assert words["no_session"] in (await _say(api, user, "Hello?"))[0]
            assert words["voice_no_session"] in await _one(
                api, user, lambda: user.send_voice(b"OggS fake", 3)
            )
            assert words["no_reports"] in (await _say(api, user, "/report"))[0]
            assert words["report_usage"] in (await _say(api, user, "/report 7"))[0]
            assert words["play_usage"] in (await _say(api, user, "/play"))[0]
            assert words["unknown_scenario"] in (await _say(api, user, "/play no-such-scenario"))[0]
            api.push(
                {
                    "callback_query": {
                        "id": "q1",
                        "from": user.as_user(),
                        "chat_instance": "c",
                        "data": "rp:999999",
                    }
                }
            )
            stale = await api.wait_for(lambda: api.calls_to("answerCallbackQuery"), what="an answered button")
            assert words["stale"] in stale[-1].params["text"]

            # during a session
            await api.reply_to(
                user, lambda: user.send_text(f"/play {SCENARIO} {language}"), count=2, timeout=20
            )
            sent = await api.reply_to(user, lambda: user.send_text(line(0)))
            assert words["edited"] in await _one(
                api, user, lambda: user.edit(sent[0].result["message_id"] - 1, "Edited!")
            )
            assert words["too_long"] in (await _say(api, user, "Blabla. " * 600))[0]
            # a line sent while the previous one is being answered
            before = len(api.outbox(user.id))
            user.send_text(line(1))
            user.send_text(line(2))
            replies = await api.wait_outbox(user.id, before + 2, timeout=20)
            texts = [c.text for c in replies[before:]]
            assert any(words["busy"] in t for t in texts) and any(t.startswith("🗣") for t in texts)
            assert words["sticker"] in await _one(api, user, user.send_sticker)
            # the session goes on
            assert (await _say(api, user, line(3)))[0].startswith("🗣")
        repo = _repo(settings)
        assert _candidate_lines(repo, 1100) == [line(0), line(1), line(3)]
        repo.engine.dispose()


async def test_voice_notes_that_cannot_be_used(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api, max_audio_seconds=60)
        transcriber = FakeTranscriber("")
        async with bot_running(settings, transcriber_factory=lambda s: transcriber):
            ivan = api.user(1200, "Ivan", "en")
            await api.reply_to(ivan, lambda: ivan.send_text(f"/play {SCENARIO} en"), count=2)
            assert "too long" in await _one(api, ivan, lambda: ivan.send_voice(b"OggS...", duration=300))
            assert "couldn't make out" in await _one(api, ivan, lambda: ivan.send_voice(b"OggS...", 3))
            transcriber.error = SilentAudioError("silent")
            assert "couldn't make out" in await _one(api, ivan, lambda: ivan.send_voice(b"OggS...", 3))
            transcriber.error = NotAudioError("not audio")
            assert "could not read" in await _one(api, ivan, lambda: ivan.send_voice(b"GIF89a", 3))
            transcriber.error = RuntimeError("model missing")
            assert "not available" in await _one(api, ivan, lambda: ivan.send_voice(b"OggS...", 3))
            transcriber.error, transcriber.text = None, "How is the season going for you?"
            replies = await api.reply_to(ivan, lambda: ivan.send_voice(b"OggS...", 3), count=2)
            assert replies[0].text == "🎙 I understood: “How is the season going for you?”"
            assert replies[1].text.startswith("🗣")
        repo = _repo(settings)
        assert _candidate_lines(repo, 1200) == ["How is the season going for you?"]
        repo.engine.dispose()


async def test_an_error_gets_an_apology_and_is_logged_with_the_update_ids_not_its_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The log says which update and chat failed, with the traceback; never the candidate's words or
    name (personal data must not outlive an erasure in a log file)."""

    class FlakyRehearsal(Rehearsal):
        failures = 1

        async def turn(self, session_id: int, text: str, **turn_meta):  # type: ignore[override]
            if self.failures:
                self.failures -= 1
                raise RuntimeError("boom: internal detail")
            return await super().turn(session_id, text, **turn_meta)

    async def flaky(settings: Settings) -> Services:
        services = await open_services(settings)
        services.rehearsal = FlakyRehearsal(services.repo, services.catalog)
        return services

    caplog.set_level(logging.ERROR, logger="bot.telegram")
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings, services_factory=flaky):
            jo = api.user(1300, "Jo", "fr")
            await api.reply_to(jo, lambda: jo.send_text(f"/play {SCENARIO}"), count=2)
            apology = (await _say(api, jo, line(0)))[0]
            assert apology.startswith("Désolé") and "boom" not in apology and "Traceback" not in apology
            assert (await _say(api, jo, line(1)))[0].startswith("🗣")  # the session goes on
    errors = [r for r in caplog.records if "error while handling update" in r.getMessage()]
    assert errors and errors[0].exc_info is not None
    assert f"update {api.last_update_id - 1} of chat 1300" in errors[0].getMessage()
    logged = caplog.text
    assert line(0)[:20] not in logged and "Jo" not in logged.replace("Journal", "")


async def test_group_chats_are_declined(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        settings = bot_settings(tmp_path, api)
        async with bot_running(settings):
            sender = {"id": 1400, "is_bot": False, "first_name": "Kim", "language_code": "en"}
            group = {"id": -100123, "type": "group", "title": "Promo"}
            api.push(
                {
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "chat": group,
                        "from": sender,
                        "text": "/start",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                    }
                }
            )
            api.push(
                {
                    "message": {
                        "message_id": 2,
                        "date": int(time.time()),
                        "chat": group,
                        "from": sender,
                        "text": "hello",
                    }
                }
            )
            replies = await api.wait_outbox(-100123, 1)
            assert replies[0].text == "I only work in private chats."
            await api.reply_to(api.user(1401), lambda: api.user(1401).send_text("/help"))
            assert len(api.outbox(-100123)) == 1
