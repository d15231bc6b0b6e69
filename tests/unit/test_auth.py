import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.models import AuthSession, LoginAttempt, Tenant, User
from auzap_console.services import auth, throttle
from auzap_console.services.context import ServiceError
from tests.conftest import session_token


def test_signup_creates_tenant_and_owner(shop_factory):
    shop = shop_factory("Banho & Tosa")
    with tenant_session(shop.tenant_id) as s:
        tenant = s.get(Tenant, shop.tenant_id)
        owner = s.get(User, shop.owner_id)
    assert tenant.timezone == "America/Sao_Paulo"
    assert tenant.slug.startswith("banho-tosa-")
    assert owner.role == "owner" and owner.tenant_id == tenant.id
    assert owner.password_hash.startswith("$argon2")


def test_signup_is_one_transaction(shop_factory):
    shop = shop_factory()
    with pytest.raises(ServiceError, match="e-mail"), tenant_session(None) as s:
        auth.signup(s, shop_name="Outra Loja", owner_name="Zé", email=shop.email, password="ração-do-rex-42")
    with tenant_session(None) as s:
        assert s.exec(select(Tenant).where(Tenant.name == "Outra Loja")).first() is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shop_name": ""}, "nome do pet shop"),
        ({"email": "nao-e-email"}, "e-mail válido"),
        ({"password": "curta"}, "8 caracteres"),
        ({"owner_name": "A"}, "nome"),
    ],
)
def test_signup_validation(fields, message):
    data = {"shop_name": "Loja", "owner_name": "Ana", "email": "ok@example.com", "password": "ração-do-rex-42", **fields}
    with pytest.raises(ServiceError, match=message), tenant_session(None) as s:
        auth.signup(s, **data)


def test_login_opens_a_new_session_each_time(shop_factory):
    shop = shop_factory()
    first = session_token(shop.email, shop.password, ip="10.0.0.1")
    second = session_token(shop.email.upper(), shop.password, ip="10.0.0.1")
    assert first != second
    user = auth.resolve_session(second)
    assert user.tenant_id == shop.tenant_id and user.role == "owner"
    with tenant_session(shop.tenant_id) as s:
        hashes = s.exec(select(AuthSession.token_hash).where(AuthSession.user_id == shop.owner_id)).all()
    assert first not in hashes  # only a hash of the token is stored


def test_wrong_password_gives_one_clear_message(shop_factory):
    shop = shop_factory()
    with pytest.raises(ServiceError, match="E-mail ou senha incorretos"):
        auth.login(email=shop.email, password="errada", ip="10.0.0.2")
    with pytest.raises(ServiceError, match="E-mail ou senha incorretos"):
        auth.login(email="ninguem@example.com", password="errada", ip="10.0.0.2")


def test_login_ticket_is_single_use_and_short_lived(shop_factory):
    shop = shop_factory()
    ticket = auth.login(email=shop.email, password=shop.password, ip="10.0.0.3")
    assert auth.resolve_session(ticket) is None  # a ticket is not a session
    token = auth.activate_session(ticket)
    assert auth.resolve_session(token).user_id == shop.owner_id
    assert auth.activate_session(ticket) is None  # once only
    assert auth.resolve_session(ticket) is None
    late = auth.login(email=shop.email, password=shop.password, ip="10.0.0.3")
    with tenant_session(shop.tenant_id) as s:
        for row in s.exec(select(AuthSession).where(AuthSession.activated_at.is_(None))):
            row.expires_at = utcnow() - timedelta(seconds=1)
            s.add(row)
    assert auth.activate_session(late) is None
    assert auth.activate_session("") is None and auth.activate_session("inventado") is None


def _age_attempts(email: str, seconds: int) -> None:
    """Move this e-mail's tries back in time, as if `seconds` had passed."""
    with tenant_session(None) as s:
        for row in s.exec(select(LoginAttempt).where(LoginAttempt.email == email)):
            row.attempted_at -= timedelta(seconds=seconds)
            s.add(row)


def _fail(email: str, ip: str, times: int = 1, match: str = "incorretos") -> None:
    for _ in range(times):
        with pytest.raises(ServiceError, match=match):
            auth.login(email=email, password="errada", ip=ip)


def test_lockout_is_per_email_and_ip_pair(shop_factory):
    """Someone guessing the owner's password elsewhere does not lock the owner out on their own IP."""
    shop = shop_factory()
    _fail(shop.email, "10.1.0.1", times=5)
    with pytest.raises(ServiceError, match="Aguarde 30 segundos"):
        auth.login(email=shop.email, password=shop.password, ip="10.1.0.1")  # the guessing IP waits
    assert session_token(shop.email, shop.password, ip="10.9.9.9")  # the owner's usual IP does not


def test_lockout_delay_grows_and_success_resets_it(shop_factory):
    shop = shop_factory()
    _fail(shop.email, "10.1.1.1", times=5)
    _age_attempts(shop.email, 31)
    _fail(shop.email, "10.1.1.1")  # the 6th failure: now 60 s
    _age_attempts(shop.email, 31)
    _fail(shop.email, "10.1.1.1", match="Aguarde 29 segundos")
    _age_attempts(shop.email, 30)
    assert session_token(shop.email, shop.password, ip="10.1.1.1")
    _fail(shop.email, "10.1.1.1", times=4)  # a success starts the pair's count again
    assert [throttle.pair_delay(n).total_seconds() for n in (4, 5, 6, 7, 9, 20)] == [0, 30, 60, 120, 480, 900]


def test_login_throttled_per_ip(shop_factory):
    shop = shop_factory()
    for i in range(20):
        with pytest.raises(ServiceError):
            auth.login(email=f"chute{i}@example.com", password="x", ip="10.2.0.1")
    with pytest.raises(ServiceError, match="Muitas tentativas"):
        auth.login(email=shop.email, password=shop.password, ip="10.2.0.1")
    assert session_token(shop.email, shop.password, ip="10.2.0.2")


def test_signup_throttled_per_ip(shop_factory):
    """Probing which e-mails have an account through sign-up is held back like login."""
    taken = [shop_factory().email for _ in range(2)]
    for i in range(10):
        with pytest.raises(ServiceError, match="Já existe"):
            auth.register(shop_name="Sonda", owner_name="Ana", email=taken[i % 2], password="ração-do-rex-42", ip="10.4.0.1")
    new_shop = {"shop_name": "Nova Loja", "owner_name": "Ana", "password": "ração-do-rex-42"}
    with pytest.raises(ServiceError, match="Muitas tentativas de cadastro"):
        auth.register(**new_shop, email="nova-10401@example.com", ip="10.4.0.1")
    ticket = auth.register(**new_shop, email="nova-10402@example.com", ip="10.4.0.2")
    assert auth.resolve_session(auth.activate_session(ticket)).role == "owner"


def test_signup_throttled_per_email(shop_factory):
    email = shop_factory().email
    for i in range(5):
        with pytest.raises(ServiceError, match="Já existe"):
            auth.register(shop_name="Sonda", owner_name="Ana", email=email, password="ração-do-rex-42", ip=f"10.5.0.{i}")
    with pytest.raises(ServiceError, match="Muitas tentativas de cadastro"):
        auth.register(shop_name="Sonda", owner_name="Ana", email=email.upper(), password="ração-do-rex-42", ip="10.5.1.1")


def test_prune_login_attempts_keeps_only_recent_tries(shop_factory):
    from auzap_console.jobs.maintenance import prune_login_attempts_job

    shop = shop_factory()
    _fail(shop.email, "10.6.0.1", times=2)
    _age_attempts(shop.email, 25 * 3600)
    _fail(shop.email, "10.6.0.2")
    assert prune_login_attempts_job() >= 2
    with tenant_session(None) as s:
        left = s.exec(select(LoginAttempt.ip).where(LoginAttempt.email == shop.email)).all()
    assert left == ["10.6.0.2"]


def test_logout_invalidates(shop_factory):
    shop = shop_factory()
    token = session_token(shop.email, shop.password)
    auth.logout(token)
    assert auth.resolve_session(token) is None
    auth.logout(token)  # twice is fine


def test_expired_session_is_refused(shop_factory):
    shop = shop_factory()
    token = session_token(shop.email, shop.password)
    with tenant_session(shop.tenant_id) as s:
        for row in s.exec(select(AuthSession).where(AuthSession.user_id == shop.owner_id)):
            row.expires_at = utcnow() - timedelta(seconds=1)
            s.add(row)
    assert auth.resolve_session(token) is None


def test_password_change_ends_other_sessions(shop_factory):
    shop = shop_factory()
    other_browser = session_token(shop.email, shop.password)
    with tenant_session(shop.tenant_id) as s:
        ticket = auth.change_password(s, actor=shop.actor, current_password=shop.password, new_password="nova-senha-456")
    new_token = auth.activate_session(ticket)
    assert auth.resolve_session(other_browser) is None
    assert auth.resolve_session(new_token).user_id == shop.owner_id
    with pytest.raises(ServiceError):
        auth.login(email=shop.email, password=shop.password)
    assert session_token(shop.email, "nova-senha-456")


def test_password_change_checks_current(shop_factory):
    shop = shop_factory()
    with pytest.raises(ServiceError, match="senha atual"), tenant_session(shop.tenant_id) as s:
        auth.change_password(s, actor=shop.actor, current_password="errada", new_password="nova-senha-456")


def test_inactive_user_cannot_log_in(shop_factory):
    from auzap_console.services import team

    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        staff = team.add_user(
            s, actor=shop.actor, name="Beto", email=f"beto-{shop.tenant_id}@example.com", role="staff", password="ração-do-rex-42"
        )
    token = session_token(staff.email, "ração-do-rex-42")
    with tenant_session(shop.tenant_id) as s:
        team.set_active(s, actor=shop.actor, user_id=staff.id, active=False)
    assert auth.resolve_session(token) is None
    with pytest.raises(ServiceError):
        auth.login(email=staff.email, password="ração-do-rex-42")


def test_same_shop_name_gets_a_free_slug():
    with tenant_session(None) as s:
        first, _ = auth.signup(s, shop_name="Pet Shop Igual", owner_name="Ana", email="igual1@example.com", password="ração-do-rex-42")
    with tenant_session(None) as s:
        second, _ = auth.signup(s, shop_name="Pet Shop Igual", owner_name="Bia", email="igual2@example.com", password="ração-do-rex-42")
    assert (first.slug, second.slug) == ("pet-shop-igual", "pet-shop-igual-2")
    with pytest.raises(ServiceError, match="endereço"), tenant_session(None) as s:
        auth.signup(s, shop_name="Outra", owner_name="Cid", email="igual3@example.com", password="ração-do-rex-42", slug="pet-shop-igual")


@pytest.mark.parametrize("password", ["12345678", "password", " " * 8, "senha123", "aaaaaaaaaa", "qwertyuiop", "abababababab"])
def test_common_and_trivial_passwords_are_refused(password):
    with pytest.raises(ServiceError, match=r"Senha fácil|8 caracteres"), tenant_session(None) as s:
        auth.signup(s, shop_name="Loja Fraca", owner_name="Ana", email="fraca@example.com", password=password)


def test_password_may_not_be_the_email_or_name():
    with pytest.raises(ServiceError, match="Senha fácil"), tenant_session(None) as s:
        auth.signup(s, shop_name="Loja", owner_name="Rosângela Pereira", email="rosangela@example.com", password="rosangela@example.com")
    with pytest.raises(ServiceError, match="Senha fácil"), tenant_session(None) as s:
        auth.signup(s, shop_name="Loja", owner_name="Rosângela Pereira", email="rosa@example.com", password="Rosângela Pereira")


def test_weak_password_refused_for_team_and_password_change(shop_factory):
    from auzap_console.services import team

    shop = shop_factory()
    with pytest.raises(ServiceError, match="Senha fácil"), tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Beto", email="beto-fraco@example.com", role="staff", password="senha123")
    with pytest.raises(ServiceError, match="Senha fácil"), tenant_session(shop.tenant_id) as s:
        auth.change_password(s, actor=shop.actor, current_password=shop.password, new_password="password1")


def test_unknown_email_costs_a_password_verification(shop_factory, monkeypatch):
    """Login time must not reveal whether an e-mail has an account: both paths run argon2."""
    from auzap_console.services import passwords

    shop = shop_factory()
    calls: list[str] = []

    class SpyHasher(PasswordHasher):
        def verify(self, hash, password):
            calls.append(password)
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_hasher", SpyHasher())

    def timed(email: str) -> float:
        start = time.perf_counter()
        with pytest.raises(ServiceError, match="incorretos"):
            auth.login(email=email, password="errada-123", ip="10.3.0.1")
        return time.perf_counter() - start

    known = min(timed(shop.email) for _ in range(2))
    unknown = min(timed(f"ninguem-{i}@example.com") for i in range(2))
    assert calls == ["errada-123"] * 4
    assert unknown > known / 3, (known, unknown)
