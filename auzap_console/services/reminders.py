"""Appointment reminders on WhatsApp (the tutor's answer is `services.reminder_replies`).

Every live appointment has one row per reminder offset (default 24 h and 2 h before); the row is
the unique key that keeps a reminder from going twice, and `for_starts_at` ties it to the time it
was planned for, so a moved appointment is planned again and a cancelled one is not reminded.
Booking calls `plan` on every change; RQ's cron runs `jobs.reminders` every minute, which sends
what is due (`deliver`, one row per transaction, the message stored in the same transaction and
sent by the send job). Reminders never fall in the shop's quiet hours: one due at night goes the
evening before. On the Cloud API, outside the 24-hour window, a reminder goes as the approved
template configured on the channel, or is skipped with the reason recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, AppointmentReminder, Channel, Conversation, Customer, Message, Pet, Service, Tenant
from auzap_console.models.catalog import LIVE_STATUSES, ReminderStatus
from auzap_console.services import audit
from auzap_console.services.context import Actor, ServiceError
from auzap_console.services.notifications import tell_tutor, tutor_conversation
from auzap_console.services.tenants import get_tenant

DEFAULT_OFFSETS_HOURS = (24, 2)
DEFAULT_QUIET = ("21:00", "08:00")
QUIET_MARGIN = timedelta(minutes=30)  # a night-time reminder goes this long before the quiet hours start
WINDOW = timedelta(hours=24)  # the Cloud API's customer service window
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class ReminderSettings:
    """A shop's reminder rules."""

    enabled: bool
    offsets_hours: tuple[int, ...]
    quiet_start: str
    quiet_end: str


def settings_of(tenant: Tenant) -> ReminderSettings:
    """The shop's reminder settings (on, 24 h and 2 h before, quiet 21:00–08:00 unless changed)."""
    saved = (tenant.settings or {}).get("reminders") or {}
    return ReminderSettings(
        enabled=bool(saved.get("enabled", True)),
        offsets_hours=tuple(saved.get("offsets_hours") or DEFAULT_OFFSETS_HOURS),
        quiet_start=saved.get("quiet_start") or DEFAULT_QUIET[0],
        quiet_end=saved.get("quiet_end") or DEFAULT_QUIET[1],
    )


def save_settings(
    session: Session, *, actor: Actor, enabled: bool, offsets_hours: list[int], quiet_start: str, quiet_end: str
) -> ReminderSettings:
    """Change the shop's reminder rules (owner); audited. Every upcoming appointment's reminders follow at once."""
    actor.require("owner")
    offsets = sorted({int(h) for h in offsets_hours}, reverse=True)
    if enabled and not offsets:
        raise ServiceError(t("err.reminder_offsets"), field="reminder-offsets")
    if any(not 1 <= h <= 168 for h in offsets) or len(offsets) > 3:
        raise ServiceError(t("err.reminder_offsets"), field="reminder-offsets")
    for value, field in ((quiet_start, "quiet-start"), (quiet_end, "quiet-end")):
        if not _HHMM.match(value or ""):
            raise ServiceError(t("err.quiet_hours"), field=field)
    tenant = get_tenant(session, actor=actor)
    saved = {"enabled": bool(enabled), "offsets_hours": offsets, "quiet_start": quiet_start, "quiet_end": quiet_end}
    tenant.settings = {**(tenant.settings or {}), "reminders": saved}
    session.add(tenant)
    audit.record(session, actor=actor, action="settings.reminders", entity="tenant", entity_id=tenant.id, details=saved)
    now = utcnow()
    upcoming = session.exec(
        select(Appointment).where(
            Appointment.tenant_id == actor.tenant_id,
            Appointment.status.in_(LIVE_STATUSES),  # type: ignore[attr-defined]
            Appointment.starts_at > now,
        )
    ).all()
    for appointment in upcoming:
        for row in session.exec(
            select(AppointmentReminder).where(
                AppointmentReminder.tenant_id == actor.tenant_id,
                AppointmentReminder.appointment_id == appointment.id,
                AppointmentReminder.status == ReminderStatus.PLANNED,
            )
        ):
            row.for_starts_at = datetime(1970, 1, 1, tzinfo=UTC)  # planned under the old rules: plan it again
        plan(session, actor=actor, appointment=appointment, now=now)
    return settings_of(tenant)


def _in_quiet(moment: time, start: time, end: time) -> bool:
    return (start <= moment or moment < end) if start > end else (start <= moment < end)


def is_quiet(tenant: Tenant, now: datetime) -> bool:
    """Whether `now` falls in the shop's quiet hours (no reminder, campaign or automation goes out)."""
    rules = settings_of(tenant)
    local = now.astimezone(ZoneInfo(tenant.timezone)).time().replace(tzinfo=None)
    return _in_quiet(local, time.fromisoformat(rules.quiet_start), time.fromisoformat(rules.quiet_end))


def send_time(due: datetime, tz: ZoneInfo, quiet_start: str, quiet_end: str) -> datetime:
    """`due`, or — when it falls in the quiet hours — shortly before they began that night."""
    start, end = time.fromisoformat(quiet_start), time.fromisoformat(quiet_end)
    local = due.astimezone(tz)
    if not _in_quiet(local.time().replace(tzinfo=None), start, end):
        return due
    evening = local.date()
    if start > end and local.time().replace(tzinfo=None) < end:  # after midnight: the quiet hours began the day before
        evening -= timedelta(days=1)
    return (datetime.combine(evening, start, tzinfo=tz) - QUIET_MARGIN).astimezone(UTC)


def plan(session: Session, *, actor: Actor, appointment: Appointment, now: datetime | None = None) -> list[AppointmentReminder]:
    """(Re)plan an appointment's reminders after any change; idempotent.

    A reminder already sent for this start time is kept; a moved appointment gets new ones; one
    no longer waiting (cancelled, checked in…) has its planned reminders cancelled.
    """
    now = now or utcnow()
    tenant = get_tenant(session, actor=actor)
    rules = settings_of(tenant)
    tz = ZoneInfo(tenant.timezone)
    rows = {
        r.offset_minutes: r
        for r in session.exec(
            select(AppointmentReminder).where(
                AppointmentReminder.tenant_id == actor.tenant_id, AppointmentReminder.appointment_id == appointment.id
            )
        )
    }
    wanted = {h * 60 for h in rules.offsets_hours} if rules.enabled and appointment.status in LIVE_STATUSES else set()
    for offset in sorted(set(rows) | wanted, reverse=True):
        row = rows.get(offset)
        if offset not in wanted:
            if row is not None and row.status == ReminderStatus.PLANNED:
                _set(row, ReminderStatus.CANCELLED, "not_waiting" if rules.enabled else "switched_off")
            continue
        if row is not None and row.for_starts_at == appointment.starts_at and row.status != ReminderStatus.CANCELLED:
            continue  # already planned (or sent) for this very time
        row = row or AppointmentReminder(tenant_id=actor.tenant_id, appointment_id=appointment.id, offset_minutes=offset)
        row.for_starts_at = appointment.starts_at
        row.due_at = send_time(appointment.starts_at - timedelta(minutes=offset), tz, rules.quiet_start, rules.quiet_end)
        row.message_id = None
        if row.due_at <= now or row.due_at >= appointment.starts_at:
            _set(row, ReminderStatus.SKIPPED, "too_late")
        else:
            _set(row, ReminderStatus.PLANNED, "")
        session.add(row)
    session.flush()
    return sorted(rows.values(), key=lambda r: -r.offset_minutes)


def _set(row: AppointmentReminder, status: str, reason: str) -> None:
    row.status, row.reason, row.updated_at = status, reason, utcnow()


def when_words(starts_at: datetime, tz: ZoneInfo, now: datetime) -> str:
    """When an appointment is, in words and the shop's zone: hoje às 14:00, amanhã às 09:30, sexta, 27/11 às 10:00."""
    local, today = starts_at.astimezone(tz), now.astimezone(tz).date()
    hour = local.strftime("%H:%M")
    if local.date() == today:
        return t("reminder.today", hour=hour)
    if local.date() == today + timedelta(days=1):
        return t("reminder.tomorrow", hour=hour)
    return t("reminder.on_day", day=format_date(local.date(), "EEEE, dd/MM", locale="pt_BR"), hour=hour)


def deliver(session: Session, *, actor: Actor, reminder_id: int, now: datetime | None = None) -> str:
    """Send one due reminder if it still applies; returns what happened. Safe to run twice.

    The row is locked and marked in the same transaction that stores the message, so a second
    run (or a worker killed after the commit) finds it sent; the send job delivers the message once.
    """
    now = now or utcnow()
    row = session.exec(
        select(AppointmentReminder)
        .where(AppointmentReminder.tenant_id == actor.tenant_id, AppointmentReminder.id == reminder_id)
        .with_for_update()
    ).first()
    if row is None or row.status != ReminderStatus.PLANNED:
        return "already handled"
    if row.due_at > now:
        return "not due"
    appointment = session.get(Appointment, row.appointment_id)
    if appointment.status not in LIVE_STATUSES or appointment.starts_at != row.for_starts_at:
        _set(row, ReminderStatus.CANCELLED, "not_waiting")
        session.add(row)
        return "cancelled"
    if appointment.starts_at <= now:
        _set(row, ReminderStatus.SKIPPED, "too_late")
        session.add(row)
        return "skipped"
    conversation = tutor_conversation(session, actor=actor, customer_id=appointment.customer_id)
    if conversation is None:
        _set(row, ReminderStatus.SKIPPED, "no_whatsapp")
        session.add(row)
        return "skipped"
    tenant = get_tenant(session, actor=actor)
    tz = ZoneInfo(tenant.timezone)
    customer = session.get(Customer, appointment.customer_id)
    service = session.get(Service, appointment.service_id)
    pet = session.get(Pet, appointment.pet_id) if appointment.pet_id else None
    when = when_words(appointment.starts_at, tz, now)
    first_name = (customer.name or "").split(" ")[0]
    body = t("reminder.body", name=first_name, pet=pet.name if pet else t("reminder.your_pet"), service=service.name, when=when)
    meta: dict = {"kind": "reminder", "appointment_id": appointment.id, "reminder_id": row.id}
    channel = session.get(Channel, conversation.channel_id)
    if channel.provider == "cloud" and not window_open(session, conversation, now):
        template = (channel.templates or {}).get("reminder") or {}
        if not template.get("name"):
            _set(row, ReminderStatus.SKIPPED, "window_closed")
            session.add(row)
            return "skipped"
        meta["template"] = {
            "name": template["name"],
            "language": template.get("language") or "pt_BR",
            "params": [first_name, pet.name if pet else service.name, when],
        }
    message = tell_tutor(session, actor=actor, conversation=conversation, body=body, meta=meta)
    _set(row, ReminderStatus.SENT, "")
    row.message_id = message.id
    session.add(row)
    return "sent"


def window_open(session: Session, conversation: Conversation, now: datetime) -> bool:
    """Whether the tutor wrote in the last 24 hours (the Cloud API then allows free text)."""
    last_in = session.exec(
        select(Message.created_at)
        .where(Message.tenant_id == conversation.tenant_id, Message.conversation_id == conversation.id, Message.direction == "in")
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    return last_in is not None and now - last_in < WINDOW
