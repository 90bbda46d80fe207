"""Cohorts, their members and the assignments made to them or to one user; a cohort's results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from storage.records import (
    AssignmentMode,
    AssignmentRecord,
    CohortRecord,
    ScorecardRecord,
    SessionSummary,
    UserRecord,
)
from storage.repository.base import RepositoryBase, _assignment, _cohort, _scorecard, _summary, _user
from storage.tables import AssignmentRow, CohortRow, MembershipRow, ScorecardRow, SessionRow, UserRow


class CohortsMixin(RepositoryBase):
    """Cohorts, memberships, assignments and results."""

    def create_cohort(self, name: str, *, owner_id: int | None = None, invite_code: str | None = None) -> int:
        with self._session() as s, s.begin():
            row = CohortRow(name=name, owner_id=owner_id, invite_code=invite_code, created_at=self._clock())
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def cohort_by_invite(self, invite_code: str) -> CohortRecord | None:
        with self._session() as s:
            row = s.scalars(select(CohortRow).where(col(CohortRow.invite_code) == invite_code)).first()
            return _cohort(row) if row else None

    def add_member(self, cohort_id: int, user_id: int) -> bool:
        """Put a user in a cohort; False if they already were."""
        with self._session() as s, s.begin():
            values = dict(cohort_id=cohort_id, user_id=user_id, joined_at=self._clock())
            return self._insert_ignore(s, MembershipRow, values)

    def members(self, cohort_id: int) -> list[UserRecord]:
        with self._session() as s:
            rows = s.scalars(
                select(UserRow)
                .join(MembershipRow, col(MembershipRow.user_id) == col(UserRow.id))
                .where(col(MembershipRow.cohort_id) == cohort_id)
                .order_by(col(UserRow.id))
            )
            return [_user(r) for r in rows]

    def assign(
        self,
        scenario_id: str,
        *,
        scenario_version: int | None = None,
        cohort_id: int | None = None,
        user_id: int | None = None,
        due_at: datetime | None = None,
        mode: AssignmentMode = "practice",
        created_by: int | None = None,
        attempts: int | None = None,
    ) -> int:
        """Assign a scenario to a cohort or to one user (exactly one of them); `attempts`: how many
        sessions each candidate may start for it (None: unlimited)."""
        if (cohort_id is None) == (user_id is None):
            raise ValueError("assign to a cohort or to a user (exactly one)")
        with self._session() as s, s.begin():
            row = AssignmentRow(
                scenario_id=scenario_id,
                scenario_version=scenario_version,
                cohort_id=cohort_id,
                user_id=user_id,
                due_at=due_at,
                mode=mode,
                created_by=created_by,
                attempts=attempts,
                created_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def cohort(self, cohort_id: int) -> CohortRecord:
        with self._session() as s:
            return _cohort(self._get(s, CohortRow, cohort_id, "cohort"))

    def cohorts_owned(self, owner_id: int | None = None) -> list[CohortRecord]:
        """The cohorts a trainer owns (every cohort when `owner_id` is None), oldest first."""
        with self._session() as s:
            query = select(CohortRow).order_by(col(CohortRow.id))
            if owner_id is not None:
                query = query.where(col(CohortRow.owner_id) == owner_id)
            return [_cohort(r) for r in s.scalars(query)]

    def cohorts_of_member(self, user_id: int) -> list[CohortRecord]:
        """The cohorts a user belongs to."""
        with self._session() as s:
            rows = s.scalars(
                select(CohortRow)
                .join(MembershipRow, col(MembershipRow.cohort_id) == col(CohortRow.id))
                .where(col(MembershipRow.user_id) == user_id)
                .order_by(col(CohortRow.id))
            )
            return [_cohort(r) for r in rows]

    def cohort_scorecards(self, cohort_id: int) -> list[tuple[UserRecord, SessionSummary, ScorecardRecord]]:
        """Every member's finished sessions with their latest scorecard, by member then session."""
        with self._session() as s:
            members = select(col(MembershipRow.user_id)).where(col(MembershipRow.cohort_id) == cohort_id)
            rows = s.execute(
                select(UserRow, SessionRow, ScorecardRow)
                .join(SessionRow, col(SessionRow.user_id) == col(UserRow.id))
                .join(ScorecardRow, col(ScorecardRow.session_id) == col(SessionRow.id))
                .where(col(UserRow.id).in_(members), col(SessionRow.status) == "finished")
                .order_by(
                    col(UserRow.id), col(SessionRow.started_at), col(SessionRow.id), col(ScorecardRow.id)
                )
            ).all()
            latest: dict[int, tuple[UserRecord, SessionSummary, ScorecardRecord]] = {}
            for user, session, card in rows:
                assert session.id is not None
                latest[session.id] = (_user(user), _summary(session), _scorecard(card))
            return list(latest.values())

    def assignments_for_user(self, user_id: int) -> list[AssignmentRecord]:
        """What a user has to play: assigned to them or to one of their cohorts."""
        with self._session() as s:
            cohorts = select(col(MembershipRow.cohort_id)).where(col(MembershipRow.user_id) == user_id)
            rows = s.scalars(
                select(AssignmentRow)
                .where((col(AssignmentRow.user_id) == user_id) | col(AssignmentRow.cohort_id).in_(cohorts))
                .order_by(col(AssignmentRow.id))
            )
            return [_assignment(r) for r in rows]

    def attempts_used(self, user_id: int, assignment_id: int) -> int:
        """How many sessions (any status) the user has started for this assignment."""
        with self._session() as s:
            rows = s.scalars(
                select(col(SessionRow.id)).where(
                    col(SessionRow.user_id) == user_id, col(SessionRow.assignment_id) == assignment_id
                )
            )
            return len(list(rows))

    def joined_at(self, cohort_id: int, user_id: int) -> datetime | None:
        """When the user joined the cohort; None if they are not a member."""
        with self._session() as s:
            return s.scalars(
                select(col(MembershipRow.joined_at)).where(
                    col(MembershipRow.cohort_id) == cohort_id, col(MembershipRow.user_id) == user_id
                )
            ).first()

    def cohort_assignments(self, cohort_id: int) -> list[AssignmentRecord]:
        """The assignments made to a cohort, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(AssignmentRow)
                .where(col(AssignmentRow.cohort_id) == cohort_id)
                .order_by(col(AssignmentRow.id))
            )
            return [_assignment(r) for r in rows]
