"""Conversations and their messages: open, append, read back."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from auzap_console.db import insert_ignore
from auzap_console.db_types import utcnow
from auzap_console.models import Conversation, Customer, Message
from auzap_console.models.messaging import Processing
from auzap_console.phones import normalize_phone
from auzap_console.services.context import Actor, get_scoped
from auzap_console.services.usage import add_usage

NAME_MAX = 120  # customers.name; providers may send longer profile names


def customer_for_phone(session: Session, *, actor: Actor, phone: str, name: str = "") -> tuple[Customer, bool]:
    """The customer with this phone, created as a new lead when unknown; returns (customer, created).

    Safe under concurrency: the same new number arriving in parallel deliveries is inserted
    once (ON CONFLICT DO NOTHING), and the row is locked until the caller commits, so those
    deliveries also share one conversation instead of racing to open two.
    """
    canonical = normalize_phone(phone)
    by_phone = select(Customer).where(Customer.tenant_id == actor.tenant_id, Customer.phone == canonical).with_for_update()
    customer = session.exec(by_phone).first()
    if customer is not None:
        return customer, False
    label = " ".join((name or "").split())[:NAME_MAX] or f"Contato {canonical[-4:]}"
    created = insert_ignore(session, Customer(tenant_id=actor.tenant_id, phone=canonical, name=label, lead_stage="new"))
    customer = session.exec(by_phone.execution_options(populate_existing=True)).one()
    return customer, created


def open_conversation(
    session: Session, *, actor: Actor, customer_id: int, persona: str, channel_id: int | None = None, is_test: bool = False
) -> Conversation:
    """The customer's open conversation on this channel, or a new one (`is_test`: a playground chat)."""
    get_scoped(session, Customer, customer_id, actor)
    stmt = select(Conversation).where(
        Conversation.tenant_id == actor.tenant_id, Conversation.customer_id == customer_id, Conversation.status == "open"
    )
    stmt = stmt.where(Conversation.channel_id == channel_id) if channel_id else stmt.where(Conversation.channel_id.is_(None))  # type: ignore[union-attr]
    conversation = session.exec(stmt.order_by(Conversation.id.desc())).first()  # type: ignore[union-attr]
    if conversation is None:
        conversation = Conversation(
            tenant_id=actor.tenant_id, customer_id=customer_id, channel_id=channel_id, persona=persona, is_test=is_test
        )
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
    pending: bool = False,
    meta: dict | None = None,
) -> Message:
    """Append a message, bump the conversation, and count it in today's usage.

    `pending` puts it in the outbox: an inbound message awaiting its agent turn, or an
    outbound one awaiting its send (see `jobs.outbox`). `meta` says what a message the shop
    sends on its own is about (a reminder, a health notice).
    """
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
        processing=Processing.PENDING if pending else Processing.NONE,
        meta=meta or {},
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


def has_pending_inbound(session: Session, *, actor: Actor, conversation_id: int) -> bool:
    """True while an inbound message of the conversation waits for its agent turn (the turn's gate)."""
    return (
        session.exec(
            select(Message.id).where(
                Message.tenant_id == actor.tenant_id,
                Message.conversation_id == conversation_id,
                Message.direction == "in",
                Message.processing == Processing.PENDING,
            )
        ).first()
        is not None
    )


def _settle_inbound(session: Session, *, actor: Actor, conversation_id: int, upto_message_id: int | None, **values) -> int:
    """Set `values` on the conversation's pending inbound messages (up to an id); how many changed."""
    stmt = update(Message).where(
        Message.tenant_id == actor.tenant_id,
        Message.conversation_id == conversation_id,
        Message.direction == "in",
        Message.processing == Processing.PENDING,
    )
    if upto_message_id is not None:
        stmt = stmt.where(Message.id <= upto_message_id)
    return session.execute(stmt.values(**values)).rowcount or 0


def finish_inbound(session: Session, *, actor: Actor, conversation_id: int, upto_message_id: int) -> int:
    """Mark the conversation's pending inbound messages up to `upto_message_id` as handled."""
    return _settle_inbound(
        session, actor=actor, conversation_id=conversation_id, upto_message_id=upto_message_id, processing=Processing.DONE, error=""
    )


def fail_pending_inbound(session: Session, *, actor: Actor, conversation_id: int, reason: str) -> int:
    """Mark the conversation's pending inbound messages as failed, with the reason shown in the inbox."""
    return _settle_inbound(
        session, actor=actor, conversation_id=conversation_id, upto_message_id=None, processing=Processing.FAILED, error=reason[:300]
    )


FAILURE_APOLOGY = "Desculpe, tive um problema para responder agora. Já chamei alguém da equipe para falar com você. 🙏"


def hand_off_after_failure(session: Session, *, actor: Actor, conversation_id: int, reason: str) -> Message | None:
    """A turn failed for good: hand the conversation to a person instead of leaving silence.

    Its pending messages are marked failed (shown in the inbox), a person takes over (waiting
    for the team, AI paused) and the customer gets a short apology. Returns the apology to
    send, or None when nothing was pending (already handled: idempotent).
    """
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    if not fail_pending_inbound(session, actor=actor, conversation_id=conversation.id, reason=reason):
        return None
    conversation.waiting_human, conversation.ai_paused = True, True
    session.add(conversation)
    return add_message(
        session,
        actor=actor,
        conversation=conversation,
        direction="out",
        sender="ai",
        body=FAILURE_APOLOGY,
        pending=conversation.channel_id is not None,
    )


def last_outbound(session: Session, *, actor: Actor, conversation_id: int) -> Message | None:
    """The shop's latest message in a conversation (what a short answer like "1" or "sim" replies to)."""
    return session.exec(
        select(Message)
        .where(Message.tenant_id == actor.tenant_id, Message.conversation_id == conversation_id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
