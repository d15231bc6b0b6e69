"""inbox index in the list's own order (PostgreSQL): newest activity first, never-active last

The inbox lists `last_message_at DESC NULLS LAST, id DESC`. A backward scan of
`ix_conversations_inbox` gives `DESC NULLS FIRST`, so PostgreSQL sorted all of a shop's open
conversations for every page (22 ms for the largest shop of bench/dataset.py; 0.25 ms with this
index). SQLite already orders NULLs last in a descending scan and cannot declare NULLS LAST in an
index, so this index exists on PostgreSQL only (`migrate.POSTGRES_ONLY_INDEX_PREFIXES`).

Revision ID: 0018_inbox_recent_index
Revises: 0017_messages_partitioned
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_inbox_recent_index"
down_revision: str | Sequence[str] | None = "0017_messages_partitioned"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_pg_conversations_inbox_recent"
            " ON conversations (tenant_id, is_test, status, last_message_at DESC NULLS LAST, id DESC)"
        )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_pg_conversations_inbox_recent")
