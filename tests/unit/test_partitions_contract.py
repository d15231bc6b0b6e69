"""Partitioning `messages` on PostgreSQL drops the foreign keys that point at it and keeps them by a
trigger (`auzap_console.partitions.REFERENCING`): a model that adds one must be named there too."""

from __future__ import annotations

from sqlmodel import SQLModel

import auzap_console.models  # noqa: F401
from auzap_console.partitions import REFERENCING


def test_every_foreign_key_to_messages_is_kept_by_the_delete_trigger():
    pointing = {
        fk.parent.table.name
        for table in SQLModel.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "messages"
    }
    assert pointing == set(REFERENCING)
