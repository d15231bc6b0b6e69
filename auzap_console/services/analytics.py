"""Owner analytics.

Revenue, bookings, top services, no-shows, inactive customers, segments, AI usage and
opportunities, each for a period that can be compared with the previous one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from auzap_console.models import Appointment, Customer, Pet, Service, Tenant, UsageDaily
from auzap_console.services.context import Actor

PERIODS = ("hoje", "ontem", "semana", "semana_passada", "mes", "mes_passado", "ultimos_7_dias", "ultimos_30_dias")


@dataclass(frozen=True)
class Window:
    """A half-open [start, end) interval in UTC and its label."""

    start: datetime
    end: datetime
    label: str
    shift: str = ""  # "week" | "month": compare with the same span of the previous calendar period

    def previous(self) -> Window:
        """What to compare with: the same span of last week/month for calendar periods, else the window just before."""
        if self.shift == "week":
            return Window(self.start - timedelta(days=7), self.end - timedelta(days=7), "o mesmo período da semana anterior")
        if self.shift == "month":
            return Window(_month_back(self.start), _month_back(self.end), "o mesmo período do mês anterior")
        length = self.end - self.start
        return Window(self.start - length, self.start, "o período anterior")


def _month_back(moment: datetime) -> datetime:
    """The same day and time one month earlier (clamped to the month's last day)."""
    year, month = (moment.year - 1, 12) if moment.month == 1 else (moment.year, moment.month - 1)
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def window(session: Session, *, actor: Actor, period: str, now: datetime | None = None) -> Window:
    """The period in the tenant's time zone ("semana" = since Monday, "mes" = since the 1st)."""
    tenant = session.exec(select(Tenant).where(Tenant.id == actor.tenant_id)).one()
    tz = ZoneInfo(tenant.timezone)
    today = (now or datetime.now(UTC)).astimezone(tz).date()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)

    end = midnight(today + timedelta(days=1))
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_first = (first - timedelta(days=1)).replace(day=1)
    periods = {
        "hoje": (midnight(today), end, "hoje", ""),
        "ontem": (midnight(today - timedelta(days=1)), midnight(today), "ontem", ""),
        "semana": (midnight(monday), end, "esta semana", "week"),
        "semana_passada": (midnight(monday - timedelta(days=7)), midnight(monday), "a semana passada", ""),
        "mes": (midnight(first), end, "este mês", "month"),
        "mes_passado": (midnight(last_month_first), midnight(first), "o mês passado", ""),
        "ultimos_7_dias": (midnight(today - timedelta(days=6)), end, "últimos 7 dias", ""),
        "ultimos_30_dias": (midnight(today - timedelta(days=29)), end, "últimos 30 dias", ""),
    }
    start, end, label, shift = periods.get(period, periods["semana"])
    return Window(start, end, label, shift)


def _in(w: Window):
    return (Appointment.starts_at >= w.start, Appointment.starts_at < w.end)


def revenue(session: Session, *, actor: Actor, w: Window) -> tuple[int, int]:
    """(revenue in cents of completed services, number of live or completed bookings)."""
    cents = session.exec(
        select(func.coalesce(func.sum(Appointment.price_cents), 0)).where(
            Appointment.tenant_id == actor.tenant_id, Appointment.status == "completed", *_in(w)
        )
    ).one()
    bookings = session.exec(
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.tenant_id == actor.tenant_id, Appointment.status.in_(("completed", "confirmed", "pending")), *_in(w))
    ).one()  # type: ignore[attr-defined]
    return int(cents), int(bookings)


def top_services(session: Session, *, actor: Actor, w: Window, limit: int = 5) -> list[tuple[str, int, int]]:
    """(service, bookings, revenue cents) of completed services, best first."""
    rows = session.exec(
        select(Service.name, func.count(Appointment.id), func.coalesce(func.sum(Appointment.price_cents), 0))
        .join(Service, Service.id == Appointment.service_id)
        .where(Appointment.tenant_id == actor.tenant_id, Appointment.status == "completed", *_in(w))
        .group_by(Service.name)
        .order_by(func.sum(Appointment.price_cents).desc())
        .limit(limit)
    ).all()
    return [(name, int(n), int(cents)) for name, n, cents in rows]


def no_show_rate(session: Session, *, actor: Actor, w: Window) -> tuple[int, int]:
    """(no-shows, appointments that were due: completed + no-shows)."""
    rows = dict(
        session.exec(
            select(Appointment.status, func.count())
            .where(Appointment.tenant_id == actor.tenant_id, Appointment.status.in_(("completed", "no_show")), *_in(w))  # type: ignore[attr-defined]
            .group_by(Appointment.status)
        ).all()
    )
    return int(rows.get("no_show", 0)), int(rows.get("no_show", 0) + rows.get("completed", 0))


def inactive_customers(session: Session, *, actor: Actor, days: int, now: datetime | None = None) -> list[Customer]:
    """Customers who came at least once but not in the last `days` days (and have nothing booked)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    booked = select(Appointment.customer_id).where(
        Appointment.tenant_id == actor.tenant_id,
        Appointment.status.in_(("confirmed", "pending")),  # type: ignore[attr-defined]
        Appointment.starts_at >= (now or datetime.now(UTC)),
    )
    return list(
        session.exec(
            select(Customer)
            .where(
                Customer.tenant_id == actor.tenant_id,
                Customer.last_visit_at.is_not(None),
                Customer.last_visit_at < cutoff,  # type: ignore[union-attr]
                Customer.id.not_in(booked),
            )
            .order_by(Customer.last_visit_at)
        )
    )  # type: ignore[union-attr]


def segments(session: Session, *, actor: Actor, by: str) -> list[tuple[str, int]]:
    """Pets counted by species or breed, most common first."""
    column = Pet.breed if by == "breed" else Pet.species
    rows = session.exec(
        select(column, func.count())
        .where(Pet.tenant_id == actor.tenant_id, column != "")
        .group_by(column)
        .order_by(func.count().desc())
        .limit(10)
    ).all()
    return [(name, int(n)) for name, n in rows]


def ai_usage(session: Session, *, actor: Actor, w: Window) -> dict[str, int]:
    """Tokens, messages and estimated cost (micro-USD) in the window."""
    row = session.exec(
        select(
            func.coalesce(func.sum(UsageDaily.tokens_in), 0),
            func.coalesce(func.sum(UsageDaily.tokens_out), 0),
            func.coalesce(func.sum(UsageDaily.messages_in), 0),
            func.coalesce(func.sum(UsageDaily.messages_out), 0),
            func.coalesce(func.sum(UsageDaily.cost_micro_usd), 0),
        ).where(UsageDaily.tenant_id == actor.tenant_id, UsageDaily.day >= w.start.date(), UsageDaily.day < w.end.date())
    ).one()
    return dict(zip(("tokens_in", "tokens_out", "messages_in", "messages_out", "cost_micro_usd"), map(int, row), strict=True))


def opportunities(session: Session, *, actor: Actor, days: int = 60, now: datetime | None = None) -> list[dict]:
    """Breeds whose tutors have not come back in `days` days, with the revenue at stake.

    Potential = number of such customers x the breed's average completed ticket.
    """
    inactive = inactive_customers(session, actor=actor, days=days, now=now)
    if not inactive:
        return []
    ids = [c.id for c in inactive]
    rows = session.exec(
        select(Pet.breed, func.count(func.distinct(Pet.customer_id)))
        .where(Pet.tenant_id == actor.tenant_id, Pet.customer_id.in_(ids), Pet.breed != "")
        .group_by(Pet.breed)
    ).all()  # type: ignore[attr-defined]
    result = []
    for breed, count in rows:
        avg = session.exec(
            select(func.avg(Appointment.price_cents))
            .join(Pet, Pet.id == Appointment.pet_id)
            .where(Appointment.tenant_id == actor.tenant_id, Appointment.status == "completed", Pet.breed == breed)
        ).one()
        result.append({"breed": breed, "customers": int(count), "potential_cents": round((avg or 0) * count)})
    return sorted(result, key=lambda r: -r["potential_cents"])


__all__ = [
    "PERIODS",
    "Window",
    "ai_usage",
    "inactive_customers",
    "no_show_rate",
    "opportunities",
    "revenue",
    "segments",
    "top_services",
    "window",
]
