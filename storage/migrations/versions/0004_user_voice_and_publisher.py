"""A user's voice-reply preference (users.voice_replies, filled from the latest session's Telegram
state, where it was kept until now) and who published a script (published_scripts.published_by).

Revision ID: 0004
Revises: 0003
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
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("users", sa.Column("voice_replies", sa.Boolean(), nullable=True))
    _voice_choice_from_latest_sessions()
    with op.batch_alter_table("published_scripts") as batch:  # SQLite: a foreign key needs a table copy
        batch.add_column(sa.Column("published_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_published_scripts_published_by_users"), "users", ["published_by"], ["id"]
        )
        batch.create_index(op.f("ix_published_scripts_published_by"), ["published_by"], unique=False)


def _voice_choice_from_latest_sessions() -> None:
    """Each user's `/voice on|off`, as their latest session's Telegram state held it (if it did)."""
    bind = op.get_bind()
    sessions = sa.table(
        "sessions",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("state", JSON),
        sa.column("started_at", sa.DateTime),
    )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("voice_replies", sa.Boolean))
    latest: dict[int, dict] = {}
    rows = bind.execute(
        sa.select(sessions.c.user_id, sessions.c.state).order_by(sessions.c.started_at, sessions.c.id)
    )
    for user_id, state in rows:
        latest[user_id] = (state or {}).get("telegram") or {}
    for user_id, prefs in latest.items():
        if "voice" in prefs:
            bind.execute(
                sa.update(users).where(users.c.id == user_id).values(voice_replies=bool(prefs["voice"]))
            )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("published_scripts") as batch:
        batch.drop_index(op.f("ix_published_scripts_published_by"))
        batch.drop_constraint(op.f("fk_published_scripts_published_by_users"), type_="foreignkey")
        batch.drop_column("published_by")
    op.drop_column("users", "voice_replies")
