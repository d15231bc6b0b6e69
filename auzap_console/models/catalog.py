"""Services the shop sells and the appointments booked for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import tenant_fk, timestamp

CATEGORIES = ("bath", "grooming", "vet", "daycare", "hotel", "training", "other")


class AppointmentStatus(StrEnum):
    """Where an appointment stands; pending and confirmed ones hold their slot."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"  # the pet arrived
    IN_SERVICE = "in_service"
    READY = "ready"  # ready for pickup
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class AppointmentSource(StrEnum):
    """Who booked it: an agent or a person at the console."""

    AI = "ai"
    STAFF = "staff"


APPOINTMENT_STATUSES = tuple(AppointmentStatus)
APPOINTMENT_SOURCES = tuple(AppointmentSource)


class Service(SQLModel, table=True):
    """Something bookable, with its price in cents and duration in minutes."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=120)
    description: str = ""
    price_cents: int = 0
    duration_minutes: int = 60
    category: str = Field(default="other", max_length=16)
    capacity: int = 1
    active: bool = True
    created_at: datetime = timestamp()


class Appointment(SQLModel, table=True):
    """A booking of one service for one pet; the price is frozen at booking time."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_tenant_start", "tenant_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    pet_id: int | None = Field(default=None, foreign_key="pets.id", ondelete="SET NULL")
    service_id: int = Field(foreign_key="services.id", ondelete="RESTRICT")
    starts_at: datetime = timestamp(default_now=False)
    ends_at: datetime = timestamp(default_now=False)
    status: str = Field(default=AppointmentStatus.CONFIRMED.value, max_length=16)  # an AppointmentStatus
    price_cents: int = 0
    source: str = Field(default=AppointmentSource.STAFF.value, max_length=8)  # an AppointmentSource
    notes: str = ""
    created_at: datetime = timestamp()
