"""Campaign sends (queue `low`, every minute by RQ's cron): each running campaign's next minute of recipients.

For every campaign with sending to do, `services.campaigns.next_batch` gives the next minute's
send slots (60/rate s apart) to pending recipients; `deliver` writes each one's message in small
transactions (row locked and marked with the message) and enqueues its send for its slot with
RQ's scheduler — the rate is kept by the schedule, not by sleeping. Running this twice, on two
workers, or again after a worker was killed, sends nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, text
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.models import Campaign
from auzap_console.models.marketing import CampaignStatus
from auzap_console.services import campaigns
from auzap_console.services.context import Actor
from auzap_console.settings import get_settings

log = logging.getLogger("auzap.campaigns")


def due(now: datetime, tenant_id: int | None = None) -> list[tuple[int, int]]:
    """(tenant id, campaign id) of campaigns running or whose time came, every shop or one (ids only)."""
    with tenant_session(tenant_id) as session:
        if tenant_id is None and get_settings().is_postgres:  # RLS hides every row here: a SECURITY DEFINER listing
            return [(r[0], r[1]) for r in session.execute(text("SELECT * FROM auzap_campaigns_due(:now)"), {"now": now})]
        stmt = select(Campaign.tenant_id, Campaign.id).where(
            or_(
                Campaign.status == CampaignStatus.RUNNING,
                (Campaign.status == CampaignStatus.SCHEDULED) & (Campaign.scheduled_at <= now),  # type: ignore[operator]
            )
        )
        if tenant_id is not None:
            stmt = stmt.where(Campaign.tenant_id == tenant_id)
        return [(r[0], r[1]) for r in session.exec(stmt.order_by(Campaign.id))]


def send_campaign_minute(tenant_id: int, campaign_id: int, now: datetime) -> dict[str, int]:
    """One campaign's minute: its paced slots, written in chunks, each send enqueued for its slot."""
    actor = Actor(tenant_id=tenant_id, role="staff")
    with tenant_session(tenant_id) as session:
        batch = campaigns.next_batch(session, actor=actor, campaign_id=campaign_id, now=now)
    scale = get_settings().campaign_spread_ms / 60_000  # tests shrink the real waits; the planned times stay
    counts: dict[str, int] = {}
    for start in range(0, len(batch), campaigns.DELIVER_CHUNK):
        with tenant_session(tenant_id) as session:
            for recipient_id, send_at in batch[start : start + campaigns.DELIVER_CHUNK]:
                delay_ms = max(0, int((send_at - now).total_seconds() * 1000 * scale))
                try:
                    with session.begin_nested():
                        outcome = campaigns.deliver(
                            session, actor=actor, recipient_id=recipient_id, now=now, send_at=send_at, delay_ms=delay_ms
                        )
                except Exception:  # this recipient stays pending for the next minute; the others go on
                    log.exception("campaign %s: recipient %s could not be written", campaign_id, recipient_id)
                    outcome = "error"
                counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def send_due_campaigns(now: datetime | None = None, only_tenant: int | None = None) -> dict[str, int]:
    """Every due campaign's minute (the clock is injectable); counts by outcome. A failing campaign does not stop the others."""
    now = now or utcnow()
    totals: dict[str, int] = {}
    for tenant_id, campaign_id in due(now, only_tenant):
        try:
            counts = send_campaign_minute(tenant_id, campaign_id, now)
        except Exception:
            log.exception("campaign %s of tenant %s: this minute failed; the next run carries on", campaign_id, tenant_id)
            counts = {"error": 1}
        for key, n in counts.items():
            totals[key] = totals.get(key, 0) + n
    if totals:
        log.info("campaigns: %s", totals)
    return totals


def send_due_campaigns_job() -> dict[str, int]:
    """The cron entry point (no arguments)."""
    return send_due_campaigns()
