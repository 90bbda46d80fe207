"""Which actor speaks a session: the scripted actor or the LLM actor, per the session's engine.

`actor_factory(settings)` is what `Rehearsal(repo, catalog, actor_factory)` receives. The chat client
is built once, on first use by an `llm` session, and shared; close it at shutdown with `aclose()`.
A session asking for `llm` while no chat API is configured still plays: every turn falls back to the
scripted line and records it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, cast

from openai.types.chat import ChatCompletionMessageParam

from bot.llm import DEFAULT_TURN_DEADLINE, ChatClient, make_client
from feedback.judge import Judge
from personas.actors import Actor, LlmActor, ScriptedActor
from personas.chat import ChatError, ChatMessage, ChatModel, ChatReply, ChatUnavailable, TokenSink
from personas.model import Persona
from personas.prompt import PromptOptions
from scenarios.model import Scenario

log = logging.getLogger(__name__)

ActorFactory = Callable[[Scenario, Persona, str], Actor]  # the same as bot.rehearsal.ActorFactory


class Unconfigured:
    """A chat model that is not there: every call fails, so every turn falls back (and says why)."""

    def __init__(self, reason: str):
        self.reason = reason

    async def __call__(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        on_token: TokenSink | None = None,
        deadline: float | None = None,
    ) -> ChatReply:
        raise ChatUnavailable(self.reason)


class Engines:
    """An `ActorFactory`: `ScriptedActor` for `scripted` sessions, `LlmActor` for `llm` ones."""

    def __init__(
        self,
        settings: Any,
        *,
        chat: ChatModel | None = None,
        options: PromptOptions | None = None,
        turn_deadline: float | None = None,
    ):
        self.settings = settings
        self._chat = chat
        self.options = options or PromptOptions(
            reply_words=getattr(settings, "llm_reply_words", PromptOptions.reply_words),
            history_turns=getattr(settings, "llm_history_turns", PromptOptions.history_turns),
        )
        self.turn_deadline: float = (
            turn_deadline if turn_deadline else getattr(settings, "llm_turn_deadline", DEFAULT_TURN_DEADLINE)
        )

    @property
    def chat(self) -> ChatModel:
        if self._chat is None:
            try:
                self._chat = ChatClient.from_settings(self.settings)
            except ChatError as exc:
                log.error("LLM engine unavailable, scripted lines will be used: %s", exc)
                self._chat = Unconfigured(str(exc))
        return self._chat

    def __call__(self, scenario: Scenario, persona: Persona, engine: str) -> Actor:
        if engine == "llm":
            return LlmActor(
                scenario, persona, self.chat, options=self.options, turn_deadline=self.turn_deadline
            )
        return ScriptedActor(scenario)

    async def aclose(self) -> None:
        closer = getattr(self._chat, "aclose", None)
        if closer is not None:
            await closer()


def actor_factory(settings: Any, **kwargs: Any) -> Engines:
    """The actor factory for `Rehearsal`, from the settings (see `Engines`)."""
    return Engines(settings, **kwargs)


def judge_from_settings(settings: Any) -> Judge | None:
    """A judge over the configured chat API (JSON-schema output, temperature 0), or None without one."""
    if not (getattr(settings, "openai_api_key", None) or getattr(settings, "openai_base_url", None)):
        return None
    client = make_client(settings, timeout=60.0)
    model = getattr(settings, "llm_model", "gpt-4o-mini")

    async def complete(messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        response = await client.chat.completions.create(
            model=model,
            # the judge's messages are plain {"role", "content"} strings (system and user), which is
            # what the SDK's union of per-role TypedDicts describes, literal roles aside
            messages=cast(list[ChatCompletionMessageParam], messages),
            temperature=0,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": schema.get("title", "verdict"), "schema": schema, "strict": True},
            },
        )
        return response.choices[0].message.content or ""

    return Judge(complete, model=model)
