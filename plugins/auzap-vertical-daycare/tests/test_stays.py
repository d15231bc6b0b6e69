"""Daycare and hotel: capacity on every day of a stay, vaccine gating, an offline booking, other shops.

The refusal names what is missing; another shop never sees or fills these places.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Pet
from auzap_console.services import customers
from auzap_console.services.context import ServiceError
from auzap_console.testing import make_shop
from auzap_vertical_daycare import stays
from auzap_vertical_daycare.models import Stay

TODAY = date.today()


def _vaccinate(shop, pet_id: int, *names: str, due: date | None = None) -> None:
    due = due or TODAY + timedelta(days=300)
    with tenant_session(shop.tenant_id) as s:
        pet = s.get(Pet, pet_id)
        pet.vaccinations = [
            {"id": f"v{i}", "name": n, "given_on": (TODAY - timedelta(days=60)).isoformat(), "next_due": due.isoformat()}
            for i, n in enumerate(names)
        ]


def _pets(shop, n: int) -> list[tuple[int, int]]:
    out = []
    with tenant_session(shop.tenant_id) as s:
        for i in range(n):
            c = customers.save_customer(s, actor=shop.actor, name=f"Hóspede {i}", phone=f"+55119610000{i:02d}")
            out.append((c.id, customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Bidu {i}", species="dog").id))
    for _, pet_id in out:
        _vaccinate(shop, pet_id, "V10", "Antirrábica", "Gripe canina")
    return out


def test_capacity_holds_on_every_day_of_a_stay(auzap_tenant):
    shop = auzap_tenant
    guests = _pets(shop, 3)
    start = TODAY + timedelta(days=5)
    with tenant_session(shop.tenant_id) as s:
        stays.set_places(s, actor=shop.actor, kind="hotel", value=2)
        stays.book(s, actor=shop.actor, customer_id=guests[0][0], pet_id=guests[0][1], kind="hotel", start=start, nights=3)
        stays.book(
            s, actor=shop.actor, customer_id=guests[1][0], pet_id=guests[1][1], kind="hotel", start=start + timedelta(days=2), nights=2
        )
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match=(start + timedelta(days=2)).strftime("%d/%m")):
        # night 3 of this stay is the day both others overlap: full
        stays.book(
            s, actor=shop.actor, customer_id=guests[2][0], pet_id=guests[2][1], kind="hotel", start=start + timedelta(days=1), nights=2
        )
    with tenant_session(shop.tenant_id) as s:
        stays.book(s, actor=shop.actor, customer_id=guests[2][0], pet_id=guests[2][1], kind="hotel", start=start, nights=2)
        taken = stays.occupancy(s, actor=shop.actor, kind="hotel", start=start, end=start + timedelta(days=5))
    assert [taken[start + timedelta(days=i)] for i in range(5)] == [2, 2, 2, 1, 0]


def test_vaccines_gate_the_booking_and_the_reason_names_them(auzap_tenant, auzap_customer):
    shop, joana = auzap_tenant, auzap_customer
    start = TODAY + timedelta(days=10)
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match=r"V10 \(sem registro\), Antirrábica \(sem registro\)"):
        stays.book(s, actor=shop.actor, customer_id=joana.id, pet_id=joana.pet_id, kind="daycare", start=start)
    _vaccinate(shop, joana.pet_id, "v10", "Antirrabica", due=start + timedelta(days=2))  # expires during a 4-night stay
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match=r"V10 \(vence em"):
        stays.book(s, actor=shop.actor, customer_id=joana.id, pet_id=joana.pet_id, kind="hotel", start=start, nights=4)
    with tenant_session(shop.tenant_id) as s:  # a daycare day before the dose is due is fine
        stay = stays.book(s, actor=shop.actor, customer_id=joana.id, pet_id=joana.pet_id, kind="daycare", start=start)
    assert (stay.start_date, stay.end_date) == (start, start + timedelta(days=1))


def test_the_assistant_books_a_hotel_stay_offline_and_explains_a_refusal(auzap_tenant, auzap_customer, auzap_chat):
    day = TODAY + timedelta(days=20)
    refused = auzap_chat(f"quero hospedar o thor no hotel dia {day:%d/%m}")
    assert [c["tool"] for c in refused.tool_calls] == ["book_stay"]
    assert "falta vacina" in refused.reply and "V10" in refused.reply
    _vaccinate(auzap_tenant, auzap_customer.pet_id, "V10", "Antirrábica", "Gripe canina")
    asked = auzap_chat(f"quero hospedar o thor no hotel dia {day:%d/%m}")
    assert [c["tool"] for c in asked.tool_calls] == ["book_stay"] and "Confirma?" in asked.reply
    booked = auzap_chat("sim")
    assert [c["tool"] for c in booked.tool_calls] == ["book_stay"] and "está no hotel" in booked.reply
    with tenant_session(auzap_tenant.tenant_id) as s:
        (stay,) = s.exec(select(Stay)).all()
    assert (stay.kind, stay.start_date, stay.pet_id) == ("hotel", day, auzap_customer.pet_id)


def test_another_shop_neither_sees_nor_fills_these_places(auzap_tenant):
    guests = _pets(auzap_tenant, 1)
    start = TODAY + timedelta(days=3)
    with tenant_session(auzap_tenant.tenant_id) as s:
        stays.set_places(s, actor=auzap_tenant.actor, kind="daycare", value=1)
        stays.book(s, actor=auzap_tenant.actor, customer_id=guests[0][0], pet_id=guests[0][1], kind="daycare", start=start)
    other = make_shop("Outra creche")
    with tenant_session(other.tenant_id) as s:
        assert stays.occupancy(s, actor=other.actor, kind="daycare", start=start, end=start + timedelta(days=1))[start] == 0
        assert stays.places(s, actor=other.actor, kind="daycare") == stays.DEFAULT_PLACES["daycare"]
        with pytest.raises(ServiceError):  # A's pet cannot be booked from B
            stays.book(s, actor=other.actor, customer_id=guests[0][0], pet_id=guests[0][1], kind="daycare", start=start)


def test_the_hotel_desk_takes_only_hotel_talk(auzap_chat):
    assert auzap_chat("quanto custa o banho?").persona != "hotel"
    assert auzap_chat("tem vaga no hotel dia 20?").persona == "hotel"


def test_the_agendas_daycare_and_hotel_bookings_take_places_too(auzap_tenant):
    """A hotel night or daycare day booked in the Agenda (a core appointment) fills the same places."""
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from auzap_console.services import booking, catalog
    from auzap_console.testing import open_every_day

    shop = open_every_day(auzap_tenant, (("Hotel (pernoite)", 12000, "hotel", 1440), ("Creche (diária)", 7000, "daycare", 600)))
    (c0, p0), (c1, p1), (c2, p2) = _pets(shop, 3)
    start = TODAY + timedelta(days=5)
    at = datetime.combine(start, time(9, 30), tzinfo=ZoneInfo("America/Sao_Paulo")).astimezone(UTC)
    with tenant_session(shop.tenant_id) as s:
        by_name = {svc.name: svc.id for svc in catalog.list_services(s, actor=shop.actor)}
        booking.book(s, actor=shop.actor, customer_id=c0, pet_id=p0, service_id=by_name["Hotel (pernoite)"], starts_at=at)
        booking.book(
            s, actor=shop.actor, customer_id=c1, pet_id=p1, service_id=by_name["Creche (diária)"], starts_at=at - timedelta(minutes=90)
        )  # 08:00-18:00
        stays.set_places(s, actor=shop.actor, kind="hotel", value=1)
    with tenant_session(shop.tenant_id) as s:
        hotel = stays.occupancy(s, actor=shop.actor, kind="hotel", start=start - timedelta(days=1), end=start + timedelta(days=3))
        daycare = stays.occupancy(s, actor=shop.actor, kind="daycare", start=start, end=start + timedelta(days=2))
        assert (hotel[start - timedelta(days=1)], hotel[start], hotel[start + timedelta(days=1)]) == (0, 1, 0)  # one night
        assert (daycare[start], daycare[start + timedelta(days=1)]) == (1, 0)
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match=start.strftime("%d/%m")):
        stays.book(s, actor=shop.actor, customer_id=c2, pet_id=p2, kind="hotel", start=start, nights=1)  # the Agenda's guest took it
    with tenant_session(shop.tenant_id) as s:  # the same guest checked in at the desk: one pet, one place
        stays.book(s, actor=shop.actor, customer_id=c0, pet_id=p0, kind="hotel", start=start, nights=1)
        assert stays.occupancy(s, actor=shop.actor, kind="hotel", start=start, end=start + timedelta(days=1))[start] == 1


def test_the_agenda_refuses_a_stay_when_the_desk_filled_the_day(auzap_tenant):
    """Both ways: the desk's stays fill the places the Agenda (staff or the AI's tool) books from."""
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from auzap_console.models import Service
    from auzap_console.services import booking, catalog
    from auzap_console.services import plugins as plugin_switches
    from auzap_console.testing import open_every_day

    services = (("Hotel (pernoite)", 12000, "hotel", 1440),)
    shop = open_every_day(auzap_tenant, services)  # besides the fixture's Banho P, Tosa…
    (c0, p0), (c1, p1), (c2, p2) = _pets(shop, 3)
    start = TODAY + timedelta(days=6)
    at = datetime.combine(start, time(9, 0), tzinfo=ZoneInfo("America/Sao_Paulo")).astimezone(UTC)
    with tenant_session(shop.tenant_id) as s:
        by_name = {svc.name: svc.id for svc in catalog.list_services(s, actor=shop.actor)}
        hotel, banho = by_name["Hotel (pernoite)"], by_name["Banho P"]
        s.get(Service, hotel).capacity = 5  # the service alone would take more guests than the desk's one place
        stays.set_places(s, actor=shop.actor, kind="hotel", value=1)
        stays.book(s, actor=shop.actor, customer_id=c0, pet_id=p0, kind="hotel", start=start, nights=2)
    with tenant_session(shop.tenant_id) as s:
        assert booking.available_slots(s, actor=shop.actor, service_id=hotel, day=start) == []  # nothing offered
        assert booking.available_slots(s, actor=shop.actor, service_id=hotel, day=start + timedelta(days=2))  # the day it frees up
        assert booking.available_slots(s, actor=shop.actor, service_id=banho, day=start)  # other services are not the plugin's
        with pytest.raises(ServiceError, match=f"Não há vaga de hotel em {start:%d/%m}"):
            booking.book(s, actor=shop.actor, customer_id=c1, pet_id=p1, service_id=hotel, starts_at=at)
        guest = booking.book(
            s, actor=shop.actor, customer_id=c0, pet_id=p0, service_id=hotel, starts_at=at
        )  # the guest itself: its own place
    with tenant_session(shop.tenant_id) as s:  # a move onto a full night is refused; off it, allowed
        later = booking.book(s, actor=shop.actor, customer_id=c2, pet_id=p2, service_id=hotel, starts_at=at + timedelta(days=3))
        with pytest.raises(ServiceError, match="Não há vaga de hotel"):
            booking.reschedule(s, actor=shop.actor, appointment_id=later.id, starts_at=at + timedelta(days=1))
        booking.reschedule(s, actor=shop.actor, appointment_id=later.id, starts_at=at + timedelta(days=4))
        span = {"categories": ("hotel",), "start": start, "end": start + timedelta(days=10)}
        assert later.id in [b.appointment_id for b in booking.stay_bookings(s, actor=shop.actor, **span)]
        assert later.id not in [b.appointment_id for b in booking.stay_bookings(s, actor=shop.actor, exclude=later.id, **span)]
        assert guest.id

    other = open_every_day(make_shop("Outro hotel"), services)  # another shop's same night is not full
    (oc, op) = _pets(other, 1)[0]
    with tenant_session(other.tenant_id) as s:
        other_hotel = {svc.name: svc.id for svc in catalog.list_services(s, actor=other.actor)}["Hotel (pernoite)"]
        stays.set_places(s, actor=other.actor, kind="hotel", value=1)
        assert booking.available_slots(s, actor=other.actor, service_id=other_hotel, day=start)
        booking.book(s, actor=other.actor, customer_id=oc, pet_id=op, service_id=other_hotel, starts_at=at)
    with tenant_session(shop.tenant_id) as s:  # with the plugin switched off, the Agenda counts only the service's capacity
        plugin_switches.set_enabled(s, actor=shop.actor, plugin="daycare", enabled=False)
    with tenant_session(shop.tenant_id) as s:
        booking.book(s, actor=shop.actor, customer_id=c1, pet_id=p1, service_id=hotel, starts_at=at)


def test_the_agenda_asks_for_the_same_vaccines_as_the_desk(auzap_tenant):
    """A "Creche" booked in the Agenda (staff, or the AI's book_appointment) needs the vaccines the
    desk asks for; the refusal is about the pet, so the agent offers no other times."""
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from auzap_console.services import booking, catalog

    shop = auzap_tenant
    day = TODAY + timedelta(days=4)
    at = datetime.combine(day, time(8, 0), tzinfo=ZoneInfo("America/Sao_Paulo")).astimezone(UTC)
    with tenant_session(shop.tenant_id) as s:
        creche = {svc.name: svc.id for svc in catalog.list_services(s, actor=shop.actor)}["Creche"]
        tutor = customers.save_customer(s, actor=shop.actor, name="Tutor Sem Carteirinha", phone="+5511961000099")
        rex = customers.save_pet(s, actor=shop.actor, customer_id=tutor.id, name="Rex", species="dog").id
        assert booking.available_slots(s, actor=shop.actor, service_id=creche, day=day)  # times are offered before the pet is known
        with pytest.raises(ServiceError, match="falta vacina em dia para Rex — V10 \\(sem registro\\)") as refused:
            booking.book(s, actor=shop.actor, customer_id=tutor.id, pet_id=rex, service_id=creche, starts_at=at)
        assert refused.value.field == "pet"
        with pytest.raises(ServiceError, match="diga qual pet vai ficar") as unnamed:  # a stay is a pet's
            booking.book(s, actor=shop.actor, customer_id=tutor.id, pet_id=None, service_id=creche, starts_at=at)
        assert unnamed.value.field == "pet"
    _vaccinate(shop, rex, "V10", "Antirrábica")
    with tenant_session(shop.tenant_id) as s:
        booking.book(s, actor=shop.actor, customer_id=tutor.id, pet_id=rex, service_id=creche, starts_at=at)
