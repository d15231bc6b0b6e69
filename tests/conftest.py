"""Shared fixtures: a migrated SQLite database, a migrated PostgreSQL database with the
non-owner app role, and helpers that create tenants through the real services."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

os.environ.setdefault("AUZAP_LANGUAGE", "pt_BR")
# Metrics of this run's processes only (not of a console or another test run in the same checkout).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="auzap-test-metrics-"))
os.environ.pop("REDIS_URL", None)
os.environ.pop("OPENAI_API_KEY", None)
# Not the default key: the app and `auzap worker` refuse it on PostgreSQL/Redis (subprocesses inherit this).
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

pytest_plugins = ["auzap_console.testing"]  # the plugin authors' fixtures are the suite's own (auzap_tenant, auzap_chat…)

PG_ADMIN = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_APP_ROLE = "auzap_app_test"


def _activate(url: str, admin_url: str = "") -> None:
    from auzap_console.db import reset_engine
    from auzap_console.settings import get_settings

    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_ADMIN_URL"] = admin_url
    os.environ["APP_DB_ROLE"] = PG_APP_ROLE
    get_settings.cache_clear()
    reset_engine()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    """A migrated SQLite database for the whole run."""
    from auzap_console.migrate import upgrade_database

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'auzap-test.db'}"
    _activate(url)
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def pg_urls() -> tuple[str, str]:
    """A fresh PostgreSQL database migrated as the owner; returns (app_url, admin_url)."""
    name = f"auzap_test_{os.getpid()}"
    app_url, admin_url = create_pg_database(name)
    _activate(app_url, admin_url)
    from auzap_console.migrate import upgrade_database

    upgrade_database(admin_url)
    yield app_url, admin_url
    from auzap_console.db import reset_engine

    reset_engine()
    drop_pg_database(name)


def create_pg_database(name: str) -> tuple[str, str]:
    """An empty PostgreSQL database `name` (dropped first if left over); returns (app_url, admin_url)."""
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{PG_APP_ROLE}:{PG_APP_ROLE}@127.0.0.1:5432/{name}", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def use_sqlite(sqlite_url) -> Iterator[str]:
    """Point the app at the SQLite test database."""
    _activate(sqlite_url)
    yield sqlite_url


@pytest.fixture
def use_postgres(pg_urls) -> Iterator[tuple[str, str]]:
    """Point the app at the PostgreSQL test database (as the app role)."""
    _activate(*pg_urls)
    yield pg_urls


def make_shop(name: str = "Pet Shop"):
    """Sign up a new shop with a unique e-mail and slug: the plugin authors' `auzap_console.testing.make_shop`."""
    from auzap_console.testing import make_shop as public_make_shop

    return public_make_shop(name)


def session_token(email: str, password: str, ip: str = "") -> str:
    """Log in as the browser does (credentials → ticket → cookie token); returns the cookie's token."""
    from auzap_console.services import auth

    token = auth.activate_session(auth.login(email=email, password=password, ip=ip))
    assert token
    return token


@pytest.fixture
def shop_factory():
    """Call it to create shops."""
    return make_shop
