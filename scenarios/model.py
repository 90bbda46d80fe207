"""The standardized role-play script, as a jury writes it, and what playing one records.

A script is YAML validated by these pydantic models. Every text a candidate or the persona may see
exists in French and in English (`Localized`), so every scenario is playable in both languages.
`oralblanc scenarios schema` exports the JSON Schema of `Scenario` for editors.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from scenarios.moves import Move

T = TypeVar("T")

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Strict(BaseModel):
    """Base of every script model: unknown fields are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict, Generic[T]):
    """The same content in French and in English."""

    fr: T
    en: T

    def get(self, lang: Lang) -> T:
        return self.fr if lang == "fr" else self.en


class Kind(StrEnum):
    negotiation = "negotiation"
    complaint = "complaint"
    change = "change"
    pitch = "pitch"


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]

Text = Localized[str]
Lines = Localized[list[str]]
Patterns = Localized[list[Regex]]


def _check_variants(value: Lines) -> Lines:
    for lang in LANGS:
        variants = value.get(lang)
        if not variants or not all(v.strip() for v in variants):
            raise ValueError(f"needs at least one non-empty line in '{lang}'")
    return value


def _check_patterns(value: Patterns) -> Patterns:
    for lang in LANGS:
        if not value.get(lang):
            raise ValueError(f"needs at least one pattern in '{lang}'")
    return value


class Limits(Strict):
    """What the persona will not go beyond. Never shown to the candidate."""

    reservation_price: Text | None = Field(None, description="The worst deal the persona still accepts.")
    walk_away: Text = Field(description="When the persona leaves the table.")
    never_accept: Localized[list[str]] = Field(description="Terms the persona refuses whatever happens.")


class HiddenFact(Strict):
    """A fact the persona reveals only when the candidate asks the right question."""

    id: str = Field(pattern=ID_PATTERN)
    fact: Text = Field(description="What is true (the persona's knowledge).")
    reveal: Lines = Field(description="What the persona says when the right question is asked.")
    asked_by: Patterns = Field(
        description="Regular expressions (case-insensitive) matching the right question, per language."
    )
    from_stage: str | None = Field(None, description="The fact cannot be revealed before this stage.")

    _variants = field_validator("reveal")(_check_variants)
    _patterns = field_validator("asked_by")(_check_patterns)


class HiddenBrief(Strict):
    """The persona's private brief: interests, limits and facts to discover."""

    interests: Localized[list[str]]
    limits: Limits
    facts: list[HiddenFact] = Field(default_factory=list)


class Objection(Strict):
    """An objection the persona raises in a stage, and what answers it."""

    id: str = Field(pattern=ID_PATTERN)
    says: Lines = Field(description="The persona's objection (variants).")
    resolved_by: list[Move] = Field(
        default_factory=list, description="Candidate moves that answer it (any one of them)."
    )
    when_resolved: Lines = Field(description="The persona's reply when the objection is answered.")
    when_unresolved: Lines = Field(description="The persona's reply when it is not (yet) answered.")
    after_turns: int = Field(
        1, ge=0, description="Candidate turns spent in the stage before the persona raises it."
    )
    max_attempts: int = Field(2, ge=1, le=10, description="Candidate turns before the persona moves on.")
    direction: Text | None = Field(
        None, description="Stage direction for a free-speaking persona (never shown to the candidate)."
    )

    _says = field_validator("says", "when_resolved", "when_unresolved")(_check_variants)


class StageEnd(Strict):
    """What ends a stage: enough candidate turns, or the candidate moves seen."""

    min_turns: int = Field(1, ge=0, description="Candidate turns before the stage may end on moves.")
    max_turns: int | None = Field(None, ge=1, description="The stage ends after this many candidate turns.")
    moves_any: list[Move] = Field(
        default_factory=list, description="The stage ends once any of these moves is seen in it."
    )


class Stage(Strict):
    id: str = Field(pattern=ID_PATTERN)
    says: Lines = Field(description="What the persona says on entering the stage (variants).")
    follow_ups: Lines = Field(description="What the persona says when it has nothing specific to say.")
    direction: Text | None = Field(None, description="Stage direction for a free-speaking persona.")
    ends_when: StageEnd
    objections: list[Objection] = Field(default_factory=list)
    switch_language: Lang | None = Field(
        None, description="The persona speaks this language from this stage on (the exam's switch)."
    )

    _says = field_validator("says", "follow_ups")(_check_variants)


class ScoredCriterion(Strict):
    id: str = Field(description="A criterion id of feedback/referential.yaml, e.g. BLOC2.A2.C2.CR2.")
    weight: float = Field(gt=0)


class Observable(Strict):
    """A scenario-specific observable behaviour tied to an indicator of the referential."""

    id: str = Field(pattern=ID_PATTERN)
    indicator: str = Field(description="An indicator id of feedback/referential.yaml, e.g. BLOC2.A2.C1.CR1.1.")
    label: Text
    patterns: Patterns

    _patterns = field_validator("patterns")(_check_patterns)


class Scenario(Strict):
    """A standardized role-play script: every candidate faces the same situation."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    kind: Kind
    title: Text
    briefing: Text = Field(description="What the candidate reads before starting.")
    duration_min: int = Field(ge=1, le=120, description="Expected duration in minutes.")
    max_turns: int = Field(ge=2, le=200, description="Candidate turns before the persona closes.")
    difficulty: Difficulty
    exam: bool = Field(
        False,
        description="Always played in exam mode: no hints, duration_min enforced, the report released to the "
        "candidate once a trainer has confirmed it.",
    )
    attempts: int | None = Field(
        None, ge=1, le=20, description="With exam: how many sessions a candidate may start (all versions)."
    )
    persona: str = Field(description="A persona id of personas/library.")
    french_register: Literal["vous", "tu"] | None = Field(
        None,
        description="How the candidate should address the persona in French: vous (clients, the Direction) or tu "
        "(a team that says tu). Unset: vous for negotiation, complaint and pitch; not judged for change.",
    )
    hidden_brief: HiddenBrief
    stages: list[Stage] = Field(min_length=1)
    closing: Lines = Field(description="The persona's last words when the scenario ends.")
    criteria: list[ScoredCriterion] = Field(min_length=1)
    observables: list[Observable] = Field(default_factory=list)
    jury_notes: str | None = Field(None, description="Notes for trainers and jury; never shown to the persona.")

    _closing = field_validator("closing")(_check_variants)

    @field_validator("attempts")
    @classmethod
    def _attempts_need_exam(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and not info.data.get("exam", False):
            raise ValueError("attempts is only for exam scripts: add `exam: true` or remove `attempts`")
        return value

    @property
    def languages(self) -> list[Lang]:
        return list(LANGS)

    def stage_index(self, stage_id: str) -> int:
        for index, stage in enumerate(self.stages):
            if stage.id == stage_id:
                return index
        raise KeyError(stage_id)


# --- what playing a scenario records -------------------------------------------------------------

TRANSCRIPT_FORMAT = "oralblanc.transcript/1"


class Word(BaseModel):
    w: str
    start: float
    end: float


class Audio(BaseModel):
    duration_s: float
    words: list[Word] = Field(default_factory=list)


class Turn(BaseModel):
    speaker: Literal["persona", "candidate"]
    text: str
    lang: Lang | None = None
    audio: Audio | None = None


class Transcript(BaseModel):
    """The `oralblanc.transcript/1` format: the public record of one rehearsal."""

    format: Literal["oralblanc.transcript/1"] = TRANSCRIPT_FORMAT
    scenario: str | None = None
    kind: Kind | None = None
    language: Lang
    turns: list[Turn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _scenario_or_kind(self) -> "Transcript":
        if self.scenario is None and self.kind is None:
            raise ValueError("a transcript names its scenario or its kind")
        return self

    def candidate_turns(self) -> list[tuple[int, Turn]]:
        """(turn number, turn) for the candidate's turns; turn numbers start at 1 over all turns."""
        return [(i, t) for i, t in enumerate(self.turns, start=1) if t.speaker == "candidate"]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)
