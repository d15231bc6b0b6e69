"""The services a shop sells: prices in cents, durations, categories."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from auzap_console.i18n import t
from auzap_console.models import Appointment, Service
from auzap_console.models.catalog import CATEGORIES
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped


def list_services(session: Session, *, actor: Actor, active_only: bool = False) -> list[Service]:
    """All services of the tenant, by category then name."""
    stmt = select(Service).where(Service.tenant_id == actor.tenant_id)
    if active_only:
        stmt = stmt.where(Service.active)
    return list(session.exec(stmt.order_by(Service.category, Service.name)))


def service_name(name: str) -> str:
    """A service's name, checked (the form checks it before parsing the price, so the first field is answered first)."""
    name = limits.bounded(name, limits.NAME, t("svc.name"), field="name")
    if len(name) < 2:
        raise ServiceError(t("err.service_name"), field="name")
    return name


def save_service(
    session: Session,
    *,
    actor: Actor,
    service_id: int | None = None,
    name: str,
    price_cents: int,
    duration_minutes: int,
    category: str,
    description: str = "",
    capacity: int = 1,
    active: bool = True,
) -> Service:
    """Create or update a service (manager and up); names are unique per tenant."""
    actor.require("manager")
    name = service_name(name)
    description = limits.bounded(description, limits.DESCRIPTION, t("svc.description"), field="description")
    if price_cents < 0 or price_cents > 10_000_000:
        raise ServiceError(t("err.price_invalid"), field="price")
    if not 5 <= duration_minutes <= 24 * 60 * 30:
        raise ServiceError(t("err.duration_invalid"), field="duration")
    if category not in CATEGORIES:
        raise ServiceError(t("err.category_invalid"))
    if not 1 <= capacity <= 100:
        raise ServiceError(t("err.capacity_invalid"), field="capacity")
    service = get_scoped(session, Service, service_id, actor) if service_id else Service(tenant_id=actor.tenant_id, name=name)
    before = {"price_cents": service.price_cents, "active": service.active} if service_id else {}
    service.name, service.price_cents, service.duration_minutes = name, price_cents, duration_minutes
    service.category, service.description, service.capacity, service.active = category, (description or "").strip(), capacity, active
    try:
        with session.begin_nested():
            session.add(service)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.service_taken"), field="name") from exc
    audit.record(
        session,
        actor=actor,
        action="service.update" if service_id else "service.create",
        entity="service",
        entity_id=service.id,
        details={"before": before, "price_cents": price_cents, "active": active},
    )
    return service


def delete_service(session: Session, *, actor: Actor, service_id: int) -> None:
    """Delete a never-booked service; booked ones can only be deactivated."""
    actor.require("manager")
    service = get_scoped(session, Service, service_id, actor)
    booked = session.exec(
        select(func.count()).select_from(Appointment).where(Appointment.tenant_id == actor.tenant_id, Appointment.service_id == service.id)
    ).one()
    if booked:
        raise ServiceError(t("err.service_in_use"))
    session.delete(service)
    audit.record(session, actor=actor, action="service.delete", entity="service", entity_id=service_id, details={"name": service.name})
