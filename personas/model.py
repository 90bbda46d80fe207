"""Who the bot plays: a persona, written once and used by several scenarios.

A persona is the character (name, role, personality, speaking style, attitude, voice); what it wants
and hides in a given role-play is the scenario's `hidden_brief`.
"""

from __future__ import annotations

from pydantic import Field

from scenarios.model import ID_PATTERN, Localized, Strict, Text


class Voice(Strict):
    """Text-to-speech settings for one language (espeak-ng voice names, e.g. `fr`, `en-gb`)."""

    voice: str = Field(description="espeak-ng voice name, e.g. 'fr', 'en-gb', 'en-us'.")
    rate: int = Field(170, ge=80, le=300, description="Words per minute.")
    pitch: int = Field(50, ge=0, le=99)


class Attitude(Strict):
    initial: Text = Field(description="How the persona comes into the conversation.")
    evolution: Text = Field(description="How its attitude changes with what the candidate does.")


class Persona(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    role: Text
    company: Text
    personality: Text
    speaking_style: Text
    attitude: Attitude
    voice: Localized[Voice]
