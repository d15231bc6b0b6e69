"""Webhook events → stored messages (de-duplicated on the provider id) → enqueued agent jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlmodel import select

from auzap_console.channels.types import Event, InboundMessage, SessionUpdate, StatusUpdate
from auzap_console.db import tenant_session
from auzap_console.jobs import agent as agent_jobs
from auzap_console.models import Channel, Message
from auzap_console.services.inbound import Received, receive_message

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
    for received in to_answer:  # after commit: the job will find the message
        try:
            agent_jobs.enqueue_answer(channel.tenant_id, received.conversation_id, received.message_id)
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
        media=event.media.as_meta() if event.media else None,
    )


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
