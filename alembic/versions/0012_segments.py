"""saved segments

Revision ID: 0012_segments
Revises: 0011_team_inbox
Create Date: 2026-11-23 20:51:19.336740
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import auzap_console.db_types
from auzap_console.rls import enable_tenant_rls

revision: str = '0012_segments'
down_revision: str | Sequence[str] | None = '0011_team_inbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('created_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'name')
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segments_tenant_id'), ['tenant_id'], unique=False)

    enable_tenant_rls(op.get_bind(), "segments")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_tenant_id'))

    op.drop_table('segments')
