"""Daycare and hotel: stays and capacity per kind."""

import sqlalchemy as sa
from alembic import op

from auzap_console.db_types import UTCDateTime
from auzap_console.rls import enable_tenant_rls

revision = "daycare_0001"
down_revision = None
branch_labels = ("daycare",)
depends_on = "0001_core"


def upgrade():
    op.create_table(
        "daycare_stays",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("pet_id", sa.Integer(), sa.ForeignKey("pets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False, server_default="reserved"),
        sa.Column("room", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("daily_rate_cents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("feeding", sa.String(), nullable=False, server_default=""),
        sa.Column("medication", sa.String(), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_daycare_stays_days", "daycare_stays", ["tenant_id", "kind", "start_date", "end_date"])
    op.create_table(
        "daycare_capacity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint("tenant_id", "kind"),
    )
    for table in ("daycare_stays", "daycare_capacity"):
        enable_tenant_rls(op.get_bind(), table)  # PostgreSQL: each shop sees only its rows


def downgrade():
    op.drop_table("daycare_capacity")
    op.drop_index("ix_daycare_stays_days", table_name="daycare_stays")
    op.drop_table("daycare_stays")
