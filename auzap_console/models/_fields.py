"""Field helpers shared by the model modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field

from auzap_console.db_types import UTCDateTime, utcnow


def timestamp(*, nullable: bool = False, default_now: bool = True, index: bool = False) -> Any:
    """A timezone-aware timestamp column."""
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "nullable": nullable, "index": index}
    if default_now:
        kwargs["default_factory"] = utcnow
    else:
        kwargs["default"] = None
    return Field(**kwargs)


def json_list() -> Any:
    """A JSON column holding a list."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def json_dict() -> Any:
    """A JSON column holding an object."""
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def tenant_fk() -> Any:
    """The `tenant_id` column every business table carries (RLS keys on it)."""
    return Field(sa_column=Column(Integer, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True))
