"""Review: the AI proposes a scorecard, a trainer decides. The proposed scorecards of the trainer's
members (`proposed`), confirm one (`confirm`) or change one criterion's level with a comment (`amend`);
the candidate is told through the outbox (the decision, then their scorecard as it now stands).

A trainer decides only on scorecards of members of their own cohorts (an admin: of any cohort's
member); any other is answered like one that does not exist (`unknown_scorecard`). A criterion is
named as the review list shows it ("B2 CR2"), without the space ("B2CR2"), by its tail ("CR2") or in
full ("BLOC2.A2.C2.CR2"); a second amendment starts from the first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.core import cohorts
from bot.core.outbox import Outbox, ScoreAmended, ScoreConfirmed
from bot.core.principal import Principal, Refused
from bot.results import match_criterion
from feedback.charts import short_code
from feedback.scorecard import Scorecard
from scenarios.model import Localized
from storage.records import NotFound, ScorecardRecord, SessionRecord, SessionSummary, UserRecord
from storage.repository import AsyncRepository

log = logging.getLogger(__name__)

EXCERPT_CHARS = 200
LEVELS = ("0", "1", "2", "3")
MAX_COMMENT = 1000


def _title(catalog: Catalog, scenario_id: str) -> Localized[str] | None:
    scenario = catalog.scenarios.get(scenario_id)
    return scenario.title if scenario is not None else None


@dataclass(frozen=True)
class Proposal:
    """A scorecard waiting for a decision, with what a trainer needs to decide."""

    record: ScorecardRecord
    session: SessionSummary
    candidate: UserRecord
    card: Scorecard  # the scorecard that counts now
    title: Localized[str] | None
    excerpt: str  # the first quote it rests on, else the candidate's first line ("" when not asked for)

    def title_in(self, lang: str) -> str:
        return (
            self.title.get("fr" if lang == "fr" else "en")
            if self.title is not None
            else self.session.scenario_id
        )


async def _excerpt(
    repo: AsyncRepository, session_id: int, card: Scorecard, limit: int = EXCERPT_CHARS
) -> str:
    quotes = [e.quote for e in card.all_evidence() if e.quote]
    if not quotes:
        record = await repo.session(session_id)
        quotes = [turn.text for turn in record.turns if turn.speaker == "candidate"] or ["—"]
    text = quotes[0].replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def proposed(
    repo: AsyncRepository, me: Principal, catalog: Catalog, *, limit: int | None = None, excerpts: bool = True
) -> list[Proposal]:
    """The proposed scorecards of the principal's members (every one for an admin), oldest first."""
    me.require("trainer")
    waiting = await repo.proposed_scorecards(None if me.is_admin else me.user_id)
    out = []
    for candidate, session, record in waiting[:limit] if limit is not None else waiting:
        card = Scorecard.model_validate(record.effective)
        excerpt = await _excerpt(repo, session.id, card) if excerpts else ""
        out.append(Proposal(record, session, candidate, card, _title(catalog, session.scenario_id), excerpt))
    return out


@dataclass(frozen=True)
class Reviewable:
    record: ScorecardRecord
    session: SessionRecord
    candidate: UserRecord

    @property
    def proposal(self) -> Scorecard:
        """The scorecard as the AI proposed it."""
        return Scorecard.model_validate(self.record.data)


async def reviewable(repo: AsyncRepository, me: Principal, ref: str) -> Reviewable:
    """A scorecard the principal may decide on (its candidate is one of their members);
    `unknown_scorecard` for any other."""
    me.require("trainer")
    if not ref.isdigit():
        raise Refused("unknown_scorecard", ref=ref)
    try:
        record = await repo.scorecard(int(ref))
        session = await repo.session(record.session_id)
        candidate = await repo.user(session.user_id)
    except NotFound:
        raise Refused("unknown_scorecard", ref=ref) from None
    if not await cohorts.trains(repo, me, candidate.id):
        raise Refused("unknown_scorecard", ref=ref)
    return Reviewable(record, session, candidate)


def criterion_codes(card: Scorecard) -> dict[str, str]:
    """The criteria as the review list shows them ("B2 CR1, B2 CR2") and one full code, for messages."""
    return {
        "codes": ", ".join(short_code(c.code) for c in card.criteria),
        "full": card.criteria[0].code if card.criteria else "BLOC2.A2.C2.CR2",
    }


def _criterion(card: Scorecard, terms: Sequence[str]) -> tuple[str | None, int]:
    """The criterion the terms start with, and how many they take: two for the form the list shows
    ("B2 CR2"), else one ("B2CR2", "CR2", "C2.CR2", "BLOC2.A2.C2.CR2"); (None, 1) when none is named."""
    if len(terms) >= 2 and not terms[1].isdigit():
        code = match_criterion(card, f"{terms[0]} {terms[1]}")
        if code is not None:
            return code, 2
    return (match_criterion(card, terms[0]) if terms else None), 1


def _reviewer(me: Principal) -> int:
    """Who is recorded as deciding: a decision always names a person."""
    if me.user_id is None:
        raise Refused("no_reviewer")
    return me.user_id


@dataclass(frozen=True)
class Decided:
    record: ScorecardRecord
    candidate: UserRecord
    card: Scorecard  # as it now stands
    code: str | None = None  # amended: the criterion, its old and new level, the comment
    old: int | None = None
    level: int | None = None
    comment: str | None = None


async def confirm(
    repo: AsyncRepository,
    me: Principal,
    catalog: Catalog,
    ref: str,
    outbox: Outbox,
    *,
    comment: str | None = None,
) -> Decided:
    """Confirm a proposed scorecard; its candidate is told (the decision, then the scorecard)."""
    found = await reviewable(repo, me, ref)
    record = await repo.review_scorecard(
        found.record.id, reviewer_id=_reviewer(me), status="confirmed", comment=comment
    )
    log.info("scorecard %s confirmed by user %s", record.id, me.user_id)
    card = found.proposal
    await outbox.notify(
        found.candidate,
        ScoreConfirmed(
            record.id, found.session.scenario_id, _title(catalog, found.session.scenario_id), card
        ),
    )
    return Decided(record, found.candidate, card)


async def amend(
    repo: AsyncRepository, me: Principal, catalog: Catalog, ref: str, terms: Sequence[str], outbox: Outbox
) -> Decided:
    """Set one criterion's level (0-3) with a comment: `terms` are the criterion (one or two words),
    the level, then the comment's words. Refused: `unknown_scorecard`, `unknown_criterion` (with the
    criteria scored), `bad_level`, `amend_comment_required`. The candidate is told."""
    found = await reviewable(repo, me, ref)
    card = Scorecard.model_validate(found.record.effective)  # a second amendment keeps the first
    code, used = _criterion(card, terms)
    if code is None:
        raise Refused(
            "unknown_criterion",
            code=terms[0] if terms else "",
            criteria=[c.code for c in card.criteria],
            **criterion_codes(card),
        )
    rest = list(terms[used:])
    if not rest or rest[0] not in LEVELS:
        raise Refused("bad_level")
    level, comment = int(rest[0]), " ".join(rest[1:]).strip()[:MAX_COMMENT]
    if not comment:
        raise Refused("amend_comment_required", id=found.record.id, code=code, level=level)
    old = card.criterion(code).level
    amended = card.amend(me.display_name, {code: level}, comment)
    record = await repo.review_scorecard(
        found.record.id, reviewer_id=_reviewer(me), status="amended", comment=comment, amended=amended
    )
    log.info("scorecard %s amended by user %s", record.id, me.user_id)
    scenario_id = found.session.scenario_id
    await outbox.notify(
        found.candidate,
        ScoreAmended(
            record.id, scenario_id, _title(catalog, scenario_id), code, old, level, comment, amended
        ),
    )
    return Decided(record, found.candidate, amended, code, old, level, comment)
