"""The shop's own settings: name, time zone, business hours."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from sqlalchemy import text
from sqlmodel import Session, select

from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Tenant
from auzap_console.services import audit, limits, usage
from auzap_console.services.context import Actor, ConfirmationNeeded, ServiceError
from auzap_console.settings import get_settings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_BUSINESS_HOURS: dict[str, dict[str, str] | None] = {
    **{day: {"open": "08:00", "close": "18:00"} for day in WEEKDAYS[:5]},
    "sat": {"open": "08:00", "close": "13:00"},
    "sun": None,
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def tenant_id_for_slug(slug: str) -> int:
    """The id of the tenant with `slug` (for the CLI); raises `ServiceError` when unknown."""
    from sqlalchemy import text

    from auzap_console.db import tenant_session

    with tenant_session(None) as session:
        if session.get_bind().dialect.name == "postgresql":
            tenant_id = session.execute(text("SELECT auzap_tenant_lookup(:s)"), {"s": slug}).scalar()
        else:
            tenant_id = session.exec(select(Tenant.id).where(Tenant.slug == slug)).first()
    if tenant_id is None:
        raise ServiceError(t("err.tenant_unknown", slug=slug))
    return tenant_id


def get_tenant(session: Session, *, actor: Actor) -> Tenant:
    """The actor's own tenant row."""
    return session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()


def validate_business_hours(hours: dict) -> dict:
    """Check a week of `{"open": "HH:MM", "close": "HH:MM"}` (or None when closed)."""
    clean: dict[str, dict[str, str] | None] = {}
    for day in WEEKDAYS:
        slot = hours.get(day)
        if not slot:
            clean[day] = None
            continue
        start, end = slot.get("open", ""), slot.get("close", "")
        if not (_HHMM.match(start) and _HHMM.match(end)) or start >= end:
            raise ServiceError(t("err.hours_invalid", day=t(f"weekday.{day}")))
        clean[day] = {"open": start, "close": end}
    return clean


def update_settings(session: Session, *, actor: Actor, name: str, timezone: str, business_hours: dict) -> Tenant:
    """Change the shop's name, time zone and hours (owner and manager)."""
    actor.require("manager")
    name = limits.bounded(name, limits.NAME, t("set.name"))
    if len(name) < 2:
        raise ServiceError(t("err.shop_name_required"))
    if timezone not in available_timezones():
        raise ServiceError(t("err.timezone_invalid"))
    tenant = get_tenant(session, actor=actor)
    tenant.name, tenant.timezone = name, timezone
    usage.remember_timezone(tenant.id, timezone)  # usage counts the new local days at once in this process
    tenant.business_hours = validate_business_hours(business_hours)
    session.add(tenant)
    audit.record(
        session, actor=actor, action="settings.update", entity="tenant", entity_id=tenant.id, details={"name": name, "timezone": timezone}
    )
    return tenant


def owner_numbers(session: Session, *, actor: Actor) -> list:
    """Phones that reach the owner analyst on WhatsApp (managers and up may look)."""
    from auzap_console.models import AuthorizedOwnerNumber

    actor.require("manager")
    return list(
        session.exec(
            select(AuthorizedOwnerNumber).where(AuthorizedOwnerNumber.tenant_id == actor.tenant_id).order_by(AuthorizedOwnerNumber.id)
        )
    )


def add_owner_number(session: Session, *, actor: Actor, phone: str, label: str = "", confirm: bool = False):
    """Authorize a phone to talk to the owner analyst (owner only).

    A phone that is already a customer's would stop reaching the customer assistant (and see
    the shop's figures): that needs `confirm=True`, else ConfirmationNeeded names the customer.
    """
    from sqlalchemy.exc import IntegrityError

    from auzap_console.models import AuthorizedOwnerNumber
    from auzap_console.phones import InvalidPhone, normalize_phone

    actor.require("owner")
    try:
        canonical = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ServiceError(t("err.phone_invalid")) from exc
    from auzap_console.models import Customer

    customer = session.exec(select(Customer).where(Customer.tenant_id == actor.tenant_id, Customer.phone == canonical)).first()
    if customer is not None and not confirm:
        raise ConfirmationNeeded(t("set.owner_number_is_customer", name=customer.name))
    row = AuthorizedOwnerNumber(tenant_id=actor.tenant_id, phone=canonical, label=(label or "").strip()[:80])
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.owner_number_taken")) from exc
    audit.record(session, actor=actor, action="owner_number.add", entity="authorized_owner_number", entity_id=row.id)
    return row


def remove_owner_number(session: Session, *, actor: Actor, number_id: int) -> None:
    """Revoke an authorized owner number (owner only)."""
    from auzap_console.models import AuthorizedOwnerNumber
    from auzap_console.services.context import get_scoped

    actor.require("owner")
    row = get_scoped(session, AuthorizedOwnerNumber, number_id, actor)
    session.delete(row)
    audit.record(session, actor=actor, action="owner_number.remove", entity="authorized_owner_number", entity_id=number_id)


def tenant_ids() -> list[int]:
    """Every shop's id, for jobs that walk the shops (on PostgreSQL through a SECURITY DEFINER listing: RLS hides the rows)."""
    with tenant_session(None) as session:
        if get_settings().is_postgres:
            return [r[0] for r in session.execute(text("SELECT * FROM auzap_tenant_ids()"))]
        return list(session.exec(select(Tenant.id).order_by(Tenant.id)))
