"""The shop's agenda, in the shop's time zone: a day by lane (professional) and time, a week at a glance.

Reading only; every change goes through `services.booking` (the same rules for people and the AI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, AppointmentReminder, Customer, HealthFinding, Pet, Service, StaffMember, Tenant
from auzap_console.services import audit
from auzap_console.services.booking import HOLDING_STATUSES, NEXT_STATUSES, SLOT_STEP_MINUTES, opening_hours
from auzap_console.services.context import Actor, NotFound
from auzap_console.services.staff import hours_on
from auzap_console.services.tenants import get_tenant

NO_LANE = 0  # appointments nobody is assigned to
DAY_END = "23:59"  # the `ends` of an appointment that runs past midnight: it holds its lane to the end of the day


@dataclass
class AgendaItem:
    """One appointment as the calendar shows it."""

    id: int
    starts: str  # HH:MM in the shop's zone
    ends: str  # HH:MM, or DAY_END when it ends on a later day (an overnight stay)
    ends_label: str  # what the page shows: "10:30", or "amanhã 09:30" / "09/12 09:30" for a later day
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
    starts_at: datetime  # UTC
    service_id: int
    staff_id: int  # NO_LANE when nobody is assigned
    staff: str
    confirmed_by_tutor: bool
    reminder: str  # the reminders' state in words ("" when there are none)
    findings: int  # health findings recorded on this visit
    notes: str


@dataclass
class Lane:
    """A column of the day view: a professional (or nobody) and when they work that day."""

    id: int
    name: str
    opens: str | None  # HH:MM, None when off that day
    closes: str | None


@dataclass
class DayAgenda:
    """A day: opening hours (None when closed), lanes, the half-hours to draw, and appointments in start order."""

    day: date
    opens: str | None
    closes: str | None
    items: list[AgendaItem] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)  # HH:MM rows from the first to the last half-hour shown
    now: str | None = None  # HH:MM when the day is today in the shop's zone


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


def day_agenda(
    session: Session, *, actor: Actor, day: date, status: str = "", category: str = "", staff_id: int | None = None
) -> DayAgenda:
    """The day's appointments with everything the agenda shows, and the lanes of who works that day.

    Optionally only one status, service category or lane (`staff_id`; 0 for nobody's).
    """
    actor.require("staff")
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    start, end = _bounds(day, tz)
    stmt = _select(actor).where(Appointment.starts_at >= start, Appointment.starts_at < end)
    if status:
        stmt = stmt.where(Appointment.status == status)
    if category:
        stmt = stmt.where(Service.category == category)
    if staff_id is not None:
        stmt = stmt.where(Appointment.staff_id == staff_id if staff_id else Appointment.staff_id.is_(None))  # type: ignore[union-attr]
    rows = session.exec(stmt).all()
    members = _members(session, actor)
    hours = opening_hours(tenant, day)
    agenda = DayAgenda(day=day, opens=hours[0].strftime("%H:%M") if hours else None, closes=hours[1].strftime("%H:%M") if hours else None)
    agenda.items = _items(session, actor, tz, rows, members)
    agenda.lanes = _lanes(tenant, day, list(members.values()), agenda.items, staff_id)
    agenda.slots = _half_hours(agenda, tz)
    now = utcnow().astimezone(tz)
    agenda.now = now.strftime("%H:%M") if now.date() == day else None
    return agenda


def appointment_item(session: Session, *, actor: Actor, appointment_id: int) -> AgendaItem:
    """One appointment as the agenda shows it (the appointment dialog)."""
    actor.require("staff")
    tz = ZoneInfo(get_tenant(session, actor=actor).timezone)
    rows = session.exec(_select(actor).where(Appointment.id == appointment_id)).all()
    if not rows:
        raise NotFound(t("err.not_found"))
    return _items(session, actor, tz, rows, _members(session, actor))[0]


def appointment_history(session: Session, *, actor: Actor, appointment_id: int) -> list[str]:
    """What happened to an appointment, oldest first: "23/11 14:02 · Júlia: chegou"."""
    actor.require("staff")
    tz = ZoneInfo(get_tenant(session, actor=actor).timezone)
    lines = []
    for entry, who in audit.history(session, actor=actor, entity="appointment", entity_id=appointment_id):
        what = _history_words(entry.action, entry.details or {})
        if what:
            by = who or (t("cal.by_ai") if entry.details.get("source") == "ai" else t("cal.by_system"))
            lines.append(f"{entry.created_at.astimezone(tz).strftime('%d/%m %H:%M')} · {by}: {what}")
    return lines


def _history_words(action: str, details: dict) -> str:
    if action == "appointment.book":
        return t("cal.h.book")
    if action == "appointment.status":
        return t(f"appt.status.{details.get('to', '')}") + (" " + t("cal.h.notified") if details.get("tutor_notified") else "")
    if action == "appointment.cancel":
        return t("cal.h.cancel", reason=details.get("reason") or "—")
    if action == "appointment.reschedule":
        return t("cal.h.moved")
    if action == "appointment.staff":
        return t("cal.h.staff")
    if action == "appointment.customer_confirmed":
        return t("cal.h.confirmed")
    if action == "health.finding":
        return t("cal.h.finding", area=t(f"health.area.{details.get('area', 'other')}").lower())
    return ""


def _select(actor: Actor):
    return (
        select(Appointment, Customer.name, Service, Pet.name)
        .join(Customer, Customer.id == Appointment.customer_id)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(Appointment.tenant_id == actor.tenant_id)
        .order_by(Appointment.starts_at, Appointment.id)
    )


def _members(session: Session, actor: Actor) -> dict[int, StaffMember]:
    rows = session.exec(select(StaffMember).where(StaffMember.tenant_id == actor.tenant_id).order_by(StaffMember.name))
    return {m.id: m for m in rows}


def _items(session: Session, actor: Actor, tz: ZoneInfo, rows, members: dict[int, StaffMember]) -> list[AgendaItem]:
    ids = [a.id for a, _, _, _ in rows]
    reminders = _reminder_words(session, actor, ids, tz)
    findings = _finding_counts(session, actor, ids)
    holding = [a for a, _, _, _ in rows if a.status in HOLDING_STATUSES]
    items = []
    for appointment, customer, service, pet in rows:
        overlapping = [
            a
            for a in holding
            if a.service_id == appointment.service_id and a.starts_at < appointment.ends_at and a.ends_at > appointment.starts_at
        ]
        member = members.get(appointment.staff_id or 0)
        starts, ends = appointment.starts_at.astimezone(tz), appointment.ends_at.astimezone(tz)
        items.append(
            AgendaItem(
                id=appointment.id,
                starts=starts.strftime("%H:%M"),
                ends=ends.strftime("%H:%M") if ends.date() == starts.date() else DAY_END,
                ends_label=_end_label(starts, ends),
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
                starts_at=appointment.starts_at,
                service_id=service.id,
                staff_id=member.id if member else NO_LANE,
                staff=member.name if member else "",
                confirmed_by_tutor=appointment.customer_confirmed_at is not None,
                reminder=reminders.get(appointment.id, ""),
                findings=findings.get(appointment.id, 0),
                notes=appointment.notes,
            )
        )
    return items


def _end_label(starts: datetime, ends: datetime) -> str:
    """The end as the agenda says it: the time on the same day, else with its day."""
    if ends.date() == starts.date():
        return ends.strftime("%H:%M")
    if ends.date() == starts.date() + timedelta(days=1):
        return t("cal.ends_tomorrow", time=ends.strftime("%H:%M"))
    return ends.strftime("%d/%m %H:%M")


def _lanes(tenant: Tenant, day: date, members: list[StaffMember], items: list[AgendaItem], only: int | None) -> list[Lane]:
    """Who works that day or has something that day (active first), then 'nobody' when needed."""
    used = {i.staff_id for i in items}
    lanes = []
    for member in members:
        hours = hours_on(member, tenant, day) if member.active else None
        if (hours or member.id in used) and only in (None, member.id):
            lanes.append(
                Lane(member.id, member.name, hours[0].strftime("%H:%M") if hours else None, hours[1].strftime("%H:%M") if hours else None)
            )
    if (NO_LANE in used or not lanes) and only in (None, NO_LANE):
        shop = opening_hours(tenant, day)
        opens, closes = (shop[0].strftime("%H:%M"), shop[1].strftime("%H:%M")) if shop else (None, None)
        lanes.append(Lane(NO_LANE, t("cal.lane_nobody") if members else t("cal.lane_shop"), opens, closes))
    return lanes


def _half_hours(agenda: DayAgenda, tz: ZoneInfo) -> list[str]:
    """The rows of the day grid: opening to closing, widened to fit any appointment outside them."""
    starts = [lane.opens for lane in agenda.lanes if lane.opens] + [i.starts for i in agenda.items]
    ends = [lane.closes for lane in agenda.lanes if lane.closes] + [i.ends if i.ends > i.starts else "23:30" for i in agenda.items]
    if not starts:
        return []
    first, last = min(starts), max(ends)
    cursor = datetime.combine(agenda.day, time.fromisoformat(first))
    cursor -= timedelta(minutes=cursor.minute % SLOT_STEP_MINUTES)
    stop = datetime.combine(agenda.day, time.fromisoformat(last))
    rows = []
    while cursor < stop and cursor.date() == agenda.day:
        rows.append(cursor.strftime("%H:%M"))
        cursor += timedelta(minutes=SLOT_STEP_MINUTES)
    return rows


def _reminder_words(session: Session, actor: Actor, ids: list[int], tz: ZoneInfo) -> dict[int, str]:
    """Per appointment: sent / planned (when) / not sent (why), in words."""
    if not ids:
        return {}
    words: dict[int, list[str]] = {}
    rows = session.exec(
        select(AppointmentReminder)
        .where(AppointmentReminder.tenant_id == actor.tenant_id, AppointmentReminder.appointment_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(AppointmentReminder.offset_minutes.desc())  # type: ignore[attr-defined]
    ).all()
    for r in rows:
        if r.status == "sent":
            words.setdefault(r.appointment_id, []).append(t("cal.reminder_sent", hours=r.offset_minutes // 60))
        elif r.status == "planned":
            when = r.due_at.astimezone(tz).strftime("%d/%m %H:%M")
            words.setdefault(r.appointment_id, []).append(t("cal.reminder_planned", when=when))
        elif r.status == "skipped" and r.reason != "too_late":
            words.setdefault(r.appointment_id, []).append(t("cal.reminder_skipped", reason=t(f"reminder.reason.{r.reason}")))
    return {k: "; ".join(v) for k, v in words.items()}


def _finding_counts(session: Session, actor: Actor, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.exec(
        select(HealthFinding.appointment_id).where(
            HealthFinding.tenant_id == actor.tenant_id,
            HealthFinding.appointment_id.in_(ids),  # type: ignore[union-attr]
        )
    ).all()
    counts: dict[int, int] = {}
    for appointment_id in rows:
        counts[appointment_id] = counts.get(appointment_id, 0) + 1
    return counts


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
