"""Inbound messages: store one (contact, persona routing, conversation, message), de-duplicated on the provider id.

Webhooks (`channels.ingest`), the CLI, the playground and tests all store inbound text here;
enqueuing the agent turn is the caller's business.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from auzap_console.db import tenant_session
from auzap_console.models import Message, Tenant
from auzap_console.models.messaging import Processing
from auzap_console.plugin import manager
from auzap_console.services import campaigns, conversations, routing
from auzap_console.services.context import Actor
from auzap_console.services.plugins import disabled_plugins

log = logging.getLogger("auzap.ingest")


@dataclass(frozen=True)
class Received:
    """One inbound message as stored: new, or a duplicate delivery of a stored one."""

    conversation_id: int
    message_id: int
    duplicate: bool = False
    pending: bool = True  # its agent turn has not run yet
    disabled: tuple[str, ...] = ()  # the shop's disabled plugins (they do not hear about it)


def _existing(tenant_id: int, channel_id: int | None, provider_message_id: str) -> Received | None:
    with tenant_session(tenant_id) as session:
        return _stored(session, tenant_id, channel_id, provider_message_id)


def _stored(session: Session, tenant_id: int, channel_id: int | None, provider_message_id: str) -> Received | None:
    """The message already stored for this delivery, as a duplicate."""
    row = session.exec(
        select(Message).where(
            Message.tenant_id == tenant_id, Message.channel_id == channel_id, Message.provider_message_id == provider_message_id
        )
    ).first()
    if row is None:
        return None
    return Received(row.conversation_id, row.id, duplicate=True, pending=row.processing == Processing.PENDING)


def receive_message(
    *, tenant_id: int, text: str, channel_id: int | None = None, provider_message_id: str | None = None, **contact
) -> Received:
    """Store one inbound message in its own transaction: `store_message`'s work, then plugins hear of it.

    `contact` is the rest of `store_message`'s fields (phone, name, sender_id, is_test, media).
    A (channel, provider id) already stored, including by a concurrent delivery caught by
    the unique constraint, is reported as a duplicate. `media` (what `MediaRef.as_meta` gives)
    is kept in the message's meta; the answer job fetches the file before the turn.
    """
    if provider_message_id:
        existing = _existing(tenant_id, channel_id, provider_message_id)
        if existing is not None:
            return existing
    with tenant_session(tenant_id) as session:
        received = store_message(
            session, tenant_id=tenant_id, text=text, channel_id=channel_id, provider_message_id=provider_message_id, **contact
        )
    if not received.duplicate:
        announce(tenant_id, received, text)
    return received


def store_message(
    session: Session,
    *,
    tenant_id: int,
    phone: str,
    text: str,
    name: str = "",
    channel_id: int | None = None,
    provider_message_id: str | None = None,
    sender_id: str = "",
    is_test: bool = False,
    media: dict | None = None,
) -> Received:
    """`receive_message` inside the caller's transaction (the event job stores the message and marks its event at once).

    A duplicate provider id (a concurrent delivery caught by the unique constraint) is rolled
    back to a savepoint and reported as the stored message. The caller calls `announce` after
    its commit when the message is new.
    """
    actor = Actor(tenant_id=tenant_id, role="staff")
    tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()
    disabled = disabled_plugins(tenant)
    customer, created = conversations.customer_for_phone(session, actor=actor, phone=phone, name=name)
    if sender_id and customer.whatsapp_id != sender_id:
        customer.whatsapp_id = sender_id[:64]
        session.add(customer)
    default = routing.default_persona(session, actor=actor, customer=customer, is_new=created, disabled=disabled)
    conversation = conversations.open_conversation(
        session, actor=actor, customer_id=customer.id, persona=default, channel_id=channel_id, is_test=is_test
    )
    routing.route_message(
        session,
        actor=actor,
        conversation=conversation,
        customer=customer,
        text=text,
        new_conversation=conversation.last_message_at is None,
        disabled=disabled,
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
                pending=True,
                meta={"media": media} if media else None,
            )
    except IntegrityError:  # the concurrent winner has committed by now (the unique index held us until it did)
        log.info("duplicate delivery of %s on channel %s (concurrent)", provider_message_id, channel_id)
        row = _stored(session, tenant_id, channel_id, provider_message_id or "")
        return row or Received(0, 0, duplicate=True, pending=False)
    campaigns.note_reply(session, actor=actor, customer_id=customer.id, now=message.created_at)
    return Received(conversation.id, message.id, disabled=tuple(disabled))


def announce(tenant_id: int, received: Received, text: str) -> None:
    """Tell plugins about a new inbound message (after its commit)."""
    manager.message_received(
        tenant_id=tenant_id,
        conversation_id=received.conversation_id,
        message_id=received.message_id,
        text=text,
        disabled=received.disabled,
    )
