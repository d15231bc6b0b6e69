"""inbound events: the webhook stores the raw message once and acknowledges; a job does the rest

Revision ID: 0014_inbound_events
Revises: 0013_campaigns
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import auzap_console.db_types
from auzap_console.rls import create_inbound_function, enable_tenant_rls

revision: str = "0014_inbound_events"
down_revision: str | Sequence[str] | None = "0013_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "inbound_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("provider_message_id", sa.String(length=160), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("received_at", auzap_console.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "provider_message_id"),
    )
    op.create_index("ix_inbound_events_tenant_id", "inbound_events", ["tenant_id"])
    op.create_index("ix_inbound_events_received_at", "inbound_events", ["received_at"])
    op.create_index("ix_inbound_events_message_id", "inbound_events", ["message_id"])
    op.create_index(
        "ix_inbound_events_unhandled",
        "inbound_events",
        ["id"],
        postgresql_where=sa.text("message_id IS NULL"),
        sqlite_where=sa.text("message_id IS NULL"),
    )
    enable_tenant_rls(op.get_bind(), "inbound_events")
    create_inbound_function(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_inbound_due(integer, integer)")
    op.drop_table("inbound_events")
