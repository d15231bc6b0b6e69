"""Automations: messages the shop sends on its own, each a tenant toggle run daily by RQ's cron.

* winback — customers without a visit for N days get an invitation with two times that are still
  free in the next days; each offered time goes to one customer only, so even if everyone said
  yes no day would overfill;
* followup — the day after a completed service: how was it, and the review link;
* birthday — the pet's birthday;
* vaccine_due — a week before a vaccine's next dose;
* rhythm — "the usual bath is due", from each customer's own interval between visits.

Every automation shows what it would send in the next 7 days before it is switched on, and what
it sent. The day's messages become recipients of the automation's campaign for the week (unique per
customer, so a re-run adds nobody twice) and go out through the campaign sender: paced, never in
quiet hours, never to opted-out customers, followed to reply and booking (attribution).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import String, cast
from sqlmodel import Session, func, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import count, t
from auzap_console.models import Appointment, Campaign, CampaignRecipient, Channel, Customer, Pet, Service
from auzap_console.models.marketing import CampaignStatus
from auzap_console.services import audit, booking, segments
from auzap_console.services.context import Actor, ServiceError
from auzap_console.services.tenants import get_tenant
from auzap_console.services.vaccinations import vaccinations
from auzap_console.text import in_sentence

KINDS = ("winback", "followup", "birthday", "vaccine_due", "rhythm")
DEFAULTS = {"winback": {"days": 60}, "followup": {"review_url": ""}, "birthday": {}, "vaccine_due": {}, "rhythm": {}}
RUN_AFTER = time(10, 0)  # the day's automations are planned from 10:00, shop time
HORIZON_DAYS = 7
WINBACK_PAUSE_DAYS = 30  # a customer invited back is not invited again for this long
SLOTS_OFFERED = 2


@dataclass
class Planned:
    """One message an automation would send: to whom, on which day, what."""

    customer_id: int
    customer: str
    day: date
    text: str
    offers: tuple[datetime, ...] = ()  # the win-back's times, each offered to this customer only


def settings_of(tenant) -> dict[str, dict]:
    """Each automation's switch (all off until the owner turns them on) and parameters."""
    saved = (tenant.settings or {}).get("automations") or {}
    return {kind: {"enabled": False, **DEFAULTS[kind], **(saved.get(kind) or {})} for kind in KINDS}


def save_setting(session: Session, *, actor: Actor, kind: str, enabled: bool | None = None, params: dict | None = None) -> dict:
    """Switch one automation on or off (None: as it is) and set its parameters (manager and up); audited."""
    actor.require("manager")
    if kind not in KINDS:
        raise ServiceError(t("err.not_found"))
    tenant = get_tenant(session, actor=actor)
    current = settings_of(tenant)
    params = {**{k: v for k, v in current[kind].items() if k != "enabled"}, **(params or {})}  # switching off keeps the rest
    if kind == "winback":
        days = int(params.get("days") or 0) if str(params.get("days", "")).strip().isdigit() else 0
        if not 15 <= days <= 365:
            raise ServiceError(t("err.auto_days"), field="winback-days")
        params = {"days": days}
    elif kind == "followup":
        url = (params.get("review_url") or "").strip()
        if url and not url.startswith(("http://", "https://")):
            raise ServiceError(t("err.auto_url"), field="followup-url")
        params = {"review_url": url[:300]}
    on = current[kind]["enabled"] if enabled is None else bool(enabled)
    current[kind] = {**DEFAULTS[kind], **params, "enabled": on}
    tenant.settings = {**(tenant.settings or {}), "automations": current}
    session.add(tenant)
    audit.record(
        session, actor=actor, action="automation.save", entity="tenant", entity_id=tenant.id, details={"kind": kind, **current[kind]}
    )
    return current[kind]


# --- what each automation would send ------------------------------------------------------------


def plan(session: Session, *, actor: Actor, kind: str, now: datetime, days: int = 1) -> list[Planned]:
    """What `kind` would send from today for `days` days (1: today's run; 7: the week's preview). Reads only."""
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    today = now.astimezone(tz).date()
    span = [today + timedelta(days=i) for i in range(days)]
    rules = settings_of(tenant)[kind]
    planner = {"winback": _winback, "followup": _followup, "birthday": _birthday, "vaccine_due": _vaccine_due, "rhythm": _rhythm}[kind]
    reachable = _reachable(session, actor)
    return [p for p in planner(session, actor, tenant, tz, span, rules, now) if p.customer_id in reachable]


def _reachable(session: Session, actor: Actor) -> set[int]:
    return set(
        session.exec(select(Customer.id).where(Customer.tenant_id == actor.tenant_id, ~Customer.marketing_opt_out, Customer.phone != ""))
    )


def _first(name: str) -> str:
    return (name or "").split(" ")[0]


def _when(day: date) -> str:
    return format_date(day, "EEEE, dd/MM", locale="pt_BR")


def _winback(session, actor, tenant, tz, span, rules, now) -> list[Planned]:
    """Invitations with real free slots: per day, never more invitations than free places."""
    inactive = segments.build(session, actor=Actor(tenant_id=actor.tenant_id, role="owner"), criteria={"inactive_days": rules["days"]})
    recent = (
        select(CampaignRecipient.customer_id)
        .join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(
            CampaignRecipient.tenant_id == actor.tenant_id,
            Campaign.origin == "automation:winback",
            Campaign.created_at >= now - timedelta(days=WINBACK_PAUSE_DAYS),
        )
    )
    booked = select(Appointment.customer_id).where(
        Appointment.tenant_id == actor.tenant_id,
        Appointment.starts_at >= now,
        Appointment.status.in_(("pending", "confirmed")),  # type: ignore[attr-defined]
    )
    people = session.exec(
        select(Customer)
        .where(Customer.id.in_(inactive), Customer.id.not_in(recent), Customer.id.not_in(booked), Customer.last_visit_at.is_not(None))  # type: ignore[union-attr]
        .order_by(Customer.last_visit_at)
    ).all()
    if not people:
        return []
    last_service = dict(
        session.exec(
            select(Appointment.customer_id, func.max(Appointment.service_id))
            .where(
                Appointment.tenant_id == actor.tenant_id,
                Appointment.status == "completed",
                Appointment.customer_id.in_([c.id for c in people]),
            )  # type: ignore[attr-defined]
            .group_by(Appointment.customer_id)
        ).all()
    )
    pets = dict(
        session.exec(select(Pet.customer_id, func.min(Pet.name)).where(Pet.tenant_id == actor.tenant_id).group_by(Pet.customer_id)).all()
    )
    services = {s.id: s for s in session.exec(select(Service).where(Service.tenant_id == actor.tenant_id, Service.active))}
    offer_days = [span[0] + timedelta(days=i) for i in range(1, HORIZON_DAYS + 1)]
    free: dict[tuple[int, date], list[datetime]] = {}
    planned: list[Planned] = []
    for customer in people:
        service_id = last_service.get(customer.id)
        service = services.get(service_id) if service_id else None
        if service is None:
            continue
        for day in offer_days:
            key = (service.id, day)
            if key not in free:
                free[key] = booking.available_slots(session, actor=actor, service_id=service.id, day=day, now=now)
            times = _take(free[key], timedelta(minutes=service.duration_minutes))
            if times:
                hours = " ou ".join(x.astimezone(tz).strftime("%H:%M") for x in times)
                days_away = (now - customer.last_visit_at).days
                text = t(
                    "auto.winback_text",
                    nome=_first(customer.name),
                    pet=pets.get(customer.id) or t("reminder.your_pet"),
                    dias=days_away,
                    servico=in_sentence(service.name),
                    dia=_when(day),
                    horas=hours,
                )
                planned.append(Planned(customer.id, customer.name, span[0], text, tuple(times)))
                break
    return planned


def _take(pool: list[datetime], duration: timedelta) -> list[datetime]:
    """Up to two start times from the day's free ones for one customer; every time overlapping them leaves the pool."""
    taken: list[datetime] = []
    while pool and len(taken) < SLOTS_OFFERED:
        start = pool[0]
        taken.append(start)
        pool[:] = [x for x in pool if abs(x - start) >= duration]
    return taken


def _followup(session, actor, tenant, tz, span, rules, now) -> list[Planned]:
    start = datetime.combine(span[0] - timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(span[-1], time.min, tzinfo=tz).astimezone(UTC)
    statuses = ("completed",) if len(span) == 1 else ("completed", "pending", "confirmed", "checked_in", "in_service", "ready")
    rows = session.exec(
        select(Appointment.customer_id, Appointment.starts_at, Customer.name, Pet.name, Service.name)
        .join(Customer, Customer.id == Appointment.customer_id)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status.in_(statuses),
        )  # type: ignore[attr-defined]
        .order_by(Appointment.starts_at)
    ).all()
    review = rules.get("review_url") or ""
    seen: set[tuple[int, date]] = set()
    out = []
    for customer_id, starts_at, name, pet, service in rows:
        day = starts_at.astimezone(tz).date() + timedelta(days=1)
        if (customer_id, day) in seen:
            continue
        seen.add((customer_id, day))
        text = t("auto.followup_text", nome=_first(name), pet=pet or t("reminder.your_pet"), servico=in_sentence(service))
        out.append(Planned(customer_id, name, day, f"{text} {t('auto.review', url=review)}" if review else text))
    return out


def _birthday(session, actor, tenant, tz, span, rules, now) -> list[Planned]:
    wanted = {(d.month, d.day): d for d in span}
    rows = session.exec(
        select(Pet.customer_id, Pet.name, Pet.birth_date, Customer.name)
        .join(Customer, Customer.id == Pet.customer_id)
        .where(Pet.tenant_id == actor.tenant_id, Pet.birth_date.is_not(None))  # type: ignore[union-attr]
    ).all()
    out = []
    for customer_id, pet, born, name in rows:
        day = wanted.get((born.month, born.day))
        if day:
            years = count(day.year - born.year, "ano", "anos")
            out.append(Planned(customer_id, name, day, t("auto.birthday_text", nome=_first(name), pet=pet, anos=years)))
    return out


def _vaccine_due(session, actor, tenant, tz, span, rules, now) -> list[Planned]:
    rows = session.exec(
        select(Pet, Customer.name)
        .join(Customer, Customer.id == Pet.customer_id)
        .where(Pet.tenant_id == actor.tenant_id, cast(Pet.vaccinations, String) != "[]")
    ).all()
    out = []
    for pet, name in rows:
        latest: dict[str, object] = {}
        for dose in vaccinations(pet):  # the most recent dose of each vaccine decides
            latest.setdefault(dose.name.lower(), dose)
        for dose in latest.values():
            if dose.next_due is None:
                continue
            day = dose.next_due - timedelta(days=7)
            if span[0] <= day <= span[-1]:
                out.append(
                    Planned(
                        pet.customer_id,
                        name,
                        day,
                        t("auto.vaccine_text", nome=_first(name), pet=pet.name, vacina=dose.name, data=dose.next_due.strftime("%d/%m")),
                    )
                )
    return out


def _rhythm(session, actor, tenant, tz, span, rules, now) -> list[Planned]:
    """Customers with 3+ visits in a year whose usual interval since the last one ends in the span."""
    rows = session.exec(
        select(Appointment.customer_id, Appointment.starts_at, Service.name)
        .join(Service, Service.id == Appointment.service_id)
        .where(
            Appointment.tenant_id == actor.tenant_id, Appointment.status == "completed", Appointment.starts_at >= now - timedelta(days=365)
        )
        .order_by(Appointment.customer_id, Appointment.starts_at)
    ).all()
    visits: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for customer_id, starts_at, service in rows:
        visits[customer_id].append((starts_at, service))
    upcoming = set(
        session.exec(
            select(Appointment.customer_id).where(
                Appointment.tenant_id == actor.tenant_id,
                Appointment.starts_at >= now,
                Appointment.status.in_(("pending", "confirmed")),  # type: ignore[attr-defined]
            )
        )
    )
    names = dict(session.exec(select(Customer.id, Customer.name).where(Customer.id.in_(list(visits)))).all())  # type: ignore[union-attr]
    pets = dict(
        session.exec(select(Pet.customer_id, func.min(Pet.name)).where(Pet.tenant_id == actor.tenant_id).group_by(Pet.customer_id)).all()
    )
    out = []
    for customer_id, seen in visits.items():
        if len(seen) < 3 or customer_id in upcoming:
            continue
        gaps = [(b[0] - a[0]).days for a, b in pairwise(seen)]
        interval = round(statistics.median(gaps))
        if interval < 7:
            continue
        day = (seen[-1][0] + timedelta(days=interval)).astimezone(tz).date()
        if span[0] <= day <= span[-1]:
            name = names.get(customer_id, "")
            text = t(
                "auto.rhythm_text",
                nome=_first(name),
                pet=pets.get(customer_id) or t("reminder.your_pet"),
                servico=in_sentence(seen[-1][1]),
                dias=interval,
            )
            out.append(Planned(customer_id, name, day, text))
    return out


# --- running --------------------------------------------------------------------------------------


def _week_campaign(session: Session, actor: Actor, kind: str, today: date, channel: Channel, now: datetime) -> Campaign:
    """The automation's campaign for this ISO week (its recipients are unique per customer)."""
    year, week, _ = today.isocalendar()
    name = t("auto.campaign_name", title=t(f"auto.{kind}_title"), week=week, year=year)[:80]
    origin = f"automation:{kind}"
    campaign = session.exec(
        select(Campaign).where(Campaign.tenant_id == actor.tenant_id, Campaign.origin == origin, Campaign.name == name)
    ).first()
    if campaign is None:
        campaign = Campaign(
            tenant_id=actor.tenant_id,
            name=name,
            origin=origin,
            template=t(f"auto.{kind}_title"),
            channel_id=channel.id,
            status=CampaignStatus.RUNNING,
            scheduled_at=now,
            started_at=now,
        )
        session.add(campaign)
        session.flush()
    elif campaign.status == CampaignStatus.FINISHED:  # more to send this week: it goes on
        campaign.status, campaign.finished_at = CampaignStatus.RUNNING, None
        session.add(campaign)
    return campaign


def run_due(session: Session, *, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Today's messages of every automation switched on, from 10:00 shop time; safe to run every hour."""
    now = now or utcnow()
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    local = now.astimezone(tz)
    if local.time() < RUN_AFTER:
        return {}
    channel = session.exec(
        select(Channel).where(Channel.tenant_id == actor.tenant_id, Channel.status == "connected").order_by(Channel.id)
    ).first()
    if channel is None:
        return {}
    added: dict[str, int] = {}
    for kind, rules in settings_of(tenant).items():
        if not rules["enabled"]:
            continue
        today = [p for p in plan(session, actor=actor, kind=kind, now=now) if p.day == local.date()]
        if not today:
            continue
        campaign = _week_campaign(session, actor, kind, local.date(), channel, now)
        have = set(session.exec(select(CampaignRecipient.customer_id).where(CampaignRecipient.campaign_id == campaign.id)))
        fresh = {p.customer_id: p for p in today if p.customer_id not in have}
        session.add_all(
            [
                CampaignRecipient(tenant_id=actor.tenant_id, campaign_id=campaign.id, customer_id=cid, message=p.text)
                for cid, p in fresh.items()
            ]
        )
        added[kind] = len(fresh)
    return added


@dataclass
class Sent:
    """What an automation sent lately."""

    count: int
    campaign_id: int


def sent_lately(session: Session, *, actor: Actor, kind: str, now: datetime | None = None, days: int = 30) -> Sent:
    """Messages `kind` sent in the last `days` days, and its latest week's campaign."""
    now = now or utcnow()
    origin = f"automation:{kind}"
    sent = session.exec(
        select(func.count())
        .select_from(CampaignRecipient)
        .join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(
            CampaignRecipient.tenant_id == actor.tenant_id,
            Campaign.origin == origin,
            CampaignRecipient.status == "sent",
            CampaignRecipient.sent_at >= now - timedelta(days=days),
        )
    ).one()
    latest = session.exec(
        select(Campaign.id).where(Campaign.tenant_id == actor.tenant_id, Campaign.origin == origin).order_by(Campaign.id.desc())  # type: ignore[union-attr]
    ).first()
    return Sent(int(sent), latest or 0)
