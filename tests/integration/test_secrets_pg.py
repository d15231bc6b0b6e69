"""Secrets at rest on PostgreSQL: the webhook-secret migration, key rotation as the app role,
and the SECURITY DEFINER functions locked to the app role."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from alembic import command
from auzap_console import crypto
from auzap_console.cli import app as cli
from auzap_console.db import tenant_session
from auzap_console.migrate import alembic_config, upgrade_database
from auzap_console.rls import (
    AUTH_FUNCTION_SIGNATURES,
    AUTH_FUNCTIONS,
    CHANNEL_FUNCTION_SIGNATURES,
    CHANNEL_LOOKUP_FUNCTION,
    MESSAGE_SEARCH_SIGNATURES,
    OUTBOX_FUNCTION_SIGNATURES,
    REMINDERS_FUNCTION_SIGNATURES,
)
from auzap_console.settings import get_settings
from tests.conftest import PG_ADMIN, PG_APP_ROLE, _activate, make_shop


def _raw(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


@pytest.fixture
def fresh_pg(pg_urls):
    """An empty database of its own (tests that migrate step by step or rewrite every tenant)."""
    name = f"auzap_test_secrets_{os.getpid()}"
    with _raw(PG_ADMIN) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    admin_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    app_url = f"postgresql+psycopg://{PG_APP_ROLE}:{PG_APP_ROLE}@127.0.0.1:5432/{name}"
    _activate(app_url, admin_url)
    yield app_url, admin_url
    _activate(*pg_urls)
    with _raw(PG_ADMIN) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DEFINER_FUNCTIONS = (
    *AUTH_FUNCTION_SIGNATURES,
    *CHANNEL_FUNCTION_SIGNATURES,
    *OUTBOX_FUNCTION_SIGNATURES,
    *REMINDERS_FUNCTION_SIGNATURES,
    *MESSAGE_SEARCH_SIGNATURES,
    "auzap_message_partitions_ahead()",
)
SEARCH_PATH = "search_path=pg_catalog, public, pg_temp"


def _function_settings(url: str) -> dict[str, tuple]:
    """name -> (proconfig, executable by PUBLIC) for the SECURITY DEFINER lookups."""
    with _raw(url) as conn:
        rows = conn.execute(
            "SELECT p.oid::regprocedure::text, p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE')"
            " FROM pg_proc p WHERE p.prosecdef AND p.proname LIKE 'auzap_%'"
        ).fetchall()
    return {name: (config, public) for name, config, public in rows}


def _assert_all_pinned(found: dict[str, tuple]) -> None:
    """Every SECURITY DEFINER function (those named here and any added later) is pinned and not PUBLIC's."""
    assert set(DEFINER_FUNCTIONS) <= set(found)
    assert {name: v for name, v in found.items() if v != ([SEARCH_PATH], False)} == {}


def test_migration_encrypts_existing_webhook_secrets_and_hardens_functions(fresh_pg):
    _, admin_url = fresh_pg
    command.upgrade(alembic_config(admin_url), "0004_webhooks")
    with _raw(admin_url) as conn:
        for sql, signatures in ((AUTH_FUNCTIONS, AUTH_FUNCTION_SIGNATURES), (CHANNEL_LOOKUP_FUNCTION, CHANNEL_FUNCTION_SIGNATURES)):
            conn.execute(sql.replace("pg_catalog, public, pg_temp", "public"))  # as 0001/0004 created them before
            for signature in signatures:
                conn.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO PUBLIC")
        tenant_id = conn.execute(
            "INSERT INTO tenants (slug, name, timezone, locale, currency, business_hours, settings, created_at)"
            " VALUES ('antiga', 'Loja Antiga', 'America/Sao_Paulo', 'pt_BR', 'BRL', '{}', '{}', now()) RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO channels (tenant_id, name, provider, phone, external_id, base_url, credentials_encrypted,"
            " webhook_key, webhook_secret, status, qr_code, pairing_code, created_at)"
            " VALUES (%s, 'Zap', 'simulator', '', '', '', '', 'chave-antiga', 'segredo-antigo', 'connected', '', '', now())",
            (tenant_id,),
        )
    assert _function_settings(admin_url)["auzap_login_lookup(text)"] == (["search_path=public"], True)
    upgrade_database(admin_url)
    _assert_all_pinned(_function_settings(admin_url))
    with _raw(admin_url) as conn:
        columns = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'channels'")}
        (stored,) = conn.execute("SELECT webhook_secret_encrypted FROM channels").fetchone()
    assert "webhook_secret" not in columns and "segredo-antigo" not in stored
    assert crypto.decrypt_text(stored) == "segredo-antigo"
    from auzap_console.services.channels import channel_ref, find_by_webhook_key, forget_webhook_cache

    forget_webhook_cache()
    assert channel_ref(find_by_webhook_key("chave-antiga")).webhook_secret == "segredo-antigo"  # as the app role
    command.downgrade(alembic_config(admin_url), "0004_webhooks")
    with _raw(admin_url) as conn:
        assert conn.execute("SELECT webhook_secret FROM channels").fetchone()[0] == "segredo-antigo"


def _use_keys(monkeypatch, current: str, previous: str = "") -> None:
    monkeypatch.setenv("SECRET_KEY", current)
    monkeypatch.setenv("SECRET_KEYS_PREVIOUS", previous)
    get_settings.cache_clear()


def test_secrets_rotate_reencrypts_every_tenant(fresh_pg, monkeypatch):
    from auzap_console.models import Channel, Tenant
    from auzap_console.services.agents import model_settings as tenant_model_settings
    from auzap_console.services.agents import save_model_settings
    from auzap_console.services.channels import channel_ref, create_channel

    _, admin_url = fresh_pg
    _use_keys(monkeypatch, "chave-velha")
    upgrade_database(admin_url)
    shops, secrets = [make_shop("Loja A"), make_shop("Loja B")], {}
    for shop in shops:
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(s, actor=shop.actor, name="Zap", provider="simulator", credentials={"api_key": f"k-{shop.tenant_id}"})
            save_model_settings(s, actor=shop.actor, api_key=f"sk-{shop.tenant_id}", base_url="", model="")
            secrets[shop.tenant_id] = new.channel.webhook_secret

    _use_keys(monkeypatch, "chave-nova", "chave-velha")
    result = CliRunner().invoke(cli, ["secrets", "rotate"])
    assert result.exit_code == 0, result.output
    assert "6 segredos" in result.output and "2 pet shops" in result.output

    _use_keys(monkeypatch, "chave-nova")  # the old key is gone: everything must still read
    for shop in shops:
        with tenant_session(shop.tenant_id) as s:
            ref = channel_ref(s.exec(select(Channel).where(Channel.tenant_id == shop.tenant_id)).one())
            tenant = s.exec(select(Tenant).where(Tenant.id == shop.tenant_id)).one()
        assert ref.webhook_secret == secrets[shop.tenant_id] and ref.credentials == {"api_key": f"k-{shop.tenant_id}"}
        assert tenant_model_settings(tenant.settings)["api_key"] == f"sk-{shop.tenant_id}"

    _use_keys(monkeypatch, "outra-chave")  # a key that never encrypted anything: refused with a hint
    result = CliRunner().invoke(cli, ["secrets", "rotate"])
    assert result.exit_code == 1 and "SECRET_KEYS_PREVIOUS" in result.output
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def other_role(pg_urls):
    """A login role that is not the app role (another service on the same server)."""
    _, admin_url = pg_urls
    role = f"auzap_other_{os.getpid()}"
    with _raw(admin_url) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{role}'")
    yield admin_url.replace("postgres@", f"{role}:{role}@", 1)
    with _raw(admin_url) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')


CALLS = {
    "auzap_login_lookup(text)": "SELECT * FROM auzap_login_lookup('dono@example.com')",
    "auzap_session_lookup(text)": "SELECT * FROM auzap_session_lookup('x')",
    "auzap_tenant_lookup(text)": "SELECT auzap_tenant_lookup('x')",
    "auzap_channel_lookup(text)": "SELECT * FROM auzap_channel_lookup('x')",
    "auzap_channel_status_counts()": "SELECT * FROM auzap_channel_status_counts()",
    "auzap_outbox_due(integer,integer)": "SELECT * FROM auzap_outbox_due(0, 1)",
    "auzap_reminders_due(timestamp with time zone,integer)": "SELECT * FROM auzap_reminders_due(now(), 1)",
    "auzap_message_search(text,integer)": "SELECT * FROM auzap_message_search('%x%', 10)",
    "auzap_message_partitions_ahead()": "SELECT auzap_message_partitions_ahead()",
}


def test_definer_functions_pin_search_path_and_only_the_app_role_executes_them(pg_urls, other_role):
    app_url, admin_url = pg_urls
    assert set(CALLS) == set(DEFINER_FUNCTIONS)
    _assert_all_pinned(_function_settings(admin_url))
    for call in CALLS.values():
        with _raw(app_url) as conn:
            conn.execute(call).fetchall()
        with _raw(other_role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(call)
    with _raw(app_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):  # any range of months: the owner's only
        conn.execute("SELECT auzap_message_partitions('1990-01-01', '1999-12-01')")
