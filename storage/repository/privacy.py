"""A person's data: exported (what they said and what was decided about them), erased (nothing left
that names them), and raw audio purged past its retention period."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session
from sqlmodel import col

from storage.records import ErasureReport
from storage.repository.base import RepositoryBase, _row_json, logger
from storage.repository.candidate_view import (
    TRANSPORT_STATE_KEY,
    WITHHELD_NOTE,
    _is_exam,
    _transport_prefs,
    _withheld,
)
from storage.tables import (
    AssignmentRow,
    AudioBlobRow,
    CohortRow,
    MembershipRow,
    PublishedScriptRow,
    ScorecardRow,
    SessionRow,
    TurnRow,
    UpdateInboxRow,
    UserRow,
    VoiceInboxRow,
    WebLinkRow,
)

EXPORT_FORMAT = "oralblanc.user-export/2"  # /2: no frozen script; an unreleased exam scorecard withheld


class PrivacyMixin(RepositoryBase):
    """Export, erasure and the purge of raw audio."""

    def export_user(self, user_id: int, *, include_audio: bool = True) -> dict[str, Any]:
        """Everything stored about a user, as JSON-able data (raw audio base64-encoded), in the
        `oralblanc.user-export/2` format.

        A person's data is what they said and what was decided about them, not the exam's answer
        key: each session names its script by `scenario_id` and `scenario_version` only (the frozen
        script, with its hidden facts, limits, objections and the scorer's patterns, is not
        exported), its `state` keeps only the transport's settings (chat, voice replies, exam mode
        and deadline), and its turns are what was said on both sides. A mock-exam scorecard that no
        trainer has confirmed or amended yet is withheld: the export says one exists
        (`"withheld": true`, with `id`, `created_at`, `review_status` and a `note`), without levels,
        evidence or advice, until it is released. Every other scorecard is exported whole
        (`"withheld": false`). A trainer's export lists the reviews they wrote.

        Voice notes held in `voice_inbox` are not exported: they are transient (seconds, until
        transcribed into a turn, which is exported) and erased with the user.
        """
        with self._session() as s:
            user = self._get(s, UserRow, user_id, "user")
            memberships = [
                {**_row_json(m, exclude={"id", "user_id"}), "cohort_name": c.name}
                for m, c in s.execute(
                    select(MembershipRow, CohortRow)
                    .join(CohortRow, col(CohortRow.id) == col(MembershipRow.cohort_id))
                    .where(col(MembershipRow.user_id) == user_id)
                    .order_by(col(MembershipRow.id))
                ).all()
            ]
            assignments = [
                _row_json(a)
                for a in s.scalars(select(AssignmentRow).where(col(AssignmentRow.user_id) == user_id))
            ]
            sessions = [
                self._export_session(s, row, include_audio)
                for row in s.scalars(
                    select(SessionRow).where(col(SessionRow.user_id) == user_id).order_by(col(SessionRow.id))
                )
            ]
            owned = [
                _row_json(c) for c in s.scalars(select(CohortRow).where(col(CohortRow.owner_id) == user_id))
            ]
            created = [
                _row_json(a)
                for a in s.scalars(select(AssignmentRow).where(col(AssignmentRow.created_by) == user_id))
            ]
            reviews = [
                {
                    "scorecard_id": r.id,
                    "review_status": r.review_status,
                    "reviewed_at": r.reviewed_at.isoformat() if r.reviewed_at else None,
                    "comment": r.comment,
                }
                for r in s.scalars(select(ScorecardRow).where(col(ScorecardRow.reviewer_id) == user_id))
            ]
            scripts = [
                _row_json(p, exclude={"script", "source"})
                for p in s.scalars(
                    select(PublishedScriptRow)
                    .where(
                        (col(PublishedScriptRow.uploaded_by) == user_id)
                        | (col(PublishedScriptRow.published_by) == user_id)
                    )
                    .order_by(col(PublishedScriptRow.id))
                )
            ]
            return {
                "format": EXPORT_FORMAT,
                "exported_at": self._clock().isoformat(),
                "user": _row_json(user),
                "memberships": memberships,
                "assignments": assignments,
                "sessions": sessions,
                "cohorts_owned": owned,
                "assignments_created": created,
                "reviews_written": reviews,
                "scripts_uploaded": scripts,  # or published
            }

    def _export_session(self, s: Session, row: SessionRow, include_audio: bool) -> dict[str, Any]:
        turns = []
        for turn in s.scalars(
            select(TurnRow).where(col(TurnRow.session_id) == row.id).order_by(col(TurnRow.number))
        ):
            data = _row_json(turn, exclude={"session_id"})
            blob = s.scalars(select(AudioBlobRow).where(col(AudioBlobRow.turn_id) == turn.id)).first()
            data["raw_audio"] = None
            if blob is not None:
                data["raw_audio"] = {
                    "mime_type": blob.mime_type,
                    "size": len(blob.data),
                    "created_at": blob.created_at.isoformat(),
                    "base64": base64.b64encode(blob.data).decode("ascii") if include_audio else None,
                }
            turns.append(data)
        exam = _is_exam(row, self._assignment_mode(s, row))
        scorecards = []
        for card in s.scalars(
            select(ScorecardRow).where(col(ScorecardRow.session_id) == row.id).order_by(col(ScorecardRow.id))
        ):
            if _withheld(exam, card):
                scorecards.append(
                    {
                        "id": card.id,
                        "created_at": card.created_at.isoformat(),
                        "review_status": card.review_status,
                        "withheld": True,
                        "note": WITHHELD_NOTE,
                    }
                )
            else:
                scorecards.append({**_row_json(card, exclude={"session_id"}), "withheld": False})
        # the script by id and version only; the director's state is derived from the turns (and would
        # hint at the hidden brief: verdicts against the persona's demand), so it is not exported either
        session = _row_json(
            row, exclude={"user_id", "script", "script_digest", "state", "director_state", "director_turn"}
        )
        prefs = _transport_prefs(row.state)
        session["state"] = {TRANSPORT_STATE_KEY: prefs} if prefs else {}
        return {**session, "turns": turns, "scorecards": scorecards}

    def erase_user(self, user_id: int) -> ErasureReport:
        """Delete a user and everything that names them, in one transaction.

        Deleted: their sessions, turns, raw audio (of turns, and voice notes still held in
        `voice_inbox`), scorecards, memberships, the assignments made to them, and the user row. Detached (kept for the other people they concern, with the link to
        this user set to NULL): cohorts they own, assignments they created, reviews they wrote
        (a review's comment stays with the other candidate's scorecard it is about).
        On SQLite the freed pages are zeroed and the WAL truncated; on PostgreSQL the deleted rows
        are invisible at once and their space is reclaimed by (auto)vacuum.
        """
        report = ErasureReport(user_id=user_id)
        with self._session() as s, s.begin():
            self._get(s, UserRow, user_id, "user")
            sessions = select(col(SessionRow.id)).where(col(SessionRow.user_id) == user_id)
            turns = select(col(TurnRow.id)).where(col(TurnRow.session_id).in_(sessions))
            own_assignments = select(col(AssignmentRow.id)).where(col(AssignmentRow.user_id) == user_id)

            def run(kind: dict[str, int], name: str, statement: Any) -> None:
                result = s.execute(statement.execution_options(synchronize_session=False))
                kind[name] = int(result.rowcount)  # type: ignore[attr-defined]  # a CursorResult, typed Result

            d, u = report.deleted, report.detached
            run(d, "audio_blobs", delete(AudioBlobRow).where(col(AudioBlobRow.turn_id).in_(turns)))
            run(d, "turns", delete(TurnRow).where(col(TurnRow.session_id).in_(sessions)))
            run(d, "scorecards", delete(ScorecardRow).where(col(ScorecardRow.session_id).in_(sessions)))
            run(d, "voice_inbox", delete(VoiceInboxRow).where(col(VoiceInboxRow.session_id).in_(sessions)))
            telegram_id = s.get(UserRow, user_id).telegram_id  # type: ignore[union-attr]
            if telegram_id is not None:  # updates held from their private chat (its id is theirs)
                run(
                    d,
                    "update_inbox",
                    delete(UpdateInboxRow).where(col(UpdateInboxRow.chat_id) == telegram_id),
                )
            run(d, "sessions", delete(SessionRow).where(col(SessionRow.user_id) == user_id))
            run(
                u,
                "sessions.assignment_id",
                update(SessionRow)
                .where(col(SessionRow.assignment_id).in_(own_assignments))
                .values(assignment_id=None),
            )
            run(d, "assignments", delete(AssignmentRow).where(col(AssignmentRow.user_id) == user_id))
            run(d, "memberships", delete(MembershipRow).where(col(MembershipRow.user_id) == user_id))
            run(d, "web_links", delete(WebLinkRow).where(col(WebLinkRow.user_id) == user_id))
            run(
                u,
                "cohorts.owner_id",
                update(CohortRow).where(col(CohortRow.owner_id) == user_id).values(owner_id=None),
            )
            run(
                u,
                "assignments.created_by",
                update(AssignmentRow).where(col(AssignmentRow.created_by) == user_id).values(created_by=None),
            )
            run(
                u,
                "published_scripts.uploaded_by",
                update(PublishedScriptRow)
                .where(col(PublishedScriptRow.uploaded_by) == user_id)
                .values(uploaded_by=None),
            )
            run(
                u,
                "published_scripts.published_by",
                update(PublishedScriptRow)
                .where(col(PublishedScriptRow.published_by) == user_id)
                .values(published_by=None),
            )
            run(
                u,
                "scorecards.reviewer_id",
                update(ScorecardRow).where(col(ScorecardRow.reviewer_id) == user_id).values(reviewer_id=None),
            )
            run(d, "users", delete(UserRow).where(col(UserRow.id) == user_id))
        self._scrub_sqlite()
        logger.info("user %s erased: %s", user_id, report.deleted)
        return report

    def purge_audio(self, older_than: timedelta) -> int:
        """Delete raw audio stored more than `older_than` ago: of turns (`audio_blobs`) and voice notes
        still held (`voice_inbox`, never transcribed); returns how many were deleted in all.

        Turns keep what was derived from the audio (duration, word timings, confidence).
        """
        cutoff = self._clock() - older_than
        with self._session() as s, s.begin():
            result = s.execute(delete(AudioBlobRow).where(col(AudioBlobRow.created_at) < cutoff))
            blobs = int(result.rowcount)  # type: ignore[attr-defined]
            result = s.execute(delete(VoiceInboxRow).where(col(VoiceInboxRow.received_at) < cutoff))
            held = int(result.rowcount)  # type: ignore[attr-defined]
        if blobs or held:
            self._scrub_sqlite()
        logger.info("purged %s raw audio and %s held voice notes older than %s", blobs, held, older_than)
        return blobs + held

    def _scrub_sqlite(self) -> None:
        """SQLite: deleted pages are zeroed (`secure_delete`); also fold and truncate the WAL."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as connection:
            busy, _, _ = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            if busy:
                logger.warning(
                    "WAL checkpoint incomplete (a reader is active): old pages remain until the next one"
                )
