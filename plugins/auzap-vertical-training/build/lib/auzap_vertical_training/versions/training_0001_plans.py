"""Training: plans and sessions."""

import sqlalchemy as sa
from alembic import op

from auzap_console.db_types import UTCDateTime
from auzap_console.rls import enable_tenant_rls

revision = "training_0001"
down_revision = None
branch_labels = ("training",)
depends_on = "0001_core"


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)


def upgrade():
    op.create_table(
        "training_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("pet_id", sa.Integer(), sa.ForeignKey("pets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("program", sa.String(length=80), nullable=False),
        sa.Column("sessions_total", sa.Integer(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False, server_default="active"),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("training_plans.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("appointment_id", sa.Integer(), sa.ForeignKey("appointments.id", ondelete="SET NULL"), nullable=True),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("trainer", sa.String(length=80), nullable=False, server_default=""),
        sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.String(), nullable=False, server_default=""),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_training_sessions_when", "training_sessions", ["tenant_id", "starts_at"])
    for table in ("training_plans", "training_sessions"):
        enable_tenant_rls(op.get_bind(), table)


def downgrade():
    op.drop_index("ix_training_sessions_when", table_name="training_sessions")
    op.drop_table("training_sessions")
    op.drop_table("training_plans")
