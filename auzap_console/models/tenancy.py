"""Tenants, users, sessions, owner numbers and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from auzap_console.models._fields import json_dict, tenant_fk, timestamp

ROLES = ("staff", "manager", "owner")
ROLE_RANK = {"staff": 1, "manager": 2, "owner": 3, "superadmin": 4}


class Tenant(SQLModel, table=True):
    """A pet shop (company) using the console."""

    __tablename__ = "tenants"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=120)
    timezone: str = Field(default="America/Sao_Paulo", max_length=64)
    locale: str = Field(default="pt_BR", max_length=10)
    currency: str = Field(default="BRL", max_length=3)
    business_hours: dict = json_dict()
    settings: dict = json_dict()
    created_at: datetime = timestamp()


class User(SQLModel, table=True):
    """A person who logs in to one tenant's console."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    name: str = Field(max_length=120)
    role: str = Field(default="staff", max_length=16)
    active: bool = True
    created_at: datetime = timestamp()
    password_changed_at: datetime = timestamp()
    last_seen_at: datetime | None = timestamp(nullable=True, default_now=False)  # online for auto-assignment
    last_assigned_at: datetime | None = timestamp(nullable=True, default_now=False)  # round-robin order


class AuthSession(SQLModel, table=True):
    """A server-side login session; the browser holds only the random token, in an HttpOnly cookie.

    A session starts pending (`activated_at` empty), found by the hash of a short-lived login
    ticket; exchanging the ticket swaps in the hash of the cookie's token and activates it.
    """

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp(default_now=False)
    revoked_at: datetime | None = timestamp(nullable=True, default_now=False)
    activated_at: datetime | None = timestamp(nullable=True, default_now=False)
    ip: str = Field(default="", max_length=64)


class LoginAttempt(SQLModel, table=True):
    """One login or sign-up try, for throttling by IP and by e-mail (no tenant yet).

    On PostgreSQL the app role has no rights on this table: it goes through SECURITY DEFINER functions.
    """

    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="login", max_length=16)
    ip: str = Field(max_length=64, index=True)
    email: str = Field(max_length=254, index=True)
    success: bool = False
    attempted_at: datetime = timestamp(index=True)


class AuthorizedOwnerNumber(SQLModel, table=True):
    """A phone that reaches the owner analyst on WhatsApp."""

    __tablename__ = "authorized_owner_numbers"
    __table_args__ = (UniqueConstraint("tenant_id", "phone"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    phone: str = Field(max_length=20)
    label: str = Field(default="", max_length=80)
    created_at: datetime = timestamp()


class AuditLog(SQLModel, table=True):
    """Who changed what configuration or record, and when."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = tenant_fk()
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    action: str = Field(max_length=60)
    entity: str = Field(max_length=60)
    entity_id: int | None = None
    details: dict = json_dict()
    created_at: datetime = timestamp(index=True)
