"""The customer record shows the visit history and links to the customer's conversation;
another tenant sees neither."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.models import Appointment, Customer, Service
from auzap_console.pages.customers import CustomersState
from tests.agent_helpers import PHONE, agent_shop
from tests.conftest import session_token
from tests.reflex_harness import Browser


def _past_visit(shop, customer_id):
    with tenant_session(shop.tenant_id) as s:
        service = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        start = utcnow() - timedelta(days=10)
        s.add(
            Appointment(
                tenant_id=shop.tenant_id,
                customer_id=customer_id,
                service_id=service.id,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                status="completed",
                price_cents=5000,
            )
        )


def test_record_shows_visits_and_links_the_conversation():
    shop = agent_shop("Loja Ficha")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    _past_visit(shop, shop.customer_id)
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CustomersState.load)
    tab.call(CustomersState.select, str(shop.customer_id))
    state = tab.state(CustomersState)
    (visit,) = state.visits
    assert visit["service"] == "Banho P" and visit["status"] == "concluído" and visit["price"].replace("\xa0", " ") == "R$ 50,00"
    assert state.conversation_link.startswith("/inbox?c=")


def test_another_tenant_sees_no_record():
    a, b = agent_shop("Loja Ficha A"), agent_shop("Loja Ficha B")
    chat(tenant_id=a.tenant_id, phone=PHONE, text="oi")
    _past_visit(a, a.customer_id)
    tab = Browser(session_token(b.email, b.password))
    tab.call(CustomersState.load)
    tab.call(CustomersState.select, str(a.customer_id))
    state = tab.state(CustomersState)
    assert state.visits == [] and state.conversation_link == ""
    with tenant_session(b.tenant_id) as s:
        assert s.exec(select(Customer).where(Customer.id == a.customer_id, Customer.tenant_id == b.tenant_id)).first() is None
