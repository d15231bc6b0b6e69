"""Core contributions: housekeeping schedules, and the segment filters reserved for campaigns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_

from auzap_console.db_types import utcnow
from auzap_console.models import Customer, Pet
from auzap_console.plugin import hookimpl


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
    """Hourly: forget old login and sign-up attempts (they hold e-mails and IPs). Every minute: send due reminders."""
    register(name="prune-login-attempts", cron="17 * * * *", function="auzap_console.jobs.maintenance:prune_login_attempts_job")
    register(name="send-reminders", cron="* * * * *", function="auzap_console.jobs.reminders:send_due_reminders_job")
