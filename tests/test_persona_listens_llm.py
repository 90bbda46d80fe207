"""The corpus of tests/dialogues played with the LLM engine against the fake OpenAI server: the same
assertions hold, and each prompt carries the director's dialogue state (what was heard, what is settled,
the offers on the table, the act to perform now)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import load_catalog
from personas.actors import ConversationCue, LlmActor
from scenarios.director import BeatKind, Director
from scenarios.model import Turn
from tests.fake_openai import FakeOpenAI, stage_note
from tests.llm_support import chat_for, close_clients  # noqa: F401
from tests.test_persona_listens import Played, check, dialogues, load, scenario


async def play_llm(spec: dict, server: FakeOpenAI) -> tuple[Played, list[str]]:
    sc = scenario(spec["scenario"])
    persona = load_catalog().persona_of(sc)
    actor = LlmActor(sc, persona, chat_for(server.base_url), turn_deadline=10.0)
    director = Director(sc, spec["language"])
    state, direction = director.opening()
    history: list[Turn] = []
    notes: list[str] = []

    async def speak(direction, text: str) -> str:
        spoken = await actor.speak(ConversationCue(direction, text, tuple(history)))
        assert not spoken.fell_back, f"fell back on turn {direction.turn}: {spoken.text!r}"
        notes.append(stage_note(server.requests[-1]))
        history.append(Turn(speaker="persona", text=spoken.text, lang=direction.language))
        return spoken.text

    played = Played(spec, [await speak(direction, "")], [direction], [state])
    for turn in spec["turns"]:
        if state.ended:
            break
        history.append(Turn(speaker="candidate", text=turn["say"], lang=state.language))
        state, direction = director.step(state, turn["say"])
        played.replies.append(await speak(direction, turn["say"]))
        played.directions.append(direction)
        played.states.append(state)
    return played, notes


@pytest.mark.parametrize("path", dialogues(), ids=lambda p: p.stem)
async def test_the_llm_persona_listens_too(path: Path, fake_openai: FakeOpenAI) -> None:
    played, notes = await play_llm(load(path), fake_openai)
    check(played)
    for i, (direction, note) in enumerate(zip(played.directions, notes, strict=True)):
        if i == 0:
            continue
        assert "What you have heard so far (the dialogue state):" in note, note
        assert "- What you do in this reply" in note and direction.context.act in note
        for heard in direction.context.heard:
            assert heard in note
        kinds = {b.kind for b in direction.beats}
        if BeatKind.offer in kinds:
            assert "- Offers on the table:" in note and "The candidate offered" in note, note
        if direction.context.settled:
            assert "never raise them again as unanswered" in note
        chosen = [b.line for b in direction.beats if b.line]
        for line in chosen:  # the director's chosen line comes first in the gist
            assert f"«{line.strip()}»" in note
