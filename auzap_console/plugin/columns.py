"""Column helpers for plugin tables: the same the core tables use (public, stable names).

class HotelStay(SQLModel, table=True):
id: int | None = Field(default=None, primary_key=True)
tenant_id: int = tenant_fk()          # every business table; RLS keys on it
checked_in_at: datetime = timestamp()  # timezone-aware, UTC in the database
extras: dict = json_dict()
"""

from auzap_console.models._fields import json_dict, json_list, tenant_fk, timestamp

__all__ = ["json_dict", "json_list", "tenant_fk", "timestamp"]
