"""The director's state stored with the session (sessions.director_state, and director_turn: the
number of the turn it follows, written in the same transaction as that turn), so a turn advances it by
that turn only instead of replaying the whole session; NULL (every session before this revision)
means: rebuilt by replaying the turns. And a digest of the frozen script (sessions.script_digest), so
a process validates a script once and need not read it again (NULL before: computed from the script).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, JSON text elsewhere (as storage.tables.JSONType).
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("sessions", sa.Column("script_digest", sa.String(length=64), nullable=True))
    op.add_column("sessions", sa.Column("director_state", JSON, nullable=True))
    op.add_column("sessions", sa.Column("director_turn", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("sessions", "director_turn")  # SQLite >= 3.35 drops columns natively
    op.drop_column("sessions", "director_state")
    op.drop_column("sessions", "script_digest")
