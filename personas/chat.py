"""What a free-speaking actor needs from a chat model, without knowing which one.

Domain code never imports `openai`: `bot/llm.py` builds a `ChatModel` over any OpenAI-compatible API
and hands it to `LlmActor`. Tests may pass any async callable with the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypedDict


class ChatMessage(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


TokenSink = Callable[[str], None]
"""Receives the text of a reply as it comes (streaming)."""


@dataclass(frozen=True)
class ChatReply:
    text: str
    finish_reason: str | None = None
    refused: bool = False  # the provider refused (refusal field, content filter)


class ChatError(Exception):
    """The chat model gave no usable reply (the actor falls back to its scripted line)."""

    def __init__(self, message: str, *, partial: str = ""):
        super().__init__(message)
        self.partial = partial  # text already streamed before the failure


class ChatTimeout(ChatError):
    """A call or the turn's deadline ran out."""


class ChatUnavailable(ChatError):
    """The server failed (5xx, 429 after retries, unreachable) or is not configured."""


class ChatModel(Protocol):
    async def __call__(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        deadline: float | None = None,
    ) -> ChatReply:
        """One chat completion; streamed through `on_token` when given.

        `deadline` is an `asyncio` loop time after which no call or retry may start or continue.
        Raises `ChatError` (or a subclass) when no reply can be had.
        """
        ...
