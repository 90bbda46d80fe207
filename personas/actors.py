"""Who speaks the persona's lines.

`ScriptedActor` says the authored lines of the director's beats, choosing among variants with a
stable hash of the script version, the turn and the candidate's words: the same script and the same
inputs always give the same transcript, and different inputs hear different variants.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from scenarios.director import Direction
from scenarios.model import Scenario


@dataclass(frozen=True)
class Cue:
    """Everything an actor may use to speak one reply."""

    direction: Direction
    candidate_text: str  # the turn being answered ("" for the opening)


@dataclass(frozen=True)
class Spoken:
    text: str
    engine: str
    fell_back: bool = False


class Actor(Protocol):
    async def speak(self, cue: Cue) -> Spoken: ...


class ScriptedActor:
    engine = "scripted"

    def __init__(self, scenario: Scenario):
        self.scenario = scenario

    def line(self, cue: Cue) -> str:
        """The authored reply for this cue (also the fallback of free-speaking actors)."""
        parts = []
        for beat in cue.direction.beats:
            key = "|".join(
                (
                    self.scenario.id,
                    str(self.scenario.version),
                    str(cue.direction.turn),
                    beat.kind.value,
                    beat.ref,
                    _normalise(cue.candidate_text),
                )
            )
            index = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % len(beat.lines)
            parts.append(beat.lines[index].strip())
        return " ".join(parts)

    async def speak(self, cue: Cue) -> Spoken:
        return Spoken(self.line(cue), self.engine)


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())
