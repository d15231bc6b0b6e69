"""Inbound event jobs (queue `high`): a webhook's stored event becomes a message, then its turn runs.

The webhook only stored the raw event (`InboundEvent`); this job finds or creates the contact,
routes the persona, stores the `Message` (de-duplicated on the provider id) and marks the event
with it in one transaction, then answers it in the same job. Safe to run twice: the event
remembers its message, and the turn does nothing for a message already answered.
"""

from __future__ import annotations

import logging

from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_message
from auzap_console.models import InboundEvent, Message
from auzap_console.models.messaging import Processing
from auzap_console.services.inbound import Received, announce, store_message

log = logging.getLogger("auzap.jobs.inbound")


def event_key(tenant_id: int, event_id: int) -> str:
    """The job id of one stored inbound event."""
    return queues.job_id("event", tenant_id, event_id)


def enqueue_event(tenant_id: int, event_id: int) -> str:
    """Enqueue the handling of a stored event (after its commit); a lost or finished job is enqueued again."""
    return queues.enqueue(handle_event, tenant_id, event_id, queue=queues.HIGH, job_key=event_key(tenant_id, event_id), revive=True)


def enqueue_new_events(tenant_events: list[tuple[int, int]]) -> None:
    """Enqueue the jobs of events just stored, in one round trip (their keys are new)."""
    queues.enqueue_fresh(
        handle_event, [((tenant_id, event_id), event_key(tenant_id, event_id)) for tenant_id, event_id in tenant_events], queues.HIGH
    )


def handle_event(tenant_id: int, event_id: int) -> dict:
    """Store the event's message (once) and answer it.

    The message is stored and the event marked with it in one transaction: a second run
    finds the mark, never a second message.
    """
    stored: Received | None = None
    text, has_media = "", True
    with tenant_session(tenant_id) as session:
        event = session.get(InboundEvent, event_id)
        if event is None or event.tenant_id != tenant_id:
            return {"skipped": "gone"}
        if event.message_id is None:
            payload = dict(event.payload)
            text, has_media = payload.get("text", ""), bool(payload.get("media"))
            stored = store_message(
                session,
                tenant_id=tenant_id,
                phone=payload["phone"],
                text=text,
                name=payload.get("sender_name", ""),
                channel_id=event.channel_id,
                provider_message_id=event.provider_message_id,
                sender_id=payload.get("sender_id", ""),
                media=payload.get("media"),
            )
            event.message_id = stored.message_id or None
            session.add(event)
            conversation_id, message_id, pending = stored.conversation_id, stored.message_id, stored.pending
        else:
            message = session.get(Message, event.message_id)
            if message is None:
                return {"skipped": "gone"}
            conversation_id, message_id, pending = message.conversation_id, message.id, message.processing == Processing.PENDING
    if stored is not None and not stored.duplicate:
        announce(tenant_id, stored, text)
    if not pending:
        return {"skipped": "answered", "message_id": message_id}
    return answer_message(tenant_id, conversation_id, message_id, has_media)
