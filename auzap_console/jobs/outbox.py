"""The outbox sweep: stored work whose job was lost is enqueued again, within a minute.

Every inbound message is stored `pending` before its agent job is enqueued, and every
outbound one before its send; the job marks it done. If the enqueue never happened (Redis
down at webhook time), a worker died with the job, or a job sits queued in no queue, the
message stays pending. This periodic job (RQ cron in `auzap worker`; a background task in
local mode) finds pending messages older than `MIN_AGE_SECONDS`, asks the queue what
became of their job, and re-enqueues it — or, when the job failed for good, hands the
conversation to a person (inbound) or marks the send failed (outbound).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_key, enqueue_answer, hand_off_failed_turn
from auzap_console.jobs.inbound import enqueue_event, event_key
from auzap_console.jobs.outbound import enqueue_send, send_key
from auzap_console.models import InboundEvent, Message
from auzap_console.models.messaging import DeliveryStatus, Processing
from auzap_console.settings import get_settings

log = logging.getLogger("auzap.outbox")
MIN_AGE_SECONDS = 15  # younger work is still on its normal path
INTERVAL_SECONDS = 20  # how often the sweep runs
BATCH = 500


def due(min_age_seconds: int = MIN_AGE_SECONDS, limit: int = BATCH) -> list[tuple[int, int, int, str]]:
    """(tenant id, message id, conversation id, direction) of pending work older than `min_age_seconds`, all tenants."""
    with tenant_session(None) as session:
        if get_settings().is_postgres:  # RLS hides every row here: a SECURITY DEFINER listing of ids
            rows = session.execute(text("SELECT * FROM auzap_outbox_due(:age, :limit)"), {"age": min_age_seconds, "limit": limit})
            return [tuple(r) for r in rows]
        cutoff = utcnow() - timedelta(seconds=min_age_seconds)
        rows = session.exec(
            select(Message.tenant_id, Message.id, Message.conversation_id, Message.direction)
            .where(Message.processing == Processing.PENDING, Message.created_at < cutoff)
            .order_by(Message.id)
            .limit(limit)
        )
        return [tuple(r) for r in rows]


def due_events(min_age_seconds: int = MIN_AGE_SECONDS, limit: int = BATCH) -> list[tuple[int, int]]:
    """(tenant id, event id) of webhook events older than `min_age_seconds` whose message is not stored yet."""
    with tenant_session(None) as session:
        if get_settings().is_postgres:
            rows = session.execute(text("SELECT * FROM auzap_inbound_due(:age, :limit)"), {"age": min_age_seconds, "limit": limit})
            return [tuple(r) for r in rows]
        cutoff = utcnow() - timedelta(seconds=min_age_seconds)
        rows = session.exec(
            select(InboundEvent.tenant_id, InboundEvent.id)
            .where(InboundEvent.message_id.is_(None), InboundEvent.received_at < cutoff)  # type: ignore[union-attr]
            .order_by(InboundEvent.id)
            .limit(limit)
        )
        return [tuple(r) for r in rows]


def _recover_events(counts: dict[str, int]) -> None:
    """Events the webhook stored whose job was lost (Redis down, a worker killed) or failed for good: run again."""
    for tenant_id, event_id in due_events():
        try:
            state = queues.job_state(event_key(tenant_id, event_id))
            if state == queues.ACTIVE:
                continue
            if state == queues.FAILED:  # e.g. the database was away for every attempt: the event is still here
                log.error("inbound event %s of tenant %s failed for good; trying again", event_id, tenant_id)
                queues.discard(event_key(tenant_id, event_id))
            enqueue_event(tenant_id, event_id)
            counts["requeued"] += 1
        except Exception:
            log.exception("outbox: could not recover inbound event %s of tenant %s", event_id, tenant_id)


def _event_job_active(tenant_id: int, message_id: int) -> bool:
    with tenant_session(tenant_id) as session:
        event_id = session.exec(
            select(InboundEvent.id).where(InboundEvent.tenant_id == tenant_id, InboundEvent.message_id == message_id)
        ).first()
    return event_id is not None and queues.job_state(event_key(tenant_id, event_id)) == queues.ACTIVE


def sweep() -> dict[str, int]:
    """Recover lost work; safe to run anywhere, any number of times (every step is idempotent)."""
    counts = {"abandoned": queues.reap_abandoned(), "requeued": 0, "handed_off": 0, "send_failed": 0}
    _recover_events(counts)
    for tenant_id, message_id, conversation_id, direction in due():
        try:
            if direction == "in":
                if _event_job_active(tenant_id, message_id):  # its webhook event's job is answering it now
                    continue
                state = queues.job_state(answer_key(tenant_id, message_id))
                if state == queues.FAILED:
                    hand_off_failed_turn(tenant_id, conversation_id, "a resposta automática falhou (worker interrompido)")
                    counts["handed_off"] += 1
                elif state == queues.MISSING:
                    enqueue_answer(tenant_id, conversation_id, message_id)
                    counts["requeued"] += 1
            else:
                state = queues.job_state(send_key(message_id))
                if state == queues.FAILED:
                    _mark_send_failed(tenant_id, message_id)
                    counts["send_failed"] += 1
                elif state == queues.MISSING:
                    enqueue_send(tenant_id, message_id)
                    counts["requeued"] += 1
        except Exception:
            log.exception("outbox: could not recover message %s of tenant %s", message_id, tenant_id)
    if any(counts.values()):
        log.warning("outbox sweep: %s", counts)
    return counts


def _mark_send_failed(tenant_id: int, message_id: int) -> None:
    with tenant_session(tenant_id) as session:
        message = session.exec(select(Message).where(Message.tenant_id == tenant_id, Message.id == message_id)).one()
        if message.processing == Processing.PENDING:
            message.processing, message.delivery_status = Processing.FAILED, DeliveryStatus.FAILED
            message.error = message.error or "o envio falhou depois de várias tentativas"
            session.add(message)
