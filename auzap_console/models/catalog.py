"""Services the shop sells and the appointments booked for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import json_dict, json_list, tenant_fk, timestamp

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
LIVE_STATUSES = ("pending", "confirmed")  # booked and not started: may be moved or cancelled, get reminders
HOLDING_STATUSES = ("pending", "confirmed", "checked_in", "in_service", "ready")  # occupy their slot
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
    __table_args__ = (
        Index("ix_appointments_tenant_start", "tenant_id", "starts_at"),
        Index("ix_appointments_tenant_created", "tenant_id", "created_at"),  # bookings made in a period (dashboard)
    )

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
    staff_id: int | None = Field(default=None, foreign_key="staff_members.id", ondelete="SET NULL", index=True)
    customer_confirmed_at: datetime | None = timestamp(nullable=True, default_now=False)  # the tutor answered a reminder
    created_at: datetime = timestamp()


class StaffMember(SQLModel, table=True):
    """A groomer, bather or trainer: a lane on the agenda.

    `categories` are the service categories they do (empty: none assigned to them); `working_hours`
    has the shop's shape (weekday → open/close) and, when empty, the shop's own hours apply.
    """

    __tablename__ = "staff_members"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=80)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    categories: list = json_list()
    working_hours: dict = json_dict()
    active: bool = True
    created_at: datetime = timestamp()


class ReminderStatus(StrEnum):
    """Where one reminder stands."""

    PLANNED = "planned"
    SENT = "sent"
    SKIPPED = "skipped"  # not sent, with the reason recorded (too late, outside the window, no WhatsApp)
    CANCELLED = "cancelled"  # the appointment was cancelled or is no longer waiting


class AppointmentReminder(SQLModel, table=True):
    """One reminder of one appointment at one offset: the unique key that keeps it from going twice.

    `for_starts_at` is the start it was planned for; moving the appointment plans it again.
    """

    __tablename__ = "appointment_reminders"
    __table_args__ = (
        UniqueConstraint("appointment_id", "offset_minutes"),
        Index("ix_appointment_reminders_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    appointment_id: int = Field(foreign_key="appointments.id", ondelete="CASCADE")
    offset_minutes: int
    for_starts_at: datetime = timestamp(default_now=False)
    due_at: datetime = timestamp(default_now=False)
    status: str = Field(default=ReminderStatus.PLANNED.value, max_length=12)  # a ReminderStatus
    reason: str = Field(default="", max_length=200)
    message_id: int | None = Field(default=None, foreign_key="messages.id", ondelete="SET NULL")
    updated_at: datetime = timestamp()


FINDING_AREAS = ("skin", "ears", "eyes", "parasites", "teeth", "behaviour", "other")
FINDING_SEVERITIES = ("low", "medium", "high")


class HealthFinding(SQLModel, table=True):
    """Something staff noticed on a pet during a service (the "bipe"): on the pet's health history."""

    __tablename__ = "health_findings"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    pet_id: int = Field(foreign_key="pets.id", ondelete="CASCADE", index=True)
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE")
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id", ondelete="SET NULL")
    area: str = Field(max_length=16)
    severity: str = Field(default="low", max_length=8)
    note: str = ""
    photo: str = Field(default="", max_length=200)  # a file name in the upload directory
    resolved_at: datetime | None = timestamp(nullable=True, default_now=False)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = timestamp()
