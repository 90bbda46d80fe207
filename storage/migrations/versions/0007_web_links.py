"""Web console sign-in: one-time links (web_links), each kept as the SHA-256 of its token, for one
person, spent once (used_at) before it expires (expires_at); deleted with its person.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "web_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_links_token_hash")),
    )
    op.create_index(op.f("ix_web_links_user_id"), "web_links", ["user_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_web_links_user_id"), table_name="web_links")
    op.drop_table("web_links")
