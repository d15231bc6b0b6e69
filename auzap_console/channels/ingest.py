"""Webhook events → stored inbound events (one INSERT, de-duplicated on the provider id) → enqueued jobs.

The webhook acknowledges as soon as the raw events are stored: contacts, persona routing,
conversations and the turn happen in the event's job (`jobs.inbound`). Delivery statuses and
session updates are single UPDATEs and stay here.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from sqlmodel import select

from auzap_console.channels.types import Event, InboundMessage, SessionUpdate, StatusUpdate
from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.jobs import inbound as inbound_jobs
from auzap_console.models import Channel, InboundEvent, Message
from auzap_console.models.messaging import Processing
from auzap_console.phones import InvalidPhone, normalize_phone

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
    """Store the delivery's inbound events in one statement; enqueue their jobs after the commit.

    A duplicate delivery of an event whose message was never answered (e.g. Redis was down)
    enqueues it again. A failed enqueue is logged and left to the outbox sweep: the event is safe.
    """
    result = IngestResult()
    inbound = [e for e in events if isinstance(e, InboundMessage)]
    for event in events:
        if isinstance(event, StatusUpdate):
            result.statuses += _apply_status(channel, event)
        elif isinstance(event, SessionUpdate):
            _apply_session(channel, event)
        elif not isinstance(event, InboundMessage):
            result.ignored += 1
    to_handle = _record(channel, inbound, result) if inbound else []
    for event_id in to_handle:  # after commit: the job will find the event
        try:
            inbound_jobs.enqueue_event(channel.tenant_id, event_id)
        except Exception:
            log.exception("enqueue of inbound event %s failed; the outbox sweep will enqueue it", event_id)
    return result


def _payload(event: InboundMessage) -> dict | None:
    try:
        phone = normalize_phone(event.phone)
    except InvalidPhone:
        log.info("inbound message %s ignored: unusable phone", event.message_id)
        return None
    payload = {"phone": phone, "text": event.text, "sender_name": event.sender_name, "sender_id": event.sender_id}
    if event.media:
        payload["media"] = event.media.as_meta()
    return payload


def _record(channel: Channel, events: list[InboundMessage], result: IngestResult) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING the delivery's events; the ids whose job should run."""
    rows, now, unusable = {}, utcnow(), 0
    for event in events:
        payload = _payload(event)
        if payload is None:
            unusable += 1
            continue
        provider_id = event.message_id or f"noid-{uuid.uuid4().hex}"
        rows.setdefault(
            provider_id,
            {
                "tenant_id": channel.tenant_id,
                "channel_id": channel.id,
                "provider_message_id": provider_id,
                "payload": payload,
                "received_at": now,
            },
        )
    result.ignored += unusable
    if not rows:
        return []
    with tenant_session(channel.tenant_id) as session:
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(InboundEvent).values(list(rows.values())).on_conflict_do_nothing(index_elements=["channel_id", "provider_message_id"])
        new = list(session.execute(stmt.returning(InboundEvent.id, InboundEvent.provider_message_id)).all())
        result.stored.extend(event_id for event_id, _ in new)
        seen = {provider_id for _, provider_id in new}
        repeated = [provider_id for provider_id in rows if provider_id not in seen]
        result.duplicates += len(repeated) + len(events) - len(rows) - unusable  # + repeats inside this delivery
        again = []
        if repeated:  # a redelivery: run its job again unless its message was answered
            found = session.exec(
                select(InboundEvent.id, Message.processing)
                .outerjoin(Message, Message.id == InboundEvent.message_id)
                .where(InboundEvent.channel_id == channel.id, InboundEvent.provider_message_id.in_(repeated))  # type: ignore[attr-defined]
            ).all()
            again = [event_id for event_id, processing in found if processing in (None, Processing.PENDING)]
    return [event_id for event_id, _ in new] + again


def _apply_session(channel: Channel, event: SessionUpdate) -> None:
    with tenant_session(channel.tenant_id) as session:
        row = session.get(Channel, channel.id)
        row.status = event.status
        if event.status == "connected":
            row.qr_code = row.pairing_code = ""
        elif event.qr_code:
            row.qr_code = event.qr_code
        session.add(row)


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
