"""Staff see the shop's settings read-only; a customer's phone becomes an owner number only
after the owner confirms; another tenant's customers do not trigger (nor leak through) the warning."""

from __future__ import annotations

import uuid

from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import AuthorizedOwnerNumber
from auzap_console.pages.settings import SettingsState
from auzap_console.services import customers, team
from tests.conftest import make_shop, session_token
from tests.utils.reflex_harness import Browser


def _numbers(shop):
    with tenant_session(shop.tenant_id) as s:
        return s.exec(select(AuthorizedOwnerNumber.phone).where(AuthorizedOwnerNumber.tenant_id == shop.tenant_id)).all()


def test_customer_phone_needs_confirmation_to_become_an_owner_number():
    shop = make_shop("Loja Confirma")
    with tenant_session(shop.tenant_id) as s:
        customers.save_customer(s, actor=shop.actor, name="Bruna Cliente", phone="+5511912340000")
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(SettingsState)
    tab.call(SettingsState.load)
    tab.call(SettingsState.add_number, {"phone": "(11) 91234-0000", "label": "celular"})
    assert "Bruna Cliente" in state.number_warning and _numbers(shop) == []
    tab.call(SettingsState.confirm_number)
    assert state.number_warning == "" and _numbers(shop) == ["+5511912340000"]


def test_another_shops_customer_is_not_a_reason_to_warn():
    a, b = make_shop("Loja A Número"), make_shop("Loja B Número")
    with tenant_session(a.tenant_id) as s:
        customers.save_customer(s, actor=a.actor, name="Cliente de A", phone="+5511912340001")
    tab = Browser(session_token(b.email, b.password))
    tab.call(SettingsState.load)
    tab.call(SettingsState.add_number, {"phone": "(11) 91234-0001", "label": ""})
    assert tab.state(SettingsState).number_warning == "" and _numbers(b) == ["+5511912340001"]


def test_staff_cannot_change_settings():
    shop = make_shop("Loja Leitura")
    email = f"staff-{uuid.uuid4().hex[:6]}@example.com"
    with tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Sílvia Staff", email=email, role="staff", password="Rabanete-Azul-77")
    tab = Browser(session_token(email, "Rabanete-Azul-77"))
    tab.call(SettingsState.load)
    tab.call(SettingsState.save, {"name": "Loja Invadida", "timezone": "America/Sao_Paulo"})
    assert "permissão" in tab.state(SettingsState).form_error
