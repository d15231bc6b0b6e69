"""The dashboard's figures, computed from the data in the tenant's time zone."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from auzap_console.models import Appointment, Conversation, Customer, Pet, Service, Tenant
from auzap_console.plugin import manager
from auzap_console.services.context import Actor
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.tenants import get_tenant

log = logging.getLogger("auzap.dashboard")

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
    revenue_visible: bool = True
    week_start: date | None = None  # local days the week's and the month's revenue count from
    month_start: date | None = None


@dataclass
class PluginCard:
    """A figure a plugin adds to the dashboard (`register_dashboard_cards`)."""

    name: str
    title: str
    value: str
    icon: str
    hint: str = ""


def plugin_cards(session: Session, *, actor: Actor) -> list[PluginCard]:
    """The cards of the plugins this shop has on, each computed for the actor's shop only.

    A card whose `compute` fails shows "—" (logged) instead of breaking the dashboard; it runs in
    a savepoint so a failed query cannot spoil the rest of the page's transaction.
    """
    tenant = get_tenant(session, actor=actor)
    cards = []
    for spec in manager.dashboard_cards(disabled_plugins(tenant)).values():
        try:
            with session.begin_nested():
                value = str(spec.compute(session, actor))
        except Exception:
            log.exception("dashboard card %s failed", spec.name)
            value = "—"
        figure, _, hint = value.partition("\n")  # "12 pets\nCreche 8/10 · Hotel 4/6": the figure, then a small line
        cards.append(PluginCard(name=spec.name, title=spec.title, value=figure, icon=spec.icon, hint=hint.strip()))
    return cards


def revenue_visible(tenant: Tenant, actor: Actor) -> bool:
    """Owners and managers see revenue; staff only when the owner allows it on the Settings page."""
    return actor.role != "staff" or bool((tenant.settings or {}).get("staff_sees_revenue"))


def set_staff_revenue(session: Session, *, actor: Actor, allowed: bool) -> None:
    """Let staff see (or stop seeing) the revenue figures (owner only)."""
    from auzap_console.services import audit

    actor.require("owner")
    tenant = session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()
    tenant.settings = {**(tenant.settings or {}), "staff_sees_revenue": bool(allowed)}
    session.add(tenant)
    audit.record(session, actor=actor, action="settings.staff_revenue", entity="tenant", entity_id=tenant.id, details={"allowed": allowed})


def _local_midnight(day, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _revenues(session: Session, actor: Actor, spans: list[tuple[datetime, datetime]]) -> list[int]:
    """Revenue (cents) of each [start, end) span, from one pass over the appointments they cover."""
    if not spans:
        return []
    sums = [
        func.coalesce(func.sum(Appointment.price_cents).filter(Appointment.starts_at >= start, Appointment.starts_at < end), 0)
        for start, end in spans
    ]
    stmt = select(*sums).where(
        Appointment.tenant_id == actor.tenant_id,
        Appointment.status.in_(REVENUE_STATUSES),  # type: ignore[attr-defined]
        Appointment.starts_at >= min(start for start, _ in spans),
        Appointment.starts_at < max(end for _, end in spans),
    )
    return [int(cents) for cents in session.execute(stmt).one()]


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
    show = revenue_visible(tenant, actor)  # when False the revenue is not even computed
    weeks = [week_start - timedelta(weeks=back) for back in range(7, -1, -1)] if show else []
    spans = [(week_start, day_end), (month_start, day_end), *((start, start + timedelta(weeks=1)) for start in weeks)]
    week_cents, month_cents, *weekly = _revenues(session, actor, spans) if show else [0, 0]
    by_week = [
        {"semana": start.astimezone(tz).strftime("%d/%m"), "receita": cents / 100} for start, cents in zip(weeks, weekly, strict=True)
    ]
    return DashboardFigures(
        today_count=len(today_list),
        today=today_list,
        revenue_week_cents=week_cents,
        revenue_month_cents=month_cents,
        active_customers=int(active),
        total_customers=int(total_customers),
        open_conversations=int(open_conversations),
        revenue_by_week=by_week,
        revenue_visible=show,
        week_start=week_start.astimezone(tz).date(),
        month_start=month_start.astimezone(tz).date(),
    )
