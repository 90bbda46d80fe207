"""bot/engines.py: the actor per session engine, and whole rehearsals on the LLM engine."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.catalog import Catalog
from bot.config import Settings
from bot.engines import Engines, actor_factory
from bot.rehearsal import Rehearsal
from personas.actors import Cue, LlmActor, ScriptedActor
from scenarios.director import Director
from storage.db import make_engine
from storage.repository import AsyncRepository
from tests.fake_openai import FakeOpenAI, Reply
from tests.llm_support import buyer, chat_for, close_clients, mini  # noqa: F401


def test_engine_per_session(fake_openai: FakeOpenAI) -> None:
    factory = actor_factory(Settings(openai_base_url=fake_openai.base_url, openai_api_key="x"))
    assert isinstance(factory(mini(), buyer(), "scripted"), ScriptedActor)
    actor = factory(mini(), buyer(), "llm")
    assert isinstance(actor, LlmActor)
    assert factory(mini(), buyer(), "llm").chat is actor.chat  # one client, shared


def test_settings_reach_the_actor() -> None:
    class Tuned(Settings):
        llm_reply_words: int = 50
        llm_turn_deadline: float = 12.0

    actor = actor_factory(Tuned(openai_base_url="http://127.0.0.1:9/v1"))(mini(), buyer(), "llm")
    assert actor.options.reply_words == 50 and actor.turn_deadline == 12.0


async def test_llm_engine_without_configuration_falls_back(caplog) -> None:
    factory = actor_factory(Settings(openai_base_url=None, openai_api_key=None))
    _, direction = Director(mini(), "fr").opening()
    cue = Cue(direction, "")
    with caplog.at_level(logging.WARNING):
        spoken = await factory(mini(), buyer(), "llm").speak(cue)
    assert spoken.fell_back and spoken.text == ScriptedActor(mini()).line(cue)
    assert "OPENAI_API_KEY or OPENAI_BASE_URL" in caplog.text
    await factory.aclose()


async def rehearse(server: FakeOpenAI, tmp_path: Path) -> tuple[AsyncRepository, int, list]:
    repo = AsyncRepository.from_engine(make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    user_id = await repo.get_or_create_user(telegram_id=None, display_name="Candidate")
    catalog = Catalog(scenarios={mini().id: mini()}, personas={buyer().id: buyer()})
    engines = Engines(
        Settings(openai_base_url=server.base_url, openai_api_key="x"),
        chat=chat_for(server.base_url, max_retries=0),
    )
    rehearsal = Rehearsal(repo, catalog, engines)
    opening = await rehearsal.start(user_id, mini().id, "fr", engine="llm")
    replies = []
    n = 0
    while True:
        n += 1
        reply = await rehearsal.turn(opening.session_id, f"Pouvez-vous préciser le point {n} ?")
        replies.append(reply)
        if reply.ended:
            break
    return repo, opening.session_id, replies


async def test_rehearsal_on_a_failing_server_goes_on_with_scripted_lines(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.responder = lambda request: Reply("down", status=500)
    repo, session_id, replies = await rehearse(fake_openai, tmp_path)
    assert all(r.fell_back and r.engine == "llm" for r in replies)
    record = await repo.session(session_id)
    assert len(record.turns) == 2 * len(replies) + 1  # no turn lost
    persona_meta = [m for m, t in zip(record.meta, record.turns, strict=True) if t.speaker == "persona"]
    assert all(m.fell_back for m in persona_meta)


async def test_rehearsal_on_a_working_server(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    repo, session_id, replies = await rehearse(fake_openai, tmp_path)
    assert not any(r.fell_back for r in replies)
    record = await repo.session(session_id)
    assert record.status == "finished" and len(record.turns) == 2 * len(replies) + 1
