"""messages partitioned by month (PostgreSQL): see `auzap_console.partitions`

Rewrites the table (every row is copied once): on a big database, run it in a maintenance window.
Nothing changes on SQLite.

Revision ID: 0017_messages_partitioned
Revises: 0016_message_search
Create Date: 2026-12-06 08:30:00
"""

from collections.abc import Sequence

from alembic import op

from auzap_console.partitions import partition_messages, unpartition_messages

revision: str = "0017_messages_partitioned"
down_revision: str | Sequence[str] | None = "0016_message_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    partition_messages(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    unpartition_messages(op.get_bind())
