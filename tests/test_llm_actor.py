"""LlmActor against the fake server: free wording, scripted fallback, streaming, regeneration."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

from personas.actors import ConversationCue, Cue, LlmActor, ScriptedActor, speak
from personas.prompt import PromptOptions
from scenarios.director import Beat, BeatKind, Direction, Director
from tests.fake_openai import FakeOpenAI, Reply, gist, stage_note
from tests.llm_support import buyer, chat_for, close_clients, mini, session  # noqa: F401

OBJECTION = Beat(BeatKind.objection, "price-too-high", ("Votre concurrent est 10 % moins cher.",))


def objection_cue(text: str = "Notre hausse est de 8 %.") -> Cue:
    return Cue(Direction("fr", "price", (OBJECTION,), frozenset(), (), False, 3), text)


def actor(server: FakeOpenAI, **kwargs) -> LlmActor:
    chat_options = {k: kwargs.pop(k) for k in ("call_timeout", "max_retries") if k in kwargs}
    kwargs.setdefault("turn_deadline", 5.0)
    return LlmActor(mini(), buyer(), chat_for(server.base_url, **chat_options), **kwargs)


def scripted(cue: Cue) -> str:
    return ScriptedActor(mini()).line(cue)


async def test_free_wording(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("Soyons clairs : votre concurrent est 10 % moins cher. Que proposez-vous ?")
    spoken = await actor(fake_openai).speak(objection_cue())
    assert spoken.text == "Soyons clairs : votre concurrent est 10 % moins cher. Que proposez-vous ?"
    assert spoken.engine == "llm" and not spoken.fell_back


async def test_streaming_sentence_by_sentence(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("Vos 8 % ne passent pas. Votre concurrent est 10 % moins cher. Alors ?")
    chunks: list[str] = []
    spoken = await actor(fake_openai).speak(objection_cue(), on_token=chunks.append)
    assert chunks == ["Vos 8 % ne passent pas.", " Votre concurrent est 10 % moins cher.", " Alors ?"]
    assert "".join(chunks) == spoken.text and not spoken.fell_back
    assert fake_openai.requests[-1]["stream"] is True


async def test_server_error_falls_back(fake_openai: FakeOpenAI, caplog) -> None:
    fake_openai.responder = lambda request: Reply("boom", status=500)
    cue = objection_cue()
    with caplog.at_level(logging.WARNING, logger="personas.actors"):
        spoken = await actor(fake_openai, max_retries=1).speak(cue)
    assert spoken.text == scripted(cue) and spoken.fell_back and spoken.engine == "llm"
    assert "fell back to the scripted line" in caplog.text and "HTTP 500" in caplog.text


async def test_slow_server_falls_back_within_the_turn_deadline(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: Reply("trop tard", delay=5)
    cue = objection_cue()
    started = time.perf_counter()
    spoken = await actor(fake_openai, turn_deadline=0.5, call_timeout=10).speak(cue)
    assert time.perf_counter() - started < 2
    assert spoken.text == scripted(cue) and spoken.fell_back


async def test_empty_and_refused_replies_fall_back(fake_openai: FakeOpenAI) -> None:
    cue = objection_cue()
    fake_openai.script("", "   ")
    assert (await actor(fake_openai).speak(cue)).fell_back
    fake_openai.script(Reply("", refusal="I can't help with that."), Reply("", refusal="No."))
    spoken = await actor(fake_openai).speak(cue)
    assert spoken.fell_back and spoken.text == scripted(cue)
    fake_openai.script("I'm sorry, but I can't help with that request.", "As an AI, I cannot do this.")
    assert (await actor(fake_openai).speak(cue)).fell_back


async def test_rejected_reply_regenerated_once(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("Je vous fais 4,20 € l'unité.", "Votre concurrent est 10 % moins cher, point.")
    spoken = await actor(fake_openai).speak(objection_cue())
    assert spoken.text == "Votre concurrent est 10 % moins cher, point." and not spoken.fell_back
    assert len(fake_openai.requests) == 2
    note = stage_note(fake_openai.requests[1])
    assert "previous draft of this reply was refused" in note and "4.2" in note


async def test_twice_rejected_says_the_scripted_line(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: Reply("Marché conclu à 4,20 €.")
    cue = objection_cue()
    spoken = await actor(fake_openai).speak(cue)
    assert spoken.text == scripted(cue) and spoken.fell_back
    assert len(fake_openai.requests) == 2


async def test_streamed_rejection_mid_reply_completes_with_the_scripted_line(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("Vos 8 % ne passent pas. Bon, j'accepte 90 jours. Marché conclu.")
    cue = objection_cue()
    chunks: list[str] = []
    spoken = await actor(fake_openai).speak(cue, on_token=chunks.append)
    assert spoken.text == f"Vos 8 % ne passent pas. {scripted(cue)}" == "".join(chunks)
    assert spoken.fell_back and "accepte" not in spoken.text
    assert len(fake_openai.requests) == 1  # something was already said: no regeneration


async def test_streamed_rejection_of_the_first_sentence_regenerates(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("Deal, 90 jours. Voilà.", "Votre concurrent est 10 % moins cher.")
    chunks: list[str] = []
    spoken = await actor(fake_openai).speak(objection_cue(), on_token=chunks.append)
    assert chunks == ["Votre concurrent est 10 % moins cher."] and not spoken.fell_back


async def test_stalled_stream_keeps_what_was_said(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("Vos 8 % ne passent pas. Votre concurrent est moins cher.", stall_after=6))
    cue = objection_cue()
    chunks: list[str] = []
    spoken = await actor(fake_openai, call_timeout=0.4).speak(cue, on_token=chunks.append)
    assert spoken.text == f"Vos 8 % ne passent pas. {scripted(cue)}" == "".join(chunks) and spoken.fell_back


async def test_unreachable_server_falls_back() -> None:
    with FakeOpenAI() as server:
        pass
    cue = objection_cue()
    spoken = await actor(server, max_retries=0).speak(cue)
    assert spoken.text == scripted(cue) and spoken.fell_back


async def test_reply_cleaned_and_capped(fake_openai: FakeOpenAI) -> None:
    long = " ".join(["Votre concurrent est 10 % moins cher et vous le savez bien."] * 12)
    fake_openai.script(f"**Test Buyer:** « {long} »")
    spoken = await actor(fake_openai, options=PromptOptions(reply_words=20)).speak(objection_cue())
    assert spoken.text.startswith("Votre concurrent") and not spoken.fell_back
    assert len(spoken.text.split()) <= 30 and spoken.text.endswith(".")


async def test_speak_helper_streams_any_actor() -> None:
    cue = objection_cue()
    chunks: list[str] = []
    spoken = await speak(ScriptedActor(mini()), cue, on_token=chunks.append)
    assert chunks == [spoken.text] == [scripted(cue)]


async def test_history_reaches_the_model(fake_openai: FakeOpenAI) -> None:
    director = Director(mini(), "fr")
    state, opening = director.opening()
    s = session(fake_openai.base_url)
    first = await s.open()
    await s.say("Bonjour, je viens renouveler notre contrat.")
    messages = fake_openai.requests[-1]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == first.text
    assert isinstance(ConversationCue(opening, "", ()), Cue)


async def test_whole_scenario_with_a_good_server(fake_openai: FakeOpenAI) -> None:
    s = session(fake_openai.base_url)
    await s.open()
    n = 0
    while not s.ended:
        n += 1
        await s.say(f"Pouvez-vous préciser votre point numéro {n} ?")
    assert not any(sp.fell_back for sp in s.spoken)
    assert [sp.text for sp in s.spoken] == [gist(r) for r in fake_openai.requests]


async def test_whole_scenario_with_a_failing_server_loses_no_turn(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: Reply("down", status=503)
    s = session(fake_openai.base_url, max_retries=0)
    await s.open()
    said = 0
    while not s.ended:
        said += 1
        await s.say(f"Je reviens sur le point {said}.")
    assert all(sp.fell_back for sp in s.spoken)
    assert len(s.turns) == 2 * said + 1  # every candidate turn answered
    assert [sp.text for sp in s.spoken] == [ScriptedActor(mini()).line(cue) for cue in s.cues]


def test_personas_never_import_openai() -> None:
    code = (
        "import sys, personas.actors, personas.prompt, personas.guard, personas.chat; "
        "sys.exit(1 if 'openai' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1]).returncode == 0
