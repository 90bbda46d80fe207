"""bot/llm.py against a fake OpenAI-compatible server on 127.0.0.1, through the real openai client."""

from __future__ import annotations

import asyncio
import time

import pytest
from openai import DefaultAsyncHttpxClient

from bot.config import Settings
from bot.llm import PLACEHOLDER_KEY, ChatClient, make_client
from personas.chat import ChatError, ChatTimeout, ChatUnavailable
from tests.fake_openai import FakeOpenAI, Reply

MESSAGES = [{"role": "system", "content": "You are a buyer."}, {"role": "user", "content": "Bonjour."}]


def settings_for(server: FakeOpenAI, **extra) -> Settings:
    return Settings(openai_base_url=server.base_url, openai_api_key="x", llm_model="fake-model", **extra)


def client_for(server: FakeOpenAI, **options) -> ChatClient:
    options.setdefault("backoff_base", 0.01)
    return ChatClient.from_settings(
        settings_for(server), http_client=DefaultAsyncHttpxClient(verify=False), **options
    )


async def test_client_from_settings(fake_openai: FakeOpenAI) -> None:
    client = make_client(settings_for(fake_openai), timeout=3)
    assert str(client.base_url).rstrip("/") == fake_openai.base_url
    assert client.api_key == "x" and client.max_retries == 0  # our retries only
    local = make_client(Settings(openai_base_url=fake_openai.base_url, openai_api_key=None))
    assert local.api_key == PLACEHOLDER_KEY  # Ollama, vLLM, llama.cpp need no key
    with pytest.raises(ChatUnavailable):
        make_client(Settings(openai_base_url=None, openai_api_key=None))
    await client.close()
    await local.close()


async def test_plain_completion(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("Parlons prix.", finish_reason="stop"))
    chat = client_for(fake_openai, temperature=0.3)
    reply = await chat(MESSAGES, max_tokens=50)
    assert reply.text == "Parlons prix." and reply.finish_reason == "stop" and not reply.refused
    request = fake_openai.requests[-1]
    assert request["model"] == "fake-model" and request["max_tokens"] == 50 and request["temperature"] == 0.3
    assert request["messages"] == MESSAGES and not request.get("stream")
    await chat.aclose()


async def test_streamed_completion(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("Votre hausse est trop forte. Que proposez-vous ?"))
    chat = client_for(fake_openai)
    tokens: list[str] = []
    reply = await chat(MESSAGES, on_token=tokens.append)
    assert (
        len(tokens) > 3
        and "".join(tokens) == reply.text == "Votre hausse est trop forte. Que proposez-vous ?"
    )
    assert fake_openai.requests[-1]["stream"] is True
    await chat.aclose()


async def test_refusal_is_reported(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(
        Reply("", refusal="I can't help with that."), Reply("x", finish_reason="content_filter")
    )
    chat = client_for(fake_openai)
    assert (await chat(MESSAGES)).refused
    assert (await chat(MESSAGES)).refused
    await chat.aclose()


async def test_429_honours_retry_after(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("slow down", status=429, headers={"retry-after": "0.3"}), Reply("Bien."))
    chat = client_for(fake_openai)
    started = time.perf_counter()
    reply = await chat(MESSAGES)
    assert reply.text == "Bien."
    assert time.perf_counter() - started >= 0.3
    assert len(fake_openai.requests) == 2
    await chat.aclose()


async def test_retry_after_ms_header(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("", status=429, headers={"retry-after-ms": "150"}), Reply("Bien."))
    chat = client_for(fake_openai)
    started = time.perf_counter()
    assert (await chat(MESSAGES)).text == "Bien."
    assert time.perf_counter() - started >= 0.15
    await chat.aclose()


async def test_retry_after_beyond_the_deadline_gives_up_at_once(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("", status=429, headers={"retry-after": "20"}))
    chat = client_for(fake_openai)
    deadline = asyncio.get_running_loop().time() + 2
    started = time.perf_counter()
    with pytest.raises(ChatUnavailable, match="deadline"):
        await chat(MESSAGES, deadline=deadline)
    assert time.perf_counter() - started < 1
    assert len(fake_openai.requests) == 1
    await chat.aclose()


async def test_5xx_retried_with_backoff(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("boom", status=500), Reply("boom", status=503), Reply("Enfin."))
    chat = client_for(fake_openai, max_retries=2)
    assert (await chat(MESSAGES)).text == "Enfin."
    assert len(fake_openai.requests) == 3
    await chat.aclose()


async def test_5xx_exhausts_retries(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: Reply("boom", status=500)
    chat = client_for(fake_openai, max_retries=2)
    with pytest.raises(ChatUnavailable, match="HTTP 500 after 3"):
        await chat(MESSAGES)
    assert len(fake_openai.requests) == 3
    await chat.aclose()


async def test_4xx_not_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("bad model", status=400))
    chat = client_for(fake_openai)
    with pytest.raises(ChatError, match="HTTP 400") as info:
        await chat(MESSAGES)
    assert not isinstance(info.value, ChatUnavailable)
    assert len(fake_openai.requests) == 1
    await chat.aclose()


async def test_slow_reply_times_out(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("trop tard", delay=3))
    chat = client_for(fake_openai, call_timeout=0.3)
    started = time.perf_counter()
    with pytest.raises(ChatTimeout):
        await chat(MESSAGES)
    assert time.perf_counter() - started < 1.5
    await chat.aclose()


async def test_stalled_stream_times_out_with_partial_text(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("Je vous écoute mais faites vite.", stall_after=2))
    chat = client_for(fake_openai, call_timeout=0.4)
    tokens: list[str] = []
    with pytest.raises(ChatTimeout) as info:
        await chat(MESSAGES, on_token=tokens.append)
    assert info.value.partial == "".join(tokens) == "Je vous "
    await chat.aclose()


async def test_deadline_caps_the_call_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply("trop tard", delay=3))
    chat = client_for(fake_openai, call_timeout=10)
    deadline = asyncio.get_running_loop().time() + 0.3
    started = time.perf_counter()
    with pytest.raises(ChatTimeout):
        await chat(MESSAGES, deadline=deadline)
    assert time.perf_counter() - started < 1.5
    await chat.aclose()


async def test_unreachable_server() -> None:
    with FakeOpenAI() as server:
        url = server.base_url
    chat = ChatClient.from_settings(
        Settings(openai_base_url=url, openai_api_key="x"), max_retries=1, backoff_base=0.01
    )
    with pytest.raises(ChatUnavailable, match="connection failed after 2"):
        await chat(MESSAGES)
    await chat.aclose()
