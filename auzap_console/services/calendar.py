"""The shop's agenda: a day's appointments by time and a week at a glance, in the shop's time zone.

Reading only; every change goes through `services.booking` (the same rules for people and the AI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.models import Appointment, Customer, Pet, Service
from auzap_console.services.booking import HOLDING_STATUSES, NEXT_STATUSES, opening_hours
from auzap_console.services.context import Actor
from auzap_console.services.tenants import get_tenant


@dataclass
class AgendaItem:
    """One appointment as the calendar shows it."""

    id: int
    starts: str  # HH:MM in the shop's zone
    ends: str
    customer: str
    customer_id: int
    pet: str
    service: str
    category: str
    price_cents: int
    status: str
    by_ai: bool
    in_use: int  # holding appointments of this service overlapping this one (itself included)
    capacity: int
    next_statuses: tuple[str, ...]


@dataclass
class DayAgenda:
    """A day: opening hours (None when closed) and its appointments in start order."""

    day: date
    opens: str | None
    closes: str | None
    items: list[AgendaItem] = field(default_factory=list)


@dataclass
class WeekDay:
    """One day of the week view: how many appointments, and how many still to come."""

    day: date
    total: int
    waiting: int
    completed: int
    closed: bool


def _bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)


def day_agenda(session: Session, *, actor: Actor, day: date, status: str = "", category: str = "") -> DayAgenda:
    """The day's appointments (optionally one status or service category) with names, capacity use and next steps."""
    actor.require("staff")
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    start, end = _bounds(day, tz)
    stmt = (
        select(Appointment, Customer.name, Service, Pet.name)
        .join(Customer, Customer.id == Appointment.customer_id)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(Appointment.tenant_id == actor.tenant_id, Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if status:
        stmt = stmt.where(Appointment.status == status)
    if category:
        stmt = stmt.where(Service.category == category)
    rows = session.exec(stmt).all()
    holding = [a for a, _, _, _ in rows if a.status in HOLDING_STATUSES]
    hours = opening_hours(tenant, day)
    agenda = DayAgenda(day=day, opens=hours[0].strftime("%H:%M") if hours else None, closes=hours[1].strftime("%H:%M") if hours else None)
    for appointment, customer, service, pet in rows:
        overlapping = [
            a
            for a in holding
            if a.service_id == appointment.service_id and a.starts_at < appointment.ends_at and a.ends_at > appointment.starts_at
        ]
        agenda.items.append(
            AgendaItem(
                id=appointment.id,
                starts=appointment.starts_at.astimezone(tz).strftime("%H:%M"),
                ends=appointment.ends_at.astimezone(tz).strftime("%H:%M"),
                customer=customer,
                customer_id=appointment.customer_id,
                pet=pet or "",
                service=service.name,
                category=service.category,
                price_cents=appointment.price_cents,
                status=appointment.status,
                by_ai=appointment.source == "ai",
                in_use=len(overlapping),
                capacity=service.capacity,
                next_statuses=NEXT_STATUSES.get(appointment.status, ()),
            )
        )
    return agenda


def week_overview(session: Session, *, actor: Actor, week_of: date) -> list[WeekDay]:
    """Monday to Sunday of `week_of`'s week: counts per day (cancelled ones left out)."""
    actor.require("staff")
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    monday = week_of - timedelta(days=week_of.weekday())
    start, _ = _bounds(monday, tz)
    end = start + timedelta(days=7)
    rows = session.exec(
        select(Appointment.starts_at, Appointment.status).where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status != "cancelled",
        )
    ).all()
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        statuses = [s for starts_at, s in rows if starts_at.astimezone(tz).date() == day]
        days.append(
            WeekDay(
                day=day,
                total=len(statuses),
                waiting=sum(s in HOLDING_STATUSES for s in statuses),
                completed=statuses.count("completed"),
                closed=opening_hours(tenant, day) is None,
            )
        )
    return days
