import pytest

from auzap_console.db import tenant_session
from auzap_console.services import auth, team
from auzap_console.services.context import Actor, PermissionDenied, ServiceError
from tests.conftest import session_token


def test_owner_adds_users_and_sets_roles(shop_factory):
    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        u = team.add_user(s, actor=shop.actor, name="Gi", email=f"gi{shop.tenant_id}@example.com", role="staff", password="ração-do-rex-42")
    token = session_token(u.email, "ração-do-rex-42")
    with tenant_session(shop.tenant_id) as s:
        team.set_role(s, actor=shop.actor, user_id=u.id, role="manager")
        assert {x.role for x in team.list_users(s, actor=shop.actor)} == {"owner", "manager"}
    assert auth.resolve_session(token) is None  # a role change logs the user out


def test_only_owner_manages_team(shop_factory):
    shop = shop_factory()
    manager = Actor(tenant_id=shop.tenant_id, role="manager")
    with pytest.raises(PermissionDenied), tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=manager, name="X", email="x@example.com", role="owner", password="ração-do-rex-42")
    with pytest.raises(PermissionDenied), tenant_session(shop.tenant_id) as s:
        team.list_users(s, actor=Actor(tenant_id=shop.tenant_id, role="staff"))


def test_last_owner_cannot_be_demoted(shop_factory):
    shop = shop_factory()
    with pytest.raises(ServiceError, match="pelo menos um dono"), tenant_session(shop.tenant_id) as s:
        team.set_role(s, actor=shop.actor, user_id=shop.owner_id, role="staff")


def test_bad_role_and_duplicate_email(shop_factory):
    shop = shop_factory()
    with pytest.raises(ServiceError, match="Papel"), tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Zé", email="ze@example.com", role="rei", password="ração-do-rex-42")
    with pytest.raises(ServiceError, match="Já existe uma conta"), tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Zé", email=shop.email, role="staff", password="ração-do-rex-42")
