"""Jury scripts (published_scripts) and a number of attempts per assignment.

Revision ID: 0002
Revises: 0001
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
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "published_scripts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("script", JSON, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_published_scripts_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_scripts")),
    )
    op.create_index(
        op.f("ix_published_scripts_scenario_id"), "published_scripts", ["scenario_id"], unique=False
    )
    op.create_index(
        op.f("ix_published_scripts_uploaded_by"), "published_scripts", ["uploaded_by"], unique=False
    )
    op.add_column("assignments", sa.Column("attempts", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("assignments", "attempts")  # SQLite >= 3.35 drops columns natively
    op.drop_index(op.f("ix_published_scripts_uploaded_by"), table_name="published_scripts")
    op.drop_index(op.f("ix_published_scripts_scenario_id"), table_name="published_scripts")
    op.drop_table("published_scripts")
