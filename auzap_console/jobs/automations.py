"""Automations (queue `low`, hourly by RQ's cron): each shop's day of automatic messages, planned from 10:00.

Planning adds the day's recipients to each automation's weekly campaign (unique per customer, so an
hourly re-run adds nobody twice); the campaign sender then sends them at its pace.
"""

from __future__ import annotations

import logging
from datetime import datetime

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.services import automations
from auzap_console.services.context import Actor
from auzap_console.services.tenants import tenant_ids

log = logging.getLogger("auzap.automations")


def run_automations(now: datetime | None = None, only_tenant: int | None = None) -> dict[str, int]:
    """Plan every shop's due automations (clock injectable); recipients added by automation."""
    now = now or utcnow()
    totals: dict[str, int] = {}
    for tenant_id in [only_tenant] if only_tenant else tenant_ids():
        try:
            with tenant_session(tenant_id) as session:
                added = automations.run_due(session, actor=Actor(tenant_id=tenant_id, role="staff"), now=now)
        except Exception:
            log.exception("automations of tenant %s failed; the next hour tries again", tenant_id)
            added = {"error": 1}
        for kind, n in added.items():
            totals[kind] = totals.get(kind, 0) + n
    if any(totals.values()):
        log.info("automations: %s", totals)
    return totals


def run_automations_job() -> dict[str, int]:
    """The cron entry point (no arguments)."""
    return run_automations()
