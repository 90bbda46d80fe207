"""Voice inbox: a voice note's raw audio held from download until it is transcribed (write-ahead).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "voice_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_voice_inbox_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_inbox")),
        sa.UniqueConstraint("update_id", name=op.f("uq_voice_inbox_update_id")),
    )
    op.create_index(op.f("ix_voice_inbox_session_id"), "voice_inbox", ["session_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_voice_inbox_session_id"), table_name="voice_inbox")
    op.drop_table("voice_inbox")
