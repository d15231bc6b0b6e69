"""Run one chat turn from a phone and a text: the CLI, the playground and tests use it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from auzap_console.agents.model import ModelClient
from auzap_console.agents.runtime import TurnResult, run_turn
from auzap_console.db import tenant_session
from auzap_console.models import Tenant
from auzap_console.plugin import manager
from auzap_console.services import conversations
from auzap_console.services.context import Actor
from auzap_console.services.routing import choose_persona


def receive_text(*, tenant_id: int, phone: str, text: str, name: str = "", channel_id: int | None = None) -> tuple[int, int]:
    """Store an inbound message (creating the contact if new); returns (conversation_id, message_id)."""
    actor = Actor(tenant_id=tenant_id, role="staff")
    with tenant_session(tenant_id) as session:
        tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()
        customer, created = conversations.customer_for_phone(session, actor=actor, phone=phone, name=name)
        disabled = list((tenant.settings or {}).get("disabled_plugins", []))
        persona = choose_persona(session, actor=actor, customer=customer, is_new=created, disabled=disabled)
        conversation = conversations.open_conversation(
            session, actor=actor, customer_id=customer.id, persona=persona, channel_id=channel_id
        )
        message = conversations.add_message(session, actor=actor, conversation=conversation, direction="in", sender="customer", body=text)
        ids = conversation.id, message.id
    manager.message_received(tenant_id=tenant_id, conversation_id=ids[0], message_id=ids[1], text=text, disabled=disabled)
    return ids


def chat(
    *, tenant_id: int, phone: str, text: str, name: str = "", client: ModelClient | None = None, now: datetime | None = None
) -> TurnResult:
    """Receive `text` from `phone` and run the agent turn that answers it."""
    conversation_id, _ = receive_text(tenant_id=tenant_id, phone=phone, text=text, name=name)
    return run_turn(tenant_id=tenant_id, conversation_id=conversation_id, client=client, now=now)
