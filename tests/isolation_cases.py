"""Tenant A can neither see nor change tenant B's data: through services and through the
real Reflex event handlers. Imported by the unit (SQLite) and integration (PostgreSQL) suites."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Customer, KnowledgeArticle, Pet, Service, User
from auzap_console.pages.customers import CustomersState, NewAppointmentState, VaccinesState
from auzap_console.pages.customers.state import CustomerForm
from auzap_console.pages.knowledge import KnowledgeState
from auzap_console.pages.services import ServicesState
from auzap_console.pages.team import TeamState
from auzap_console.services import booking, catalog, customers, knowledge, team, vaccinations
from auzap_console.services.context import NotFound
from tests.conftest import session_token
from tests.utils.reflex_harness import Browser


@pytest.fixture
def two_shops(shop_factory):
    a, b = shop_factory("Loja A"), shop_factory("Loja B")
    with tenant_session(a.tenant_id) as s:
        c = customers.save_customer(s, actor=a.actor, name="Cliente da A", phone="11 91111-2222")
        pet = customers.save_pet(s, actor=a.actor, customer_id=c.id, name="Rex")
        svc = catalog.save_service(s, actor=a.actor, name="Banho", price_cents=5000, duration_minutes=60, category="bath")
        article = knowledge.save_article(s, actor=a.actor, title="Horário", body="Abrimos às 8h.")
    return a, b, {"customer": c.id, "pet": pet.id, "service": svc.id, "article": article.id}


def _a_is_untouched(a, ids):
    with tenant_session(a.tenant_id) as s:
        c = s.get(Customer, ids["customer"])
        assert c is not None and c.name == "Cliente da A"
        assert s.get(Pet, ids["pet"]).name == "Rex"
        svc = s.get(Service, ids["service"])
        assert (svc.price_cents, svc.active) == (5000, True)
        assert s.get(User, a.owner_id).role == "owner"
        assert s.get(KnowledgeArticle, ids["article"]).title == "Horário"
        assert len(s.get(Pet, ids["pet"]).vaccinations) == 0


def test_services_refuse_other_tenants_rows(two_shops):
    a, b, ids = two_shops
    with tenant_session(b.tenant_id) as s:
        assert customers.list_customers(s, actor=b.actor).total == 0
        assert customers.list_customers(s, actor=b.actor, search="Cliente").total == 0
        assert catalog.list_services(s, actor=b.actor) == []
        assert customers.find_by_phone(s, actor=b.actor, phone="11 91111-2222") is None
        attempts = [
            lambda: customers.get_customer(s, actor=b.actor, customer_id=ids["customer"]),
            lambda: customers.save_customer(s, actor=b.actor, customer_id=ids["customer"], name="Roubado", phone="11 93333-4444"),
            lambda: customers.delete_customer(s, actor=b.actor, customer_id=ids["customer"]),
            lambda: customers.list_pets(s, actor=b.actor, customer_id=ids["customer"]),
            lambda: customers.save_pet(s, actor=b.actor, customer_id=ids["customer"], name="Intruso"),
            lambda: customers.delete_pet(s, actor=b.actor, pet_id=ids["pet"]),
            lambda: catalog.save_service(
                s, actor=b.actor, service_id=ids["service"], name="Banho", price_cents=1, duration_minutes=60, category="bath", active=False
            ),
            lambda: catalog.delete_service(s, actor=b.actor, service_id=ids["service"]),
            lambda: team.set_role(s, actor=b.actor, user_id=a.owner_id, role="staff"),
            lambda: team.set_active(s, actor=b.actor, user_id=a.owner_id, active=False),
            lambda: knowledge.delete_article(s, actor=b.actor, article_id=ids["article"]),
            lambda: knowledge.save_article(s, actor=b.actor, article_id=ids["article"], title="Roubado", body="Texto novo"),
            lambda: vaccinations.add_vaccination(s, actor=b.actor, pet_id=ids["pet"], name="V10", given_on=date(2026, 1, 1)),
            lambda: vaccinations.remove_vaccination(s, actor=b.actor, pet_id=ids["pet"], vaccination_id="x"),
            lambda: booking.book(
                s, actor=b.actor, customer_id=ids["customer"], service_id=ids["service"], starts_at=datetime(2030, 1, 7, 13, tzinfo=UTC)
            ),
        ]
        for attempt in attempts:
            with pytest.raises(NotFound):
                attempt()
        assert [u.id for u in team.list_users(s, actor=b.actor)] == [b.owner_id]
        assert knowledge.list_articles(s, actor=b.actor) == [] and knowledge.search(s, actor=b.actor, query="horário") == []
    _a_is_untouched(a, ids)


def test_same_phone_is_a_different_customer_in_another_tenant(two_shops):
    a, b, ids = two_shops
    with tenant_session(b.tenant_id) as s:
        mine = customers.save_customer(s, actor=b.actor, name="Cliente da B", phone="(11) 91111-2222")
    assert mine.id != ids["customer"]
    _a_is_untouched(a, ids)


def test_event_handlers_refuse_other_tenants_rows(two_shops):
    a, b, ids = two_shops
    tab = Browser(session_token(b.email, b.password))
    cs = tab.state(CustomersState)
    tab.call(CustomersState.load)
    assert cs.total == 0 and cs.rows == []

    tab.call(CustomersState.select, str(ids["customer"]))
    assert cs.selected.id == 0 and cs.form_error == t("err.not_found")

    cs.selected_id = ids["customer"]  # a forged selection still cannot act
    cs.form_error = ""
    tab.call(CustomersState.delete_customer)
    assert cs.form_error == t("err.not_found")
    cs.form = CustomerForm(id=ids["customer"])
    tab.call(CustomersState.save_customer, {"name": "Roubado", "phone": "11 95555-6666"})
    assert cs.form_error == t("err.not_found")
    tab.call(CustomersState.delete_pet, ids["pet"])

    vs = tab.state(VaccinesState)  # a forged pet id: no dose lands on A's pet
    vs.pet_id, vs.open = ids["pet"], True
    tab.call(VaccinesState.add, {"name": "V10", "given_on": "2026-01-10"})
    assert vs.form_error == t("err.not_found")
    tab.call(VaccinesState.remove, "abc")
    appointment = tab.state(NewAppointmentState)  # a forged customer and service: nothing is booked in A
    appointment.open, appointment.service_id, appointment.slot = True, str(ids["service"]), "2030-01-07T13:00:00+00:00"
    tab.call(NewAppointmentState.save, {"pet": "none"})
    assert appointment.form_error == t("err.not_found")

    ss = tab.state(ServicesState)
    tab.call(ServicesState.load)
    assert ss.rows == []
    tab.call(ServicesState.delete, ids["service"])
    assert ss.form_error == t("err.not_found")

    ks = tab.state(KnowledgeState)
    tab.call(KnowledgeState.load)
    assert ks.rows == []
    tab.call(KnowledgeState.delete, ids["article"])

    ts = tab.state(TeamState)
    tab.call(TeamState.load)
    assert [r.id for r in ts.rows] == [b.owner_id]
    tab.call(TeamState.change_role, a.owner_id, "staff")
    _a_is_untouched(a, ids)


def test_no_session_no_data(two_shops):
    from tests.utils.reflex_harness import is_redirect

    tab = Browser("")
    result = tab.call(CustomersState.load)
    assert is_redirect(result, "/login")
    assert tab.state(CustomersState).rows == []
    forged = Browser("token-inventado")
    assert is_redirect(forged.call(ServicesState.load), "/login")


def test_what_b_creates_belongs_to_b_and_stays_out_of_a(two_shops):
    a, b, _ = two_shops
    tab = Browser(session_token(b.email, b.password))
    tab.call(CustomersState.load)
    tab.call(CustomersState.open_new_customer)
    tab.call(CustomersState.save_customer, {"name": "Cliente da B", "phone": "11 97777-8888"})
    created = tab.state(CustomersState).selected_id
    with tenant_session(b.tenant_id) as s:  # an unfiltered read: the row's own tenant column
        row = s.exec(select(Customer).where(Customer.id == created)).first()
    assert row is not None and row.tenant_id == b.tenant_id
    with tenant_session(a.tenant_id) as s:
        assert [c.name for c, _ in customers.list_customers(s, actor=a.actor).rows] == ["Cliente da A"]
        with pytest.raises(NotFound):
            customers.get_customer(s, actor=a.actor, customer_id=created)


def test_usage_and_budget_never_cross_tenants(two_shops):
    from auzap_console.models import UsageDaily
    from auzap_console.pages.usage import UsageState
    from auzap_console.services import usage

    a, b, _ = two_shops
    for shop in (a, b):
        with tenant_session(shop.tenant_id) as s:
            usage.update_money_settings(s, actor=shop.actor, rate_text="5,00", budget_text="1,00")
    with tenant_session(a.tenant_id) as s:
        usage.add_usage(s, tenant_id=a.tenant_id, persona="customer_assistant", messages_in=7, cost_micro_usd=500_000)
    with tenant_session(a.tenant_id) as s:
        assert usage.budget_exhausted(s, a.tenant_id)
    with tenant_session(b.tenant_id) as s:
        report = usage.month_usage(s, actor=b.actor)
        assert report.personas == [] and report.total.cost_cents == 0 and not usage.budget_exhausted(s, b.tenant_id)
        assert usage.budget_notice(s, b.tenant_id) == ""
        if s.get_bind().dialect.name == "postgresql":  # row-level security: not even an unfiltered query sees A's rows
            assert s.exec(select(UsageDaily)).all() == []
    tab = Browser(session_token(b.email, b.password))
    tab.call(UsageState.load)
    state = tab.state(UsageState)
    assert state.loaded and state.personas == [] and state.days == [] and state.notice == "" and state.cost == "R$ 0,00"
