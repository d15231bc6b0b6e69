"""The dashboard's figures, computed from the data in the tenant's time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from auzap_console.models import Appointment, Conversation, Customer, Pet, Service, Tenant
from auzap_console.services.context import Actor

REVENUE_STATUSES = ("completed",)
ACTIVE_CUSTOMER_DAYS = 90


@dataclass
class TodayAppointment:
    """A row of the 'today' list."""

    time: str
    customer: str
    pet: str
    service: str
    status: str


@dataclass
class DashboardFigures:
    """Everything the dashboard shows."""

    today_count: int
    today: list[TodayAppointment]
    revenue_week_cents: int
    revenue_month_cents: int
    active_customers: int
    total_customers: int
    open_conversations: int
    revenue_by_week: list[dict] = field(default_factory=list)


def _local_midnight(day, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _revenue(session: Session, actor: Actor, start: datetime, end: datetime) -> int:
    stmt = select(func.coalesce(func.sum(Appointment.price_cents), 0)).where(
        Appointment.tenant_id == actor.tenant_id,
        Appointment.status.in_(REVENUE_STATUSES),  # type: ignore[attr-defined]
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
    )
    return int(session.exec(stmt).one())


def figures(session: Session, *, actor: Actor, now: datetime | None = None) -> DashboardFigures:
    """Today's bookings, week/month revenue (completed services), customers and chats."""
    tenant = session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()
    tz = ZoneInfo(tenant.timezone)
    now = now or datetime.now(UTC)
    today = now.astimezone(tz).date()
    day_start, day_end = _local_midnight(today, tz), _local_midnight(today + timedelta(days=1), tz)
    week_start = _local_midnight(today - timedelta(days=today.weekday()), tz)
    month_start = _local_midnight(today.replace(day=1), tz)

    rows = session.exec(
        select(Appointment, Customer.name, Pet.name, Service.name)
        .join(Customer, Customer.id == Appointment.customer_id)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(Appointment.tenant_id == actor.tenant_id, Appointment.starts_at >= day_start, Appointment.starts_at < day_end)
        .order_by(Appointment.starts_at)
    ).all()
    today_list = [
        TodayAppointment(a.starts_at.astimezone(tz).strftime("%H:%M"), customer, pet or "", service, a.status)
        for a, customer, pet, service in rows
    ]
    since = now - timedelta(days=ACTIVE_CUSTOMER_DAYS)
    active = session.exec(
        select(func.count(func.distinct(Appointment.customer_id))).where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.starts_at >= since,
            Appointment.starts_at < day_end,
            Appointment.status.in_(("completed", "confirmed", "pending")),  # type: ignore[attr-defined]
        )
    ).one()
    total_customers = session.exec(select(func.count()).select_from(Customer).where(Customer.tenant_id == actor.tenant_id)).one()
    open_conversations = session.exec(
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.tenant_id == actor.tenant_id, Conversation.status == "open", ~Conversation.is_test)
    ).one()
    by_week = []
    for weeks_back in range(7, -1, -1):
        start = week_start - timedelta(weeks=weeks_back)
        label = start.astimezone(tz).strftime("%d/%m")
        by_week.append({"semana": label, "receita": _revenue(session, actor, start, start + timedelta(weeks=1)) / 100})
    return DashboardFigures(
        today_count=len(today_list),
        today=today_list,
        revenue_week_cents=_revenue(session, actor, week_start, day_end),
        revenue_month_cents=_revenue(session, actor, month_start, day_end),
        active_customers=int(active),
        total_customers=int(total_customers),
        open_conversations=int(open_conversations),
        revenue_by_week=by_week,
    )
