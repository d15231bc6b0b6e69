"""The day-before reminder: from 10:00 (shop time) each stay starting tomorrow is reminded once.

Hourly schedule; the stay is locked and marked in the transaction that stores the message, so two
workers or a re-run never remind twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.models import Customer, Pet, Tenant
from auzap_console.services.context import Actor
from auzap_console.services.notifications import tell_tutor, tutor_conversation
from auzap_console.services.plugins import shops_with
from auzap_vertical_daycare.models import Stay
from auzap_vertical_daycare.stays import PLUGIN

log = logging.getLogger("auzap.daycare")
FROM_HOUR = 10


def reminder_text(stay: Stay, customer: str, pet: str) -> str:
    """What the tutor reads the day before."""
    first = customer.split()[0] if customer else ""
    if stay.kind == "daycare":
        what = f"amanhã ({stay.start_date:%d/%m}) {pet} tem creche com a gente"
    else:
        what = f"amanhã ({stay.start_date:%d/%m}) {pet} entra no hotel, com saída em {stay.end_date:%d/%m}"
    return (
        f"Oi, {first}! Lembrete: {what}. 🐾 Traga a carteirinha de vacinação, a ração de costume e, se houver, os remédios "
        "com a receita. Se precisar mudar, é só responder aqui."
    )


def remind_shop(session: Session, *, actor: Actor, now: datetime) -> int:
    """Remind the tutors of this shop's stays starting tomorrow (once each); how many were sent."""
    tenant = session.get(Tenant, actor.tenant_id)
    local = now.astimezone(ZoneInfo(tenant.timezone))
    if local.hour < FROM_HOUR:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    due = session.exec(
        select(Stay)
        .where(Stay.tenant_id == actor.tenant_id, Stay.status == "reserved", Stay.start_date == tomorrow, Stay.reminded_at.is_(None))  # type: ignore[union-attr]
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for stay in due:
        stay.reminded_at = now  # marked even without a conversation: nothing to retry
        session.add(stay)
        conversation = tutor_conversation(session, actor=actor, customer_id=stay.customer_id)
        if conversation is None:
            continue
        customer, pet = session.get(Customer, stay.customer_id), session.get(Pet, stay.pet_id)
        tell_tutor(
            session,
            actor=actor,
            conversation=conversation,
            body=reminder_text(stay, customer.name, pet.name),
            meta={"kind": "daycare_reminder", "stay_id": stay.id},
        )
        sent += 1
    return sent


def send_reminders(now: datetime | None = None) -> int:
    """Every shop with the plugin on (clock injectable); how many reminders went."""
    now = now or utcnow()
    total = 0
    for tenant_id in shops_with(PLUGIN):
        try:
            with tenant_session(tenant_id) as session:
                total += remind_shop(session, actor=Actor(tenant_id=tenant_id, role="staff"), now=now)
        except Exception:
            log.exception("daycare reminders of tenant %s failed; the next hour tries again", tenant_id)
    return total


def send_reminders_job() -> int:
    """The schedule's entry point (no arguments)."""
    return send_reminders()
