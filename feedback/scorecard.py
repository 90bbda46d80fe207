"""The `oralblanc.scorecard/1` format: what the scorer proposes and a trainer confirms or amends.

The public fields are exactly those of DESIGN.md (`criteria[].code/level/status/indicators/evidence/
advice`, `english`, `french`, `overall.score_20/review_required`). A few optional fields are added,
never renamed: the session it scores (`scenario`, `kind`, `language`), what each indicator rests on
(`against`, `note`, `advice`), how the scorecard was made (`provenance`: scorer version, judge model and
prompt version, judge problems) and the human decision (`review`: proposed → confirmed | amended).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

SCORECARD_FORMAT: Final = "oralblanc.scorecard/1"

LEVELS: dict[int, dict[str, str]] = {
    0: {"fr": "non démontré", "en": "not shown"},
    1: {"fr": "insuffisant", "en": "insufficient"},
    2: {"fr": "acquis", "en": "acquired"},
    3: {"fr": "maîtrisé", "en": "mastered"},
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Evidence(_Model):
    """The candidate's own words: the turn number (1-based over all turns) and an exact quote."""

    turn: int = Field(ge=1)
    quote: str = Field(min_length=1)


class IndicatorScore(_Model):
    """One bullet of a criterion: met, not met, or not assessable (`met` is null)."""

    code: str
    met: bool | None
    strength: int | None = Field(None, ge=0, le=3, description="The detectors' 0–3 reading of it.")
    evidence: list[Evidence] = Field(default_factory=list)
    against: list[Evidence] = Field(default_factory=list, description="Quotes that count against it.")
    note: str | None = Field(None, description="Why, in the session's language.")
    advice: str | None = Field(None, description="One concrete piece of advice when the indicator is weak.")
    moment: Evidence | None = Field(
        None, description="When it is weak: the candidate's own words at the moment a model answer fits."
    )
    model_answer: str | None = Field(
        None,
        description="When it is weak: what a strong candidate could have said then (the script's model_answers).",
    )
    model_answer_at: str | None = Field(
        None, description="Where the model answer stands: objection:<id> or stage:<id>."
    )


class Status(StrEnum):
    scored = "scored"
    insufficient_evidence = "insufficient_evidence"
    needs_review = "needs_review"


class CriterionScore(_Model):
    """A criterion of the referential with its level (0–3) or a status saying why there is none."""

    code: str
    level: int | None = Field(None, ge=0, le=3)
    status: Status = Status.scored
    indicators: list[IndicatorScore] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    advice: str = ""
    weight: float = Field(1.0, gt=0)
    detector_level: int | None = Field(None, ge=0, le=3, description="The deterministic layer's level.")
    judge_level: int | None = Field(None, ge=0, le=3, description="The LLM judge's level, when one ran.")


class EnglishScore(_Model):
    cefr: str
    b1_reached: bool
    measures: dict = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)


class FrenchScore(_Model):
    errors_per_100_words: float
    measures: dict = Field(default_factory=dict, description="Includes `register` (vous / tu) when known.")
    errors: list = Field(default_factory=list)


class Overall(_Model):
    score_20: float | None = Field(None, ge=0, le=20)
    review_required: bool = False
    reasons: list[str] = Field(default_factory=list, description="Why a review is required.")


class Provenance(_Model):
    """How the scorecard was made: enough to reproduce or audit it."""

    scorer_version: str
    judge_model: str | None = None
    judge_prompt_version: str | None = None
    judge_problems: list[str] = Field(default_factory=list, description="Judge outputs ignored, and why.")


class ReviewStatus(StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    amended = "amended"


class Review(_Model):
    """The human decision: the AI proposes, a trainer confirms or amends."""

    status: ReviewStatus = ReviewStatus.proposed
    by: str | None = None
    at: datetime | None = None
    comment: str | None = None


class Scorecard(_Model):
    """The `oralblanc.scorecard/1` document."""

    format: Literal["oralblanc.scorecard/1"] = SCORECARD_FORMAT
    scenario: str | None = None
    kind: str | None = None
    language: Literal["fr", "en"] = "fr"
    criteria: list[CriterionScore] = Field(default_factory=list)
    english: EnglishScore | None = None
    french: FrenchScore | None = None
    overall: Overall = Field(default_factory=Overall)
    provenance: Provenance | None = None
    review: Review = Field(default_factory=Review)

    def criterion(self, code: str) -> CriterionScore:
        """The criterion with this code (KeyError if it is not scored here)."""
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def all_evidence(self) -> list[Evidence]:
        """Every quote of the scorecard (criteria and indicators, for and against)."""
        out: list[Evidence] = []
        for c in self.criteria:
            out += c.evidence
            for i in c.indicators:
                out += i.evidence + i.against + ([i.moment] if i.moment is not None else [])
        return out

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def confirm(self, by: str, comment: str | None = None) -> Scorecard:
        """A trainer confirms the proposed levels."""
        review = Review(status=ReviewStatus.confirmed, by=by, at=datetime.now(UTC), comment=comment)
        return self.model_copy(update={"review": review})

    def amend(self, by: str, levels: dict[str, int], comment: str | None = None) -> Scorecard:
        """A trainer sets the level of some criteria; the score out of 20 follows from the new levels
        (a criterion still without a level counts as 0: see `score_20`)."""
        criteria = []
        for c in self.criteria:
            if c.code in levels:
                level = levels[c.code]
                if not 0 <= level <= 3:
                    raise ValueError(f"level of {c.code} must be 0..3, not {level}")
                c = c.model_copy(update={"level": level, "status": Status.scored})
            criteria.append(c)
        unknown = set(levels) - {c.code for c in self.criteria}
        if unknown:
            raise KeyError(f"not scored here: {', '.join(sorted(unknown))}")
        overall = Overall(score_20=score_20(criteria), review_required=False, reasons=[])
        review = Review(status=ReviewStatus.amended, by=by, at=datetime.now(UTC), comment=comment)
        return self.model_copy(update={"criteria": criteria, "overall": overall, "review": review})


def score_20(criteria: list[CriterionScore]) -> float | None:
    """Weighted mean of the levels of *all* the criteria, on 20; None when no criterion has a level.

    A criterion without a level (not enough evidence) counts as such: it adds its weight and no points,
    so showing one criterion of two at 3 gives 10/20, not 20/20. (A scorecard where no criterion has a
    level has no score: there is nothing to total.)"""
    total = sum(c.weight for c in criteria)
    if total <= 0 or all(c.level is None for c in criteria):
        return None
    return round(sum((c.level or 0) * c.weight for c in criteria) / total / 3 * 20, 1)


def unscored(criteria: list[CriterionScore]) -> list[CriterionScore]:
    """The criteria that count as 0 in the score out of 20 for want of evidence (none when no score)."""
    if all(c.level is None for c in criteria):
        return []
    return [c for c in criteria if c.level is None]


def decimal(value: float, lang: str) -> str:
    """A number as a reader of `lang` writes it: 6,7 in French, 6.7 in English (no trailing zeros)."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text
