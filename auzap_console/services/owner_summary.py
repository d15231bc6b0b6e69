"""The owner's daily summary on WhatsApp, and the opportunity it proposes.

At the shop's summary time (18:00 unless changed) the analyst sends the authorized owner
numbers the day in figures — bookings, revenue, no-shows, conversations the AI solved vs handed
to the team, tomorrow's agenda — and one opportunity ("9 tutores de Yorkshire não voltam há 60
dias, potencial R$ 1.350"). The day's `Insight` row (kind "summary", unique per shop and day) is
the key that keeps it from going twice. The owner answering "cria a campanha" gets a draft
campaign for that opportunity's segment, which they review and start in the console: nothing is
sent to customers without that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import count, money, t
from auzap_console.models import Appointment, AuthorizedOwnerNumber, Channel, Conversation, Insight, Message, Pet, Service
from auzap_console.services import analytics, audit, campaigns, conversations, routing, segments
from auzap_console.services.context import Actor, ServiceError
from auzap_console.services.notifications import tell_tutor
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.tenants import get_tenant
from auzap_console.text import normalize

DEFAULT_TIME = "18:00"
INACTIVE_DAYS = 60
REPLY_WINDOW = timedelta(hours=48)
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CREATE = re.compile(
    r"\b(cri[ae]r?|fa(z|ca|zer)|mont[ae]r?|prepar[ae]r?|pode)\b.*\bcampanha\b|^(sim|pode|bora|manda ver|quero)( sim)?[ !.]*$"
)


@dataclass(frozen=True)
class SummarySettings:
    """Whether the summary goes, and at what time of the shop's day."""

    enabled: bool
    time: str


def settings_of(tenant) -> SummarySettings:
    """On, at 18:00, unless the owner changed it."""
    saved = (tenant.settings or {}).get("owner_summary") or {}
    return SummarySettings(bool(saved.get("enabled", True)), saved.get("time") or DEFAULT_TIME)


def save_settings(session: Session, *, actor: Actor, enabled: bool, at: str) -> SummarySettings:
    """Change the summary's time or switch it off (owner); audited."""
    actor.require("owner")
    if not _HHMM.match(at or ""):
        raise ServiceError(t("err.summary_time"), field="summary-time")
    tenant = get_tenant(session, actor=actor)
    tenant.settings = {**(tenant.settings or {}), "owner_summary": {"enabled": bool(enabled), "time": at}}
    session.add(tenant)
    audit.record(
        session,
        actor=actor,
        action="settings.owner_summary",
        entity="tenant",
        entity_id=tenant.id,
        details={"enabled": enabled, "time": at},
    )
    return settings_of(tenant)


@dataclass
class Opportunity:
    """Customers worth calling back: who (segment filters), how many, what it may bring."""

    title: str
    criteria: dict
    customers: int
    potential_cents: int


def opportunity(session: Session, *, actor: Actor, now: datetime) -> Opportunity | None:
    """The breed whose tutors most stopped coming (60 days), counted by the same segment a campaign would use."""
    found = analytics.opportunities(session, actor=actor, days=INACTIVE_DAYS, now=now)
    for best in found:
        criteria = {"breed": best["breed"], "inactive_days": INACTIVE_DAYS}
        reach = segments.preview(session, actor=Actor(tenant_id=actor.tenant_id, role="owner"), criteria=criteria, sample=0).count
        if reach:
            potential = round(best["potential_cents"] / max(best["customers"], 1) * reach)
            title = t("summary.opportunity", n=reach, breed=best["breed"], days=INACTIVE_DAYS, potential=money(potential))
            return Opportunity(title, criteria, reach, potential)
    return None


def compose(session: Session, *, actor: Actor, day: date, now: datetime) -> tuple[str, Opportunity | None]:
    """The summary's text for `day` (the shop's date) and the opportunity it proposes."""
    tz = ZoneInfo(get_tenant(session, actor=actor).timezone)
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end, tomorrow_end = start + timedelta(days=1), start + timedelta(days=2)
    status_counts = dict(
        session.exec(
            select(Appointment.status, func.count())
            .where(Appointment.tenant_id == actor.tenant_id, Appointment.starts_at >= start, Appointment.starts_at < end)
            .group_by(Appointment.status)
        ).all()
    )
    revenue = session.exec(
        select(func.coalesce(func.sum(Appointment.price_cents), 0)).where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.status == "completed",
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
    ).one()
    booked_today = session.exec(
        select(func.count()).where(Appointment.tenant_id == actor.tenant_id, Appointment.created_at >= start, Appointment.created_at < end)
    ).one()
    talked = select(Message.conversation_id).where(
        Message.tenant_id == actor.tenant_id, Message.direction == "in", Message.created_at >= start, Message.created_at < end
    )
    chats = session.exec(
        select(Conversation.waiting_human | Conversation.ai_paused | Conversation.assigned_user_id.is_not(None), func.count())  # type: ignore[union-attr]
        .where(Conversation.tenant_id == actor.tenant_id, ~Conversation.is_test, Conversation.id.in_(talked))  # type: ignore[union-attr]
        .group_by(Conversation.waiting_human | Conversation.ai_paused | Conversation.assigned_user_id.is_not(None))  # type: ignore[union-attr]
    ).all()
    handed = sum(n for flag, n in chats if flag)
    solved = sum(n for flag, n in chats if not flag)
    tomorrow = session.exec(
        select(Appointment.starts_at, Pet.name, Service.name)
        .join(Service, Service.id == Appointment.service_id)
        .outerjoin(Pet, Pet.id == Appointment.pet_id)
        .where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.starts_at >= end,
            Appointment.starts_at < tomorrow_end,
            Appointment.status.in_(("pending", "confirmed")),  # type: ignore[attr-defined]
        )
        .order_by(Appointment.starts_at)
    ).all()
    lines = [
        t("summary.title", day=day.strftime("%d/%m")),
        t(
            "summary.day",
            bookings=count(int(booked_today), "agendamento novo", "agendamentos novos"),
            done=int(status_counts.get("completed", 0)),
            revenue=money(int(revenue)),
            no_shows=int(status_counts.get("no_show", 0)),
        ),
        t("summary.chats", solved=solved, handed=handed),
    ]
    if tomorrow:
        first = ", ".join(f"{s.astimezone(tz):%H:%M} {pet or svc}" for s, pet, svc in tomorrow[:3])
        lines.append(t("summary.tomorrow", n=count(len(tomorrow), "horário", "horários"), first=first))
    else:
        lines.append(t("summary.tomorrow_empty"))
    found = opportunity(session, actor=actor, now=now)
    if found:
        lines.append(t("summary.opportunity_line", title=found.title))
    return "\n".join(lines), found


def _owner_conversation(session: Session, *, actor: Actor, phone: str, channel: Channel) -> Conversation:
    customer, _ = conversations.customer_for_phone(session, actor=actor, phone=phone, name=t("summary.owner_contact"))
    persona = routing.persona_for("owner", disabled_plugins(get_tenant(session, actor=actor)))
    return conversations.open_conversation(session, actor=actor, customer_id=customer.id, persona=persona, channel_id=channel.id)


def send_if_due(session: Session, *, actor: Actor, now: datetime | None = None) -> str:
    """Send today's summary when the shop's time has come and it has not gone yet; what happened."""
    now = now or utcnow()
    tenant = get_tenant(session, actor=actor)
    rules = settings_of(tenant)
    local = now.astimezone(ZoneInfo(tenant.timezone))
    if not rules.enabled:
        return "off"
    if local.time() < time.fromisoformat(rules.time):
        return "not yet"
    numbers = list(session.exec(select(AuthorizedOwnerNumber.phone).where(AuthorizedOwnerNumber.tenant_id == actor.tenant_id)))
    channel = session.exec(
        select(Channel).where(Channel.tenant_id == actor.tenant_id, Channel.status == "connected").order_by(Channel.id)
    ).first()
    if not numbers or channel is None:
        return "nobody to tell"
    day = local.date()
    if session.exec(select(Insight.id).where(Insight.tenant_id == actor.tenant_id, Insight.day == day, Insight.kind == "summary")).first():
        return "already sent"
    text, found = compose(session, actor=actor, day=day, now=now)
    try:
        with session.begin_nested():
            session.add(
                Insight(tenant_id=actor.tenant_id, day=day, kind="summary", title=t("summary.title", day=day.strftime("%d/%m")), body=text)
            )
            session.flush()
    except IntegrityError:
        return "already sent"  # another run got there first
    meta: dict = {"kind": "owner_summary"}
    if found:
        insight = Insight(
            tenant_id=actor.tenant_id,
            day=day,
            kind="opportunity",
            title=found.title,
            criteria=found.criteria,
            potential_cents=found.potential_cents,
        )
        session.add(insight)
        session.flush()
        meta["insight_id"] = insight.id
    for phone in numbers:
        conversation = _owner_conversation(session, actor=actor, phone=phone, channel=channel)
        tell_tutor(session, actor=actor, conversation=conversation, body=text, meta=meta)
    return "sent"


def create_draft(session: Session, *, actor: Actor, insight_id: int, channel_id: int | None = None) -> int:
    """A draft campaign for an opportunity (its segment saved); the owner reviews and starts it. Returns the campaign id."""
    actor.require("manager")
    owner = actor
    insight = session.exec(select(Insight).where(Insight.tenant_id == owner.tenant_id, Insight.id == insight_id)).first()
    if insight is None or insight.kind != "opportunity":
        raise ServiceError(t("err.not_found"))
    if insight.campaign_id:
        return insight.campaign_id
    channel_id = (
        channel_id
        or session.exec(
            select(Channel.id).where(Channel.tenant_id == owner.tenant_id, Channel.status == "connected").order_by(Channel.id)
        ).first()
    )
    name = t("summary.segment_name", day=insight.day.strftime("%d/%m"), breed=insight.criteria.get("breed", ""))[:80]
    existing = [s for s in segments.list_segments(session, actor=owner) if s.name == name]
    segment = existing[0] if existing else segments.save_segment(session, actor=owner, name=name, criteria=insight.criteria)
    campaign = campaigns.save_draft(
        session,
        actor=owner,
        name=name,
        template=t("camp.example"),
        segment_id=segment.id,
        channel_id=channel_id,
        origin="analyst",
    )
    insight.campaign_id = campaign.id
    session.add(insight)
    return campaign.id


def answer_reply(session: Session, *, actor: Actor, conversation_id: int, message: str, now: datetime) -> str | None:
    """The owner answering the summary with "cria a campanha": the draft is created; the reply to send, or None."""
    last_out = conversations.last_outbound(session, actor=actor, conversation_id=conversation_id)
    meta = (last_out.meta or {}) if last_out else {}
    if not last_out or meta.get("kind") != "owner_summary" or now - last_out.created_at > REPLY_WINDOW:
        return None
    if not CREATE.search(normalize(message)):
        return None
    if not meta.get("insight_id"):
        return t("summary.no_opportunity")
    conversation = session.get(Conversation, conversation_id)
    campaign_id = create_draft(
        session, actor=Actor(tenant_id=actor.tenant_id, role="owner"), insight_id=meta["insight_id"], channel_id=conversation.channel_id
    )
    reach = session.exec(select(Insight.criteria).where(Insight.id == meta["insight_id"])).one()
    n = segments.preview(session, actor=Actor(tenant_id=actor.tenant_id, role="owner"), criteria=reach, sample=0).count
    return t("summary.draft_created", n=count(n, "cliente", "clientes"), campaign_id=campaign_id)


def recent_insights(session: Session, *, actor: Actor, limit: int = 5) -> list[Insight]:
    """The latest opportunities, for the dashboard."""
    actor.require("manager")
    return list(
        session.exec(
            select(Insight)
            .where(Insight.tenant_id == actor.tenant_id, Insight.kind == "opportunity")
            .order_by(Insight.day.desc(), Insight.id.desc())
            .limit(limit)
        )
    )
