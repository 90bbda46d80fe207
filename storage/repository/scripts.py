"""The jury's scripts: uploaded, published (the live version of an id is its highest published), and
the sessions played on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from scenarios.model import Scenario
from storage.notifications import notify_catalog
from storage.records import ScorecardRecord, ScriptRecord, SessionSummary
from storage.repository.base import RepositoryBase, _scorecard, _script, _summary
from storage.repository.candidate_view import _transport_prefs
from storage.tables import PublishedScriptRow, ScorecardRow, SessionRow


class ScriptsMixin(RepositoryBase):
    """Jury scripts."""

    def save_script(self, scenario: Scenario, source: str, *, uploaded_by: int | None = None) -> int:
        """Store an uploaded script (not published yet); returns its id."""
        with self._session() as s, s.begin():
            row = PublishedScriptRow(
                scenario_id=scenario.id,
                version=scenario.version,
                script=scenario.model_dump(mode="json"),
                source=source,
                uploaded_by=uploaded_by,
                published=False,
                uploaded_at=self._clock(),
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def latest_upload(self, scenario_id: str) -> ScriptRecord | None:
        """The most recent upload of this scenario id (published or not)."""
        with self._session() as s:
            row = s.scalars(
                select(PublishedScriptRow)
                .where(col(PublishedScriptRow.scenario_id) == scenario_id)
                .order_by(col(PublishedScriptRow.id).desc())
            ).first()
            return _script(row) if row is not None else None

    def publish_script(self, script_id: int, *, published_by: int | None = None) -> ScriptRecord:
        """Mark an upload as published (live when no published version of its id is higher), and by whom.
        On PostgreSQL the same transaction notifies `oralblanc_catalog` (`storage.notifications`)."""
        with self._session() as s, s.begin():
            row = self._get(s, PublishedScriptRow, script_id, "script")
            row.published = True
            row.published_at = self._clock()
            row.published_by = published_by
            s.flush()
            # every process's catalog listener hears it once this transaction commits (PostgreSQL)
            notify_catalog(s, f"published {row.scenario_id} v{row.version} (script {row.id})")
            return _script(row)

    def published_scripts(self) -> list[ScriptRecord]:
        """Every published script, by id then version (the last of an id is its live version)."""
        with self._session() as s:
            rows = s.scalars(
                select(PublishedScriptRow)
                .where(col(PublishedScriptRow.published).is_(True))
                .order_by(
                    col(PublishedScriptRow.scenario_id),
                    col(PublishedScriptRow.version),
                    col(PublishedScriptRow.id),
                )
            )
            return [_script(r) for r in rows]

    def uploaded_scripts(self) -> list[ScriptRecord]:
        """Every uploaded script, published or not, oldest first."""
        with self._session() as s:
            rows = s.scalars(select(PublishedScriptRow).order_by(col(PublishedScriptRow.id)))
            return [_script(r) for r in rows]

    def publication_stamp(self) -> tuple[int, datetime | None]:
        """How many scripts have been published, and when the last was: changes on every publication
        (by any process), so a running bot can tell its catalog is out of date cheaply."""
        with self._session() as s:
            count, last = s.execute(
                select(
                    func.count(col(PublishedScriptRow.id)), func.max(col(PublishedScriptRow.published_at))
                ).where(col(PublishedScriptRow.published).is_(True))
            ).one()
            return int(count), last

    def scenario_sessions(self, scenario_id: str) -> list[tuple[SessionSummary, ScorecardRecord | None]]:
        """Every finished session of a scenario (any version), oldest first, with its latest scorecard:
        for the jury, who read them without knowing whose they are (no user in the result)."""
        with self._session() as s:
            sessions = list(
                s.scalars(
                    select(SessionRow)
                    .where(col(SessionRow.scenario_id) == scenario_id, col(SessionRow.status) == "finished")
                    .order_by(col(SessionRow.started_at), col(SessionRow.id))
                )
            )
            cards: dict[int, ScorecardRecord] = {}
            if sessions:
                for row in s.scalars(
                    select(ScorecardRow)
                    .where(col(ScorecardRow.session_id).in_([r.id for r in sessions]))
                    .order_by(col(ScorecardRow.id))
                ):
                    cards[row.session_id] = _scorecard(row)
            return [(_summary(r), cards.get(r.id)) for r in sessions if r.id is not None]

    def trial_sessions(self, scenario_id: str) -> set[int]:
        """The finished sessions of a scenario that a jury member played to try the script (`trial` in
        the transport's state): not a candidate's, so not listed with theirs."""
        with self._session() as s:
            rows = s.execute(
                select(col(SessionRow.id), col(SessionRow.state)).where(
                    col(SessionRow.scenario_id) == scenario_id, col(SessionRow.status) == "finished"
                )
            ).all()
            return {session_id for session_id, state in rows if _transport_prefs(state).get("trial")}
