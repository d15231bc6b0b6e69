"""Customers (tutors) and their pets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import json_dict, json_list, tenant_fk, timestamp

LEAD_STAGES = ("new", "qualified", "proposal", "won", "lost")
SPECIES = ("dog", "cat", "bird", "rabbit", "other")
SIZES = ("P", "M", "G", "GG")


class Customer(SQLModel, table=True):
    """A pet tutor; `phone` is canonical E.164 (Brazilian mobiles with the 9th digit)."""

    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "phone"),
        Index("ix_customers_tenant_name", "tenant_id", "name", "id"),  # the customer list, by name
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=120, index=True)
    phone: str = Field(max_length=20)
    whatsapp_id: str = Field(default="", max_length=64)
    email: str = Field(default="", max_length=254)
    vip: bool = False
    tags: list = json_list()
    notes: str = ""
    marketing_opt_out: bool = False
    lead_stage: str = Field(default="won", max_length=16)
    last_visit_at: datetime | None = timestamp(nullable=True, default_now=False)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class Pet(SQLModel, table=True):
    """A customer's animal."""

    __tablename__ = "pets"
    __table_args__ = (  # segment filters look pets up by kind and reach their owners without the table
        Index("ix_pets_tenant_species", "tenant_id", "species", "customer_id"),
        Index("ix_pets_tenant_size", "tenant_id", "size", "customer_id"),
        Index("ix_pets_tenant_breed", "tenant_id", "breed", "customer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=80)
    species: str = Field(default="dog", max_length=16)
    breed: str = Field(default="", max_length=80)
    size: str = Field(default="", max_length=4)
    birth_date: date | None = None
    weight_grams: int | None = None
    temperament: str = Field(default="", max_length=120)
    health_notes: str = ""
    vaccinations: list = json_list()
    created_at: datetime = timestamp()


class Followup(SQLModel, table=True):
    """A scheduled follow-up with a lead or customer (the SDR's, or staff's)."""

    __tablename__ = "followups"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    customer_id: int = Field(foreign_key="customers.id", ondelete="CASCADE", index=True)
    due_at: datetime = timestamp(default_now=False, index=True)
    note: str = ""
    status: str = Field(default="pending", max_length=12)
    created_at: datetime = timestamp()


class Segment(SQLModel, table=True):
    """A saved audience for campaigns: filter name → value, compiled to one SQL query (`services.segments`)."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    name: str = Field(max_length=80)
    criteria: dict = json_dict()
    created_at: datetime = timestamp()
