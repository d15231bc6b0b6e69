"""The dashboard's period report: what the shop and its AI did over 7 or 30 days, this or last month.

Revenue by day, bookings by service and by source (AI, staff, campaign: a booking made within 7
days of a campaign or automation message to that customer counts for it), conversations and the
share the AI solved without handing off, no-show rate, tokens and estimated cost per persona and
per day, and the campaign funnel. Each figure is one grouped query; days are the shop's days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, literal
from sqlmodel import Session, func, select

from auzap_console.i18n import t
from auzap_console.models import Appointment, Conversation, Message, Service, UsageDaily
from auzap_console.plugin import manager
from auzap_console.services import analytics, campaigns, usage
from auzap_console.services.context import Actor
from auzap_console.services.dashboard import revenue_visible
from auzap_console.services.tenants import get_tenant

PERIODS = ("ultimos_7_dias", "ultimos_30_dias", "mes", "mes_passado")
BOOKED = ("pending", "confirmed", "checked_in", "in_service", "ready", "completed", "no_show")


@dataclass
class Report:
    """Everything the dashboard's period section shows (chart rows are dicts, keys in Portuguese for the axes)."""

    label: str
    show_revenue: bool
    revenue_cents: int = 0
    bookings: int = 0
    no_shows: int = 0
    due: int = 0  # completed + no-shows
    conversations: int = 0
    solved_by_ai: int = 0
    tokens: int = 0
    cost_cents: int = 0  # estimated, in R$ at the shop's exchange rate
    revenue_by_day: list[dict] = field(default_factory=list)
    bookings_by_service: list[dict] = field(default_factory=list)
    bookings_by_source: list[dict] = field(default_factory=list)
    conversations_by_day: list[dict] = field(default_factory=list)
    cost_by_persona: list[dict] = field(default_factory=list)
    tokens_by_day: list[dict] = field(default_factory=list)
    funnel: list[dict] = field(default_factory=list)
    campaign_revenue_cents: int = 0

    @property
    def no_show_rate(self) -> float:
        """No-shows over appointments that were due."""
        return self.no_shows / self.due if self.due else 0.0

    @property
    def ai_share(self) -> float:
        """Conversations the AI solved without a person, over all conversations with a customer message."""
        return self.solved_by_ai / self.conversations if self.conversations else 0.0


def report(session: Session, *, actor: Actor, period: str, now: datetime | None = None) -> Report:
    """The period's figures (managers see revenue when the shop allows it, like the rest of the dashboard)."""
    actor.require("manager")
    now = now or datetime.now(UTC)
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    w = analytics.window(session, actor=actor, period=period if period in PERIODS else "ultimos_30_dias", now=now)
    days = [(w.start + timedelta(days=i)).astimezone(tz).date() for i in range((w.end - w.start).days)]
    label = {d: d.strftime("%d/%m") for d in days}
    out = Report(label=w.label, show_revenue=revenue_visible(tenant, actor))
    _appointments(session, actor, w, tz, days, label, out)
    _conversations(session, actor, w, tz, days, label, out)
    _usage(session, actor, w, days, label, out, usage.exchange_rate(tenant.settings))
    funnel = campaigns.funnel(session, actor=actor, start=w.start, end=w.end)
    out.funnel = [
        {"etapa": t("camp.funnel_sent"), "clientes": funnel.reached("sent")},
        {"etapa": t("camp.funnel_read"), "clientes": funnel.reached("read")},
        {"etapa": t("camp.funnel_replied"), "clientes": funnel.reached("replied")},
        {"etapa": t("camp.funnel_booked"), "clientes": funnel.counts["booked"]},
    ]
    out.campaign_revenue_cents = funnel.revenue_cents if out.show_revenue else 0
    return out


def _day_of(column, days: list[date], tz: ZoneInfo):
    """SQL for the index in `days` of the shop's day a timestamp of the window falls on.

    It compares with each local midnight, so it is exact in any time zone (summer time included)
    and the same on SQLite and PostgreSQL; grouped by it, one row per day leaves the database
    instead of one per appointment or conversation.
    """
    midnights = [datetime.combine(d, time.min, tzinfo=tz).astimezone(UTC) for d in days[1:]]
    return case(*((column < midnight, index) for index, midnight in enumerate(midnights)), else_=len(midnights))


def _appointments(session: Session, actor: Actor, w, tz: ZoneInfo, days, label, out: Report) -> None:
    in_window = (Appointment.tenant_id == actor.tenant_id, Appointment.starts_at >= w.start, Appointment.starts_at < w.end)
    by_day: Counter = Counter()
    statuses: Counter = Counter()
    day = _day_of(Appointment.starts_at, days, tz).label("day_index")
    per_day_and_status = select(day, Appointment.status, func.count(), func.sum(Appointment.price_cents)).where(*in_window)
    for index, status, count, cents in session.exec(per_day_and_status.group_by("day_index", Appointment.status)):
        statuses[status] += count
        if status == "completed":
            by_day[days[index]] += int(cents)
    if out.show_revenue:
        out.revenue_cents = sum(by_day.values())
        out.revenue_by_day = [{"dia": label[d], "receita": by_day[d] / 100} for d in days]
    out.no_shows = int(statuses["no_show"])
    out.due = out.no_shows + int(statuses["completed"])
    made = (Appointment.tenant_id == actor.tenant_id, Appointment.created_at >= w.start, Appointment.created_at < w.end)
    made = (*made, Appointment.status.in_(BOOKED))  # type: ignore[attr-defined]
    services = session.exec(
        select(Service.name, func.count())
        .select_from(Appointment)
        .join(Service, Service.id == Appointment.service_id)
        .where(*made)
        .group_by(Service.name)
        .order_by(func.count().desc())
        .limit(8)
    ).all()
    out.bookings_by_service = [{"servico": name, "agendamentos": int(n)} for name, n in services]
    source = case(
        (campaigns.attributed(Appointment.customer_id, Appointment.created_at), literal("campaign")), else_=Appointment.source
    ).label("source")
    sources = dict(session.exec(select(source, func.count()).select_from(Appointment).where(*made).group_by(source)).all())
    out.bookings = int(sum(sources.values()))  # every booking made in the window has one source
    out.bookings_by_source = [
        {"origem": t(f"dash.source_{key}"), "agendamentos": int(sources.get(key, 0))} for key in ("ai", "staff", "campaign")
    ]


def _conversations(session: Session, actor: Actor, w, tz: ZoneInfo, days, label, out: Report) -> None:
    handed = Conversation.waiting_human | Conversation.ai_paused | Conversation.assigned_user_id.is_not(None)  # type: ignore[union-attr]
    first_in = (  # each conversation's first customer message in the window (a shop has far fewer of these than chats)
        select(Message.conversation_id, func.min(Message.created_at).label("first"))
        .where(Message.tenant_id == actor.tenant_id, Message.direction == "in", Message.created_at >= w.start, Message.created_at < w.end)
        .group_by(Message.conversation_id)
    ).subquery()
    per_conversation = (  # … handed off to the team or not
        select(handed.label("handed"), first_in.c.first)
        .join(Conversation, Conversation.id == first_in.c.conversation_id)
        .where(Conversation.tenant_id == actor.tenant_id, ~Conversation.is_test)
    ).subquery()
    day = _day_of(per_conversation.c.first, days, tz).label("day_index")
    per_day: dict = defaultdict(lambda: [0, 0])
    for index, was_handed, count in session.exec(
        select(day, per_conversation.c.handed, func.count()).group_by("day_index", per_conversation.c.handed)
    ):
        per_day[days[index]][1 if was_handed else 0] += count
    out.conversations = sum(ai + team for ai, team in per_day.values())
    out.solved_by_ai = sum(ai for ai, _ in per_day.values())
    out.conversations_by_day = [{"dia": label[d], "ia": per_day[d][0], "equipe": per_day[d][1]} for d in days]


def _usage(session: Session, actor: Actor, w, days, label, out: Report, rate) -> None:
    rows = session.exec(
        select(UsageDaily.day, UsageDaily.persona, UsageDaily.tokens_in + UsageDaily.tokens_out, UsageDaily.cost_micro_usd).where(
            UsageDaily.tenant_id == actor.tenant_id, UsageDaily.day >= days[0], UsageDaily.day <= days[-1]
        )
    ).all()
    personas = manager.personas()
    tokens_by_day: Counter = Counter()
    per_persona: dict = defaultdict(lambda: [0, 0])
    for day, persona, tokens, cost in rows:
        tokens_by_day[day] += tokens
        title = personas[persona].title if persona in personas else persona
        per_persona[title][0] += tokens
        per_persona[title][1] += cost
    out.tokens = sum(tokens_by_day.values())
    out.cost_cents = usage.cost_cents(sum(c for _, c in per_persona.values()), rate)
    out.tokens_by_day = [{"dia": label[d], "tokens": tokens_by_day[d]} for d in days]
    out.cost_by_persona = [
        {"persona": title, "tokens": tokens, "custo": usage.cost_cents(cost, rate) / 100}
        for title, (tokens, cost) in sorted(per_persona.items(), key=lambda kv: -kv[1][1])
    ]
