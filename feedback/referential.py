"""The certification's evaluation grid, as typed data.

`feedback/referential.yaml` holds the whole grid of the referential "Manager du développement
commercial" (level 7): 4 blocks, their evaluation modalities, every criterion (CRn) and its indicators
(one per printed bullet), in verbatim French with an English translation. Ids are
`BLOC<n>.<code as printed>` (printed codes repeat across blocks) and indicator ids `<criterion id>.<k>`.

`oral` marks the criteria oralblanc scores in its role-plays and `kinds` the role-play kinds that score
them; `language` marks the indicators that assess a language (English at CEFR B1, French accuracy).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from ruamel.yaml import YAML

__all__ = [
    "FORMAT",
    "Activity",
    "Block",
    "Criterion",
    "Indicator",
    "Kind",
    "Lang",
    "Modality",
    "Referential",
    "Text",
    "criterion",
    "criterion_ids",
    "indicator",
    "indicator_ids",
    "load_referential",
    "oral_criteria",
    "parse_referential",
]

FORMAT = "oralblanc.referential/1"

Lang = Literal["fr", "en"]
Kind = Literal["negotiation", "complaint", "change", "pitch"]

_COMPETENCY = r"A\d+\.C\d+"
CRITERION_CODE = re.compile(rf"^(?P<competency>{_COMPETENCY})\.CR\d+$")
MODALITY_CODE = re.compile(r"^A\d+(?:\.[AC]\d+)*\.M\d+$")


class _Strict(BaseModel):
    """Base of the referential models: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in French (verbatim from the referential) and in English (translation)."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.fr if lang == "fr" else self.en


class Activity(_Strict):
    """An activity of a block (A1, A2, ...)."""

    code: str = Field(pattern=r"^A\d+$")
    title: Text


class Block(_Strict):
    """A block of competencies (BLOC 1 to 4)."""

    id: str = Field(pattern=r"^BLOC\d+$")
    number: int = Field(ge=1)
    title: Text
    activities: tuple[Activity, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _id_matches_number(self) -> Block:
        if self.id != f"BLOC{self.number}":
            raise ValueError(f"block id {self.id!r} does not match number {self.number}")
        return self


class Modality(_Strict):
    """An evaluation modality (e.g. BLOC2.A2.M2, the key-account role-play)."""

    id: str
    block: int = Field(ge=1)
    code: str = Field(pattern=MODALITY_CODE.pattern)
    title: Text
    oral: bool = Field(description="Whether the modality has an oral part.")
    competencies: tuple[str, ...] = Field(
        min_length=1, description="Competency codes (as printed, e.g. A1.C4) the modality assesses."
    )
    description: Text

    @model_validator(mode="after")
    def _check(self) -> Modality:
        if self.id != f"BLOC{self.block}.{self.code}":
            raise ValueError(f"modality id {self.id!r} is not BLOC{self.block}.{self.code}")
        for code in self.competencies:
            if not re.fullmatch(_COMPETENCY, code):
                raise ValueError(f"modality {self.id}: {code!r} is not a competency code")
        return self


class Indicator(_Strict):
    """One printed bullet of a criterion."""

    id: str
    fr: str = Field(min_length=1, description="Verbatim French text of the bullet.")
    en: str = Field(min_length=1)
    language: Lang | None = Field(
        default=None, description="Set when the indicator assesses a language: en (CEFR B1) or fr."
    )

    def text(self, lang: Lang) -> str:
        """The indicator's text in `lang`."""
        return self.fr if lang == "fr" else self.en


class Criterion(_Strict):
    """An evaluation criterion (CRn) with its indicators."""

    id: str
    block: int = Field(ge=1)
    code: str = Field(pattern=CRITERION_CODE.pattern)
    competency: Text
    modality: str = Field(description="Id of the evaluation modality that assesses it.")
    oral: bool = Field(description="Scored in oralblanc's role-plays.")
    kinds: tuple[Kind, ...] = Field(default=(), description="Role-play kinds that score it.")
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Criterion:
        if self.id != f"BLOC{self.block}.{self.code}":
            raise ValueError(f"criterion id {self.id!r} is not BLOC{self.block}.{self.code}")
        if self.oral != bool(self.kinds):
            raise ValueError(f"criterion {self.id}: oral criteria need kinds, and only they have kinds")
        if len(set(self.kinds)) != len(self.kinds):
            raise ValueError(f"criterion {self.id}: duplicate kinds")
        for k, ind in enumerate(self.indicators, start=1):
            if ind.id != f"{self.id}.{k}":
                raise ValueError(
                    f"criterion {self.id}: indicator #{k} has id {ind.id!r}, expected {self.id}.{k}"
                )
        return self

    @property
    def competency_code(self) -> str:
        """The printed competency code, e.g. A2.C2 for A2.C2.CR2."""
        return self.code.rsplit(".", 1)[0]

    @property
    def activity_code(self) -> str:
        """The printed activity code, e.g. A2 for A2.C2.CR2."""
        return self.code.split(".", 1)[0]


class Referential(_Strict):
    """The whole evaluation grid, with lookups by id."""

    format: Literal["oralblanc.referential/1"]
    source: str = Field(min_length=1)
    blocks: tuple[Block, ...] = Field(min_length=1)
    modalities: tuple[Modality, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    _criteria: dict[str, Criterion] = PrivateAttr(default_factory=dict)
    _indicators: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _modalities: dict[str, Modality] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_references(self) -> Referential:
        numbers = [b.number for b in self.blocks]
        if len(set(numbers)) != len(numbers):
            raise ValueError("duplicate block numbers")
        activities = {(b.number, a.code) for b in self.blocks for a in b.activities}
        modalities = {m.id: m for m in self.modalities}
        if len(modalities) != len(self.modalities):
            raise ValueError("duplicate modality ids")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate criterion ids")
        competencies = {(c.block, c.competency_code) for c in self.criteria}
        for m in self.modalities:
            if m.block not in numbers:
                raise ValueError(f"modality {m.id}: unknown block {m.block}")
            for code in m.competencies:
                if (m.block, code) not in competencies:
                    raise ValueError(f"modality {m.id}: no criterion for competency {code}")
        for c in self.criteria:
            if (c.block, c.activity_code) not in activities:
                raise ValueError(f"criterion {c.id}: unknown activity {c.activity_code} in block {c.block}")
            modality = modalities.get(c.modality)
            if modality is None:
                raise ValueError(f"criterion {c.id}: unknown modality {c.modality!r}")
            if modality.block != c.block or c.competency_code not in modality.competencies:
                raise ValueError(
                    f"criterion {c.id}: modality {modality.id} does not assess {c.competency_code}"
                )
        return self

    def model_post_init(self, __context: object) -> None:
        self._modalities = {m.id: m for m in self.modalities}
        self._criteria = {c.id: c for c in self.criteria}
        self._indicators = {i.id: i for c in self.criteria for i in c.indicators}

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (KeyError if unknown)."""
        try:
            return self._criteria[criterion_id]
        except KeyError:
            raise KeyError(f"unknown criterion {criterion_id!r}") from None

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError if unknown)."""
        try:
            return self._indicators[indicator_id]
        except KeyError:
            raise KeyError(f"unknown indicator {indicator_id!r}") from None

    def criterion_of(self, indicator_id: str) -> Criterion:
        """The criterion an indicator belongs to (KeyError if unknown)."""
        self.indicator(indicator_id)
        return self._criteria[indicator_id.rsplit(".", 1)[0]]

    def modality(self, modality_id: str) -> Modality:
        """The modality with this id (KeyError if unknown)."""
        try:
            return self._modalities[modality_id]
        except KeyError:
            raise KeyError(f"unknown modality {modality_id!r}") from None

    def modalities_for(self, criterion_id: str) -> tuple[Modality, ...]:
        """Every modality assessing the criterion's competency (BLOC3 A1.C5 has a written and an oral one)."""
        c = self.criterion(criterion_id)
        return tuple(m for m in self.modalities if m.block == c.block and c.competency_code in m.competencies)

    def oral_criteria(self, kind: str | None = None) -> tuple[Criterion, ...]:
        """The criteria scored in role-plays, optionally only those a role-play `kind` scores."""
        return tuple(c for c in self.criteria if c.oral and (kind is None or kind in c.kinds))


def parse_referential(text: str) -> Referential:
    """Validate a referential given as YAML text."""
    data = YAML(typ="safe", pure=True).load(text)
    return Referential.model_validate(data)


@cache
def load_referential() -> Referential:
    """The packaged referential (feedback/referential.yaml), parsed and validated once."""
    text = resources.files("feedback").joinpath("referential.yaml").read_text(encoding="utf-8")
    return parse_referential(text)


def criterion(criterion_id: str) -> Criterion:
    """The criterion with this id, e.g. BLOC2.A2.C2.CR2 (KeyError if unknown)."""
    return load_referential().criterion(criterion_id)


def indicator(indicator_id: str) -> Indicator:
    """The indicator with this id, e.g. BLOC2.A2.C2.CR2.3 (KeyError if unknown)."""
    return load_referential().indicator(indicator_id)


def criterion_ids() -> tuple[str, ...]:
    """Every criterion id, in printed order."""
    return tuple(c.id for c in load_referential().criteria)


def indicator_ids() -> tuple[str, ...]:
    """Every indicator id, in printed order."""
    return tuple(i.id for c in load_referential().criteria for i in c.indicators)


def oral_criteria(kind: str | None = None) -> tuple[Criterion, ...]:
    """The criteria scored in role-plays, optionally only those of one kind (negotiation, ...)."""
    return load_referential().oral_criteria(kind)
