"""The customer record: visit history, the linked conversation, vaccines and booking from the
record, busy Save buttons and focused invalid fields; another tenant sees none of it."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlmodel import select

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Customer, Service
from auzap_console.pages.customers import CustomersState, NewAppointmentState, VaccinesState
from tests.conftest import session_token
from tests.utils.agent_helpers import PHONE, agent_shop
from tests.utils.reflex_harness import Browser


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
    assert visit.service == "Banho P" and visit.badge == "concluído" and visit.price.replace("\xa0", " ") == "R$ 50,00"
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


def _record(shop):
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CustomersState.load)
    tab.call(CustomersState.select, shop.customer_id)
    return tab


def test_vaccines_are_recorded_with_their_due_status():
    shop = agent_shop("Loja Vacinas")
    tab = _record(shop)
    (pet,) = tab.state(CustomersState).pets
    tab.call(VaccinesState.open_for, pet.id)
    vs = tab.state(VaccinesState)
    assert vs.open and vs.rows == [] and vs.pet_name == "Thor"
    today = date.today()
    tab.call(
        VaccinesState.add,
        {"name": "V10", "given_on": (today - timedelta(days=370)).isoformat(), "next_due": (today - timedelta(days=5)).isoformat()},
    )
    tab.call(
        VaccinesState.add,
        {"name": "Antirrábica", "given_on": (today - timedelta(days=1)).isoformat(), "next_due": (today + timedelta(days=365)).isoformat()},
    )
    assert vs.form_error == "" and vs.form_key == 2
    assert [(r.name, r.status, r.status_label) for r in vs.rows] == [("Antirrábica", "ok", "em dia"), ("V10", "overdue", "vencida")]
    (card,) = tab.state(CustomersState).pets
    assert card.vaccine_alert == "overdue" and len(card.vaccines) == 2  # the pet card warns without opening the dialog

    tab.call(VaccinesState.remove, vs.rows[1].id)
    assert [r.name for r in vs.rows] == ["Antirrábica"] and tab.state(CustomersState).pets[0].vaccine_alert == ""


@pytest.mark.parametrize(
    ("form", "message", "field"),
    [
        ({"name": "", "given_on": "2026-01-01"}, "err.vac_name", "name"),
        ({"name": "V10", "given_on": ""}, "err.vac_given", "given_on"),
        ({"name": "V10", "given_on": "2999-01-01"}, "err.vac_given_future", "given_on"),
        ({"name": "V10", "given_on": "2026-01-10", "next_due": "2026-01-01"}, "err.vac_next_due", "next_due"),
        ({"name": "V" * 81, "given_on": "2026-01-10"}, None, "name"),
    ],
)
def test_a_bad_vaccine_is_refused_inline_and_its_field_focused(form, message, field):
    shop = agent_shop("Loja Vacina Ruim")
    tab = _record(shop)
    tab.call(VaccinesState.open_for, tab.state(CustomersState).pets[0].id)
    result = tab.call(VaccinesState.add, form)
    vs = tab.state(VaccinesState)
    assert vs.form_error == (t(message) if message else t("err.too_long", label=t("vac.name"), max=80))
    assert f'[name=\\"{field}\\"]' in repr(result) or f'[name="{field}"]' in repr(result)
    assert vs.rows == [] and not vs.saving


def test_staff_book_a_free_time_from_the_record():
    shop = agent_shop("Loja Agendar")
    tab = _record(shop)
    tab.call(NewAppointmentState.open_dialog)
    ns = tab.state(NewAppointmentState)
    assert ns.open and [o.label for o in ns.pets] == ["Sem pet específico", "Thor"] and len(ns.services) == 3
    banho = next(o for o in ns.services if o.label.startswith("Banho P"))
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    tab.call(NewAppointmentState.pick_day, tomorrow)
    tab.call(NewAppointmentState.pick_service, banho.value)
    assert [o.label for o in ns.slots][:2] == ["08:00", "08:30"]  # the shop opens at 08:00 (its own time zone)
    tab.call(NewAppointmentState.save, {"pet": ns.pets[1].value})
    assert ns.form_error == t("err.book_time") and ns.open  # no time chosen yet: said inline
    tab.call(NewAppointmentState.pick_slot, ns.slots[0].value)
    tab.call(NewAppointmentState.save, {"pet": ns.pets[1].value, "notes": "pelo embaraçado"})
    assert not ns.open and ns.form_error == ""
    (booked,) = tab.state(CustomersState).appointments
    assert (booked.service, booked.pet, booked.badge) == ("Banho P", "Thor", "Equipe") and booked.when.endswith("08:00")
    with tenant_session(shop.tenant_id) as s:
        (row,) = s.exec(select(Appointment).where(Appointment.tenant_id == shop.tenant_id)).all()
        assert (row.source, row.notes, row.price_cents) == ("staff", "pelo embaraçado", 5000)

    tab.call(NewAppointmentState.open_dialog)  # the taken time is no longer offered (capacity 1)
    tab.call(NewAppointmentState.pick_day, tomorrow)
    tab.call(NewAppointmentState.pick_service, banho.value)
    assert ns.slots[0].label == "09:00"


def test_save_shows_busy_first_and_clears_it():
    shop = agent_shop("Loja Ocupada")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CustomersState.load)
    tab.call(CustomersState.open_new_customer)
    state = tab.state(CustomersState)
    steps = CustomersState.save_customer.fn(state, {"name": "Novo Cliente", "phone": "11 96666-1234"})
    seen = []

    async def drive():
        async for _ in steps:
            seen.append(state.saving)

    asyncio.run(drive())
    assert seen == [True, False] and not state.customer_dialog
