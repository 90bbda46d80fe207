"""The standardized role-play script, as a jury writes it, and what playing one records.

A script is YAML validated by these pydantic models. Every text a candidate or the persona may see
exists in French and in English (`Localized`), so every scenario is playable in both languages.
`oralblanc scenarios schema` exports the JSON Schema of `Scenario` for editors.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Final, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

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


Topics = Localized[list[str]]
"""Topic words, per language: plain words or short phrases ("volume", "saison prochaine", "L441-10"),
matched whatever their ending (volume/volumes, prévoir/prévoyez), accents and case ignored. A phrase
matches when all its words are in the sentence."""


def _check_optional_variants(value: Lines | None) -> Lines | None:
    return None if value is None else _check_variants(value)


def _check_topics(value: Topics | None) -> Topics | None:
    if value is None:
        return None
    for lang in LANGS:
        words = value.get(lang)
        if not words or not all(w.strip() for w in words):
            raise ValueError(f"needs at least one non-empty topic word in '{lang}'")
    return value


class HiddenFact(Strict):
    """A fact the persona reveals only when the candidate asks the right question."""

    id: str = Field(pattern=ID_PATTERN)
    fact: Text = Field(description="What is true (the persona's knowledge).")
    reveal: Lines = Field(description="What the persona says when the right question is asked.")
    asked_by: Patterns = Field(
        description="Regular expressions (case-insensitive) matching the right question, per language."
    )
    topics: Topics | None = Field(
        None,
        description="Topic words: a question holding one of them asks for this fact, whatever its wording "
        "(synonyms, word endings). Matched in question sentences only, with asked_by.",
    )
    from_stage: str | None = Field(None, description="The fact cannot be revealed before this stage.")
    withheld: Lines | None = Field(
        None, description="What the persona says when asked before from_stage: a reason not to answer yet."
    )

    _variants = field_validator("reveal")(_check_variants)
    _patterns = field_validator("asked_by")(_check_patterns)
    _optional = field_validator("withheld")(_check_optional_variants)
    _topics = field_validator("topics")(_check_topics)


class Unit(StrEnum):
    percent = "percent"
    eur = "eur"
    days = "days"
    units = "units"
    months = "months"


class Term(Strict):
    """A negotiated figure the persona listens for: what it asks, what it settles for, and how it answers
    an offer. `{offer}` and `{demand}` in the lines are replaced by the figures, written in the language
    spoken ("6 %" / "6%", "40 000 €" / "€40,000", "60 jours" / "60 days")."""

    id: str = Field(pattern=ID_PATTERN)
    unit: Unit = Field(description="percent, eur, days, units or months (years are read as months).")
    label: Text = Field(description="What the figure is (for the free-speaking persona and the jury).")
    about: Topics = Field(
        description="Topic words that tie a figure of the candidate's sentence to this term (remise, discount...)."
    )
    not_about: Topics | None = Field(
        None, description="Topic words of sentences that are about something else (escompte, early payment)."
    )
    persona_wants: Literal["more", "less"] = Field(
        description="Which way is better for the persona: more (a bigger discount, longer payment) or less."
    )
    demand: float = Field(ge=0, description="What the persona asks (its current demand).")
    accept: float | None = Field(
        None,
        ge=0,
        description="The least the persona settles for (heard as close: it pushes for a counterpart).",
    )
    mandate: float | None = Field(
        None,
        ge=0,
        description="The candidate's limit (briefing): an offer beyond it is remembered for the jury.",
    )
    objection: str | None = Field(None, description="The objection an offer on this term answers.")
    from_stage: str | None = Field(None, description="Offers are heard from this stage on.")
    when_met: Lines = Field(
        description="The offer reaches the demand: the persona takes it, or pushes for more."
    )
    when_close: Lines | None = Field(
        None,
        description="The offer reaches `accept` but not the demand: the persona pushes for a counterpart.",
    )
    when_below: Lines = Field(description="The offer is short of it: the persona counters with its demand.")

    _variants = field_validator("when_met", "when_below")(_check_variants)
    _optional = field_validator("when_close")(_check_optional_variants)
    _topics = field_validator("about", "not_about")(_check_topics)


class Reaction(Strict):
    """What the persona says when the candidate's turn does one of these moves (instead of a generic line)."""

    to: list[Move] = Field(
        min_length=1, description="Candidate moves this reaction answers (any one of them)."
    )
    says: Lines

    _variants = field_validator("says")(_check_variants)


class Participant(Strict):
    """Someone else in the meeting (e.g. an English-speaking colleague) whom the candidate may address."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    language: Lang = Field(description="The language the participant speaks.")
    addressed_by: Patterns = Field(description="Regular expressions matching a turn that addresses them.")
    joins_in: str = Field(description="The stage in which the script brings them in.")
    joins: Lines = Field(
        description="Said when the candidate addresses them before that stage: they join, in their language."
    )
    stage_says: Lines | None = Field(
        None, description="Said instead of the joins_in stage's `says` when they have already joined."
    )

    _variants = field_validator("joins")(_check_variants)
    _optional = field_validator("stage_says")(_check_optional_variants)
    _patterns = field_validator("addressed_by")(_check_patterns)


class HiddenBrief(Strict):
    """The persona's private brief: interests, limits and facts to discover."""

    interests: Localized[list[str]]
    limits: Limits
    facts: list[HiddenFact] = Field(default_factory=list)
    terms: list[Term] = Field(
        default_factory=list,
        description="Negotiated figures the persona listens for in the candidate's offers.",
    )


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
    topics: Topics | None = Field(
        None,
        description="What the objection is about: a turn on these topics that answers it before it is "
        "raised pre-empts it.",
    )
    answered_by: Topics | None = Field(
        None,
        description="Topic words that answer it whatever the move detectors say (L441-10, plafond légal).",
    )
    when_preempted: Lines | None = Field(
        None,
        description="Said instead of raising it when the candidate already answered it (default: when_resolved).",
    )
    when_conceded: Lines | None = Field(
        None, description="Said when the candidate simply gives in (an unconditional concession or offer)."
    )
    when_escalated: Lines | None = Field(
        None,
        description="Said when it stays unanswered after max_attempts: the persona escalates and moves on.",
    )
    reactions: list[Reaction] = Field(
        default_factory=list,
        description="Replies to specific moves while it is unanswered (e.g. to blame), instead of when_unresolved.",
    )
    model_answers: Lines | None = Field(
        None,
        description="What a strong candidate could answer (written by the jury, shown in the report beside a weak "
        "indicator). The lint checks that each is detected as one of resolved_by and as no move a good candidate avoids.",
    )

    _says = field_validator("says", "when_resolved", "when_unresolved")(_check_variants)
    _optional = field_validator("when_preempted", "when_conceded", "when_escalated", "model_answers")(
        _check_optional_variants
    )
    _topics = field_validator("topics", "answered_by")(_check_topics)


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
    reactions: list[Reaction] = Field(
        default_factory=list,
        description="Replies to specific moves (a proposal, a summary...) when nothing more specific answers the turn, "
        "instead of a follow-up.",
    )
    says_when_settled: Lines | None = Field(
        None,
        description="Said instead of `says` when the candidate settled every objection of the stage before it opens "
        "(e.g. made the offer the stage would ask for).",
    )

    model_answers: Lines | None = Field(
        None,
        description="What a strong candidate could say in this stage (written by the jury, shown in the report beside a "
        "weak indicator). The lint checks that each is detected as one of ends_when.moves_any (any move when it is "
        "empty) and as no move a good candidate avoids.",
    )

    _says = field_validator("says", "follow_ups")(_check_variants)
    _settled = field_validator("says_when_settled", "model_answers")(_check_optional_variants)


class ScoredCriterion(Strict):
    id: str = Field(description="A criterion id of feedback/referential.yaml, e.g. BLOC2.A2.C2.CR2.")
    weight: float = Field(gt=0)


class Observable(Strict):
    """A scenario-specific observable behaviour tied to an indicator of the referential."""

    id: str = Field(pattern=ID_PATTERN)
    indicator: str = Field(
        description="An indicator id of feedback/referential.yaml, e.g. BLOC2.A2.C1.CR1.1."
    )
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
    follows_language: bool = Field(
        False,
        description="The persona answers in the language the candidate speaks (until a stage switches language).",
    )
    participants: list[Participant] = Field(default_factory=list)
    hidden_brief: HiddenBrief
    stages: list[Stage] = Field(min_length=1)
    closing: Lines = Field(description="The persona's last words when the scenario ends.")
    criteria: list[ScoredCriterion] = Field(min_length=1)
    observables: list[Observable] = Field(default_factory=list)
    jury_notes: str | None = Field(
        None, description="Notes for trainers and jury; never shown to the persona."
    )

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

TRANSCRIPT_FORMAT: Final = "oralblanc.transcript/1"


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
    def _scenario_or_kind(self) -> Transcript:
        if self.scenario is None and self.kind is None:
            raise ValueError("a transcript names its scenario or its kind")
        return self

    def candidate_turns(self) -> list[tuple[int, Turn]]:
        """(turn number, turn) for the candidate's turns; turn numbers start at 1 over all turns."""
        return [(i, t) for i, t in enumerate(self.turns, start=1) if t.speaker == "candidate"]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)
