"""The vertical's tables: stays and the shop's capacity per kind of stay (forced RLS, its own Alembic branch)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.db_types import UTCDateTime, utcnow

KINDS = ("daycare", "hotel")  # a daycare day, or hotel nights
STATUSES = ("reserved", "checked_in", "checked_out", "cancelled")
HOLDING = ("reserved", "checked_in")  # statuses that take a place


def _tenant() -> int:
    return Field(sa_column=Column(Integer, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True))


class Stay(SQLModel, table=True):
    """A pet's daycare day or hotel stay: it holds a place on every day from `start` to `end` (exclusive)."""

    __tablename__ = "daycare_stays"
    __table_args__ = (Index("ix_daycare_stays_days", "tenant_id", "kind", "start_date", "end_date"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = _tenant()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    pet_id: int = Field(foreign_key="pets.id", ondelete="CASCADE")
    kind: str = Field(max_length=12)
    start_date: date
    end_date: date  # exclusive: a hotel stay's check-out day, the day after a daycare day
    status: str = Field(default="reserved", max_length=12)
    room: str = Field(default="", max_length=40)
    daily_rate_cents: int = 0
    feeding: str = ""
    medication: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Capacity(SQLModel, table=True):
    """How many pets the shop takes per day for one kind of stay."""

    __tablename__ = "daycare_capacity"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = _tenant()
    kind: str = Field(max_length=12)
    places: int = 0
