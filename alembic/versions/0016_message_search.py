"""message search: the inbox's search inside messages through a shop-pinned function (PostgreSQL)

Under row-level security the trigram index of 0015 could not serve `lower(body) LIKE '%term%'`
(the operators are not leakproof), so a search read all of a shop's messages. See
`auzap_console.rls.MESSAGE_SEARCH_FUNCTION`. Nothing changes on SQLite.

Revision ID: 0016_message_search
Revises: 0015_console_indexes
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

from alembic import op

from auzap_console.rls import create_message_search_function

revision: str = "0016_message_search"
down_revision: str | Sequence[str] | None = "0015_console_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    create_message_search_function(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_message_search(text)")
        op.execute("DROP FUNCTION IF EXISTS auzap_message_search(text, integer)")  # what `upgrade` creates since 0019
