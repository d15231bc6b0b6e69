"""Webhook events → stored messages (de-duplicated on the provider id) → enqueued agent jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from auzap_console.channels.types import Event, InboundMessage, SessionUpdate, StatusUpdate
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Channel, Message, Tenant
from auzap_console.plugin import manager
from auzap_console.services import conversations
from auzap_console.services.context import Actor
from auzap_console.services.routing import choose_persona

log = logging.getLogger("auzap.ingest")
STATUS_ORDER = {"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass
class IngestResult:
    """What one webhook delivery did."""

    stored: list[int] = field(default_factory=list)
    duplicates: int = 0
    statuses: int = 0
    ignored: int = 0


def ingest(channel: Channel, events: list[Event]) -> IngestResult:
    """Store each event in the channel's tenant; enqueue agent turns after the commit."""
    result = IngestResult()
    to_answer: list[tuple[int, str]] = []
    actor = Actor(tenant_id=channel.tenant_id, role="staff")
    for event in events:
        if isinstance(event, InboundMessage):
            stored = _store_inbound(channel, actor, event)
            if stored is None:
                result.duplicates += 1
            else:
                result.stored.append(stored[1])
                to_answer.append((stored[0], event.message_id))
        elif isinstance(event, StatusUpdate):
            result.statuses += _apply_status(channel, event)
        elif isinstance(event, SessionUpdate):
            with tenant_session(channel.tenant_id) as session:
                row = session.get(Channel, channel.id)
                row.status = event.status
                if event.status == "connected":
                    row.qr_code = row.pairing_code = ""
                elif event.qr_code:
                    row.qr_code = event.qr_code
                session.add(row)
        else:
            result.ignored += 1
    from auzap_console.jobs.agent import answer_conversation

    for conversation_id, provider_id in to_answer:  # after commit: the job will find the message
        queues.enqueue(
            answer_conversation,
            channel.tenant_id,
            conversation_id,
            queue=queues.HIGH,
            job_key=queues.job_id("answer", channel.id, provider_id),
        )
    return result


def _store_inbound(channel: Channel, actor: Actor, event: InboundMessage) -> tuple[int, int] | None:
    """(conversation id, message id), or None when this provider id was already stored."""
    return receive_message(
        tenant_id=channel.tenant_id,
        phone=event.phone,
        text=event.text,
        name=event.sender_name,
        channel_id=channel.id,
        provider_message_id=event.message_id,
        sender_id=event.sender_id,
    )


def receive_message(
    *,
    tenant_id: int,
    phone: str,
    text: str,
    name: str = "",
    channel_id: int | None = None,
    provider_message_id: str | None = None,
    sender_id: str = "",
) -> tuple[int, int] | None:
    """Store one inbound message: contact (created if new), persona routing, conversation, message.

    Returns (conversation id, message id), or None when (channel, provider id) is already stored,
    including a concurrent duplicate caught by the unique constraint. Plugins hear about it after
    the commit.
    """
    actor = Actor(tenant_id=tenant_id, role="staff")
    with tenant_session(tenant_id) as session:
        if (
            provider_message_id
            and session.exec(
                select(Message.id).where(Message.channel_id == channel_id, Message.provider_message_id == provider_message_id)
            ).first()
        ):
            return None
        tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()
        disabled = list((tenant.settings or {}).get("disabled_plugins", []))
        customer, created = conversations.customer_for_phone(session, actor=actor, phone=phone, name=name)
        if sender_id and customer.whatsapp_id != sender_id:
            customer.whatsapp_id = sender_id
            session.add(customer)
        persona = choose_persona(session, actor=actor, customer=customer, is_new=created, disabled=disabled)
        conversation = conversations.open_conversation(
            session, actor=actor, customer_id=customer.id, persona=persona, channel_id=channel_id
        )
        try:
            with session.begin_nested():
                message = conversations.add_message(
                    session,
                    actor=actor,
                    conversation=conversation,
                    direction="in",
                    sender="customer",
                    body=text,
                    provider_message_id=provider_message_id,
                )
        except IntegrityError:
            log.info("duplicate delivery of %s on channel %s (concurrent)", provider_message_id, channel_id)
            session.rollback()
            return None
        ids = conversation.id, message.id
    manager.message_received(tenant_id=tenant_id, conversation_id=ids[0], message_id=ids[1], text=text, disabled=disabled)
    return ids


def _apply_status(channel: Channel, event: StatusUpdate) -> int:
    """Move a sent message's delivery status forward (never backwards, except to failed)."""
    with tenant_session(channel.tenant_id) as session:
        message = session.exec(
            select(Message).where(
                Message.tenant_id == channel.tenant_id, Message.channel_id == channel.id, Message.provider_message_id == event.message_id
            )
        ).first()
        if message is None:
            return 0
        if event.status == "failed" or STATUS_ORDER.get(event.status, 0) > STATUS_ORDER.get(message.delivery_status, 0):
            message.delivery_status = event.status
            session.add(message)
        return 1
