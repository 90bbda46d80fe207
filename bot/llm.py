"""Chat completions over any OpenAI-compatible API (OpenAI, Mistral, Ollama, vLLM, llama.cpp server).

`make_client` builds the one `AsyncOpenAI` client from the settings; `ChatClient` is the chat-completion
callable domain code receives (`personas.chat.ChatModel`): streamed or not, with a timeout per call, a
deadline per turn, and retries with backoff on 429 and 5xx honouring `retry-after`, all here and
nowhere else (the SDK's own retries are off). Failures become `personas.chat.ChatError`s, and so does
a reply that is not the JSON it should be or that is larger than `reply_byte_limit(max_tokens)`:
reading stops there, so a server cannot make us read megabytes (the actor, which knows how long a
reply should be, usually stops reading much earlier).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import random
import time
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import openai
from openai import AsyncOpenAI

if TYPE_CHECKING:
    import httpx2

from personas.chat import ChatError, ChatMessage, ChatReply, ChatTimeout, ChatUnavailable, TokenSink

log = logging.getLogger(__name__)

DEFAULT_CALL_TIMEOUT = 20.0  # seconds for one request (a streamed one included)
DEFAULT_TURN_DEADLINE = 30.0  # seconds for a whole persona turn (retries and regeneration included)
DEFAULT_MAX_RETRIES = 2
DEFAULT_TEMPERATURE = 0.7
MAX_RETRY_AFTER = 60.0  # a server asking for more is treated as down
PLACEHOLDER_KEY = "not-needed"  # local servers (Ollama, vLLM, llama.cpp) ignore the key
MAX_REPLY_BYTES = 1024 * 1024  # the most read of any reply
REPLY_BYTES_PER_TOKEN = 1024  # streamed, each token comes in an event of about 250 bytes
REPLY_BYTES_OVERHEAD = 16 * 1024


def reply_byte_limit(max_tokens: int | None) -> int:
    """The most bytes read of a reply asked for `max_tokens` tokens, streamed or not."""
    if max_tokens is None:
        return MAX_REPLY_BYTES
    return min(MAX_REPLY_BYTES, REPLY_BYTES_OVERHEAD + REPLY_BYTES_PER_TOKEN * max(max_tokens, 0))


def make_client(
    settings: Any, *, timeout: float = DEFAULT_CALL_TIMEOUT, http_client: httpx2.AsyncClient | None = None
) -> AsyncOpenAI:
    """The `AsyncOpenAI` client for `settings.openai_base_url` / `settings.openai_api_key`.

    A base URL without a key gets a placeholder key (local servers need none). Neither configured:
    `ChatUnavailable`. `http_client` (e.g. `openai.DefaultAsyncHttpxClient(proxy=..., verify=...)`)
    is for proxies and private certificate authorities.
    """
    base_url = getattr(settings, "openai_base_url", None) or None
    api_key = getattr(settings, "openai_api_key", None) or (PLACEHOLDER_KEY if base_url else None)
    if api_key is None:
        raise ChatUnavailable("no chat API configured: set OPENAI_API_KEY or OPENAI_BASE_URL")
    return AsyncOpenAI(
        base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0, http_client=http_client
    )


class ChatClient:
    """A chat-completion callable over an `AsyncOpenAI` client, with retries and timeouts in one place."""

    def __init__(
        self,
        client: AsyncOpenAI,
        model: str,
        *,
        call_timeout: float = DEFAULT_CALL_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        temperature: float | None = DEFAULT_TEMPERATURE,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
    ):
        self.client = client
        self.model = model
        self.call_timeout = call_timeout
        self.max_retries = max_retries
        self.temperature = temperature
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max

    @classmethod
    def from_settings(
        cls, settings: Any, *, http_client: httpx2.AsyncClient | None = None, **overrides: Any
    ) -> ChatClient:
        """From the Settings object (`llm_model`, `llm_call_timeout`, `llm_max_retries`,
        `llm_temperature`; missing fields take the defaults), `overrides` winning."""
        options: dict[str, Any] = {
            "call_timeout": getattr(settings, "llm_call_timeout", DEFAULT_CALL_TIMEOUT),
            "max_retries": getattr(settings, "llm_max_retries", DEFAULT_MAX_RETRIES),
            "temperature": getattr(settings, "llm_temperature", DEFAULT_TEMPERATURE),
        }
        options.update(overrides)
        client = make_client(settings, timeout=options["call_timeout"], http_client=http_client)
        return cls(client, getattr(settings, "llm_model", "gpt-4o-mini"), **options)

    async def aclose(self) -> None:
        await self.client.close()

    async def __call__(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        deadline: float | None = None,
    ) -> ChatReply:
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                raise ChatTimeout("the turn's deadline has passed")
            timeout = self.call_timeout if remaining is None else min(self.call_timeout, remaining)
            parts: list[str] = []
            started = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    if on_token is None:
                        return await self._complete(messages, max_tokens)
                    return await self._stream(messages, max_tokens, on_token, parts)
            except (TimeoutError, openai.APITimeoutError) as exc:
                raise ChatTimeout(f"no reply within {timeout:.1f}s", partial="".join(parts)) from exc
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status != 429 and status < 500:
                    raise ChatError(f"HTTP {status}: {_short(exc)}", partial="".join(parts)) from exc
                failure = f"HTTP {status}"
                delay = self._delay(attempt, exc.response.headers)
            except openai.APIConnectionError:
                failure = "connection failed"
                delay = self._delay(attempt, None)
            except openai.APIError as exc:  # e.g. an error event in the middle of a stream
                raise ChatUnavailable(f"API error: {_short(exc)}", partial="".join(parts)) from exc
            elapsed = time.perf_counter() - started
            if parts:
                raise ChatUnavailable(f"{failure} in the middle of a stream", partial="".join(parts))
            if attempt >= self.max_retries:
                raise ChatUnavailable(f"{failure} after {attempt + 1} attempt(s)")
            if deadline is not None and loop.time() + delay >= deadline:
                raise ChatUnavailable(f"{failure}; a retry in {delay:.1f}s would pass the turn's deadline")
            log.info("chat %s after %.2fs; retry %d in %.2fs", failure, elapsed, attempt + 1, delay)
            await asyncio.sleep(delay)
            attempt += 1

    # --- one request ------------------------------------------------------------------------------

    def _params(self, messages: Sequence[ChatMessage], max_tokens: int | None) -> dict[str, Any]:
        # The messages are plain role/content strings, which the SDK's per-field transform leaves as
        # they are but walks at ~0.4 ms per message; sent as `extra_body` (which takes precedence
        # over the typed parameters) they go out unchanged without that cost.
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [],
            "extra_body": {"messages": list(messages)},
        }
        if self.temperature is not None:
            params["temperature"] = self.temperature
        if max_tokens is not None:
            params["max_tokens"] = max_tokens
        return params

    async def _complete(self, messages: Sequence[ChatMessage], max_tokens: int | None) -> ChatReply:
        # Read as JSON rather than the SDK's pydantic model: the same data, half a millisecond less.
        limit = reply_byte_limit(max_tokens)
        create = self.client.chat.completions.with_streaming_response.create
        try:
            async with create(**self._params(messages, max_tokens)) as response:
                body = bytearray()
                async for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise _BadReply(f"the reply is larger than {limit} bytes")
            choices = _choices(_json_object(bytes(body)))
            if not choices:
                return ChatReply("", None)
            choice, message = _choice(choices[0], "message")
        except _BadReply as exc:
            raise ChatUnavailable(str(exc)) from None
        finish = choice.get("finish_reason")
        return ChatReply(
            message.get("content") or "",
            finish,
            refused=bool(message.get("refusal")) or finish == "content_filter",
        )

    async def _stream(
        self, messages: Sequence[ChatMessage], max_tokens: int | None, on_token: TokenSink, parts: list[str]
    ) -> ChatReply:
        # Server-sent events read as raw lines: the SDK would build a pydantic model per token
        # (~0.15 ms each); `json.loads` is a few microseconds. Errors still raise the SDK's exceptions.
        finish: str | None = None
        refused = False
        create = self.client.chat.completions.with_streaming_response.create
        try:
            async with (
                create(**self._params(messages, max_tokens), stream=True) as response,
                contextlib.aclosing(_lines(response, reply_byte_limit(max_tokens))) as lines,
            ):
                data: list[str] = []
                async for line in lines:
                    if line.startswith("data:"):
                        data.append(line[5:].strip())
                        continue
                    if line or not data:
                        continue  # comments, other fields; or a blank line with no event
                    event, data = "\n".join(data), []
                    if event == "[DONE]":
                        continue  # read on to the end of the body, so the connection is reused
                    payload = _json_object(event)
                    if payload.get("error"):
                        raise _BadReply(f"error event: {str(payload['error'])[:200]}")
                    for item in _choices(payload):
                        choice, delta = _choice(item, "delta")
                        if choice.get("index", 0) != 0:
                            continue
                        refused = refused or bool(delta.get("refusal"))
                        content = delta.get("content")
                        if content:
                            parts.append(content)
                            on_token(content)
                        finish = choice.get("finish_reason") or finish
        except _BadReply as exc:
            raise ChatUnavailable(str(exc), partial="".join(parts)) from None
        return ChatReply("".join(parts), finish, refused=refused or finish == "content_filter")

    # --- retries ------------------------------------------------------------------------------------

    def _delay(self, attempt: int, headers: Mapping[str, str] | None) -> float:
        """`retry-after-ms` / `retry-after` (seconds or an HTTP date) when given, else exponential
        backoff with jitter."""
        after = _retry_after(headers) if headers is not None else None
        if after is not None:
            return after
        backoff = min(self.backoff_max, self.backoff_base * 2**attempt)
        return backoff * (1 + random.random() / 4)


class _BadReply(Exception):
    """A reply that is too large or not what the API defines (becomes ChatUnavailable)."""


async def _lines(response: Any, limit: int) -> AsyncGenerator[str, None]:
    """The lines of a streamed body (ended by CR, LF or CRLF), refusing more than `limit` bytes in all
    (an endless line included: it is never held whole)."""
    size = 0
    pending = b""
    async for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _BadReply(f"the reply is larger than {limit} bytes")
        lines = (pending + chunk).splitlines(keepends=True)
        # the last piece waits for its end (and a CR for the LF that may follow it in the next chunk)
        pending = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        for line in lines:
            yield line.rstrip(b"\r\n").decode("utf-8", errors="replace")
    if pending:
        yield pending.rstrip(b"\r\n").decode("utf-8", errors="replace")


def _json_object(raw: str | bytes) -> dict[str, Any]:
    """`raw` as a JSON object (never a JSONDecodeError or a RecursionError)."""
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _BadReply(
            "malformed reply: " + ("nested too deeply" if isinstance(exc, RecursionError) else "not JSON")
        ) from None
    if not isinstance(payload, dict):
        raise _BadReply("malformed reply: not a JSON object")
    return payload


def _choices(payload: dict[str, Any]) -> list[Any]:
    choices = payload.get("choices") or []
    if not isinstance(choices, list):
        raise _BadReply("malformed reply: choices is not a list")
    return choices


def _choice(item: object, field: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A choice and its `message` (or streamed `delta`), both JSON objects, their content text."""
    inner = item.get(field) if isinstance(item, dict) else None
    inner = {} if inner is None else inner
    if (
        not isinstance(item, dict)
        or not isinstance(inner, dict)
        or not isinstance(inner.get("content") or "", str)
    ):
        raise _BadReply(f"malformed reply: a choice, its {field} or its content is not what the API defines")
    return item, inner


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return _bounded(float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return _bounded(float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return _bounded(when.timestamp() - time.time())


def _bounded(seconds: float) -> float:
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
