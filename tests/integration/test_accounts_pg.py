"""Accounts on PostgreSQL as the app role: login tickets, throttling through SECURITY DEFINER
functions, and `login_attempts` (every tenant's e-mails and IPs) out of the app role's reach."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from auzap_console.jobs.maintenance import prune_login_attempts_job
from auzap_console.services import auth
from auzap_console.services.context import ServiceError
from tests.conftest import session_token

ACCOUNT_FUNCTIONS = [
    "auzap_session_lookup",
    "auzap_session_activate",
    "auzap_attempt_record",
    "auzap_attempt_failures",
    "auzap_attempt_prune",
]


def _raw(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT email, ip FROM login_attempts",
        "INSERT INTO login_attempts (kind, ip, email, success, attempted_at) VALUES ('login', '1.2.3.4', 'x@x.com', false, now())",
        "DELETE FROM login_attempts",
        "UPDATE login_attempts SET success = true",
    ],
)
def test_app_role_cannot_touch_login_attempts(pg_urls, sql):
    app_url, _ = pg_urls
    with _raw(app_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(sql)


def test_account_functions_are_locked_down(pg_urls):
    _, admin_url = pg_urls
    with _raw(admin_url) as conn:
        rows = conn.execute(
            "SELECT p.proname, p.proconfig, has_function_privilege('auzap_app_test', p.oid, 'EXECUTE'), "
            "p.proacl IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "  # 0 = PUBLIC
            "FROM pg_proc p WHERE p.proname = ANY(%s)",
            (ACCOUNT_FUNCTIONS,),
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(ACCOUNT_FUNCTIONS)
    for name, config, app_may_run, public_may_not in rows:
        assert config == ["search_path=pg_catalog, public, pg_temp"], name
        assert app_may_run and public_may_not, name


def test_tickets_and_pair_lockout_through_the_functions(shop_factory):
    shop = shop_factory()
    ticket = auth.login(email=shop.email, password=shop.password, ip="10.7.0.1")
    assert auth.resolve_session(ticket) is None
    token = auth.activate_session(ticket)
    assert auth.resolve_session(token).user_id == shop.owner_id
    assert auth.activate_session(ticket) is None
    for _ in range(5):
        with pytest.raises(ServiceError, match="incorretos"):
            auth.login(email=shop.email, password="errada", ip="10.7.0.2")
    with pytest.raises(ServiceError, match="Aguarde"):
        auth.login(email=shop.email, password=shop.password, ip="10.7.0.2")
    assert session_token(shop.email, shop.password, ip="10.7.0.1")


def test_login_ip_limit_and_signup_throttle(shop_factory):
    shop = shop_factory()
    for i in range(20):
        with pytest.raises(ServiceError):
            auth.login(email=f"chute{i}@example.com", password="x", ip="10.7.1.1")
    with pytest.raises(ServiceError, match="Muitas tentativas"):
        auth.login(email=shop.email, password=shop.password, ip="10.7.1.1")
    for _ in range(5):
        with pytest.raises(ServiceError, match="Já existe"):
            auth.register(shop_name="Sonda", owner_name="Ana", email=shop.email, password="ração-do-rex-42", ip="10.7.1.2")
    with pytest.raises(ServiceError, match="Muitas tentativas de cadastro"):
        auth.register(shop_name="Sonda", owner_name="Ana", email=shop.email, password="ração-do-rex-42", ip="10.7.1.3")


def test_prune_runs_as_the_app_role(pg_urls, shop_factory):
    _, admin_url = pg_urls
    shop = shop_factory()
    for ip in ("10.7.2.1", "10.7.2.2"):
        with pytest.raises(ServiceError):
            auth.login(email=shop.email, password="errada", ip=ip)
    with _raw(admin_url) as conn:
        conn.execute("UPDATE login_attempts SET attempted_at = now() - %s WHERE ip = '10.7.2.1'", (timedelta(hours=25),))
    assert prune_login_attempts_job() >= 1
    with _raw(admin_url) as conn:
        left = [r[0] for r in conn.execute("SELECT ip FROM login_attempts WHERE email = %s", (shop.email,))]
    assert left == ["10.7.2.2"]
