"""Core contributions: housekeeping schedules, and the segment filters reserved for campaigns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Customer, Pet
from auzap_console.plugin import hookimpl
from auzap_console.services import campaigns
from auzap_console.services.context import Actor


def _by_species(stmt, value: str, tenant_id: int):
    owners = Pet.__table__.select().with_only_columns(Pet.customer_id).where(Pet.tenant_id == tenant_id, Pet.species == value)
    return stmt.where(Customer.id.in_(owners))


def _by_breed(stmt, value: str, tenant_id: int):
    owners = Pet.__table__.select().with_only_columns(Pet.customer_id).where(Pet.tenant_id == tenant_id, Pet.breed == value)
    return stmt.where(Customer.id.in_(owners))


def _inactive_days(stmt, value: int, tenant_id: int):
    cutoff = utcnow() - timedelta(days=int(value))
    return stmt.where(or_(Customer.last_visit_at.is_(None), Customer.last_visit_at < cutoff))


@hookimpl
def register_segment_filters(register):
    """Species, breed and 'no visit in N days'."""
    register(name="species", title="Espécie do pet", apply=_by_species)
    register(name="breed", title="Raça do pet", apply=_by_breed)
    register(name="inactive_days", title="Sem visita há N dias", apply=_inactive_days)


@hookimpl
def register_schedules(register):
    """Hourly: forget old login and sign-up attempts (they hold e-mails and IPs). Every minute: due reminders, campaigns.

    Daily: the coming months' partitions of messages (PostgreSQL).
    """
    register(name="prune-login-attempts", cron="17 * * * *", function="auzap_console.jobs.maintenance:prune_login_attempts_job")
    register(name="message-partitions", cron="41 3 * * *", function="auzap_console.jobs.maintenance:create_message_partitions_job")
    register(name="send-reminders", cron="* * * * *", function="auzap_console.jobs.reminders:send_due_reminders_job")
    register(name="send-campaigns", cron="* * * * *", function="auzap_console.jobs.campaigns:send_due_campaigns_job")
    register(name="owner-summary", cron="* * * * *", function="auzap_console.jobs.owner_summary:send_summaries_job")
    register(name="automations", cron="7 * * * *", function="auzap_console.jobs.automations:run_automations_job")


@hookimpl
def prompt_context(tenant_id: int, customer_id: int | None, persona: str) -> str | None:
    """A campaign message the customer got in the last 7 days: their reply is most likely about it."""
    if customer_id is None:
        return None
    with tenant_session(tenant_id) as session:
        recent = campaigns.recent_for(session, actor=Actor(tenant_id=tenant_id, role="staff"), customer_id=customer_id, now=utcnow())
    if recent is None:
        return None
    name, body, sent_at = recent
    return t("camp.prompt_context", name=name, day=sent_at.strftime("%d/%m"), body=body[:400])
