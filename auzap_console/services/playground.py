"""The playground's turn: a console user chats with their own agent as a simulated customer.

It goes through the same pipeline as WhatsApp (store the inbound message, pick the persona, an
agent job on the queue) with a per-user test phone, and the conversation is flagged as a test.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from auzap_console import dispatch
from auzap_console.db import tenant_session
from auzap_console.models import AIInteraction, Conversation, Message
from auzap_console.plugin import manager
from auzap_console.services import usage
from auzap_console.services.context import Actor
from auzap_console.services.conversations import customer_for_phone
from auzap_console.services.inbound import receive_message


def playground_phone(user_id: int) -> str:
    """The simulated customer's phone for one console user."""
    return f"+551199{user_id:07d}"


REPLY_WAIT_SECONDS = 120


@dataclass
class PlaygroundReply:
    """The agent's answer as the playground shows it."""

    text: str
    tools: str
    skipped: str = ""
    model_failed: str = ""  # why the model did not answer, for the owner (the customer only sees the apology)


def _tools_text(interactions: list[AIInteraction]) -> str:
    """What the agent looked up or did, in the owner's words: "Serviços e preços (banho) → …"."""
    specs = manager.tools()
    lines = []
    for row in interactions:
        label = specs[row.tool].display_label if row.tool in specs else row.tool
        label = label[:1].upper() + label[1:]
        values = ", ".join(_value_words(v) for v in row.arguments.values() if v not in (None, ""))
        outcome = row.result.get("error") or row.result.get("summary") or json.dumps(row.result, ensure_ascii=False)
        lines.append(f"{label}{f' ({values})' if values else ''} → {str(outcome)[:160]}")
    return "\n".join(lines)


def _value_words(value: object) -> str:
    """An argument as the owner reads it: "2026-12-07" → "07/12", "2026-12-07T14:00" → "07/12 14:00"."""
    text = str(value)
    for shape, shown in (("%Y-%m-%dT%H:%M", "%d/%m %H:%M"), ("%Y-%m-%d", "%d/%m")):
        try:
            return datetime.strptime(text[:16] if "T" in text else text, shape).strftime(shown)
        except ValueError:
            continue
    return text


def run_playground_turn(tenant_id: int, user_id: int, persona: str, text: str) -> PlaygroundReply:
    """Receive `text` from the user's test phone and wait for the agent job to answer it.

    The turn runs as a job on the `high` queue, exactly like a WhatsApp message (RQ workers
    in production, the in-process queue in local mode).
    """
    received = receive_message(tenant_id=tenant_id, phone=playground_phone(user_id), text=text, name="Cliente de teste", is_test=True)
    conversation_id, message_id = received.conversation_id, received.message_id
    with tenant_session(tenant_id) as session:
        conversation = session.get(Conversation, conversation_id)
        if persona and conversation.persona != persona:
            conversation.persona = persona
            session.add(conversation)
        dispatch.after_commit(session, "answer", tenant_id, conversation_id, message_id)  # once the persona is stored
    deadline = time.monotonic() + REPLY_WAIT_SECONDS
    while time.monotonic() < deadline:
        with tenant_session(tenant_id) as session:
            reply = session.exec(
                select(Message)
                .where(
                    Message.tenant_id == tenant_id,
                    Message.conversation_id == conversation_id,
                    Message.id > message_id,
                    Message.direction == "out",
                )
                .order_by(Message.id)
            ).first()
            paused = session.get(Conversation, conversation_id).ai_paused
            spent = usage.budget_exhausted(session, tenant_id)
            if reply is not None:
                behind = session.exec(
                    select(AIInteraction)
                    .where(AIInteraction.tenant_id == tenant_id, AIInteraction.message_id == reply.id)
                    .order_by(AIInteraction.id)
                ).all()
                tools = [row for row in behind if row.kind == "tool"]
                why = next((row.result["why"] for row in behind if row.kind == "model" and row.result.get("why")), "")
                return PlaygroundReply(reply.body, _tools_text(tools), model_failed=why)
        if paused:
            return PlaygroundReply("", "", skipped="ai paused")
        if spent:
            return PlaygroundReply("", "", skipped="budget")
        time.sleep(0.3)
    return PlaygroundReply("", "", skipped="timeout")


def reset_chat(session, *, actor: Actor, user_id: int) -> None:
    """Close the user's open test conversation: the next message starts a new one."""
    customer, _ = customer_for_phone(session, actor=actor, phone=playground_phone(user_id), name="Cliente de teste")
    for conversation in session.exec(
        select(Conversation).where(
            Conversation.tenant_id == actor.tenant_id, Conversation.customer_id == customer.id, Conversation.status == "open"
        )
    ):
        conversation.status = "closed"
        session.add(conversation)
