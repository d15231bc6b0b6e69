"""console indexes: the inbox, threads, period figures, the customer list, and (PostgreSQL) trigram search

Measured on bench/dataset.py (1 M messages): each one turns a scan of a shop's whole table into
an index range. The trigram indexes (pg_trgm, with btree_gin for the shop column) serve the
`LIKE '%term%'` searches of the inbox and the customer list; they exist on PostgreSQL only, in
this migration only (`auzap_console.migrate.POSTGRES_ONLY_INDEXES`), not in the models.

Revision ID: 0015_console_indexes
Revises: 0014_inbound_events
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_console_indexes"
down_revision: str | Sequence[str] | None = "0014_inbound_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM = {  # index name → (table, text column)
    "ix_trgm_messages_body": ("messages", "body"),
    "ix_trgm_customers_name": ("customers", "name"),
    "ix_trgm_pets_name": ("pets", "name"),
}


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index("ix_conversations_inbox", ["tenant_id", "is_test", "status", "last_message_at", "id"], unique=False)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_conversation_id_id", ["conversation_id", "id"], unique=False)
        batch_op.create_index("ix_messages_tenant_created", ["tenant_id", "created_at"], unique=False)
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index("ix_appointments_tenant_created", ["tenant_id", "created_at"], unique=False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_tenant_name", ["tenant_id", "name", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # both are trusted extensions: a database owner may create them
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        for name, (table, column) in TRIGRAM.items():
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (tenant_id, lower({column}) gin_trgm_ops)")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_tenant_name")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_tenant_created")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_tenant_created")
        batch_op.drop_index("ix_messages_conversation_id_id")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_inbox")
