"""Migrations match the models (autogenerate finds no diff) on PostgreSQL and SQLite."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import auzap_console.models  # noqa: F401
from auzap_console.db import make_engine
from auzap_console.migrate import include_in_comparison, upgrade_database


def _diff(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_in_comparison})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    return diff


def test_postgres_schema_matches_models(pg_urls):
    _, admin_url = pg_urls
    assert _diff(admin_url) == []


@pytest.mark.usefixtures("pg_urls")
def test_sqlite_schema_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade_database(url)
    assert _diff(url) == []


def test_trigram_search_indexes_exist_on_postgres_only(pg_urls, tmp_path):
    from sqlalchemy import inspect

    _, admin_url = pg_urls
    engine = make_engine(admin_url)
    names = {ix["name"] for ix in inspect(engine).get_indexes("messages")}
    engine.dispose()
    assert "ix_trgm_messages_body" in names
    url = f"sqlite:///{tmp_path / 't.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    assert not any(ix["name"].startswith("ix_trgm_") for ix in inspect(engine).get_indexes("messages"))
    engine.dispose()


def test_upgrade_is_repeatable(pg_urls):
    _, admin_url = pg_urls
    upgrade_database(admin_url)  # heads already applied: a no-op that must not fail
    assert _diff(admin_url) == []
