"""campaigns

Revision ID: 0013_campaigns
Revises: 0012_segments
Create Date: 2026-11-23 21:56:53.857600
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import auzap_console.db_types
from auzap_console.rls import create_campaigns_function, enable_tenant_rls

revision: str = '0013_campaigns'
down_revision: str | Sequence[str] | None = '0012_segments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('cloud_template', sa.JSON(), nullable=False),
    sa.Column('rate_per_minute', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('scheduled_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('campaign_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attribution_until', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replied_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'customer_id')
    )
    with op.batch_alter_table('campaign_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_recipients_customer', ['tenant_id', 'customer_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_campaign_recipients_next', ['campaign_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_recipients_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('pets', schema=None) as batch_op:
        batch_op.create_index('ix_pets_tenant_breed', ['tenant_id', 'breed', 'customer_id'], unique=False)
        batch_op.create_index('ix_pets_tenant_size', ['tenant_id', 'size', 'customer_id'], unique=False)
        batch_op.create_index('ix_pets_tenant_species', ['tenant_id', 'species', 'customer_id'], unique=False)
    op.create_table('insights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('potential_cents', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'day', 'kind')
    )
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insights_tenant_id'), ['tenant_id'], unique=False)

    for table in ("campaigns", "campaign_recipients", "insights"):
        enable_tenant_rls(op.get_bind(), table)
    create_campaigns_function(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_campaigns_due(timestamptz)")
        op.execute("DROP FUNCTION IF EXISTS auzap_tenant_ids()")
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insights_tenant_id'))

    op.drop_table('insights')
    with op.batch_alter_table('pets', schema=None) as batch_op:
        batch_op.drop_index('ix_pets_tenant_species')
        batch_op.drop_index('ix_pets_tenant_size')
        batch_op.drop_index('ix_pets_tenant_breed')

    with op.batch_alter_table('campaign_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_recipients_tenant_id'))
        batch_op.drop_index('ix_campaign_recipients_next')
        batch_op.drop_index('ix_campaign_recipients_customer')

    op.drop_table('campaign_recipients')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_tenant_id'))

    op.drop_table('campaigns')
