"""Shared helpers of the LLM tests: the test script and persona, and a rehearsal loop without storage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openai import DefaultAsyncHttpxClient

from bot.config import Settings
from bot.llm import ChatClient
from personas.actors import ConversationCue, LlmActor, Spoken
from personas.loader import lint_personas
from personas.model import Persona
from personas.prompt import PromptOptions
from scenarios.director import Direction, Director
from scenarios.loader import load_scenario
from scenarios.model import Lang, Scenario, Turn

DATA = Path(__file__).parent / "data"

STAGE_DIRECTIONS = {
    "discovery": (
        "Ouverture froide : tester le candidat, ne rien dévoiler de spontané.",
        "Cold opening: test the candidate, volunteer nothing.",
    ),
    "price": (
        "Ancrer haut sur le prix ; ne céder que contre une contrepartie claire.",
        "Anchor high on price; give way only for a clear counterpart.",
    ),
    "wrap-up": (
        "Conclure sans rien signer ; demander une proposition écrite.",
        "Wrap up without signing anything; ask for a written proposal.",
    ),
}
OBJECTION_DIRECTION = (
    "Concéder le délai seulement si le candidat offre une contrepartie.",
    "Concede the delivery date only if the candidate offers something in return.",
)
JURY_NOTES = "Attendu : le candidat explore les volumes avant de parler prix (notes confidentielles du jury)."
OBSERVABLE_LABEL = (
    "Questionne la planification prévisionnelle triennale",
    "Probes the three-year planning horizon",
)
OBSERVABLE_PATTERN = r"plan(?:ning)?\s+tri(?:ennal|ennial)"
ASKED_BY_MARKER = r"pr[ée]vision(?:nel)?s?\s+quinquennale?s?"


@cache
def mini() -> Scenario:
    return load_scenario(DATA / "mini-negotiation.yaml")


@cache
def buyer() -> Persona:
    report = lint_personas([DATA / "test-buyer.yaml"])
    assert not report.problems, report.problems
    return report.documents["test-buyer"]


@cache
def directed() -> Scenario:
    """The mini script with stage directions, jury notes, an observable and an extra asked_by pattern."""
    s = mini()
    data = s.model_dump()
    for stage in data["stages"]:
        fr, en = STAGE_DIRECTIONS[stage["id"]]
        stage["direction"] = {"fr": fr, "en": en}
        for objection in stage["objections"]:
            objection["direction"] = {"fr": OBJECTION_DIRECTION[0], "en": OBJECTION_DIRECTION[1]}
    data["jury_notes"] = JURY_NOTES
    data["observables"].append(
        {
            "id": "three-year-plan",
            "indicator": "BLOC2.A2.C1.CR1.2",
            "label": {"fr": OBSERVABLE_LABEL[0], "en": OBSERVABLE_LABEL[1]},
            "patterns": {"fr": [OBSERVABLE_PATTERN], "en": [OBSERVABLE_PATTERN]},
        }
    )
    for fact in data["hidden_brief"]["facts"]:
        fact["asked_by"]["fr"].append(ASKED_BY_MARKER)
        fact["asked_by"]["en"].append(ASKED_BY_MARKER)
    return Scenario.model_validate(data)


_CLIENTS: list[ChatClient] = []


def chat_for(base_url: str, **options: Any) -> ChatClient:
    """A ChatClient on the fake server (closed after the test by `close_clients`)."""
    options.setdefault("backoff_base", 0.01)
    settings = Settings(openai_base_url=base_url, openai_api_key="x", llm_model="fake-model")
    # plain http on loopback: skip loading the CA bundle (150 ms per client)
    client = ChatClient.from_settings(settings, http_client=DefaultAsyncHttpxClient(verify=False), **options)
    _CLIENTS.append(client)
    return client


@pytest.fixture(autouse=True)
async def close_clients() -> AsyncIterator[None]:
    """Import into a test module to close the clients its tests made (before the loop closes)."""
    yield
    while _CLIENTS:
        await _CLIENTS.pop().aclose()


@dataclass
class Session:
    """A rehearsal played in memory, the way bot.rehearsal plays it (history passed to the actor)."""

    scenario: Scenario
    persona: Persona
    actor: LlmActor
    language: Lang
    turns: list[Turn] = field(default_factory=list)
    spoken: list[Spoken] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)
    cues: list[ConversationCue] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.on_token: Callable[[str], None] | None = None
        self.director = Director(self.scenario, self.language)
        self.state = None

    async def open(self) -> Spoken:
        self.state, direction = self.director.opening()
        return await self._speak(direction, "")

    async def say(self, text: str) -> Spoken:
        assert self.state is not None and not self.state.ended
        self.turns.append(Turn(speaker="candidate", text=text, lang=self.state.language))
        self.state, direction = self.director.step(self.state, text)
        return await self._speak(direction, text)

    @property
    def ended(self) -> bool:
        return self.state is not None and self.state.ended

    async def _speak(self, direction: Direction, text: str) -> Spoken:
        cue = ConversationCue(direction, text, tuple(self.turns))
        self.cues.append(cue)
        spoken = await self.actor.speak(cue, on_token=self.on_token)
        self.turns.append(Turn(speaker="persona", text=spoken.text, lang=direction.language))
        self.spoken.append(spoken)
        self.directions.append(direction)
        return spoken


def session(
    base_url: str,
    scenario: Scenario | None = None,
    language: Lang = "fr",
    *,
    reply_words: int = 80,
    turn_deadline: float = 10.0,
    **chat_options: Any,
) -> Session:
    scenario = scenario or mini()
    actor = LlmActor(
        scenario,
        buyer(),
        chat_for(base_url, **chat_options),
        options=PromptOptions(reply_words=reply_words),
        turn_deadline=turn_deadline,
    )
    return Session(scenario, buyer(), actor, language)
