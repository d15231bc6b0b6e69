"""Daycare and hotel: a stay checked in from an Agenda booking remembers it (its check-out completes it)."""

import sqlalchemy as sa
from alembic import op

revision = "daycare_0003"
down_revision = "daycare_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("daycare_stays") as batch:
        batch.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_daycare_stays_appointment", "appointments", ["appointment_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("daycare_stays") as batch:
        batch.drop_constraint("fk_daycare_stays_appointment", type_="foreignkey")
        batch.drop_column("appointment_id")
