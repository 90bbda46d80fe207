"""A model's reply is bounded in characters as well as words (issue 13).

One 200,000-character token passed the word-count cap and was stored as the persona's turn. Now a
reply over its character budget, or holding a token no one can say, is refused like a guard
rejection (regenerated once, then the scripted line), reading stops as soon as it is over budget,
and the chat client itself never reads more than `reply_byte_limit(max_tokens)` bytes of a reply.
Real components: `LlmActor` and `ChatClient` over the real openai SDK, on the fake OpenAI server.
"""

from __future__ import annotations

import time

import pytest

from bot.llm import reply_byte_limit
from personas.actors import Cue, LlmActor, ScriptedActor
from personas.chat import ChatUnavailable
from personas.prompt import PromptOptions
from personas.reply_size import MAX_TOKEN_CHARS, char_budget, overlong_token
from scenarios.director import Beat, BeatKind, Direction
from tests.fake_openai import FakeOpenAI, Reply, stage_note
from tests.llm_support import buyer, chat_for, close_clients, mini  # noqa: F401

OBJECTION = Beat(BeatKind.objection, "price-too-high", ("Votre concurrent est 10 % moins cher.",))
GIANT = "A" * 200_000
FINE = "Votre concurrent est 10 % moins cher. Que proposez-vous ?"


def cue() -> Cue:
    return Cue(Direction("fr", "price", (OBJECTION,), frozenset(), (), False, 3), "Notre hausse est de 8 %.")


def actor(server: FakeOpenAI, reply_words: int = 80, **chat_options) -> LlmActor:
    return LlmActor(
        mini(),
        buyer(),
        chat_for(server.base_url, **chat_options),
        options=PromptOptions(reply_words=reply_words),
        turn_deadline=20.0,
    )


def scripted() -> str:
    return ScriptedActor(mini()).line(cue())


# --- the actor -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True], ids=["plain", "streamed"])
async def test_a_giant_token_is_refused_regenerated_then_the_scripted_line(
    fake_openai: FakeOpenAI, streamed: bool
) -> None:
    fake_openai.responder = lambda request: Reply(GIANT)
    chunks: list[str] = []
    spoken = await actor(fake_openai).speak(cue(), on_token=chunks.append if streamed else None)
    assert spoken.fell_back and spoken.text == scripted()
    assert "AAAA" not in spoken.text and (not streamed or "".join(chunks) == spoken.text)
    assert len(fake_openai.requests) == 2  # regenerated once, as after a guard rejection
    assert "refused" in stage_note(fake_openai.requests[1])


async def test_a_giant_token_then_a_good_reply(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(f"Écoutez. {GIANT} voilà.", FINE)
    spoken = await actor(fake_openai).speak(cue())
    assert spoken.text == FINE and not spoken.fell_back
    note = stage_note(fake_openai.requests[1])
    assert "it held a string of 200000 characters that is not a word" in note


async def test_reading_stops_as_soon_as_the_reply_is_over_budget(fake_openai: FakeOpenAI) -> None:
    """3,000 tokens of junk, 3 ms apart (9 s to send in full): the actor hangs up after a few."""
    junk = " ".join(["x" * 60] * 3_000)
    fake_openai.responder = lambda request: Reply(junk, token_delay=0.003)
    started = time.perf_counter()
    chunks: list[str] = []
    spoken = await actor(fake_openai).speak(cue(), on_token=chunks.append)
    assert time.perf_counter() - started < 3
    assert spoken.fell_back and spoken.text == scripted() == "".join(chunks)


async def test_a_flood_of_nothing_to_say_is_not_read_to_the_end(fake_openai: FakeOpenAI) -> None:
    """Stage business on blank lines (each dropped, so no sentence is ever accepted), 10 s of it."""
    fake_openai.responder = lambda request: Reply("*soupir*\n\n" * 5_000, token_delay=0.002)
    started = time.perf_counter()
    spoken = await actor(fake_openai).speak(cue(), on_token=lambda piece: None)
    assert time.perf_counter() - started < 3 and spoken.fell_back


async def test_a_long_realistic_reply_is_cut_at_a_sentence_end_not_refused(fake_openai: FakeOpenAI) -> None:
    sentence = (
        "Votre concurrent, lui, propose des conditions d'approvisionnement nettement plus avantageuses."
    )
    fake_openai.script(" ".join([sentence] * 12))
    spoken = await actor(fake_openai).speak(cue())
    assert not spoken.fell_back and len(fake_openai.requests) == 1
    assert spoken.text.startswith(sentence) and spoken.text.endswith(".")
    assert len(spoken.text) <= char_budget(80)


async def test_addresses_and_long_words_pass(fake_openai: FakeOpenAI) -> None:
    reply = (
        "C'est anticonstitutionnellement impossible, vous le savez. Écrivez à "
        "service.achats@castelnau-arrosage-jardins.fr ou voyez https://www.castelnau-arrosage.fr/conditions-generales-de-vente."
    )
    fake_openai.script(reply)
    spoken = await actor(fake_openai).speak(cue())
    assert spoken.text == reply and not spoken.fell_back


def test_overlong_token_rule() -> None:
    assert overlong_token("x" * MAX_TOKEN_CHARS) is None
    assert overlong_token("(https://example.org/" + "a" * 80 + ").") is None
    assert overlong_token("x" * (MAX_TOKEN_CHARS + 1)) is not None
    assert overlong_token("«" + "x" * 60 + "»") is not None
    assert overlong_token("(" * 45 + "a") is not None


# --- the chat client ---------------------------------------------------------------------------------------


async def test_client_reads_no_more_than_its_limit_of_a_plain_reply(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("x" * 5_000_000)
    chat = chat_for(fake_openai.base_url, max_retries=0)
    with pytest.raises(ChatUnavailable, match=f"larger than {reply_byte_limit(100)} bytes"):
        await chat([{"role": "user", "content": "Bonjour."}], max_tokens=100)


async def test_client_reads_no_more_than_its_limit_of_a_streamed_line(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("Bonjour. " + "y" * 2_000_000)  # a first token, then one line of 2 MB
    chat = chat_for(fake_openai.base_url, max_retries=0)
    pieces: list[str] = []
    with pytest.raises(ChatUnavailable, match="larger than") as caught:
        await chat([{"role": "user", "content": "Bonjour."}], max_tokens=100, on_token=pieces.append)
    assert caught.value.partial == "Bonjour. " == "".join(pieces)


async def test_client_limit_leaves_a_normal_reply_alone(fake_openai: FakeOpenAI) -> None:
    text = " ".join(["Votre concurrent est 10 % moins cher."] * 30)
    fake_openai.script(text, text)
    chat = chat_for(fake_openai.base_url, max_retries=0)
    assert (await chat([{"role": "user", "content": "?"}], max_tokens=100)).text == text
    pieces: list[str] = []
    await chat([{"role": "user", "content": "?"}], max_tokens=100, on_token=pieces.append)
    assert "".join(pieces) == text
