"""Monthly partitions of `messages` made ahead of time (PostgreSQL; see `auzap_console.partitions`)."""

from __future__ import annotations

from sqlalchemy import text

from auzap_console.db import tenant_session
from auzap_console.partitions import MONTHS_AHEAD, is_partitioned


def create_ahead(months: int = MONTHS_AHEAD) -> int:
    """Make sure this month and the next `months` have their partition; returns how many were made.

    A no-op on SQLite. The app role owns no table, so it asks `auzap_message_partitions`.
    """
    with tenant_session(None) as session:
        if not is_partitioned(session.connection()):
            return 0
        made = session.execute(
            text("SELECT auzap_message_partitions(current_date, (current_date + make_interval(months => :months))::date)"),
            {"months": months},
        ).scalar_one()
    return int(made)
