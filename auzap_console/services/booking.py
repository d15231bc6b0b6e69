"""Availability, booking, rescheduling and cancelling appointments.

A slot is free when it lies inside the tenant's business hours for that weekday, is in
the future, fewer than `service.capacity` live appointments of that service overlap it, and —
when professionals are assigned to the service's category — one of them works then and is free
(`services.staff`) — and no vertical plugin refuses it (`booking_refusal`: a daycare day with no
place left). Every change re-plans the appointment's reminders (`services.reminders`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Customer, Pet, Service, Tenant
from auzap_console.models.catalog import HOLDING_STATUSES, LIVE_STATUSES
from auzap_console.plugin import manager as plugins
from auzap_console.plugin.types import BookingRefusal
from auzap_console.services import audit, reminders, staff
from auzap_console.services.context import Actor, NotFound, ServiceError, get_scoped
from auzap_console.services.notifications import notify_ready
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.tenants import WEEKDAYS

__all__ = ["HOLDING_STATUSES", "LIVE_STATUSES", "NEXT_STATUSES"]
SLOT_STEP_MINUTES = 30
# The day's flow at the counter: each status and where it may go next.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "pending": ("confirmed", "cancelled"),
    "confirmed": ("checked_in", "no_show", "cancelled"),
    "checked_in": ("in_service", "cancelled"),
    "in_service": ("ready",),
    "ready": ("completed",),
}


def _tenant(session: Session, actor: Actor) -> Tenant:
    return session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()


def opening_hours(tenant: Tenant, day: date) -> tuple[datetime, datetime] | None:
    """The day's opening and closing moments (aware, tenant zone), or None when closed."""
    hours = (tenant.business_hours or {}).get(WEEKDAYS[day.weekday()])
    if not hours:
        return None
    tz = ZoneInfo(tenant.timezone)
    open_t, close_t = (time.fromisoformat(hours["open"]), time.fromisoformat(hours["close"]))
    return datetime.combine(day, open_t, tzinfo=tz), datetime.combine(day, close_t, tzinfo=tz)


def _overlapping(session: Session, actor: Actor, service_id: int, start: datetime, end: datetime, exclude: int | None = None) -> int:
    stmt = (
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.service_id == service_id,
            Appointment.status.in_(HOLDING_STATUSES),  # type: ignore[attr-defined]
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
    )
    if exclude:
        stmt = stmt.where(Appointment.id != exclude)
    return session.exec(stmt).one()


def _misfit(tenant: Tenant, service: Service, start: datetime) -> str | None:
    """Why `start` does not fit the opening hours (None when it does).

    A visit starts and ends within the day's hours. A daycare day or hotel stay is dropped off
    and picked up while the shop is open (a day of daycare at 17:30 would end at 03:30).
    """
    tz = ZoneInfo(tenant.timezone)
    window = opening_hours(tenant, start.astimezone(tz).date())
    end = start + timedelta(minutes=service.duration_minutes)
    if window is None or not window[0] <= start < window[1]:
        return t("err.slot_closed")
    if service.duration_minutes < staff.LONG_STAY_MINUTES:
        return None if end <= window[1] else t("err.slot_closed")
    pickup = opening_hours(tenant, end.astimezone(tz).date())
    if pickup is None or not pickup[0] <= end <= pickup[1]:
        return t("err.pickup_closed", when=end.astimezone(tz).strftime("%d/%m às %H:%M"))
    return None


def available_slots(
    session: Session,
    *,
    actor: Actor,
    service_id: int,
    day: date,
    now: datetime | None = None,
    staff_id: int | None = None,
    exclude: int | None = None,
) -> list[datetime]:
    """Free start times (UTC) for a service on a day (with `staff_id`: when that professional is free).

    `exclude` leaves one appointment out of the count (the one being moved).
    """
    tenant = _tenant(session, actor)
    service = get_scoped(session, Service, service_id, actor)
    window = opening_hours(tenant, day)
    if window is None or not service.active:
        return []
    now = now or utcnow()
    slots, cursor = [], window[0]
    while cursor < window[1]:
        end = cursor + timedelta(minutes=service.duration_minutes)
        if (
            cursor > now
            and _misfit(tenant, service, cursor) is None
            and _overlapping(session, actor, service.id, cursor, end, exclude) < service.capacity
            and _staff_ok(session, actor, tenant, service, cursor, staff_id, exclude)
            and _refusal(session, actor, tenant, service, None, cursor, end, exclude, final=False) is None
        ):
            slots.append(cursor.astimezone(UTC))
        cursor += timedelta(minutes=SLOT_STEP_MINUTES)
    return slots


def _staff_ok(
    session: Session, actor: Actor, tenant: Tenant, service: Service, start: datetime, staff_id: int | None, exclude: int | None
) -> bool:
    try:
        staff.pick(session, actor, tenant, service, start, staff_id, exclude)
    except ServiceError:
        return False
    return True


def _refusal(
    session: Session,
    actor: Actor,
    tenant: Tenant,
    service: Service,
    pet_id: int | None,
    start: datetime,
    end: datetime,
    exclude: int | None,
    *,
    final: bool,
) -> BookingRefusal | None:
    """Why a vertical plugin the shop has on refuses this time (e.g. no daycare place that day), or None."""
    return plugins.booking_refusal(
        session=session,
        actor=actor,
        category=service.category,
        pet_id=pet_id,
        starts_at=start.astimezone(UTC),
        ends_at=end.astimezone(UTC),
        exclude_appointment=exclude,
        final=final,
        disabled=disabled_plugins(tenant),
    )


def _check_slot(
    session: Session,
    actor: Actor,
    service: Service,
    start: datetime,
    exclude: int | None = None,
    now: datetime | None = None,
    pet_id: int | None = None,
) -> datetime:
    if start.tzinfo is None:
        raise ServiceError(t("err.slot_invalid"))
    tenant = _tenant(session, actor)
    if start <= (now or utcnow()):
        raise ServiceError(t("err.slot_past"))
    misfit = _misfit(tenant, service, start)
    if misfit:
        raise ServiceError(misfit)
    end = start + timedelta(minutes=service.duration_minutes)
    if _overlapping(session, actor, service.id, start, end, exclude) >= service.capacity:
        raise ServiceError(t("err.slot_full"))
    refusal = _refusal(session, actor, tenant, service, pet_id, start, end, exclude, final=True)
    if refusal:
        raise ServiceError(refusal.reason, field="pet" if refusal.pet else "")  # "pet": another time would not help
    return end


def book(
    session: Session,
    *,
    actor: Actor,
    customer_id: int,
    service_id: int,
    starts_at: datetime,
    pet_id: int | None = None,
    source: str = "staff",
    notes: str = "",
    now: datetime | None = None,
    staff_id: int | None = None,
) -> Appointment:
    """Book a free slot; the service price is frozen on the appointment (`now`: the agent turn's clock).

    With professionals on the service's category, `staff_id` picks one (checked free), else the
    first free one is assigned.
    """
    actor.require("staff")
    customer = get_scoped(session, Customer, customer_id, actor)
    service = get_scoped(session, Service, service_id, actor)
    if not service.active:
        raise ServiceError(t("err.service_inactive"))
    if pet_id is not None:
        pet = get_scoped(session, Pet, pet_id, actor)
        if pet.customer_id != customer.id:
            raise NotFound(t("err.not_found"))
    ends_at = _check_slot(session, actor, service, starts_at, now=now, pet_id=pet_id)
    assigned = staff.pick(session, actor, _tenant(session, actor), service, starts_at, staff_id)
    appointment = Appointment(
        tenant_id=actor.tenant_id,
        customer_id=customer.id,
        pet_id=pet_id,
        service_id=service.id,
        starts_at=starts_at,
        ends_at=ends_at,
        status="confirmed",
        price_cents=service.price_cents,
        source=source,
        notes=notes,
        staff_id=assigned,
    )
    session.add(appointment)
    session.flush()
    reminders.plan(session, actor=actor, appointment=appointment, now=now)
    audit.record(
        session,
        actor=actor,
        action="appointment.book",
        entity="appointment",
        entity_id=appointment.id,
        details={"source": source, **({"staff_id": assigned} if assigned else {})},
    )
    return appointment


def _own(session: Session, actor: Actor, appointment_id: int, customer_id: int | None) -> Appointment:
    appointment = get_scoped(session, Appointment, appointment_id, actor)
    if customer_id is not None and appointment.customer_id != customer_id:
        raise NotFound(t("err.not_found"))
    return appointment


def reschedule(
    session: Session,
    *,
    actor: Actor,
    appointment_id: int,
    starts_at: datetime,
    customer_id: int | None = None,
    now: datetime | None = None,
    staff_id: int | None = None,
) -> Appointment:
    """Move a live appointment to a free slot (`customer_id` limits it to that customer's).

    Its professional stays when free at the new time (`staff_id` asks for another one); its
    reminders are planned again for the new time.
    """
    actor.require("staff")
    appointment = _own(session, actor, appointment_id, customer_id)
    if appointment.status not in LIVE_STATUSES:
        raise ServiceError(t("err.appointment_not_live"))
    service = session.get(Service, appointment.service_id)
    before = {"starts_at": appointment.starts_at.isoformat(), "staff_id": appointment.staff_id}
    appointment.ends_at = _check_slot(session, actor, service, starts_at, exclude=appointment.id, now=now, pet_id=appointment.pet_id)
    tenant = _tenant(session, actor)
    wanted = staff_id or appointment.staff_id
    try:
        appointment.staff_id = staff.pick(session, actor, tenant, service, starts_at, wanted, appointment.id)
    except ServiceError:
        if staff_id:  # the professional asked for is not free: say so
            raise
        appointment.staff_id = staff.pick(session, actor, tenant, service, starts_at, None, appointment.id)  # someone else free
    appointment.starts_at = starts_at
    session.add(appointment)
    reminders.plan(session, actor=actor, appointment=appointment, now=now)
    audit.record(
        session,
        actor=actor,
        action="appointment.reschedule",
        entity="appointment",
        entity_id=appointment.id,
        details={"from": before, "to": {"starts_at": starts_at.isoformat(), "staff_id": appointment.staff_id}},
    )
    return appointment


def assign_staff(session: Session, *, actor: Actor, appointment_id: int, staff_id: int | None) -> Appointment:
    """Give an appointment to another professional (checked free then), or to nobody; audited."""
    actor.require("staff")
    appointment = _own(session, actor, appointment_id, None)
    if appointment.status not in HOLDING_STATUSES:
        raise ServiceError(t("err.appointment_not_live"))
    service = session.get(Service, appointment.service_id)
    previous = appointment.staff_id
    if staff_id:
        appointment.staff_id = staff.pick(session, actor, _tenant(session, actor), service, appointment.starts_at, staff_id, appointment.id)
    else:
        appointment.staff_id = None
    session.add(appointment)
    audit.record(
        session,
        actor=actor,
        action="appointment.staff",
        entity="appointment",
        entity_id=appointment.id,
        details={"from": previous, "to": appointment.staff_id},
    )
    return appointment


def confirm_by_customer(session: Session, *, actor: Actor, appointment_id: int, now: datetime | None = None) -> Appointment:
    """The tutor confirmed (answering a reminder): recorded on the appointment, pending becomes confirmed."""
    actor.require("staff")
    appointment = _own(session, actor, appointment_id, None)
    if appointment.status not in LIVE_STATUSES:
        raise ServiceError(t("err.appointment_not_live"))
    appointment.customer_confirmed_at = now or utcnow()
    appointment.status = "confirmed"
    session.add(appointment)
    audit.record(session, actor=actor, action="appointment.customer_confirmed", entity="appointment", entity_id=appointment.id)
    return appointment


def cancel(session: Session, *, actor: Actor, appointment_id: int, customer_id: int | None = None, reason: str = "") -> Appointment:
    """Cancel a live appointment (`customer_id` limits it to that customer's); the reason is audited."""
    actor.require("staff")
    appointment = _own(session, actor, appointment_id, customer_id)
    if appointment.status not in LIVE_STATUSES:
        raise ServiceError(t("err.appointment_not_live"))
    return _cancel(session, actor, appointment, reason)


def _cancel(session: Session, actor: Actor, appointment: Appointment, reason: str) -> Appointment:
    appointment.status = "cancelled"
    session.add(appointment)
    reminders.plan(session, actor=actor, appointment=appointment)
    audit.record(
        session,
        actor=actor,
        action="appointment.cancel",
        entity="appointment",
        entity_id=appointment.id,
        details={"reason": (reason or "").strip()[:300]},
    )
    return appointment


def set_status(session: Session, *, actor: Actor, appointment_id: int, status: str, reason: str = "") -> Appointment:
    """Move an appointment along the day's flow (confirmed → checked in → in service → ready → completed).

    Only the next steps of `NEXT_STATUSES` are allowed; each change is audited with who made it.
    "Ready" tells the tutor on WhatsApp (unless the shop switched it off); completing a visit
    records it as the customer's last visit.
    """
    actor.require("staff")
    appointment = _own(session, actor, appointment_id, None)
    if status not in NEXT_STATUSES.get(appointment.status, ()):
        raise ServiceError(t("err.status_step", current=t(f"appt.status.{appointment.status}"), new=t(f"appt.status.{status}")))
    if status == "cancelled":  # also after check-in (the counter's call; customers and the AI only cancel before)
        return _cancel(session, actor, appointment, reason)
    return _move(session, actor, appointment, status)


def finish_stay(session: Session, *, actor: Actor, appointment_id: int) -> Appointment:
    """A vertical's check-out: a checked-in daycare day or hotel stay is completed at once.

    A stay has no service or "ready" step (the tutor collects the pet at the desk), and completing
    it counts its price in revenue and the visit as the customer's last.
    """
    actor.require("staff")
    appointment = _own(session, actor, appointment_id, None)
    if appointment.status != "checked_in":
        raise ServiceError(t("err.status_step", current=t(f"appt.status.{appointment.status}"), new=t("appt.status.completed")))
    return _move(session, actor, appointment, "completed")


def _move(session: Session, actor: Actor, appointment: Appointment, status: str) -> Appointment:
    previous, appointment.status = appointment.status, status
    session.add(appointment)
    reminders.plan(session, actor=actor, appointment=appointment)  # no reminder once the pet is here (or did not come)
    notified = status == "ready" and notify_ready(session, actor=actor, appointment=appointment) is not None
    if status == "completed":
        customer = session.get(Customer, appointment.customer_id)
        if customer is not None and (customer.last_visit_at is None or customer.last_visit_at < appointment.starts_at):
            customer.last_visit_at = appointment.starts_at
            session.add(customer)
    audit.record(
        session,
        actor=actor,
        action="appointment.status",
        entity="appointment",
        entity_id=appointment.id,
        details={"from": previous, "to": status, **({"tutor_notified": True} if notified else {})},
    )
    return appointment


def days_held(starts_at: datetime, ends_at: datetime, timezone: str) -> tuple[date, date]:
    """The shop's local days a booking holds a place, as [first, end).

    A visit holds its day; a stay that ends on a later day holds every day before its pick-up day
    (the hotel's nights).
    """
    tz = ZoneInfo(timezone)
    first, pickup = starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()
    return first, max(pickup, first + timedelta(days=1))


@dataclass(frozen=True)
class StayBooking:
    """A daycare or hotel appointment as a vertical counts and lists it (`stay_bookings`)."""

    appointment_id: int
    category: str
    status: str
    pet_id: int | None
    pet: str
    customer_id: int
    customer: str
    first: date  # the first local day it holds a place
    end: date  # the day after the last one (the hotel's pick-up day)


def stay_bookings(
    session: Session, *, actor: Actor, categories: tuple[str, ...], start: date, end: date, exclude: int | None = None
) -> list[StayBooking]:
    """Appointments of `categories` services holding a place on a local day of [start, end) (daycare and hotel verticals).

    Their days as `days_held` gives them, as a vertical's own stays are kept, so a vertical can
    count each pet once and list them at its desk. `exclude` leaves out the one being moved.
    """
    timezone = _tenant(session, actor).timezone
    since, until = (datetime.combine(d, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC) for d in (start, end))
    stmt = (
        select(Appointment, Service.category, Pet.name, Customer.name)
        .join(Service, Service.id == Appointment.service_id)
        .join(Customer, Customer.id == Appointment.customer_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(
            Appointment.tenant_id == actor.tenant_id,
            Service.category.in_(categories),  # type: ignore[attr-defined]
            Appointment.status.in_(HOLDING_STATUSES),  # type: ignore[attr-defined]
            Appointment.starts_at < until,
            Appointment.ends_at > since,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if exclude:
        stmt = stmt.where(Appointment.id != exclude)
    return [
        StayBooking(a.id, category, a.status, a.pet_id, pet or "", a.customer_id, customer, *days_held(a.starts_at, a.ends_at, timezone))  # type: ignore[arg-type]
        for a, category, pet, customer in session.exec(stmt).all()
    ]


def stays_booked(
    session: Session, *, actor: Actor, category: str, start: date, end: date, exclude: int | None = None
) -> list[tuple[int | None, date, date]]:
    """`stay_bookings` of one category as (pet id, first day, end day): what occupancy counts."""
    return [
        (b.pet_id, b.first, b.end)
        for b in stay_bookings(session, actor=actor, categories=(category,), start=start, end=end, exclude=exclude)
    ]


def _with_names(
    session: Session, actor: Actor, customer_id: int, *conditions, order, limit: int | None = None
) -> list[tuple[Appointment, str, str]]:
    """A customer's appointments matching `conditions`, with service and pet names."""
    rows = session.exec(
        select(Appointment, Service.name, Pet.name)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(Appointment.tenant_id == actor.tenant_id, Appointment.customer_id == customer_id, *conditions)
        .order_by(order)
        .limit(limit)
    ).all()
    return [(a, s, p or "") for a, s, p in rows]


def upcoming(session: Session, *, actor: Actor, customer_id: int, now: datetime | None = None) -> list[tuple[Appointment, str, str]]:
    """A customer's live future appointments with service and pet names."""
    return _with_names(
        session,
        actor,
        customer_id,
        Appointment.status.in_(LIVE_STATUSES),  # type: ignore[attr-defined]
        Appointment.starts_at > (now or utcnow()),
        order=Appointment.starts_at,
    )


def history(
    session: Session, *, actor: Actor, customer_id: int, limit: int = 10, now: datetime | None = None
) -> list[tuple[Appointment, str, str]]:
    """A customer's past appointments (any status), newest first, with service and pet names."""
    return _with_names(
        session,
        actor,
        customer_id,
        Appointment.starts_at <= (now or utcnow()),
        order=Appointment.starts_at.desc(),
        limit=limit,  # type: ignore[attr-defined]
    )
