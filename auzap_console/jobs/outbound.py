"""Outbound sends (queue `send`, served first): deliver a stored reply through the channel's provider."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import select

from auzap_console.channels.types import ChannelRef, ProviderError
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Channel, Conversation, Customer, Message
from auzap_console.models.messaging import DeliveryStatus, Processing
from auzap_console.services import media
from auzap_console.services.channels import channel_ref, provider_for

log = logging.getLogger("auzap.outbound")
INLINE_SEND_SECONDS = 180  # longer than any provider call (media uploads time out after 60 s)


def send_key(message_id: int) -> str:
    """The job id of one outbound message's send."""
    return queues.job_id("send", message_id)


def enqueue_send(tenant_id: int, message_id: int, *, delay_ms: int = 0, again: bool = False) -> str:
    """Enqueue the send of a stored outbound message (call after its commit); a lost job is enqueued again.

    `again` also re-runs a send whose job ended (a person asked to retry a failed send).
    """
    key = send_key(message_id)
    if again:
        queues.discard(key)
    return queues.enqueue(send_message, tenant_id, message_id, queue=queues.SEND, job_key=key, delay_ms=delay_ms, revive=True)


def send_reply(tenant_id: int, message_id: int, *, delay_ms: int = 0) -> str:
    """A turn's reply: sent right here when it may go at once (one job less per message), else by its send job.

    While it is sent here the send job's key is marked (`queues.doing_here`): the outbox sweep
    sees it running and never sends it beside us. A failure here (a provider error worth
    retrying, the database away) leaves the reply pending for its send job, retried with back-off.
    """
    if delay_ms > 0:
        return enqueue_send(tenant_id, message_id, delay_ms=delay_ms)
    key = send_key(message_id)
    try:
        with queues.doing_here(key, INLINE_SEND_SECONDS) as mine:
            if mine:
                return send_message(tenant_id, message_id, inline=True)
    except Exception:
        log.warning("reply %s was not sent by its turn's job; its send job takes over", message_id, exc_info=True)
    return enqueue_send(tenant_id, message_id)


@dataclass(frozen=True)
class _Outgoing:
    """What the provider call needs, read in a short transaction."""

    provider: str
    channel: ChannelRef
    phone: str
    body: str
    template: dict | None = None  # an approved Cloud API template to send instead of the text
    media: dict | None = None  # a stored file to send, with the body as its caption


def send_message(tenant_id: int, message_id: int, *, inline: bool = False) -> str:
    """Send one outbound message. Idempotent: a message that already has a provider id is not resent.

    Three steps, so no transaction (and on SQLite no write lock) is held while the provider
    answers: read what to send, call the provider, record the outcome. One send per message
    at a time is the queue's job (the hashed job id; a dead worker's job is reaped, not doubled).
    Retryable provider errors raise (RQ retries with back-off) until the last attempt;
    permanent ones, and the last attempt's, mark it failed with the reason. `inline` (sent
    by the turn's job, see `send_reply`) always raises a retryable error: the send job retries.
    """
    outgoing = _read(tenant_id, message_id)
    if isinstance(outgoing, str):
        return outgoing
    try:
        provider = provider_for(outgoing.provider)
        if outgoing.media:
            if not hasattr(provider, "send_media"):
                raise ProviderError("este canal não envia arquivos", retryable=False)
            info = outgoing.media
            data = media.read(tenant_id=tenant_id, key=info["key"])
            provider_id = provider.send_media(
                outgoing.channel,
                outgoing.phone,
                kind=info["kind"],
                data=data,
                mime=info["mime"],
                filename=info.get("filename") or info["key"].rsplit("/", 1)[-1],
                caption=outgoing.body,
            )
        elif outgoing.template and hasattr(provider, "send_template"):
            template = outgoing.template
            provider_id = provider.send_template(
                outgoing.channel, outgoing.phone, template["name"], template.get("language", "pt_BR"), template.get("params") or None
            )
        else:
            provider_id = provider.send_text(outgoing.channel, outgoing.phone, outgoing.body)
    except ProviderError as exc:
        if exc.retryable and (inline or not queues.is_final_attempt()):
            raise
        log.warning("message %s failed for good: %s", message_id, exc)
        return _record(tenant_id, message_id, error=str(exc)[:300])
    delivered = getattr(provider, "instant_delivery", False)  # providers without receipts (the simulator)
    return _record(tenant_id, message_id, provider_id=provider_id or f"sent-{message_id}", delivered=delivered)


def _read(tenant_id: int, message_id: int) -> _Outgoing | str:
    """The message, its channel and the customer's phone, in one query."""
    with tenant_session(tenant_id) as session:
        message, channel, phone = session.exec(
            select(Message, Channel, Customer.phone)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .join(Customer, Customer.id == Conversation.customer_id)
            .outerjoin(Channel, (Channel.id == Message.channel_id) & (Channel.tenant_id == tenant_id))
            .where(Message.tenant_id == tenant_id, Message.id == message_id)
        ).one()
        if message.direction != "out" or message.provider_message_id:
            return "already sent"
        if channel is None:
            message.processing = Processing.DONE if message.processing else Processing.NONE
            session.add(message)
            return "no channel"
        return _Outgoing(
            provider=channel.provider,
            channel=channel_ref(channel),
            phone=phone,
            body=message.body,
            template=(message.meta or {}).get("template"),
            media=(message.meta or {}).get("media"),
        )


def _record(tenant_id: int, message_id: int, *, provider_id: str = "", delivered: bool = False, error: str = "") -> str:
    with tenant_session(tenant_id) as session:
        message = session.exec(select(Message).where(Message.tenant_id == tenant_id, Message.id == message_id).with_for_update()).one()
        if message.provider_message_id:  # a receipt or an earlier attempt got there first: keep what is recorded
            return "already sent"
        if error:
            message.delivery_status, message.processing, message.error = DeliveryStatus.FAILED, Processing.FAILED, error
            session.add(message)
            return "failed"
        message.provider_message_id = provider_id
        message.delivery_status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.SENT
        message.processing, message.error = Processing.DONE, ""
        session.add(message)
        return "sent"
