"""Daycare and hotel: check-in/out details, packages of daycare days, daily report cards."""

import sqlalchemy as sa
from alembic import op

from auzap_console.db_types import UTCDateTime
from auzap_console.rls import enable_tenant_rls

revision = "daycare_0002"
down_revision = "daycare_0001"
branch_labels = None
depends_on = None


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)


def upgrade():
    op.create_table(
        "daycare_packages",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("daycare_stays") as batch:
        batch.add_column(sa.Column("belongings", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("package_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("checked_in_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("checked_out_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reminded_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_daycare_stays_package", "daycare_packages", ["package_id"], ["id"], ondelete="SET NULL")
    op.create_table(
        "daycare_report_cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        _tenant(),
        sa.Column("stay_id", sa.Integer(), sa.ForeignKey("daycare_stays.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meals", sa.String(length=12), nullable=False),
        sa.Column("activities", sa.String(), nullable=False, server_default=""),
        sa.Column("mood", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.String(), nullable=False, server_default=""),
        sa.Column("photo_key", sa.String(), nullable=False, server_default=""),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("stay_id", "day"),
    )
    for table in ("daycare_packages", "daycare_report_cards"):
        enable_tenant_rls(op.get_bind(), table)


def downgrade():
    op.drop_table("daycare_report_cards")
    with op.batch_alter_table("daycare_stays") as batch:
        batch.drop_constraint("fk_daycare_stays_package", type_="foreignkey")
        for column in ("reminded_at", "checked_out_at", "checked_in_at", "package_id", "belongings"):
            batch.drop_column(column)
    op.drop_table("daycare_packages")
