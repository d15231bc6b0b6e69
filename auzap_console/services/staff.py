"""The shop's professionals (groomers, bathers, trainers): the agenda's lanes.

A staff member does some service categories and works the shop's hours unless given their own.
When a service's category has professionals, a booking takes one who is working and free at that
time (chosen, or the first free one); a category nobody is assigned to is limited only by the
service's capacity. Long stays (daycare, hotel) never hold a person.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.i18n import t
from auzap_console.models import Appointment, Service, StaffMember, Tenant, User
from auzap_console.models.catalog import CATEGORIES, HOLDING_STATUSES
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.tenants import WEEKDAYS, validate_business_hours

LONG_STAY_MINUTES = 8 * 60  # daycare/hotel: dropped off and picked up in opening hours, and nobody is held


def list_staff(session: Session, *, actor: Actor, active_only: bool = False) -> list[StaffMember]:
    """The shop's professionals by name."""
    actor.require("staff")
    stmt = select(StaffMember).where(StaffMember.tenant_id == actor.tenant_id)
    if active_only:
        stmt = stmt.where(StaffMember.active)
    return list(session.exec(stmt.order_by(StaffMember.name, StaffMember.id)))


def save_staff(
    session: Session,
    *,
    actor: Actor,
    staff_id: int | None = None,
    name: str,
    categories: list[str],
    working_hours: dict | None = None,
    user_id: int | None = None,
    active: bool = True,
) -> StaffMember:
    """Create or update a professional (manager and up); audited."""
    actor.require("manager")
    name = limits.bounded(name, limits.NAME, t("staff.name"), field="staff-name")
    if len(name) < 2:
        raise ServiceError(t("err.staff_name"), field="staff-name")
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown or not categories:
        raise ServiceError(t("err.staff_categories"))
    hours = validate_business_hours(working_hours) if working_hours else {}
    if hours and not any(hours.values()):
        raise ServiceError(t("err.staff_no_days"))
    if user_id is not None:
        get_scoped(session, User, user_id, actor)  # another shop's user is not found
    member = get_scoped(session, StaffMember, staff_id, actor) if staff_id else StaffMember(tenant_id=actor.tenant_id, name=name)
    member.name, member.categories, member.working_hours = name, list(dict.fromkeys(categories)), hours
    member.user_id, member.active = user_id, active
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="staff.update" if staff_id else "staff.create",
        entity="staff_member",
        entity_id=member.id,
        details={"categories": member.categories, "active": active},
    )
    return member


def hours_on(member: StaffMember, tenant: Tenant, day: date) -> tuple[datetime, datetime] | None:
    """When the professional works on `day` (their own hours, else the shop's), or None."""
    week = member.working_hours or tenant.business_hours or {}
    hours = week.get(WEEKDAYS[day.weekday()])
    if not hours:
        return None
    tz = ZoneInfo(tenant.timezone)
    return (
        datetime.combine(day, time.fromisoformat(hours["open"]), tzinfo=tz),
        datetime.combine(day, time.fromisoformat(hours["close"]), tzinfo=tz),
    )


def qualified(session: Session, actor: Actor, service: Service) -> list[StaffMember]:
    """The active professionals who do this service's category ([] for long stays: nobody is held)."""
    if service.duration_minutes >= LONG_STAY_MINUTES:
        return []
    members = session.exec(select(StaffMember).where(StaffMember.tenant_id == actor.tenant_id, StaffMember.active)).all()
    return [m for m in members if service.category in (m.categories or [])]


def busy_ids(session: Session, actor: Actor, start: datetime, end: datetime, exclude: int | None = None) -> set[int]:
    """Professionals with an appointment (that holds its slot) overlapping [start, end)."""
    stmt = select(Appointment.staff_id).where(
        Appointment.tenant_id == actor.tenant_id,
        Appointment.staff_id.is_not(None),  # type: ignore[union-attr]
        Appointment.status.in_(HOLDING_STATUSES),  # type: ignore[attr-defined]
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    if exclude:
        stmt = stmt.where(Appointment.id != exclude)
    return set(session.exec(stmt).all())


def works_at(member: StaffMember, tenant: Tenant, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside the professional's hours that day."""
    hours = hours_on(member, tenant, start.astimezone(ZoneInfo(tenant.timezone)).date())
    return hours is not None and hours[0] <= start and end <= hours[1]


def free_members(
    session: Session, actor: Actor, tenant: Tenant, service: Service, start: datetime, exclude: int | None = None
) -> list[StaffMember] | None:
    """Who could take this service at `start`; None when the category has nobody assigned (no staff rule)."""
    members = qualified(session, actor, service)
    if not members:
        return None
    end = start + timedelta(minutes=service.duration_minutes)
    busy = busy_ids(session, actor, start, end, exclude)
    return [m for m in members if m.id not in busy and works_at(m, tenant, start, end)]


def pick(
    session: Session,
    actor: Actor,
    tenant: Tenant,
    service: Service,
    start: datetime,
    staff_id: int | None,
    exclude: int | None = None,
) -> int | None:
    """The professional an appointment gets: the one asked for (checked), else the first free one.

    Raises a pt-BR reason when the chosen one does not do it, is not working or is busy, or when
    the category has professionals and none is free. Returns None when no staff rule applies.
    """
    if staff_id:
        member = get_scoped(session, StaffMember, staff_id, actor)
        if not member.active or service.category not in (member.categories or []):
            raise ServiceError(t("err.staff_not_qualified", name=member.name, service=service.name), field="staff")
        end = start + timedelta(minutes=service.duration_minutes)
        if service.duration_minutes < LONG_STAY_MINUTES:
            if not works_at(member, tenant, start, end):
                raise ServiceError(t("err.staff_off", name=member.name), field="staff")
            if member.id in busy_ids(session, actor, start, end, exclude):
                raise ServiceError(t("err.staff_busy", name=member.name), field="staff")
        return member.id
    free = free_members(session, actor, tenant, service, start, exclude)
    if free is None:
        return None
    if not free:
        raise ServiceError(t("err.staff_none_free"))
    return free[0].id
