"""Reminder sends (queue `low`, every minute by RQ's cron): what is due goes out, once.

Each due reminder is handled in its own tenant's transaction by `services.reminders.deliver`,
which locks its row and stores the message in the same commit; the send job then delivers it
(retried, never twice). Running this twice, or on two workers at once, sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import text
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.models import AppointmentReminder
from auzap_console.models.catalog import ReminderStatus
from auzap_console.services import reminders
from auzap_console.services.context import Actor
from auzap_console.settings import get_settings

log = logging.getLogger("auzap.reminders")
BATCH = 200


def due(now: datetime, limit: int = BATCH, tenant_id: int | None = None) -> list[tuple[int, int]]:
    """(tenant id, reminder id) of planned reminders due by `now`, every shop or one (ids only)."""
    with tenant_session(tenant_id) as session:
        if tenant_id is None and get_settings().is_postgres:  # RLS hides every row here: a SECURITY DEFINER listing
            rows = session.execute(text("SELECT * FROM auzap_reminders_due(:now, :limit)"), {"now": now, "limit": limit})
            return [(r[0], r[1]) for r in rows]
        stmt = select(AppointmentReminder.tenant_id, AppointmentReminder.id).where(
            AppointmentReminder.status == ReminderStatus.PLANNED, AppointmentReminder.due_at <= now
        )
        if tenant_id is not None:
            stmt = stmt.where(AppointmentReminder.tenant_id == tenant_id)
        rows = session.exec(stmt.order_by(AppointmentReminder.due_at, AppointmentReminder.id).limit(limit))
        return [(r[0], r[1]) for r in rows]


def send_due_reminders(now: datetime | None = None, only_tenant: int | None = None) -> dict[str, int]:
    """Send every reminder due by `now` (the clock is injectable), of every shop or one; counts by outcome."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for tenant_id, reminder_id in due(now, tenant_id=only_tenant):
        try:
            with tenant_session(tenant_id) as session:
                outcome = reminders.deliver(session, actor=Actor(tenant_id=tenant_id, role="staff"), reminder_id=reminder_id, now=now)
        except Exception:
            log.exception("reminder %s of tenant %s failed; it stays planned for the next run", reminder_id, tenant_id)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        log.info("reminders: %s", counts)
    return counts


def send_due_reminders_job() -> dict[str, int]:
    """The cron entry point (no arguments)."""
    return send_due_reminders()
