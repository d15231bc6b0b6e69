"""staff lanes, reminders, health findings

Revision ID: 0010_calendar
Revises: 0009_test_conversations
Create Date: 2026-11-23 18:46:33.814270
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import auzap_console.db_types
from auzap_console.rls import create_reminders_function, enable_tenant_rls

revision: str = '0010_calendar'
down_revision: str | Sequence[str] | None = '0009_test_conversations'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('staff_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('working_hours', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('appointment_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('offset_minutes', sa.Integer(), nullable=False),
    sa.Column('for_starts_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appointment_id', 'offset_minutes')
    )
    with op.batch_alter_table('appointment_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_reminders_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_reminders_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('health_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('area', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('photo', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('resolved_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('health_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_findings_pet_id'), ['pet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_findings_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('customer_confirmed_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointments_staff_id'), ['staff_id'], unique=False)
        batch_op.create_foreign_key('fk_appointments_staff_id', 'staff_members', ['staff_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('templates', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meta', sa.JSON(), nullable=False, server_default='{}'))

    for table in ("staff_members", "appointment_reminders", "health_findings"):
        enable_tenant_rls(op.get_bind(), table)
    create_reminders_function(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_reminders_due(timestamptz, integer)")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('meta')

    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('templates')

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appointments_staff_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointments_staff_id'))
        batch_op.drop_column('customer_confirmed_at')
        batch_op.drop_column('staff_id')

    with op.batch_alter_table('health_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_findings_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_health_findings_pet_id'))

    op.drop_table('health_findings')
    with op.batch_alter_table('appointment_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_reminders_tenant_id'))
        batch_op.drop_index('ix_appointment_reminders_due')

    op.drop_table('appointment_reminders')
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_tenant_id'))

    op.drop_table('staff_members')
