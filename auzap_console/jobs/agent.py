"""Agent jobs (queue `high`): answer a conversation; a turn that fails for good goes to a person."""

from __future__ import annotations

import logging

from auzap_console.agents.runtime import run_turn
from auzap_console.db import tenant_session
from auzap_console.jobs import media as media_jobs
from auzap_console.jobs import queues
from auzap_console.jobs.outbound import enqueue_send, send_reply
from auzap_console.metrics import JOB_LATENCY, MESSAGES
from auzap_console.models import Conversation
from auzap_console.services import assignment, conversations
from auzap_console.services.context import Actor

log = logging.getLogger("auzap.jobs.agent")


def answer_key(tenant_id: int, message_id: int) -> str:
    """The job id of the turn that answers one inbound message."""
    return queues.job_id("answer", tenant_id, message_id)


def enqueue_answer(tenant_id: int, conversation_id: int, message_id: int, *, again: bool = False) -> str:
    """Enqueue the turn for a stored inbound message (call after its commit); a lost job is enqueued again.

    `again` also re-runs a turn whose job failed for good (a person asked to retry).
    """
    key = answer_key(tenant_id, message_id)
    if again:
        queues.discard(key)
    return queues.enqueue(answer_message, tenant_id, conversation_id, message_id, queue=queues.HIGH, job_key=key, revive=True)


def answer_message(tenant_id: int, conversation_id: int, message_id: int, has_media: bool = True) -> dict:
    """The job of one inbound message: its media first (fetched once, transcribed), then the turn.

    `has_media=False` (the caller just stored a text message) skips looking for media.
    """
    try:
        if has_media:
            media_jobs.prepare(tenant_id, message_id)
    except Exception:
        if not queues.is_final_attempt():
            raise  # retried with back-off; the last attempt records the failure and answers anyway
        log.exception("media of message %s could not be prepared", message_id)
    return answer_conversation(tenant_id, conversation_id)


def answer_conversation(tenant_id: int, conversation_id: int) -> dict:
    """Answer the latest customer message of a conversation.

    Idempotent: a retried or duplicated job finds the message already answered (or the AI
    paused) and does nothing; turns of one conversation are serialized by `agents.turn_lock`.
    When the last attempt fails, the conversation is handed to a person instead of silence.
    """
    try:
        with JOB_LATENCY.labels("answer_conversation").time():
            result = run_turn(tenant_id=tenant_id, conversation_id=conversation_id)
    except Exception as exc:
        if queues.is_final_attempt():
            hand_off_failed_turn(tenant_id, conversation_id, f"{type(exc).__name__}: {exc}")
        raise
    MESSAGES.labels("out", "answered" if result.message_id else result.skipped or "skipped").inc()
    if result.message_id:
        send_reply(tenant_id, result.message_id, delay_ms=result.typing_delay_ms)
    return {"message_id": result.message_id, "persona": result.persona, "skipped": result.skipped}


def hand_off_failed_turn(tenant_id: int, conversation_id: int, reason: str) -> int | None:
    """Give the conversation to the team and apologise to the customer; the apology's id (None if nothing was pending)."""
    log.error("turn of conversation %s failed for good: %s", conversation_id, reason)
    with tenant_session(tenant_id) as session:
        actor = Actor(tenant_id=tenant_id, role="staff")
        apology = conversations.hand_off_after_failure(session, actor=actor, conversation_id=conversation_id, reason=reason)
        if apology is not None:  # a person picks it up: queue and round-robin like any hand-off
            conversation = session.get(Conversation, conversation_id)
            assignment.request_human(session, actor=actor, conversation=conversation)
        apology_id = apology.id if apology is not None else None
    MESSAGES.labels("in", "handed_off").inc()
    if apology_id is not None:
        try:
            enqueue_send(tenant_id, apology_id)
        except Exception:  # Redis down: the apology waits in the outbox; the sweep sends it
            log.exception("could not enqueue the apology %s", apology_id)
    return apology_id
