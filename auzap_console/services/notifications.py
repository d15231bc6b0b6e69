"""Messages the shop sends on its own (not answers): today, "your pet is ready for pickup".

Sent like any outbound message: stored pending in the customer's latest WhatsApp conversation
and handed to the send job after the commit (retried, never twice). A customer with no
WhatsApp conversation yet gets nothing (there is no channel to reach them on).
"""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console import dispatch
from auzap_console.i18n import t
from auzap_console.models import Appointment, Conversation, Message, Pet, Tenant
from auzap_console.services import audit, conversations
from auzap_console.services.context import Actor
from auzap_console.services.tenants import get_tenant


def notify_ready_enabled(tenant: Tenant) -> bool:
    """Whether the shop tells tutors on WhatsApp when their pet is ready (on unless switched off)."""
    return bool((tenant.settings or {}).get("notify_ready", True))


def tutor_conversation(session: Session, *, actor: Actor, customer_id: int) -> Conversation | None:
    """The customer's latest WhatsApp conversation (the channel to reach them on), or None."""
    return session.exec(
        select(Conversation)
        .where(
            Conversation.tenant_id == actor.tenant_id,
            Conversation.customer_id == customer_id,
            Conversation.channel_id.is_not(None),  # type: ignore[union-attr]
            ~Conversation.is_test,
        )
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())  # type: ignore[union-attr]
    ).first()


def tell_tutor(session: Session, *, actor: Actor, conversation: Conversation, body: str, meta: dict | None = None) -> Message:
    """Store a message from the shop in the conversation and hand it to the send job after the commit."""
    message = conversations.add_message(
        session, actor=actor, conversation=conversation, direction="out", sender="system", body=body, pending=True, meta=meta
    )
    dispatch.after_commit(session, "send", actor.tenant_id, message.id)
    return message


def notify_ready(session: Session, *, actor: Actor, appointment: Appointment) -> Message | None:
    """Tell the tutor the pet is ready for pickup; returns the stored message, or None when not sent."""
    tenant = get_tenant(session, actor=actor)
    if not notify_ready_enabled(tenant):
        return None
    conversation = tutor_conversation(session, actor=actor, customer_id=appointment.customer_id)
    if conversation is None:
        return None
    pet = session.get(Pet, appointment.pet_id) if appointment.pet_id else None
    body = t("notify.ready", pet=pet.name) if pet else t("notify.ready_no_pet")
    return tell_tutor(session, actor=actor, conversation=conversation, body=body, meta={"kind": "ready", "appointment_id": appointment.id})


def set_notify_ready(session: Session, *, actor: Actor, enabled: bool) -> None:
    """Switch the pickup notice on or off for the shop (owner only); audited."""
    actor.require("owner")
    tenant = get_tenant(session, actor=actor)
    tenant.settings = {**(tenant.settings or {}), "notify_ready": bool(enabled)}
    session.add(tenant)
    audit.record(session, actor=actor, action="settings.notify_ready", entity="tenant", entity_id=tenant.id, details={"enabled": enabled})
