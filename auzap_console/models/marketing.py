"""Campaigns and the customers each one goes to."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import json_dict, tenant_fk, timestamp


class CampaignStatus(StrEnum):
    """A campaign's life: drafted, waiting for its time, sending, paused, then finished or cancelled."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class RecipientStatus(StrEnum):
    """Where one recipient stands; after SENT, delivery, reply and booking are read from the message and the agenda."""

    PENDING = "pending"
    SENT = "sent"  # the message is stored and handed to the send job (exactly once)
    SKIPPED = "skipped"  # with the reason (opted out, no WhatsApp, window closed, cancelled…)


class Campaign(SQLModel, table=True):
    """A message to a segment, sent at a paced rate; `template` holds `{variables}` and `{a|b}` variants."""

    __tablename__ = "campaigns"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=80)
    segment_id: int | None = Field(default=None, foreign_key="segments.id", ondelete="SET NULL")
    criteria: dict = json_dict()  # the segment's filters when the campaign was planned (the segment may change later)
    template: str = ""
    channel_id: int | None = Field(default=None, foreign_key="channels.id", ondelete="SET NULL")
    cloud_template: dict = json_dict()  # {"name", "language"}: the approved template outside the 24-hour window
    rate_per_minute: int = 30
    status: str = Field(default=CampaignStatus.DRAFT.value, max_length=12)
    origin: str = Field(default="console", max_length=24)  # console, analyst (a draft the owner reviews)
    scheduled_at: datetime | None = timestamp(nullable=True, default_now=False)
    started_at: datetime | None = timestamp(nullable=True, default_now=False)
    finished_at: datetime | None = timestamp(nullable=True, default_now=False)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class CampaignRecipient(SQLModel, table=True):
    """One customer of one campaign: the unique row that keeps the message from going twice."""

    __tablename__ = "campaign_recipients"
    __table_args__ = (
        UniqueConstraint("campaign_id", "customer_id"),
        Index("ix_campaign_recipients_next", "campaign_id", "status", "id"),
        Index("ix_campaign_recipients_customer", "tenant_id", "customer_id", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    campaign_id: int = Field(foreign_key="campaigns.id", ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE")
    status: str = Field(default=RecipientStatus.PENDING.value, max_length=12)
    reason: str = Field(default="", max_length=40)
    message: str = ""  # an automation's own text for this customer (else the campaign's template is rendered)
    message_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="SET NULL")
    sent_at: datetime | None = timestamp(nullable=True, default_now=False)
    attribution_until: datetime | None = timestamp(nullable=True, default_now=False)  # a booking before this counts for the campaign
    replied_at: datetime | None = timestamp(nullable=True, default_now=False)


class Insight(SQLModel, table=True):
    """What the owner analyst noticed on a day: the daily summary itself (kind "summary", once a day) or an opportunity."""

    __tablename__ = "insights"
    __table_args__ = (UniqueConstraint("tenant_id", "day", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    day: date
    kind: str = Field(max_length=24)  # summary, opportunity
    title: str = Field(default="", max_length=200)
    body: str = ""
    criteria: dict = json_dict()  # an opportunity's segment filters
    potential_cents: int = 0
    campaign_id: int | None = Field(default=None, foreign_key="campaigns.id", ondelete="SET NULL")
    created_at: datetime = timestamp()
