"""One display per problem: an error in an open form shows inline only (no toast on top) and focuses
the field at fault; an error with no form on screen is a toast; a success dismisses a stale error toast."""

from __future__ import annotations

from auzap_console.i18n import t
from auzap_console.pages.services import ServicesState
from tests.conftest import make_shop, session_token
from tests.utils.reflex_harness import Browser


def _events(result) -> str:
    return repr(result)


def test_form_errors_are_inline_only_and_success_clears_them():
    shop = make_shop("Loja Um Erro")
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(ServicesState)
    tab.call(ServicesState.load)
    tab.call(ServicesState.open_new)
    empty = tab.call(ServicesState.save, {"name": "", "price": "", "duration": "", "category": "bath", "capacity": "1"})
    assert state.form_error == t("err.service_name") and "name" in _events(empty)  # the first field first, not "Preço inválido"
    bad = tab.call(ServicesState.save, {"name": "Banho P", "price": "oitenta", "duration": "30", "category": "bath", "capacity": "1"})
    assert "Preço inválido" in state.form_error and "toast" not in _events(bad)  # inline, no toast
    assert "price" in _events(bad) and "focus" in _events(bad)  # the field at fault gets the focus
    good = tab.call(ServicesState.save, {"name": "Banho P", "price": "80,00", "duration": "30", "category": "bath", "capacity": "1"})
    assert state.form_error == "" and "toast-error" in _events(good) and "dismiss" in _events(good)


def test_errors_without_an_open_form_are_toasts():
    shop = make_shop("Loja Toast")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(ServicesState.load)
    result = tab.call(ServicesState.delete, "999999")  # no form on screen
    assert "toast-error" in _events(result) and "Registro não encontrado" in _events(result)
