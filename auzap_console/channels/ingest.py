"""Webhook events → stored inbound events (one INSERT, de-duplicated on the provider id) → enqueued jobs.

The webhook acknowledges as soon as the raw events are stored: contacts, persona routing,
conversations and the turn happen in the event's job (`jobs.inbound`). Delivery statuses and
session updates are single UPDATEs and stay here.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy import tuple_
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


def ingest_many(deliveries: list[tuple[Channel, list[Event]]]) -> list[IngestResult]:
    """Store several deliveries' inbound events (one INSERT per shop), then enqueue their jobs in one round trip.

    One transaction and one INSERT … ON CONFLICT DO NOTHING per shop; the jobs go after the commit.

    A duplicate delivery of an event whose message was never answered (e.g. Redis was down)
    enqueues it again. A failed enqueue is logged and left to the outbox sweep: the event is safe.
    """
    results = [IngestResult() for _ in deliveries]
    by_tenant: dict[int, list[tuple[int, Channel, list[InboundMessage]]]] = {}
    for i, (channel, events) in enumerate(deliveries):
        for event in events:
            if isinstance(event, StatusUpdate):
                results[i].statuses += _apply_status(channel, event)
            elif isinstance(event, SessionUpdate):
                _apply_session(channel, event)
            elif not isinstance(event, InboundMessage):
                results[i].ignored += 1
        inbound = [e for e in events if isinstance(e, InboundMessage)]
        if inbound:
            by_tenant.setdefault(channel.tenant_id, []).append((i, channel, inbound))
    fresh: list[tuple[int, int]] = []
    again: list[tuple[int, int]] = []
    for tenant_id, items in by_tenant.items():
        _record(tenant_id, items, results, fresh, again)
    try:
        inbound_jobs.enqueue_new_events(fresh)
    except Exception:
        log.exception("enqueue of %d inbound events failed; the outbox sweep will enqueue them", len(fresh))
    for tenant_id, event_id in again:
        try:
            inbound_jobs.enqueue_event(tenant_id, event_id)
        except Exception:
            log.exception("enqueue of inbound event %s failed; the outbox sweep will enqueue it", event_id)
    return results


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


def _record(
    tenant_id: int,
    items: list[tuple[int, Channel, list[InboundMessage]]],
    results: list[IngestResult],
    fresh: list[tuple[int, int]],
    again: list[tuple[int, int]],
) -> None:
    """One shop's events: one INSERT … ON CONFLICT DO NOTHING; new ids go to `fresh`, unanswered repeats to `again`."""
    rows: dict[tuple[int, str], dict] = {}
    owner: dict[tuple[int, str], int] = {}
    now = utcnow()
    for i, channel, events in items:
        for event in events:
            payload = _payload(event)
            if payload is None:
                results[i].ignored += 1
                continue
            key = (channel.id, event.message_id or f"noid-{uuid.uuid4().hex}")
            if key in rows:  # the same message twice in this batch
                results[i].duplicates += 1
                continue
            owner[key] = i
            rows[key] = {
                "tenant_id": tenant_id,
                "channel_id": key[0],
                "provider_message_id": key[1],
                "payload": payload,
                "received_at": now,
            }
    if not rows:
        return
    with tenant_session(tenant_id) as session:
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = InboundEvent.__table__  # a Core insert: the ORM's bulk path costs more than the statement on this hot path
        stmt = insert(table).values(list(rows.values())).on_conflict_do_nothing(index_elements=["channel_id", "provider_message_id"])
        returned = session.execute(stmt.returning(table.c.id, table.c.channel_id, table.c.provider_message_id)).all()
        new = {(channel_id, provider_id): event_id for event_id, channel_id, provider_id in returned}
        for key, event_id in new.items():
            results[owner[key]].stored.append(event_id)
            fresh.append((tenant_id, event_id))
        repeated = [key for key in rows if key not in new]
        for key in repeated:
            results[owner[key]].duplicates += 1
        if repeated:  # a redelivery: run its job again unless its message was answered
            found = session.exec(
                select(InboundEvent.id, Message.processing)
                .outerjoin(Message, Message.id == InboundEvent.message_id)
                .where(InboundEvent.tenant_id == tenant_id, tuple_(InboundEvent.channel_id, InboundEvent.provider_message_id).in_(repeated))
            ).all()
            again.extend((tenant_id, event_id) for event_id, processing in found if processing in (None, Processing.PENDING))


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
