import pytest

from auzap_console.db import tenant_session
from auzap_console.services import auth, team
from auzap_console.services.context import Actor, NotFound, PermissionDenied, ServiceError
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


def test_the_owner_gives_a_forgetful_colleague_a_new_password(shop_factory):
    shop, other = shop_factory(), shop_factory()
    with tenant_session(shop.tenant_id) as s:
        u = team.add_user(
            s, actor=shop.actor, name="Gi", email=f"gi2-{shop.tenant_id}@example.com", role="staff", password="ração-do-rex-42"
        )
    old_token = session_token(u.email, "ração-do-rex-42")
    with pytest.raises(PermissionDenied), tenant_session(shop.tenant_id) as s:
        team.reset_password(s, actor=Actor(tenant_id=shop.tenant_id, role="manager"), user_id=u.id, new_password="petisco-do-thor-77")
    with pytest.raises(ServiceError, match="Configurações"), tenant_session(shop.tenant_id) as s:
        team.reset_password(s, actor=shop.actor, user_id=shop.owner_id, new_password="petisco-do-thor-77")  # own: with the current one
    with pytest.raises(ServiceError), tenant_session(shop.tenant_id) as s:
        team.reset_password(s, actor=shop.actor, user_id=u.id, new_password="123")
    with pytest.raises(NotFound), tenant_session(other.tenant_id) as s:  # another shop's owner cannot reach her
        team.reset_password(s, actor=other.actor, user_id=u.id, new_password="petisco-do-thor-77")
    with tenant_session(shop.tenant_id) as s:
        team.reset_password(s, actor=shop.actor, user_id=u.id, new_password="petisco-do-thor-77")
    assert auth.resolve_session(old_token) is None  # her open sessions end
    assert auth.resolve_session(session_token(u.email, "petisco-do-thor-77")).user_id == u.id
    with pytest.raises(ServiceError):
        auth.login(email=u.email, password="ração-do-rex-42")


def test_the_team_page_resets_a_password_in_a_dialog(shop_factory):
    from auzap_console.pages.team import TeamState
    from tests.utils.reflex_harness import Browser

    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        u = team.add_user(s, actor=shop.actor, name="Rui", email=f"r{shop.tenant_id}@example.com", role="staff", password="ração-do-rex-42")
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(TeamState)
    tab.call(TeamState.load)
    tab.call(TeamState.open_reset, u.id)
    assert (state.reset_id, state.reset_name) == (u.id, "Rui")
    tab.call(TeamState.reset_password, {"new_password": "abc"})
    assert state.form_error and state.reset_id == u.id  # inline, the dialog stays open
    tab.call(TeamState.reset_password, {"new_password": "petisco-do-thor-77"})
    assert state.reset_id == 0 and state.form_error == ""
    assert auth.resolve_session(session_token(u.email, "petisco-do-thor-77")).user_id == u.id
