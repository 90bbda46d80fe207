"""Scorecards: the scorer's proposals, a person's review (confirm or amend), and whether a candidate
may see theirs (an exam scorecard is released by its review)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from storage.records import ScorecardRecord, SessionSummary, UserRecord
from storage.repository.base import RepositoryBase, _as_json_dict, _scorecard, _summary, _user
from storage.repository.candidate_view import _is_exam, _withheld
from storage.tables import CohortRow, MembershipRow, ScorecardRow, SessionRow, UserRow


class ScorecardsMixin(RepositoryBase):
    """Scorecards, their review and their release."""

    def scorecard(self, scorecard_id: int) -> ScorecardRecord:
        with self._session() as s:
            return _scorecard(self._get(s, ScorecardRow, scorecard_id, "scorecard"))

    def proposed_scorecards(
        self, owner_id: int | None = None
    ) -> list[tuple[UserRecord, SessionSummary, ScorecardRecord]]:
        """Scorecards waiting for a decision, of members of the cohorts `owner_id` owns (all when None)."""
        with self._session() as s:
            cohorts = select(col(CohortRow.id))
            if owner_id is not None:
                cohorts = cohorts.where(col(CohortRow.owner_id) == owner_id)
            members = select(col(MembershipRow.user_id)).where(col(MembershipRow.cohort_id).in_(cohorts))
            rows = s.execute(
                select(UserRow, SessionRow, ScorecardRow)
                .join(SessionRow, col(SessionRow.user_id) == col(UserRow.id))
                .join(ScorecardRow, col(ScorecardRow.session_id) == col(SessionRow.id))
                .where(col(UserRow.id).in_(members), col(ScorecardRow.review_status) == "proposed")
                .order_by(col(ScorecardRow.id))
            ).all()
            return [(_user(u), _summary(se), _scorecard(c)) for u, se, c in rows]

    def save_scorecard(
        self, session_id: int, scorecard: Mapping[str, Any] | BaseModel, scorer_version: str
    ) -> int:
        """Store the scorer's proposal (status `proposed`); returns the scorecard id."""
        with self._session() as s, s.begin():
            self._get(s, SessionRow, session_id, "session")
            row = ScorecardRow(
                session_id=session_id,
                data=_as_json_dict(scorecard),
                scorer_version=scorer_version,
                review_status="proposed",
                created_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def scorecards(self, session_id: int) -> list[ScorecardRecord]:
        """Every scorecard of a session, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(ScorecardRow)
                .where(col(ScorecardRow.session_id) == session_id)
                .order_by(col(ScorecardRow.id))
            )
            return [_scorecard(r) for r in rows]

    def latest_scorecard(self, session_id: int) -> ScorecardRecord | None:
        cards = self.scorecards(session_id)
        return cards[-1] if cards else None

    def review_scorecard(
        self,
        scorecard_id: int,
        *,
        reviewer_id: int,
        status: Literal["confirmed", "amended"],
        comment: str | None = None,
        amended: Mapping[str, Any] | BaseModel | None = None,
    ) -> ScorecardRecord:
        """A person's decision: confirm the proposal, or amend it (the amended scorecard required)."""
        if status == "amended" and amended is None:
            raise ValueError("an amended review needs the amended scorecard")
        if status == "confirmed" and amended is not None:
            raise ValueError("a confirmed review keeps the proposal: no amended scorecard")
        with self._session() as s, s.begin():
            row = self._get(s, ScorecardRow, scorecard_id, "scorecard")
            row.review_status = status
            row.amended_data = _as_json_dict(amended) if amended is not None else None
            row.reviewer_id = reviewer_id
            row.reviewed_at = self._clock()
            row.comment = comment
            s.flush()
            return _scorecard(row)

    def scorecard_released(self, session_id: int) -> bool:
        """Whether the candidate may see the session's scorecard: True unless it is a mock exam (see
        `export_user`) whose latest scorecard is missing or still only proposed."""
        with self._session() as s:
            row = self._get(s, SessionRow, session_id, "session")
            if not _is_exam(row, self._assignment_mode(s, row)):
                return True
            latest = s.scalars(
                select(ScorecardRow)
                .where(col(ScorecardRow.session_id) == session_id)
                .order_by(col(ScorecardRow.id).desc())
            ).first()
            return latest is not None and not _withheld(True, latest)
