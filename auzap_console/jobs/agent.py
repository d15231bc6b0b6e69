"""Agent jobs (queue `high`)."""

from __future__ import annotations

from auzap_console.agents.runtime import run_turn
from auzap_console.metrics import JOB_LATENCY, MESSAGES


def answer_conversation(tenant_id: int, conversation_id: int) -> dict:
    """Answer the latest customer message of a conversation.

    Idempotent: a retried or duplicated job finds the message already answered (or the AI
    paused) and does nothing; turns of one conversation are serialized by a row lock.
    """
    with JOB_LATENCY.labels("answer_conversation").time():
        result = run_turn(tenant_id=tenant_id, conversation_id=conversation_id)
    MESSAGES.labels("out", "answered" if result.message_id else result.skipped or "skipped").inc()
    if result.message_id:
        from auzap_console.jobs import queues
        from auzap_console.jobs.outbound import send_message

        queues.enqueue(
            send_message,
            tenant_id,
            result.message_id,
            queue=queues.HIGH,
            job_key=queues.job_id("send", result.message_id),
            delay_ms=result.typing_delay_ms,
        )
    return {"message_id": result.message_id, "persona": result.persona, "skipped": result.skipped}
