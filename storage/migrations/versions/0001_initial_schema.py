"""Initial schema: users, cohorts, assignments, sessions, turns, audio, scorecards, updates.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, JSON text elsewhere (as storage.tables.JSONType).
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(
        op.f("ix_processed_updates_processed_at"), "processed_updates", ["processed_at"], unique=False
    )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("language IN ('fr', 'en')", name=op.f("ck_users_language")),
        sa.CheckConstraint("role IN ('candidate', 'trainer', 'jury', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_users_telegram_id")),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("invite_code", sa.String(length=64), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_cohorts_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_cohorts_invite_code")),
    )
    op.create_index(op.f("ix_cohorts_owner_id"), "cohorts", ["owner_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=100), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=True),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('exam', 'practice')", name=op.f("ck_assignments_mode")),
        sa.CheckConstraint(
            "(cohort_id IS NULL) <> (user_id IS NULL)", name=op.f("ck_assignments_cohort_or_user")
        ),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name=op.f("fk_assignments_cohort_id_cohorts")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_assignments_created_by_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_assignments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_cohort_id"), "assignments", ["cohort_id"], unique=False)
    op.create_index(op.f("ix_assignments_created_by"), "assignments", ["created_by"], unique=False)
    op.create_index(op.f("ix_assignments_user_id"), "assignments", ["user_id"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name=op.f("fk_memberships_cohort_id_cohorts")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("cohort_id", "user_id", name=op.f("uq_memberships_cohort_id_user_id")),
    )
    op.create_index(op.f("ix_memberships_cohort_id"), "memberships", ["cohort_id"], unique=False)
    op.create_index(op.f("ix_memberships_user_id"), "memberships", ["user_id"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("scenario_id", sa.String(length=100), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("script", JSON, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("turn_count", sa.Integer(), nullable=False),
        sa.Column("state", JSON, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("language IN ('fr', 'en')", name=op.f("ck_sessions_language")),
        sa.CheckConstraint("mode IN ('text', 'voice')", name=op.f("ck_sessions_mode")),
        sa.CheckConstraint("status IN ('active', 'finished', 'abandoned')", name=op.f("ck_sessions_status")),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_sessions_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_assignment_id"), "sessions", ["assignment_id"], unique=False)
    op.create_index(op.f("ix_sessions_scenario_id"), "sessions", ["scenario_id"], unique=False)
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)

    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("scorer_version", sa.String(length=64), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("amended_data", JSON, nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "review_status IN ('proposed', 'confirmed', 'amended')", name=op.f("ck_scorecards_review_status")
        ),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_scorecards_reviewer_id_users")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_scorecards_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecards")),
    )
    op.create_index(op.f("ix_scorecards_reviewer_id"), "scorecards", ["reviewer_id"], unique=False)
    op.create_index(op.f("ix_scorecards_session_id"), "scorecards", ["session_id"], unique=False)

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("audio_duration_s", sa.Float(), nullable=True),
        sa.Column("words", JSON, nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("fluency", JSON, nullable=True),
        sa.Column("engine", sa.String(length=32), nullable=True),
        sa.Column("fell_back", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("speaker IN ('persona', 'candidate')", name=op.f("ck_turns_speaker")),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_turns_session_id_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint("session_id", "number", name=op.f("uq_turns_session_id_number")),
    )
    op.create_index(op.f("ix_turns_session_id"), "turns", ["session_id"], unique=False)

    op.create_table(
        "audio_blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], name=op.f("fk_audio_blobs_turn_id_turns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audio_blobs")),
        sa.UniqueConstraint("turn_id", name=op.f("uq_audio_blobs_turn_id")),
    )
    op.create_index(op.f("ix_audio_blobs_created_at"), "audio_blobs", ["created_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_audio_blobs_created_at"), table_name="audio_blobs")

    op.drop_table("audio_blobs")
    op.drop_index(op.f("ix_turns_session_id"), table_name="turns")

    op.drop_table("turns")
    op.drop_index(op.f("ix_scorecards_session_id"), table_name="scorecards")
    op.drop_index(op.f("ix_scorecards_reviewer_id"), table_name="scorecards")

    op.drop_table("scorecards")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_index(op.f("ix_sessions_scenario_id"), table_name="sessions")
    op.drop_index(op.f("ix_sessions_assignment_id"), table_name="sessions")

    op.drop_table("sessions")
    op.drop_index(op.f("ix_memberships_user_id"), table_name="memberships")
    op.drop_index(op.f("ix_memberships_cohort_id"), table_name="memberships")

    op.drop_table("memberships")
    op.drop_index(op.f("ix_assignments_user_id"), table_name="assignments")
    op.drop_index(op.f("ix_assignments_created_by"), table_name="assignments")
    op.drop_index(op.f("ix_assignments_cohort_id"), table_name="assignments")

    op.drop_table("assignments")
    op.drop_index(op.f("ix_cohorts_owner_id"), table_name="cohorts")

    op.drop_table("cohorts")
    op.drop_table("users")
    op.drop_index(op.f("ix_processed_updates_processed_at"), table_name="processed_updates")

    op.drop_table("processed_updates")
