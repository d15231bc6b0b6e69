"""message outbox state

Revision ID: 0005_outbox
Revises: 0004_webhooks
Create Date: 2026-11-23 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from auzap_console.rls import create_outbox_function

revision: str = '0005_outbox'
down_revision: str | Sequence[str] | None = '0004_webhooks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('processing', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_messages_processing'), ['processing'], unique=False)
    create_outbox_function(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_outbox_due(integer, integer)")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_processing'))
        batch_op.drop_column('error')
        batch_op.drop_column('processing')
