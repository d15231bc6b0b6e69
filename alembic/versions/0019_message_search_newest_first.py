"""message search newest month first: stop once enough conversations are found (PostgreSQL)

`auzap_message_search(text)` read every month of a shop for a word: a word in every seventh of a
big shop's 100,000 messages took 130–210 ms to list the inbox's first page. The new
`auzap_message_search(text, integer)` (see `auzap_console.rls.MESSAGE_SEARCH_FUNCTION`) goes back
a month at a time and stops after the month in which it has found `p_enough` conversations (a
NULL limit searches everything). Nothing changes on SQLite.

Revision ID: 0019_message_search_newest_first
Revises: 0018_inbox_recent_index
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

from alembic import op

from auzap_console.rls import create_message_search_function

revision: str = "0019_message_search_newest_first"
down_revision: str | Sequence[str] | None = "0018_inbox_recent_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_0016 = """
CREATE OR REPLACE FUNCTION auzap_message_search(p_pattern text)
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $fn$
DECLARE shop integer := nullif(current_setting('app.tenant_id', true), '')::integer;
BEGIN
  IF shop IS NULL THEN RETURN; END IF;
  RETURN QUERY EXECUTE 'SELECT DISTINCT m.conversation_id FROM public.messages m'
    ' WHERE m.tenant_id = $1 AND lower(m.body) LIKE $2 ESCAPE ''!'' AND m.direction <> ''note''' USING shop, p_pattern;
END $fn$;
"""


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_message_search(text)")  # one argument would be ambiguous with the new default
        create_message_search_function(op.get_bind())


def downgrade() -> None:
    """Revert this revision (0016's search, reading every month)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auzap_message_search(text, integer)")
        op.execute(SEARCH_0016)
        op.execute("REVOKE EXECUTE ON FUNCTION auzap_message_search(text) FROM PUBLIC")
