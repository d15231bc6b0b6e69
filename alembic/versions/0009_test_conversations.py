"""playground conversations flagged as tests

Revision ID: 0009_test_conversations
Revises: 0008_accounts
Create Date: 2026-11-23 14:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_test_conversations'
down_revision: str | Sequence[str] | None = '0008_accounts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Conversations of the playground's simulated phones (+551199NNNNNNN) were tests all along.
    op.execute(
        "UPDATE conversations SET is_test = true WHERE channel_id IS NULL AND customer_id IN "
        "(SELECT id FROM customers WHERE phone LIKE '+551199%' AND length(phone) = 14)"
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('is_test')
