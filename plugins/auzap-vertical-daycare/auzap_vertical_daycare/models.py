"""The vertical's tables: stays, capacity per kind, packages of daycare days and daily report cards.

Every table carries `tenant_id` with forced row-level security (its own Alembic branch, `daycare`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.db_types import UTCDateTime, utcnow
from auzap_console.plugin.columns import tenant_fk

KINDS = ("daycare", "hotel")  # a daycare day, or hotel nights
STATUSES = ("reserved", "checked_in", "checked_out", "cancelled")
HOLDING = ("reserved", "checked_in")  # statuses that take a place


class Stay(SQLModel, table=True):
    """A pet's daycare day or hotel stay: it holds a place on every day from `start` to `end` (exclusive)."""

    __tablename__ = "daycare_stays"
    __table_args__ = (Index("ix_daycare_stays_days", "tenant_id", "kind", "start_date", "end_date"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
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
    belongings: str = ""
    package_id: int | None = Field(default=None, foreign_key="daycare_packages.id", ondelete="SET NULL")
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id", ondelete="SET NULL")  # checked in from the Agenda
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the day-before reminder went
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Capacity(SQLModel, table=True):
    """How many pets the shop takes per day for one kind of stay."""

    __tablename__ = "daycare_capacity"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    kind: str = Field(max_length=12)
    places: int = 0


class Package(SQLModel, table=True):
    """N daycare days a customer bought; each daycare booking takes one while the balance lasts."""

    __tablename__ = "daycare_packages"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    days: int
    price_cents: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


MEALS = ("all", "half", "little", "none")
MOODS = ("happy", "calm", "tired", "anxious")


class ReportCard(SQLModel, table=True):
    """A stay's day told to the tutor: meals, activities, mood, notes and a photo (one per stay and day)."""

    __tablename__ = "daycare_report_cards"
    __table_args__ = (UniqueConstraint("stay_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    stay_id: int = Field(foreign_key="daycare_stays.id", ondelete="CASCADE", index=True)
    day: date
    meals: str = Field(max_length=12)
    activities: str = ""
    mood: str = Field(max_length=12)
    notes: str = ""
    photo_key: str = ""
    message_id: int | None = None  # the WhatsApp message that carried it (None: the tutor has no conversation)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
