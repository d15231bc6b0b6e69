"""Agent configuration, the record of every model/tool call, and daily usage."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import json_dict, json_list, tenant_fk, timestamp


class AgentConfig(SQLModel, table=True):
    """How one persona behaves for one tenant."""

    __tablename__ = "agent_configs"
    __table_args__ = (UniqueConstraint("tenant_id", "persona"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    persona: str = Field(max_length=60)
    enabled: bool = True
    display_name: str = Field(default="", max_length=80)
    tone: str = Field(default="", max_length=200)
    instructions: str = ""
    model: str = Field(default="", max_length=80)
    tools: list = json_list()
    business_hours: dict = json_dict()
    handoff_keywords: list = json_list()
    typing_delay_ms: int = 1200
    updated_at: datetime = timestamp()


class AIInteraction(SQLModel, table=True):
    """One model call or tool call made during an agent turn."""

    __tablename__ = "ai_interactions"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    conversation_id: int | None = Field(default=None, foreign_key="conversations.id", ondelete="CASCADE", index=True)
    message_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="SET NULL")
    persona: str = Field(max_length=60)
    kind: str = Field(max_length=8)
    model: str = Field(default="", max_length=80)
    tool: str = Field(default="", max_length=80)
    arguments: dict = json_dict()
    result: dict = json_dict()
    latency_ms: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    created_at: datetime = timestamp()


class UsageDaily(SQLModel, table=True):
    """Tokens, messages and estimated cost per tenant, day and persona."""

    __tablename__ = "usage_daily"
    __table_args__ = (UniqueConstraint("tenant_id", "day", "persona"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    day: date
    persona: str = Field(max_length=60)
    tokens_in: int = 0
    tokens_out: int = 0
    messages_in: int = 0
    messages_out: int = 0
    cost_micro_usd: int = 0


class CustomerMemory(SQLModel, table=True):
    """Durable facts and a running summary the agents remember about one customer."""

    __tablename__ = "customer_memories"
    __table_args__ = (UniqueConstraint("tenant_id", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE")
    facts: list = json_list()
    summary: str = ""
    updated_at: datetime = timestamp()


class KnowledgeArticle(SQLModel, table=True):
    """FAQ or policy text the assistant may quote, retrieved by relevance."""

    __tablename__ = "knowledge_articles"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    title: str = Field(max_length=160)
    body: str = ""
    tags: list = json_list()
    active: bool = True
    created_at: datetime = timestamp()
