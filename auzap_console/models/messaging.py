"""WhatsApp channels, conversations and messages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import json_dict, json_list, tenant_fk, timestamp

PROVIDERS = ("cloud", "waha", "evolution", "simulator")


class ChannelStatus(StrEnum):
    """The WhatsApp session of a channel, as its provider last reported it."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"


class DeliveryStatus(StrEnum):
    """An outbound message's delivery, only ever moving forward (failed aside)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class Processing(StrEnum):
    """Outbox state of a message's background work.

    An inbound message waits for its agent turn, an outbound one for its send. NONE = nothing
    to do; the outbox sweep re-enqueues stale PENDING.
    """

    NONE = ""
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


CHANNEL_STATUSES = tuple(ChannelStatus)
DELIVERY_STATUSES = tuple(DeliveryStatus)
PROCESSING_STATES = tuple(Processing)


class Channel(SQLModel, table=True):
    """A WhatsApp number/instance at one provider; credentials and webhook secret are encrypted."""

    __tablename__ = "channels"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=80)
    provider: str = Field(max_length=16)
    phone: str = Field(default="", max_length=20)
    external_id: str = Field(default="", max_length=120)
    base_url: str = Field(default="", max_length=255)
    credentials_encrypted: str = ""
    webhook_key: str = Field(default="", max_length=64, index=True, unique=True)
    webhook_secret_encrypted: str = ""
    status: str = Field(default=ChannelStatus.DISCONNECTED.value, max_length=16)  # a ChannelStatus
    qr_code: str = ""
    pairing_code: str = Field(default="", max_length=32)
    templates: dict = json_dict()  # approved Cloud API templates by use: {"reminder": {"name": ..., "language": "pt_BR"}}
    created_at: datetime = timestamp()

    @property
    def webhook_secret(self) -> str:
        """The secret the provider signs webhooks with, decrypted (the database only holds it encrypted)."""
        from auzap_console.crypto import decrypt_text

        return decrypt_text(self.webhook_secret_encrypted)


class Conversation(SQLModel, table=True):
    """A chat between one customer and one channel."""

    __tablename__ = "conversations"
    __table_args__ = (  # the inbox: a shop's open (or closed, or test) chats newest first, read in index order
        Index("ix_conversations_inbox", "tenant_id", "is_test", "status", "last_message_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    channel_id: int | None = Field(default=None, foreign_key="channels.id", ondelete="SET NULL")
    persona: str = Field(default="customer_assistant", max_length=60)
    status: str = Field(default="open", max_length=16)
    ai_paused: bool = False
    waiting_human: bool = False
    assigned_user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    last_message_at: datetime | None = timestamp(nullable=True, default_now=False, index=True)
    unread_count: int = 0
    is_test: bool = False  # a console user's playground chat: kept out of the real inbox and the KPIs
    agent_state: dict = json_dict()
    queue_id: int | None = Field(default=None, foreign_key="queues.id", ondelete="SET NULL", index=True)
    labels: list = json_list()
    resolution: str = Field(default="", max_length=300)  # why it was closed
    closed_at: datetime | None = timestamp(nullable=True, default_now=False)
    created_at: datetime = timestamp()


class Message(SQLModel, table=True):
    """One WhatsApp message; (channel, provider id) is the idempotency key."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "provider_message_id"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),  # a thread's last messages, previews
        Index("ix_messages_tenant_created", "tenant_id", "created_at"),  # a shop's period figures
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    conversation_id: int = Field(foreign_key="conversations.id", ondelete="CASCADE", index=True)
    channel_id: int | None = Field(default=None, foreign_key="channels.id", ondelete="SET NULL")
    direction: str = Field(max_length=8)  # "in", "out", or "note" (a line for the team, never sent nor shown to the model)
    sender: str = Field(max_length=12)
    body: str = ""
    media_url: str = ""
    provider_message_id: str | None = Field(default=None, max_length=160)
    delivery_status: str = Field(default=DeliveryStatus.QUEUED.value, max_length=12)  # a DeliveryStatus
    tokens_in: int = 0
    tokens_out: int = 0
    processing: str = Field(default=Processing.NONE.value, max_length=8, index=True)  # a Processing state
    error: str = Field(default="", max_length=300)
    meta: dict = json_dict()  # what a message the shop sends on its own is about, e.g. {"kind": "reminder", "appointment_id": 7}
    created_at: datetime = timestamp(index=True)


class InboundEvent(SQLModel, table=True):
    """A provider's inbound message as the webhook received it: stored once, then handled by a job.

    The webhook's only write (one INSERT … ON CONFLICT DO NOTHING on (channel, provider id)), so it
    can answer at once; the job finds the contact, routes the persona, stores the `Message`
    (`message_id`) and runs the turn. An event whose `message_id` is still empty after a while is
    enqueued again by the outbox sweep.
    """

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("channel_id", "provider_message_id"),
        Index("ix_inbound_events_unhandled", "id", postgresql_where=text("message_id IS NULL"), sqlite_where=text("message_id IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    channel_id: int = Field(foreign_key="channels.id", ondelete="CASCADE")
    provider_message_id: str = Field(max_length=160)
    payload: dict = json_dict()  # phone, text, sender_name, sender_id, media
    message_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="SET NULL", index=True)
    received_at: datetime = timestamp(index=True)


class Queue(SQLModel, table=True):
    """A department of the team (banho e tosa, hotel, veterinário): who answers which conversations.

    A conversation handed to people enters the queue whose keywords match the hand-off reason
    (else the default queue); its members share the work round-robin.
    """

    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=60)
    keywords: list = json_list()
    member_ids: list = json_list()  # users.id of its members
    is_default: bool = False
    created_at: datetime = timestamp()


class QuickReply(SQLModel, table=True):
    """A saved answer the team types with "/atalho"; `{nome}` and `{pet}` are filled in."""

    __tablename__ = "quick_replies"
    __table_args__ = (UniqueConstraint("tenant_id", "shortcut"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    shortcut: str = Field(max_length=40)
    body: str = Field(max_length=2000)
    created_at: datetime = timestamp()
