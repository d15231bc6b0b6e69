"""The vertical's tables: training plans and their sessions (forced RLS, its own Alembic branch, `training`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from auzap_console.db_types import UTCDateTime, utcnow
from auzap_console.plugin.columns import json_dict, json_list, tenant_fk

STATUSES = ("active", "completed", "cancelled")
MAX_SCORE = 10


class Plan(SQLModel, table=True):
    """A pet's training program: how many sessions, which goals, where it stands."""

    __tablename__ = "training_plans"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    pet_id: int = Field(foreign_key="pets.id", ondelete="CASCADE")
    program: str = Field(max_length=80)
    sessions_total: int
    goals: list = json_list()  # the goals' names, in order ("Sentar", "Andar junto"…)
    status: str = Field(default="active", max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class TrainingSession(SQLModel, table=True):
    """One session of a plan: on the agenda (its appointment), then done with notes and a score per goal."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_when", "tenant_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    plan_id: int = Field(foreign_key="training_plans.id", ondelete="CASCADE", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id", ondelete="SET NULL")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    trainer: str = Field(default="", max_length=80)
    done: bool = False
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notes: str = ""
    scores: dict = json_dict()  # goal → 0..10
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
