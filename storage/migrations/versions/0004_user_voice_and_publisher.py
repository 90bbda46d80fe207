"""A user's voice-reply preference (users.voice_replies) and who published a script
(published_scripts.published_by).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from __future__ import annotations

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('users', sa.Column('voice_replies', sa.Boolean(), nullable=True))
    with op.batch_alter_table('published_scripts') as batch:  # SQLite: a foreign key needs a table copy
        batch.add_column(sa.Column('published_by', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_published_scripts_published_by_users'), 'users', ['published_by'], ['id'])
        batch.create_index(op.f('ix_published_scripts_published_by'), ['published_by'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('published_scripts') as batch:
        batch.drop_index(op.f('ix_published_scripts_published_by'))
        batch.drop_constraint(op.f('fk_published_scripts_published_by_users'), type_='foreignkey')
        batch.drop_column('published_by')
    op.drop_column('users', 'voice_replies')
