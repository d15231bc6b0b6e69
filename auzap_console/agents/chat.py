"""Run one chat turn from a phone and a text: the CLI, the playground and tests use it."""

from __future__ import annotations

from datetime import datetime

from auzap_console.agents.model import ModelClient
from auzap_console.agents.runtime import TurnResult, run_turn
from auzap_console.services.inbound import receive_message


def receive_text(
    *, tenant_id: int, phone: str, text: str, name: str = "", channel_id: int | None = None, is_test: bool = False
) -> tuple[int, int]:
    """Store an inbound message without a provider id (CLI, playground, tests); returns (conversation_id, message_id)."""
    received = receive_message(tenant_id=tenant_id, phone=phone, text=text, name=name, channel_id=channel_id, is_test=is_test)
    return received.conversation_id, received.message_id


def chat(
    *, tenant_id: int, phone: str, text: str, name: str = "", client: ModelClient | None = None, now: datetime | None = None
) -> TurnResult:
    """Receive `text` from `phone` and run the agent turn that answers it."""
    conversation_id, _ = receive_text(tenant_id=tenant_id, phone=phone, text=text, name=name)
    return run_turn(tenant_id=tenant_id, conversation_id=conversation_id, client=client, now=now)
