"""The owners' daily summaries (queue `low`, every minute by RQ's cron): each shop's at its own time, once."""

from __future__ import annotations

import logging
from datetime import datetime

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.services import owner_summary
from auzap_console.services.context import Actor
from auzap_console.services.tenants import tenant_ids

log = logging.getLogger("auzap.summary")


def send_summaries(now: datetime | None = None, only_tenant: int | None = None) -> dict[str, int]:
    """Send each shop's summary if its time came today and it has not gone (clock injectable); counts by outcome."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for tenant_id in [only_tenant] if only_tenant else tenant_ids():
        try:
            with tenant_session(tenant_id) as session:
                outcome = owner_summary.send_if_due(session, actor=Actor(tenant_id=tenant_id, role="staff"), now=now)
        except Exception:
            log.exception("summary of tenant %s failed; the next minute tries again", tenant_id)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    if counts.get("sent"):
        log.info("owner summaries: %s", counts)
    return counts


def send_summaries_job() -> dict[str, int]:
    """The cron entry point (no arguments)."""
    return send_summaries()
