"""A tutor's answer to a reminder: "1"/"sim"/"👍" confirms, "2"/"cancela"/"❌" cancels.

The agent turn asks here first (any hour, no model): when the shop's last message in the
conversation was a recent reminder and the answer is clear, the booking service acts on it and
the fixed reply goes back; otherwise the assistant answers as usual.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Message
from auzap_console.models.catalog import LIVE_STATUSES
from auzap_console.services import booking, conversations, reminders
from auzap_console.services.context import Actor
from auzap_console.services.tenants import get_tenant
from auzap_console.text import normalize

REPLY_WINDOW = timedelta(hours=48)  # how long after a reminder an answer still counts as answering it
CONFIRM = re.compile(r"^(1|sim|s|confirmo|confirma|confirmado|confirmada|confirmar|ok|okay|certo|pode ser|combinado|vou sim|estarei)\b")
CANCEL = re.compile(r"^(2|nao|n|cancela|cancelar|cancelo|cancele|desmarca|desmarcar|nao vou|nao posso)\b")
CONFIRM_EMOJI = ("👍", "✅", "👌", "🙏", "😀", "😊", "🥰", "❤")
CANCEL_EMOJI = ("❌", "👎", "🚫")


def reply_intent(message: str) -> str:
    """Whether an answer to a reminder confirms ("confirm"), cancels ("cancel") or neither (""): numbers, words, emojis.

    Examples: "1", "sim", "👍" confirm; "2", "cancela", "❌" cancel.
    """
    raw = (message or "").strip()
    words = normalize(raw)
    if CANCEL.match(words) or (not words and any(e in raw for e in CANCEL_EMOJI)):
        return "cancel"
    if CONFIRM.match(words) or (not words and any(e in raw for e in CONFIRM_EMOJI)):
        return "confirm"
    return ""


def answered_reminder(session: Session, *, actor: Actor, conversation_id: int, now: datetime) -> Message | None:
    """The reminder the tutor is answering: the shop's latest message here, if it was a recent reminder."""
    last_out = conversations.last_outbound(session, actor=actor, conversation_id=conversation_id)
    if last_out is None or (last_out.meta or {}).get("kind") != "reminder" or now - last_out.created_at > REPLY_WINDOW:
        return None
    return last_out


def answer_reply(session: Session, *, actor: Actor, conversation_id: int, message: str, now: datetime | None = None) -> str | None:
    """Act on a tutor's answer to a reminder through the booking service; the reply to send, or None.

    None when the last thing the shop said was not a reminder or the answer is not a clear
    confirm/cancel (the assistant then answers as usual).
    """
    now = now or utcnow()
    reminder = answered_reminder(session, actor=actor, conversation_id=conversation_id, now=now)
    intent = reply_intent(message) if reminder is not None else ""
    if not intent:
        return None
    appointment = session.get(Appointment, reminder.meta.get("appointment_id"))
    if appointment is None or appointment.tenant_id != actor.tenant_id:
        return None
    tz = ZoneInfo(get_tenant(session, actor=actor).timezone)
    when = reminders.when_words(appointment.starts_at, tz, now)
    if appointment.status == "cancelled":
        return t("reminder.reply_was_cancelled", when=when)
    if appointment.status not in LIVE_STATUSES or appointment.starts_at <= now:
        return None
    if intent == "confirm":
        booking.confirm_by_customer(session, actor=actor, appointment_id=appointment.id, now=now)
        return t("reminder.reply_confirmed", when=when)
    booking.cancel(
        session, actor=actor, appointment_id=appointment.id, customer_id=appointment.customer_id, reason=t("reminder.cancel_reason")
    )
    return t("reminder.reply_cancelled", when=when)
