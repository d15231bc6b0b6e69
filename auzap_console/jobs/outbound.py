"""Outbound sends (queue `high`): deliver a stored reply through the channel's provider."""

from __future__ import annotations

import logging

from sqlmodel import select

from auzap_console.channels.types import ProviderError
from auzap_console.db import tenant_session
from auzap_console.models import Channel, Conversation, Customer, Message
from auzap_console.services.channels import channel_ref, provider_for

log = logging.getLogger("auzap.outbound")


def send_message(tenant_id: int, message_id: int) -> str:
    """Send one outbound message. Idempotent: a message that already has a provider id is not resent.

    Retryable provider errors raise (RQ retries with back-off); permanent ones mark it failed.
    """
    with tenant_session(tenant_id) as session:
        message = session.exec(select(Message).where(Message.tenant_id == tenant_id, Message.id == message_id).with_for_update()).one()
        if message.direction != "out" or message.provider_message_id:
            return "already sent"
        conversation = session.get(Conversation, message.conversation_id)
        channel = session.get(Channel, message.channel_id) if message.channel_id else None
        if channel is None or channel.tenant_id != tenant_id:
            return "no channel"
        customer = session.get(Customer, conversation.customer_id)
        try:
            provider_id = provider_for(channel.provider).send_text(channel_ref(channel), customer.phone, message.body)
        except ProviderError as exc:
            if exc.retryable:
                raise
            log.warning("message %s failed for good: %s", message_id, exc)
            message.delivery_status = "failed"
            session.add(message)
            return "failed"
        message.provider_message_id = provider_id or f"sent-{message.id}"
        message.delivery_status = "sent"
        session.add(message)
        return "sent"
