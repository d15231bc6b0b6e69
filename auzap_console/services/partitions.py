"""Monthly partitions of `messages` made ahead of time (PostgreSQL; see `auzap_console.partitions`)."""

from __future__ import annotations

from sqlalchemy import text

from auzap_console.db import tenant_session
from auzap_console.partitions import is_partitioned


def create_ahead() -> int:
    """Make sure this month, the next MONTHS_AHEAD and the months of rows waiting in the default partition have a partition.

    Returns how many were made. A no-op on SQLite. The app role owns no table, so it asks `auzap_message_partitions_ahead()`.
    """
    with tenant_session(None) as session:
        if not is_partitioned(session.connection()):
            return 0
        # Making a partition locks `messages` for an instant; behind a long transaction, give up and
        # let the job's retry (or tomorrow's run) make it rather than hold every writer back.
        session.execute(text("SET LOCAL lock_timeout = '2s'"))
        made = session.execute(text("SELECT auzap_message_partitions_ahead()")).scalar_one()
    return int(made)
