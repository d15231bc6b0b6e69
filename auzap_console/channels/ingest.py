"""Webhook events → stored messages (de-duplicated on the provider id) → enqueued agent jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from auzap_console.channels.types import Event, InboundMessage, SessionUpdate, StatusUpdate
from auzap_console.db import tenant_session
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


@dataclass(frozen=True)
class Received:
    """One inbound message as stored: new, or a duplicate delivery of a stored one."""

    conversation_id: int
    message_id: int
    duplicate: bool = False
    pending: bool = True  # its agent turn has not run yet


def ingest(channel: Channel, events: list[Event]) -> IngestResult:
    """Store each event in the channel's tenant; enqueue agent turns after the commit.

    A duplicate delivery of a message whose turn never ran (e.g. Redis was down) enqueues
    it again. A failed enqueue is logged and left to the outbox sweep: the message is safe.
    """
    result = IngestResult()
    to_answer: list[Received] = []
    for event in events:
        if isinstance(event, InboundMessage):
            received = _store_inbound(channel, event)
            if received.duplicate:
                result.duplicates += 1
            else:
                result.stored.append(received.message_id)
            if received.pending:
                to_answer.append(received)
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
    from auzap_console.jobs.agent import enqueue_answer

    for received in to_answer:  # after commit: the job will find the message
        try:
            enqueue_answer(channel.tenant_id, received.conversation_id, received.message_id)
        except Exception:
            log.exception("enqueue of message %s failed; the outbox sweep will enqueue it", received.message_id)
    return result


def _store_inbound(channel: Channel, event: InboundMessage) -> Received:
    return receive_message(
        tenant_id=channel.tenant_id,
        phone=event.phone,
        text=event.text,
        name=event.sender_name,
        channel_id=channel.id,
        provider_message_id=event.message_id,
        sender_id=event.sender_id,
    )


def _existing(tenant_id: int, channel_id: int | None, provider_message_id: str) -> Received | None:
    with tenant_session(tenant_id) as session:
        row = session.exec(
            select(Message).where(
                Message.tenant_id == tenant_id, Message.channel_id == channel_id, Message.provider_message_id == provider_message_id
            )
        ).first()
        if row is None:
            return None
        return Received(row.conversation_id, row.id, duplicate=True, pending=row.processing == "pending")


def receive_message(
    *,
    tenant_id: int,
    phone: str,
    text: str,
    name: str = "",
    channel_id: int | None = None,
    provider_message_id: str | None = None,
    sender_id: str = "",
    is_test: bool = False,
) -> Received:
    """Store one inbound message: contact (created if new), persona routing, conversation, message.

    A (channel, provider id) already stored, including by a concurrent delivery caught by
    the unique constraint, is reported as a duplicate. Plugins hear about new messages
    after the commit.
    """
    if provider_message_id:
        existing = _existing(tenant_id, channel_id, provider_message_id)
        if existing is not None:
            return existing
    actor = Actor(tenant_id=tenant_id, role="staff")
    with tenant_session(tenant_id) as session:
        tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()
        disabled = list((tenant.settings or {}).get("disabled_plugins", []))
        customer, created = conversations.customer_for_phone(session, actor=actor, phone=phone, name=name)
        if sender_id and customer.whatsapp_id != sender_id:
            customer.whatsapp_id = sender_id[:64]
            session.add(customer)
        persona = choose_persona(session, actor=actor, customer=customer, is_new=created, disabled=disabled)
        conversation = conversations.open_conversation(
            session, actor=actor, customer_id=customer.id, persona=persona, channel_id=channel_id, is_test=is_test
        )
        received: Received | None = None
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
                    pending=True,
                )
        except IntegrityError:
            log.info("duplicate delivery of %s on channel %s (concurrent)", provider_message_id, channel_id)
        else:
            received = Received(conversation.id, message.id)
    if received is None:  # the concurrent winner has committed by now (its row lock held us)
        return _existing(tenant_id, channel_id, provider_message_id or "") or Received(0, 0, duplicate=True, pending=False)
    manager.message_received(
        tenant_id=tenant_id, conversation_id=received.conversation_id, message_id=received.message_id, text=text, disabled=disabled
    )
    return received


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
