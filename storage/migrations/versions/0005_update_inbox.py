"""Update inbox: every Telegram update held (write-ahead) before Telegram is told it arrived, and
marked done only once handled, so a crash in between loses no command, line or voice note.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, JSON text elsewhere (as storage.tables.JSONType).
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", JSON, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_inbox")),
    )
    op.create_index(op.f("ix_update_inbox_chat_id"), "update_inbox", ["chat_id"], unique=False)
    op.create_index(op.f("ix_update_inbox_received_at"), "update_inbox", ["received_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_update_inbox_received_at"), table_name="update_inbox")
    op.drop_index(op.f("ix_update_inbox_chat_id"), table_name="update_inbox")
    op.drop_table("update_inbox")
