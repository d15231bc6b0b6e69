"""Campaigns: a message to a segment, planned once, sent at a paced rate, followed to the booking.

Starting a campaign plans its recipients in one transaction (one INSERT … SELECT from the
segment's query, unique per customer). RQ's cron runs `jobs.campaigns` every minute; each run
gives the next minute's send slots (spaced 60/rate s apart, after the last one taken) to pending
recipients: `deliver` locks the row, writes the message and marks the row in the same
transaction, and the send is enqueued for its slot (RQ's scheduler). So a message goes at most
once whatever is killed or retried, and no 60-second window holds more than the rate. Nothing
goes out in the shop's quiet hours; opted-out customers are skipped.

After the send, a recipient's status is read, not stored: the message's delivery (sent,
delivered, read, failed with the provider's error), a reply in the next 7 days, a booking in the
next 7 days (attribution).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import case, exists, insert, literal, update
from sqlmodel import Session, func, select

from auzap_console import dispatch
from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Campaign, CampaignRecipient, Channel, Customer, Message, Pet, Segment, Service
from auzap_console.models.marketing import CampaignStatus, RecipientStatus
from auzap_console.services import audit, campaign_text, conversations, limits, reminders, routing, segments
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.tenants import get_tenant
from auzap_console.text import in_sentence

RATE_RANGE = (1, 600)
DEFAULT_RATE = 30
ATTRIBUTION = timedelta(days=7)  # a reply or booking this long after the message counts for the campaign
DELIVER_CHUNK = 50  # recipients written per transaction by one dispatch run
DISPLAY_STATUSES = ("pending", "sent", "delivered", "read", "replied", "booked", "failed", "skipped")
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
R = CampaignRecipient


@dataclass
class Progress:
    """How far a campaign got: recipients by status (pending … skipped) and the revenue it brought."""

    total: int
    counts: dict[str, int]
    revenue_cents: int = 0

    @property
    def done(self) -> int:
        """Recipients no longer waiting (sent in any state, failed or skipped)."""
        return self.total - self.counts.get("pending", 0)

    @property
    def percent(self) -> int:
        """The progress bar's value."""
        return round(100 * self.done / self.total) if self.total else 0

    def reached(self, status: str) -> int:
        """The funnel: recipients at `status` or further (sent ⊃ delivered ⊃ read ⊃ replied ⊃ booked)."""
        order = ("sent", "delivered", "read", "replied", "booked")
        return sum(self.counts.get(s, 0) for s in order[order.index(status) :])


@dataclass
class RecipientRow:
    """One line of a campaign's recipient list."""

    customer_id: int
    name: str
    phone: str
    status: str
    detail: str  # the skip reason or the provider's error
    sent_at: datetime | None


# --- drafting -----------------------------------------------------------------------------------


def save_draft(
    session: Session,
    *,
    actor: Actor,
    name: str,
    template: str,
    segment_id: int | None,
    channel_id: int | None,
    rate_per_minute: int = DEFAULT_RATE,
    cloud_template: dict | None = None,
    campaign_id: int | None = None,
    origin: str = "console",
) -> Campaign:
    """Create or change a draft (manager and up); every field is checked. Audited."""
    actor.require("manager")
    name = limits.bounded(name, 80, t("camp.name"), field="campaign-name")
    if len(name) < 2:
        raise ServiceError(t("err.camp_name"), field="campaign-name")
    template = campaign_text.validate(template)
    if segment_id is None:
        raise ServiceError(t("err.camp_segment"), field="campaign-segment")
    get_scoped(session, Segment, segment_id, actor)
    if channel_id is None:
        raise ServiceError(t("err.camp_channel"), field="campaign-channel")
    get_scoped(session, Channel, channel_id, actor)
    rate = int(rate_per_minute or 0)
    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
        raise ServiceError(t("err.camp_rate", low=RATE_RANGE[0], high=RATE_RANGE[1]), field="campaign-rate")
    cloud = _cloud_template(cloud_template or {})
    campaign = (
        get_scoped(session, Campaign, campaign_id, actor) if campaign_id else Campaign(tenant_id=actor.tenant_id, created_by=actor.user_id)
    )
    if campaign.status != CampaignStatus.DRAFT:
        raise ServiceError(t("err.camp_not_draft"))
    campaign.name, campaign.template, campaign.segment_id, campaign.channel_id = name, template, segment_id, channel_id
    campaign.rate_per_minute, campaign.cloud_template, campaign.origin, campaign.updated_at = rate, cloud, origin, utcnow()
    session.add(campaign)
    session.flush()
    audit.record(session, actor=actor, action="campaign.save", entity="campaign", entity_id=campaign.id, details={"name": name})
    return campaign


def _cloud_template(value: dict) -> dict:
    """The approved Cloud API template: a name WhatsApp accepts, a language, and variables for its parameters."""
    name = (value.get("name") or "").strip()
    if not name:
        return {}
    if not _TEMPLATE_NAME.match(name):
        raise ServiceError(t("err.camp_cloud_name"), field="campaign-cloud-name")
    params = [p.strip().strip("{}").lower() for p in value.get("params") or [] if p and p.strip()]
    unknown = [p for p in params if p not in campaign_text.VARIABLES]
    if unknown:
        raise ServiceError(t("err.camp_cloud_params", names=", ".join(unknown)), field="campaign-cloud-params")
    return {"name": name, "language": (value.get("language") or "pt_BR").strip() or "pt_BR", "params": params}


def recipient_values(session: Session, *, actor: Actor, customer: Customer, channel: Channel | None, shop: str, now: datetime) -> dict:
    """What each `{variable}` becomes for one customer (a few indexed reads)."""
    pet = session.exec(select(Pet.name).where(Pet.tenant_id == actor.tenant_id, Pet.customer_id == customer.id).order_by(Pet.id)).first()
    last = session.exec(
        select(Service.name)
        .join(Appointment, Appointment.service_id == Service.id)
        .where(Appointment.tenant_id == actor.tenant_id, Appointment.customer_id == customer.id, Appointment.status == "completed")
        .order_by(Appointment.starts_at.desc())  # type: ignore[attr-defined]
    ).first()
    days = (now - customer.last_visit_at).days if customer.last_visit_at else None
    digits = re.sub(r"\D", "", channel.phone if channel else "")
    return {
        "nome": (customer.name or "").split(" ")[0] or t("camp.fallback_name"),
        "pet": pet or t("reminder.your_pet"),
        "ultimo_servico": in_sentence(last or t("camp.fallback_service")),
        "dias_sem_vir": str(days) if days is not None else t("camp.fallback_days"),
        "link_agendamento": f"https://wa.me/{digits}?text={quote(t('camp.link_text'))}" if digits else "",
        "loja": shop,
    }


def preview(
    session: Session, *, actor: Actor, template: str, segment_id: int | None, channel_id: int | None, n: int = 3
) -> list[tuple[str, str]]:
    """The message as the first `n` real recipients of the segment would get it: (name, text)."""
    actor.require("manager")
    template = campaign_text.validate(template)
    if segment_id is None:
        raise ServiceError(t("err.camp_segment"), field="campaign-segment")
    segment = get_scoped(session, Segment, segment_id, actor)
    channel = get_scoped(session, Channel, channel_id, actor) if channel_id else None
    ids = segments.build(session, actor=actor, criteria=segment.criteria).order_by(Customer.id).limit(n)
    shop, now = get_tenant(session, actor=actor).name, utcnow()
    out = []
    for customer in session.exec(select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id)):  # type: ignore[union-attr]
        values = recipient_values(session, actor=actor, customer=customer, channel=channel, shop=shop, now=now)
        out.append((customer.name, campaign_text.render(template, values, seed=f"preview:{customer.id}")))
    return out


# --- the owner's controls -------------------------------------------------------------------------


def schedule(session: Session, *, actor: Actor, campaign_id: int, at: datetime | None = None, now: datetime | None = None) -> int:
    """Plan the recipients (one INSERT … SELECT, unique per customer) and start now or at `at`; returns how many.

    Only a draft can be started: a started campaign is never planned again, so nobody gets it twice.
    """
    actor.require("manager")
    now = now or utcnow()
    campaign = session.exec(
        select(Campaign).where(Campaign.tenant_id == actor.tenant_id, Campaign.id == campaign_id).with_for_update()
    ).first()
    if campaign is None:
        raise ServiceError(t("err.not_found"))
    if campaign.status != CampaignStatus.DRAFT:
        raise ServiceError(t("err.camp_not_draft"))
    if at is not None and at < now - timedelta(minutes=1):
        raise ServiceError(t("err.camp_past"), field="campaign-when")
    segment = get_scoped(session, Segment, campaign.segment_id, actor) if campaign.segment_id else None
    if segment is None:
        raise ServiceError(t("err.camp_segment"), field="campaign-segment")
    ids = segments.build(session, actor=actor, criteria=segment.criteria).subquery()
    session.execute(
        insert(R).from_select(
            ["tenant_id", "campaign_id", "customer_id", "status", "reason", "message"],
            select(
                literal(actor.tenant_id), literal(campaign.id), ids.c.id, literal(RecipientStatus.PENDING.value), literal(""), literal("")
            ),
        )
    )
    planned = session.exec(select(func.count()).where(R.tenant_id == actor.tenant_id, R.campaign_id == campaign.id)).one()
    if not planned:
        raise ServiceError(t("err.camp_no_recipients"), field="campaign-segment")
    campaign.criteria = dict(segment.criteria)
    campaign.status, campaign.scheduled_at, campaign.updated_at = CampaignStatus.SCHEDULED, at or now, now
    session.add(campaign)
    audit.record(
        session,
        actor=actor,
        action="campaign.schedule",
        entity="campaign",
        entity_id=campaign.id,
        details={"recipients": planned, "at": (at or now).isoformat()},
    )
    return int(planned)


_MOVES = {  # action → (statuses it applies to, the new status)
    "pause": ((CampaignStatus.SCHEDULED, CampaignStatus.RUNNING), CampaignStatus.PAUSED),
    "resume": ((CampaignStatus.PAUSED,), CampaignStatus.RUNNING),
    "cancel": ((CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED), CampaignStatus.CANCELLED),
}


def control(session: Session, *, actor: Actor, campaign_id: int, action: str) -> Campaign:
    """Pause, resume or cancel (manager and up). Cancelling skips every recipient still pending. Audited."""
    actor.require("manager")
    if action not in _MOVES:
        raise ServiceError(t("err.not_found"))
    campaign = session.exec(
        select(Campaign).where(Campaign.tenant_id == actor.tenant_id, Campaign.id == campaign_id).with_for_update()
    ).first()
    if campaign is None:
        raise ServiceError(t("err.not_found"))
    allowed, target = _MOVES[action]
    if campaign.status not in allowed:
        raise ServiceError(t("err.camp_move", status=t(f"camp.status_{campaign.status}").lower()))
    if action == "resume" and campaign.started_at is None:
        target = CampaignStatus.SCHEDULED  # paused before its time: it waits for it again
    campaign.status, campaign.updated_at = target, utcnow()
    if target == CampaignStatus.CANCELLED:
        campaign.finished_at = utcnow()
        session.execute(
            update(R)
            .where(R.tenant_id == actor.tenant_id, R.campaign_id == campaign.id, R.status == RecipientStatus.PENDING)
            .values(status=RecipientStatus.SKIPPED.value, reason="cancelled")
        )
    session.add(campaign)
    audit.record(session, actor=actor, action=f"campaign.{action}", entity="campaign", entity_id=campaign.id, details={})
    return campaign


def delete_draft(session: Session, *, actor: Actor, campaign_id: int) -> None:
    """Remove a campaign that never started (manager and up). Audited."""
    actor.require("manager")
    campaign = get_scoped(session, Campaign, campaign_id, actor)
    if campaign.status != CampaignStatus.DRAFT:
        raise ServiceError(t("err.camp_not_draft"))
    session.delete(campaign)
    audit.record(session, actor=actor, action="campaign.delete", entity="campaign", entity_id=campaign_id, details={"name": campaign.name})


# --- reading ------------------------------------------------------------------------------------


def _display_status():
    """A recipient's status as the owner sees it, computed in SQL from the row, its message and the agenda."""
    booked = exists().where(
        Appointment.tenant_id == R.tenant_id,
        Appointment.customer_id == R.customer_id,
        Appointment.created_at >= R.sent_at,
        Appointment.created_at < R.attribution_until,
        Appointment.status != "cancelled",
    )
    return case(
        (R.status == RecipientStatus.SKIPPED, literal("skipped")),
        (R.status == RecipientStatus.PENDING, literal("pending")),
        (Message.delivery_status == "failed", literal("failed")),
        (booked, literal("booked")),
        (R.replied_at.is_not(None), literal("replied")),  # type: ignore[union-attr]
        (Message.delivery_status.in_(("sent", "delivered", "read")), Message.delivery_status),  # type: ignore[attr-defined]
        else_=literal("pending"),  # written, waiting for its send
    )


def progress(session: Session, *, actor: Actor, campaign_id: int) -> Progress:
    """One campaign's recipients by status (one grouped query) and the revenue of the bookings attributed to it."""
    actor.require("staff")
    get_scoped(session, Campaign, campaign_id, actor)
    return _tally(session, actor, R.campaign_id == campaign_id)


def funnel(session: Session, *, actor: Actor, start: datetime, end: datetime) -> Progress:
    """Every campaign message sent in [start, end): sent → read → replied → booked, and the revenue they brought."""
    actor.require("staff")
    return _tally(session, actor, R.sent_at >= start, R.sent_at < end)


def _tally(session: Session, actor: Actor, *where) -> Progress:
    status = _display_status().label("status")
    rows = session.exec(
        select(status, func.count())
        .select_from(R)
        .outerjoin(Message, Message.id == R.message_id)
        .where(R.tenant_id == actor.tenant_id, *where)
        .group_by(status)
    ).all()
    counts = {s: 0 for s in DISPLAY_STATUSES} | {s: int(n) for s, n in rows}
    revenue = session.exec(
        select(func.coalesce(func.sum(Appointment.price_cents), 0)).where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.status != "cancelled",
            exists().where(
                R.tenant_id == actor.tenant_id,
                R.customer_id == Appointment.customer_id,
                Appointment.created_at >= R.sent_at,
                Appointment.created_at < R.attribution_until,
                *where,
            ),
        )
    ).one()
    return Progress(total=sum(counts.values()), counts=counts, revenue_cents=int(revenue or 0))


def attributed(customer_id, created_at):
    """SQL: a booking by `customer_id` at `created_at` came within 7 days of a campaign or automation message to them."""
    return exists().where(
        R.tenant_id == Appointment.tenant_id,
        R.customer_id == customer_id,
        R.sent_at <= created_at,
        R.attribution_until > created_at,
    )


def recipients(
    session: Session, *, actor: Actor, campaign_id: int, status: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[RecipientRow], int]:
    """One page of a campaign's recipients (optionally of one status) and how many there are."""
    actor.require("staff")
    get_scoped(session, Campaign, campaign_id, actor)
    shown = _display_status()
    base = (
        select(Customer.id, Customer.name, Customer.phone, shown.label("status"), R.reason, Message.error, R.sent_at)
        .select_from(R)
        .join(Customer, Customer.id == R.customer_id)
        .outerjoin(Message, Message.id == R.message_id)
        .where(R.tenant_id == actor.tenant_id, R.campaign_id == campaign_id)
    )
    if status:
        base = base.where(shown == status)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(base.order_by(R.id).offset(max(0, page - 1) * per_page).limit(per_page)).all()
    out = []
    for cid, name, phone, st, reason, error, sent_at in rows:
        detail = t(f"camp.reason_{reason}") if st == "skipped" and reason else (error or "") if st == "failed" else ""
        out.append(RecipientRow(cid, name, phone, st, detail, sent_at))
    return out, int(total)


def list_campaigns(session: Session, *, actor: Actor) -> list[tuple[Campaign, int, int]]:
    """The shop's campaigns, newest first, with (recipients, still pending) for each (one grouped query)."""
    actor.require("staff")
    rows = list(session.exec(select(Campaign).where(Campaign.tenant_id == actor.tenant_id).order_by(Campaign.id.desc())))  # type: ignore[union-attr]
    totals = {
        cid: (int(n), int(p or 0))
        for cid, n, p in session.exec(
            select(R.campaign_id, func.count(), func.sum(case((R.status == RecipientStatus.PENDING, 1), else_=0)))
            .where(R.tenant_id == actor.tenant_id)
            .group_by(R.campaign_id)
        )
    }
    return [(c, *totals.get(c.id, (0, 0))) for c in rows]


def get_campaign(session: Session, *, actor: Actor, campaign_id: int) -> Campaign:
    """One campaign of the shop."""
    actor.require("staff")
    return get_scoped(session, Campaign, campaign_id, actor)


# --- sending (the dispatch job) -------------------------------------------------------------------


def next_batch(session: Session, *, actor: Actor, campaign_id: int, now: datetime) -> list[tuple[int, datetime]]:
    """Start a campaign whose time came, finish one with nobody left, and plan the next minute's sends.

    Sends are spaced `60 / rate_per_minute` seconds apart, continuing after the last one planned,
    so any 60-second window holds at most the rate — also when runs overlap or a run is retried
    (the slots it planned are taken). Returns (recipient id, when it goes) for the slots that
    start within the next minute; none in the shop's quiet hours or while not running.
    """
    campaign = session.exec(select(Campaign).where(Campaign.tenant_id == actor.tenant_id, Campaign.id == campaign_id)).first()
    if campaign is None:
        return []
    if campaign.status == CampaignStatus.SCHEDULED and campaign.scheduled_at and campaign.scheduled_at <= now:
        campaign.status, campaign.started_at, campaign.updated_at = CampaignStatus.RUNNING, now, now
        session.add(campaign)
    if campaign.status != CampaignStatus.RUNNING:
        return []
    interval = timedelta(minutes=1) / campaign.rate_per_minute
    last = session.exec(select(func.max(R.sent_at)).where(R.tenant_id == actor.tenant_id, R.campaign_id == campaign.id)).one()
    start = max(now, last + interval) if last else now
    slots = int((now + timedelta(minutes=1) - start) / interval) if start < now + timedelta(minutes=1) else 0
    ids = list(
        session.exec(
            select(R.id)
            .where(R.tenant_id == actor.tenant_id, R.campaign_id == campaign.id, R.status == RecipientStatus.PENDING)
            .order_by(R.id)
            .limit(max(slots, 1))
        )
    )
    if not ids:
        campaign.status, campaign.finished_at, campaign.updated_at = CampaignStatus.FINISHED, now, now
        session.add(campaign)
        return []
    if slots <= 0 or reminders.is_quiet(get_tenant(session, actor=actor), now):
        return []
    return [(rid, start + i * interval) for i, rid in enumerate(ids)]


def deliver(session: Session, *, actor: Actor, recipient_id: int, now: datetime, send_at: datetime | None = None, delay_ms: int = 0) -> str:
    """Write one recipient's message, or skip them with the reason; safe to run twice.

    The row is locked and marked in the transaction that stores the message; the send job is
    enqueued after the commit, `delay_ms` later (its paced slot, `send_at`), and sends it once.
    """
    row = session.exec(select(R).where(R.tenant_id == actor.tenant_id, R.id == recipient_id).with_for_update()).first()
    if row is None or row.status != RecipientStatus.PENDING:
        return "already handled"
    campaign = session.get(Campaign, row.campaign_id)
    if campaign.status != CampaignStatus.RUNNING:
        return "not running"
    customer = session.get(Customer, row.customer_id)
    channel = session.get(Channel, campaign.channel_id) if campaign.channel_id else None
    if customer.marketing_opt_out:
        return _skip(row, "opted_out")
    if channel is None or channel.tenant_id != actor.tenant_id:
        return _skip(row, "no_channel")
    if not customer.phone:
        return _skip(row, "no_phone")
    tenant = get_tenant(session, actor=actor)
    values = recipient_values(session, actor=actor, customer=customer, channel=channel, shop=tenant.name, now=now)
    body = row.message or campaign_text.render(campaign.template, values, seed=f"{campaign.id}:{customer.id}")
    persona = routing.default_persona(session, actor=actor, customer=customer, is_new=False, disabled=disabled_plugins(tenant))
    conversation = conversations.open_conversation(session, actor=actor, customer_id=customer.id, persona=persona, channel_id=channel.id)
    meta: dict = {"kind": "campaign", "campaign_id": campaign.id, "recipient_id": row.id}
    if channel.provider == "cloud" and not reminders.window_open(session, conversation, now):
        cloud = campaign.cloud_template or {}
        if not cloud.get("name"):
            return _skip(row, "window_closed")
        meta["template"] = {
            "name": cloud["name"],
            "language": cloud.get("language") or "pt_BR",
            "params": [values[p] for p in cloud.get("params") or []],
        }
    message = conversations.add_message(
        session, actor=actor, conversation=conversation, direction="out", sender="system", body=body, pending=True, meta=meta
    )
    dispatch.after_commit(session, "send", actor.tenant_id, message.id, delay_ms=delay_ms)
    moment = send_at or now
    row.status, row.message_id, row.sent_at, row.attribution_until = RecipientStatus.SENT, message.id, moment, moment + ATTRIBUTION
    session.add(row)
    return "sent"


def _skip(row: CampaignRecipient, reason: str) -> str:
    row.status, row.reason = RecipientStatus.SKIPPED, reason
    return "skipped"


# --- replies ------------------------------------------------------------------------------------


def note_reply(session: Session, *, actor: Actor, customer_id: int, now: datetime) -> int:
    """A customer wrote: the campaign messages they got in the last 7 days count as replied (one UPDATE)."""
    result = session.execute(
        update(R)
        .where(
            R.tenant_id == actor.tenant_id,
            R.customer_id == customer_id,
            R.status == RecipientStatus.SENT,
            R.replied_at.is_(None),  # type: ignore[union-attr]
            R.attribution_until > now,
        )
        .values(replied_at=now)
    )
    return result.rowcount or 0


def recent_for(session: Session, *, actor: Actor, customer_id: int, now: datetime) -> tuple[str, str, datetime] | None:
    """The campaign message this customer got in the last 7 days, if any: (campaign name, text, when) — the agent's context."""
    row = session.exec(
        select(Campaign.name, Message.body, R.sent_at)
        .join(Campaign, Campaign.id == R.campaign_id)
        .join(Message, Message.id == R.message_id)
        .where(R.tenant_id == actor.tenant_id, R.customer_id == customer_id, R.status == RecipientStatus.SENT, R.attribution_until > now)
        .order_by(R.sent_at.desc())  # type: ignore[union-attr]
    ).first()
    return (row[0], row[1], row[2]) if row else None
