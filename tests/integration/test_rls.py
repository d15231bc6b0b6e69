"""PostgreSQL row-level security: forced policies on every tenant table, a non-owner app role,
and raw SQL on that role confined to the tenant set for the transaction."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from auzap_console.db import tenant_session
from auzap_console.services import catalog, customers


def _raw(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def test_every_tenant_table_has_a_forced_policy(pg_urls):
    _, admin_url = pg_urls
    with _raw(admin_url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
                "ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
                "WHERE c.column_name = 'tenant_id' AND c.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
            )
        ]
        assert len(tables) >= 14
        flags = dict(
            conn.execute(
                "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)", (tables,)
            ).fetchall()
        )
        policies = {r[0] for r in conn.execute("SELECT tablename FROM pg_policies WHERE schemaname = 'public'")}
    missing = [tbl for tbl in tables if not flags.get(tbl) or tbl not in policies]
    assert missing == [], f"tables without a forced RLS policy: {missing}"
    with _raw(admin_url) as conn:  # the tenants table is keyed on its own id: forced RLS there too
        conn_flags = conn.execute("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'tenants'").fetchone()
        tenants = conn.execute("SELECT qual FROM pg_policies WHERE tablename = 'tenants'").fetchone()
    assert conn_flags == (True, True) and tenants is not None and "id =" in tenants[0]


def test_app_role_owns_nothing_and_is_not_superuser(pg_urls):
    app_url, _admin_url = pg_urls
    with _raw(app_url) as conn:
        role = conn.execute("SELECT current_user").fetchone()[0]
        su, bypass = conn.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()
        owned = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user").fetchone()[0]
    assert role == "auzap_app_test" and not su and not bypass and owned == 0


@pytest.fixture
def rows(shop_factory):
    a, b = shop_factory("Loja A"), shop_factory("Loja B")
    with tenant_session(a.tenant_id) as s:
        c = customers.save_customer(s, actor=a.actor, name="Cliente A", phone="11 97777-0000")
        catalog.save_service(s, actor=a.actor, name="Banho", price_cents=5000, duration_minutes=60, category="bath")
    return a, b, c.id


def _as_tenant(conn, tenant_id):
    conn.execute("SELECT set_config('app.tenant_id', %s, true)", (str(tenant_id),))


def test_raw_sql_on_app_role_is_confined(pg_urls, rows):
    a, b, customer_id = rows
    app_url, _ = pg_urls
    with _raw(app_url) as conn:
        _as_tenant(conn, b.tenant_id)
        assert conn.execute("SELECT count(*) FROM customers WHERE id = %s", (customer_id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM users WHERE tenant_id = %s", (a.tenant_id,)).fetchone()[0] == 0
        assert conn.execute("SELECT id FROM tenants").fetchall() == [(b.tenant_id,)]
        assert conn.execute("UPDATE customers SET name = 'hack' WHERE id = %s", (customer_id,)).rowcount == 0
        assert conn.execute("DELETE FROM customers WHERE id = %s", (customer_id,)).rowcount == 0
        assert conn.execute("DELETE FROM services WHERE tenant_id = %s", (a.tenant_id,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO customers (tenant_id, name, phone, whatsapp_id, email, vip, tags, notes, marketing_opt_out,"
                " lead_stage, created_at, updated_at) VALUES (%s, 'x', '+5511900000000', '', '', false, '[]', '', false,"
                " 'new', now(), now())",
                (a.tenant_id,),
            )
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _as_tenant(conn, b.tenant_id)
            conn.execute(
                "INSERT INTO services (tenant_id, name, description, price_cents, duration_minutes, category, capacity, active,"
                " created_at) VALUES (%s, 'x', '', 1, 60, 'bath', 1, true, now())",
                (a.tenant_id,),
            )
        conn.rollback()
        # No tenant set: nothing at all is visible.
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    with tenant_session(a.tenant_id) as s:
        assert s.execute(text("SELECT name FROM customers WHERE id = :i"), {"i": customer_id}).scalar() == "Cliente A"


def test_tenant_session_sets_the_setting_per_transaction(rows):
    _a, b, customer_id = rows
    with tenant_session(b.tenant_id) as s:
        assert s.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar() == str(b.tenant_id)
        assert s.execute(text("SELECT count(*) FROM customers WHERE id = :i"), {"i": customer_id}).scalar() == 0
        s.commit()  # a new transaction gets the setting again
        assert s.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar() == str(b.tenant_id)


def test_auth_lookups_return_only_what_login_needs(pg_urls, rows):
    a, _, _ = rows
    app_url, _ = pg_urls
    with _raw(app_url) as conn:
        row = conn.execute("SELECT * FROM auzap_login_lookup(%s)", (a.email,)).fetchone()
        assert row == (a.owner_id, a.tenant_id)
        assert conn.execute("SELECT * FROM auzap_session_lookup('nope')").fetchall() == []
