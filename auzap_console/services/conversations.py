"""Conversations and their messages: open, append, read back."""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.models import Conversation, Customer, Message
from auzap_console.phones import normalize_phone
from auzap_console.services.context import Actor, get_scoped
from auzap_console.services.usage import add_usage


def customer_for_phone(session: Session, *, actor: Actor, phone: str, name: str = "") -> tuple[Customer, bool]:
    """The customer with this phone, created as a new lead when unknown; returns (customer, created)."""
    canonical = normalize_phone(phone)
    customer = session.exec(select(Customer).where(Customer.tenant_id == actor.tenant_id, Customer.phone == canonical)).first()
    if customer is not None:
        return customer, False
    customer = Customer(
        tenant_id=actor.tenant_id, phone=canonical, name=(name or "").strip() or f"Contato {canonical[-4:]}", lead_stage="new"
    )
    session.add(customer)
    session.flush()
    return customer, True


def open_conversation(session: Session, *, actor: Actor, customer_id: int, persona: str, channel_id: int | None = None) -> Conversation:
    """The customer's open conversation on this channel, or a new one."""
    get_scoped(session, Customer, customer_id, actor)
    stmt = select(Conversation).where(
        Conversation.tenant_id == actor.tenant_id, Conversation.customer_id == customer_id, Conversation.status == "open"
    )
    stmt = stmt.where(Conversation.channel_id == channel_id) if channel_id else stmt.where(Conversation.channel_id.is_(None))  # type: ignore[union-attr]
    conversation = session.exec(stmt.order_by(Conversation.id.desc())).first()  # type: ignore[union-attr]
    if conversation is None:
        conversation = Conversation(tenant_id=actor.tenant_id, customer_id=customer_id, channel_id=channel_id, persona=persona)
        session.add(conversation)
        session.flush()
    return conversation


def add_message(
    session: Session,
    *,
    actor: Actor,
    conversation: Conversation,
    direction: str,
    sender: str,
    body: str,
    provider_message_id: str | None = None,
    tokens_in: int = 0,
    tokens_out: int = 0,
) -> Message:
    """Append a message, bump the conversation, and count it in today's usage."""
    message = Message(
        tenant_id=actor.tenant_id,
        conversation_id=conversation.id,
        channel_id=conversation.channel_id,
        direction=direction,
        sender=sender,
        body=body,
        provider_message_id=provider_message_id,
        delivery_status="delivered" if direction == "in" else "queued",
        tokens_in=tokens_in,
        tokens_out=tokens_out,
    )
    session.add(message)
    conversation.last_message_at = utcnow()
    if direction == "in":
        conversation.unread_count += 1
    session.add(conversation)
    session.flush()
    add_usage(
        session,
        tenant_id=actor.tenant_id,
        persona=conversation.persona,
        messages_in=1 if direction == "in" else 0,
        messages_out=1 if direction == "out" else 0,
    )
    return message


def history(session: Session, *, actor: Actor, conversation_id: int, limit: int = 20) -> list[Message]:
    """The last `limit` messages of a conversation, oldest first."""
    rows = session.exec(
        select(Message)
        .where(Message.tenant_id == actor.tenant_id, Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()  # type: ignore[union-attr]
    return list(reversed(rows))
