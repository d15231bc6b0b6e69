"""The desk: packages, check-in/out, report cards on WhatsApp, the day-before reminder, the segment
filter, the dashboard card and the demo stays — and another shop touching none of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Customer, Message, Pet
from auzap_console.services import segments
from auzap_console.services.context import NotFound, ServiceError
from auzap_console.testing import make_shop
from auzap_vertical_daycare import desk, packages, plugin, reminders, report_cards, stays
from auzap_vertical_daycare.models import ReportCard, Stay

SP = ZoneInfo("America/Sao_Paulo")
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


def _today() -> date:
    return datetime.now(SP).date()


def _vaccinated(shop, pet_id: int) -> None:
    with tenant_session(shop.tenant_id) as s:
        s.get(Pet, pet_id).vaccinations = [
            {"id": f"v{i}", "name": n, "given_on": "2026-01-01", "next_due": "2031-01-01"}
            for i, n in enumerate(("V10", "Antirrábica", "Gripe canina"))
        ]


def _book(shop, customer, kind="daycare", start=None, nights=1) -> int:
    with tenant_session(shop.tenant_id) as s:
        stay = stays.book(
            s, actor=shop.actor, customer_id=customer.id, pet_id=customer.pet_id, kind=kind, start=start or _today(), nights=nights
        )
        return stay.id


def _outbound(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all())


def test_a_package_pays_daycare_days_until_its_balance_runs_out(auzap_tenant, auzap_customer):
    shop, joana = auzap_tenant, auzap_customer
    _vaccinated(shop, joana.pet_id)
    with tenant_session(shop.tenant_id) as s:
        package = packages.sell(s, actor=shop.actor, customer_id=joana.id, days=2, price_cents=12000)
    days = [_today() + timedelta(days=i) for i in range(1, 4)]
    ids = [_book(shop, joana, start=d) for d in days]
    with tenant_session(shop.tenant_id) as s:
        used = [s.get(Stay, i).package_id for i in ids]
        assert used == [package.id, package.id, None]  # the third day is paid apart
        assert packages.days_left(s, actor=shop.actor, customer_id=joana.id) == 0
        desk.cancel(s, actor=shop.actor, stay_id=ids[0])
    with tenant_session(shop.tenant_id) as s:  # a cancelled day goes back to the package
        assert packages.days_left(s, actor=shop.actor, customer_id=joana.id) == 1
        with pytest.raises(ServiceError, match="1 a 200"):
            packages.sell(s, actor=shop.actor, customer_id=joana.id, days=0)


def test_check_in_keeps_instructions_and_check_out_frees_the_place(auzap_tenant, auzap_customer):
    shop, joana = auzap_tenant, auzap_customer
    _vaccinated(shop, joana.pet_id)
    stay_id = _book(shop, joana, kind="hotel", nights=2)
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="check-in"):
            desk.check_out(s, actor=shop.actor, stay_id=stay_id)
        desk.check_in(s, actor=shop.actor, stay_id=stay_id, room="Suíte 2", belongings="Caminha", feeding="80 g 2x", medication="")
    with tenant_session(shop.tenant_id) as s:
        today = desk.today(s, actor=shop.actor, day=_today())
        assert [(g.pet, g.room, g.feeding) for g in today.staying] == [("Thor", "Suíte 2", "80 g 2x")] and not today.arriving
        board = desk.board(s, actor=shop.actor, start=_today())
        assert dict(board.rooms)["Suíte 2"][:3] == [["Thor"], ["Thor"], []]
        assert board.kinds["hotel"][0][:3] == [1, 1, 0]
        desk.check_out(s, actor=shop.actor, stay_id=stay_id)
    with tenant_session(shop.tenant_id) as s:
        assert stays.occupancy(s, actor=shop.actor, kind="hotel", start=_today(), end=_today() + timedelta(days=1))[_today()] == 0


def test_the_report_card_goes_to_the_tutor_with_its_photo_once(auzap_tenant, auzap_customer, auzap_whatsapp):
    shop, joana = auzap_tenant, auzap_customer
    _vaccinated(shop, joana.pet_id)
    stay_id = _book(shop, joana)
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="está"):  # not here yet
            report_cards.send(s, actor=shop.actor, stay_id=stay_id, day=_today(), meals="all", mood="happy")
        desk.check_in(s, actor=shop.actor, stay_id=stay_id)
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match="Foto recusada"):
        report_cards.send(
            s, actor=shop.actor, stay_id=stay_id, day=_today(), meals="all", mood="happy", photo=(b"GIF89a", "image/jpeg", "x.jpg")
        )
    with tenant_session(shop.tenant_id) as s:
        card = report_cards.send(
            s,
            actor=shop.actor,
            stay_id=stay_id,
            day=_today(),
            meals="half",
            mood="tired",
            activities="Brincou com a bolinha",
            notes="Dormiu depois do almoço.",
            photo=(JPEG, "image/jpeg", "thor.jpg"),
        )
    (message,) = _outbound(shop)
    assert message.id == card.message_id and message.sender == "system"
    assert "Boletim de Thor" in message.body and "comeu metade" in message.body and "Brincou com a bolinha" in message.body
    assert message.meta["media"]["kind"] == "image" and message.meta["media"]["key"] == card.photo_key
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match="já foi feito"):
        report_cards.send(s, actor=shop.actor, stay_id=stay_id, day=_today(), meals="all", mood="happy")
    assert len(_outbound(shop)) == 1


def test_a_card_for_a_tutor_without_whatsapp_is_kept_not_shown_as_sent(auzap_tenant, auzap_customer, auzap_whatsapp):
    from auzap_console.services import customers
    from auzap_vertical_daycare.page import _row

    shop, joana = auzap_tenant, auzap_customer
    with tenant_session(shop.tenant_id) as s:
        walk_in = customers.save_customer(s, actor=shop.actor, name="Bia Balcão", phone="+5511961234567")
        walk_in_pet = customers.save_pet(s, actor=shop.actor, customer_id=walk_in.id, name="Nina", species="dog").id
    _vaccinated(shop, joana.pet_id)
    _vaccinated(shop, walk_in_pet)
    stay_ids = [_book(shop, joana)]
    with tenant_session(shop.tenant_id) as s:
        stay_ids.append(stays.book(s, actor=shop.actor, customer_id=walk_in.id, pet_id=walk_in_pet, kind="daycare", start=_today()).id)
        for stay_id in stay_ids:
            desk.check_in(s, actor=shop.actor, stay_id=stay_id)
    with tenant_session(shop.tenant_id) as s:
        for stay_id in stay_ids:
            report_cards.send(s, actor=shop.actor, stay_id=stay_id, day=_today(), meals="all", mood="happy")
    with tenant_session(shop.tenant_id) as s:
        made = report_cards.made_on(s, actor=shop.actor, day=_today())
        staying = desk.today(s, actor=shop.actor, day=_today()).staying
    assert made == {stay_ids[0]: True, stay_ids[1]: False}
    assert sorted((row.pet, row.card) for row in (_row(g, made) for g in staying)) == [("Nina", "kept"), ("Thor", "sent")]


def test_the_assistant_tells_todays_report_card(auzap_tenant, auzap_customer, auzap_chat):
    _vaccinated(auzap_tenant, auzap_customer.pet_id)
    stay_id = _book(auzap_tenant, auzap_customer, kind="hotel", nights=3)
    assert "ainda não saiu" in auzap_chat("o Thor comeu bem hoje no hotel?").reply
    with tenant_session(auzap_tenant.tenant_id) as s:
        desk.check_in(s, actor=auzap_tenant.actor, stay_id=stay_id)
        report_cards.send(s, actor=auzap_tenant.actor, stay_id=stay_id, day=_today(), meals="all", mood="happy", activities="Passeio")
    result = auzap_chat("e aí, tem notícias do Thor no hotel hoje?")
    assert [c["tool"] for c in result.tool_calls] == ["report_card_today"] and "comeu tudo" in result.reply


def test_the_reminder_goes_once_the_day_before_from_ten(auzap_tenant, auzap_customer, auzap_whatsapp):
    shop, joana = auzap_tenant, auzap_customer
    _vaccinated(shop, joana.pet_id)
    today = _today()
    _book(shop, joana, kind="hotel", start=today + timedelta(days=1), nights=2)
    _book(shop, joana, start=today + timedelta(days=2))  # not tomorrow: not yet
    nine = datetime.combine(today, datetime.min.time(), SP).replace(hour=9).astimezone(UTC)
    with tenant_session(shop.tenant_id) as s:
        assert reminders.remind_shop(s, actor=shop.actor, now=nine) == 0
    with tenant_session(shop.tenant_id) as s:
        assert reminders.remind_shop(s, actor=shop.actor, now=nine + timedelta(hours=2)) == 1
    with tenant_session(shop.tenant_id) as s:
        assert reminders.remind_shop(s, actor=shop.actor, now=nine + timedelta(hours=3)) == 0
    (message,) = _outbound(shop)
    assert "amanhã" in message.body and "entra no hotel" in message.body and "carteirinha" in message.body


def test_a_shop_that_switched_the_plugin_off_gets_no_reminders(auzap_tenant, auzap_customer, auzap_whatsapp):
    from auzap_console.services import plugins as plugin_service

    _vaccinated(auzap_tenant, auzap_customer.pet_id)
    _book(auzap_tenant, auzap_customer, start=_today() + timedelta(days=1))
    with tenant_session(auzap_tenant.tenant_id) as s:
        plugin_service.set_enabled(s, actor=auzap_tenant.actor, plugin="daycare", enabled=False)
    eleven = datetime.combine(_today(), datetime.min.time(), SP).replace(hour=11).astimezone(UTC)
    reminders.send_reminders(now=eleven)
    assert _outbound(auzap_tenant) == []
    with tenant_session(auzap_tenant.tenant_id) as s:
        plugin_service.set_enabled(s, actor=auzap_tenant.actor, plugin="daycare", enabled=True)
    assert reminders.send_reminders(now=eleven) >= 1 and len(_outbound(auzap_tenant)) == 1


def test_segment_filter_and_dashboard_card(auzap_tenant, auzap_customer):
    shop, joana = auzap_tenant, auzap_customer
    _vaccinated(shop, joana.pet_id)
    stay_id = _book(shop, joana, kind="hotel", nights=2)
    with tenant_session(shop.tenant_id) as s:
        desk.check_in(s, actor=shop.actor, stay_id=stay_id)
        stays.set_places(s, actor=shop.actor, kind="hotel", value=4)
    with tenant_session(shop.tenant_id) as s:
        assert "hotel_guests_days" in segments.available(s, actor=shop.actor)
        found = segments.preview(s, actor=shop.actor, criteria={"hotel_guests_days": 30})
        assert [name for _, name in found.sample] == ["Joana Tutora"]
        card = plugin._occupancy_card(s, shop.actor)
    assert card.startswith("1 pet\nCreche 0/10 · Hotel 1/4 · semana")


def test_another_shop_cannot_touch_these_stays(auzap_tenant, auzap_customer):
    _vaccinated(auzap_tenant, auzap_customer.pet_id)
    stay_id = _book(auzap_tenant, auzap_customer)
    other = make_shop("Creche vizinha")
    with tenant_session(other.tenant_id) as s:
        for action in (
            lambda: desk.check_in(s, actor=other.actor, stay_id=stay_id),
            lambda: desk.cancel(s, actor=other.actor, stay_id=stay_id),
            lambda: report_cards.send(s, actor=other.actor, stay_id=stay_id, day=_today(), meals="all", mood="happy"),
            lambda: packages.sell(s, actor=other.actor, customer_id=auzap_customer.id, days=5),
        ):
            with pytest.raises(NotFound):
                action()
        assert desk.today(s, actor=other.actor, day=_today()).arriving == []
        assert packages.balances(s, actor=other.actor) == []
        assert s.exec(select(ReportCard)).all() == []
        assert segments.preview(s, actor=other.actor, criteria={"hotel_guests_days": 30}).count == 0
    with tenant_session(auzap_tenant.tenant_id) as s:
        assert s.get(Stay, stay_id).status == "reserved"


def test_the_demo_shop_has_stays(auzap_db):
    from auzap_console.demo import seed_demo

    tenant_id = seed_demo(customers=30)
    with tenant_session(tenant_id) as s:
        rows = s.exec(select(Stay).where(Stay.tenant_id == tenant_id)).all()
        thor = s.exec(select(Pet).join(Customer).where(Pet.tenant_id == tenant_id, Customer.phone == "+5511988887777")).first()
    assert {r.status for r in rows} >= {"checked_in", "reserved", "checked_out"}
    assert any(r.pet_id == thor.id and r.kind == "hotel" for r in rows)


def _agenda_day(shop, customer, pet_id, status="confirmed", day=None, service="Creche", hours=10) -> int:
    """A "Creche" appointment for today, as the Agenda keeps it (written directly: 08:00 may be past)."""
    from auzap_console.models import Appointment, Service

    start = datetime.combine(day or _today(), datetime.min.time().replace(hour=8), tzinfo=SP).astimezone(UTC)
    with tenant_session(shop.tenant_id) as s:
        creche = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == service)).one()
        appointment = Appointment(
            tenant_id=shop.tenant_id,
            customer_id=customer,
            pet_id=pet_id,
            service_id=creche.id,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            status=status,
            price_cents=creche.price_cents,
        )
        s.add(appointment)
        s.flush()
        return appointment.id


def test_the_agendas_arrivals_are_checked_in_at_the_desk(auzap_tenant, auzap_customer):
    """A daycare day booked in the Agenda arrives on the desk's list; checked in there, it becomes a
    stay (no package day taken) and its appointment is checked in; the pet is counted once."""
    from auzap_console.models import Appointment

    shop, joana = auzap_tenant, auzap_customer
    appointment_id = _agenda_day(shop, joana.id, joana.pet_id, status="pending")
    _agenda_day(shop, joana.id, None)  # no pet named: nothing to check in at the desk
    with tenant_session(shop.tenant_id) as s:
        packages.sell(s, actor=shop.actor, customer_id=joana.id, days=5, price_cents=30000)
        arriving = desk.today(s, actor=shop.actor, day=_today()).arriving
    assert [(g.id, g.agenda, g.pet, g.kind_label, g.dates) for g in arriving] == [
        (appointment_id, True, "Thor", "Creche", _today().strftime("%d/%m"))
    ]
    other = make_shop("Outra creche")
    with tenant_session(other.tenant_id) as s, pytest.raises(NotFound):
        desk.check_in_from_agenda(s, actor=other.actor, appointment_id=appointment_id)
    with tenant_session(shop.tenant_id) as s:
        stay = desk.check_in_from_agenda(s, actor=shop.actor, appointment_id=appointment_id, room="Baia 1", feeding="Ração 2x")
        assert (stay.status, stay.kind, stay.room, stay.feeding, stay.package_id) == ("checked_in", "daycare", "Baia 1", "Ração 2x", None)
        assert s.get(Appointment, appointment_id).status == "checked_in"
    with tenant_session(shop.tenant_id) as s:
        today = desk.today(s, actor=shop.actor, day=_today())
        assert today.arriving == [] and [g.pet for g in today.staying] == ["Thor"]
        taken = stays.occupancy(s, actor=shop.actor, kind="daycare", start=_today(), end=_today() + timedelta(days=1))[_today()]
        assert taken == 2  # Thor once (stay and appointment), and the booking with no pet
        assert [b.left for b in packages.balances(s, actor=shop.actor)] == [5]
        with pytest.raises(ServiceError, match="não está chegando hoje"):  # twice: refused
            desk.check_in_from_agenda(s, actor=shop.actor, appointment_id=appointment_id)
        assert s.get(Stay, stay.id).appointment_id == appointment_id
        assert not desk.today(s, actor=shop.actor, day=_today()).staying[0].agenda_cancelled
    with tenant_session(shop.tenant_id) as s:  # the tutor collects Thor: the Agenda's booking is completed (its price is revenue)
        desk.check_out(s, actor=shop.actor, stay_id=stay.id)
        assert s.get(Appointment, appointment_id).status == "completed"
        assert s.get(Customer, joana.id).last_visit_at is not None


def test_the_agendas_later_stays_show_in_upcoming_and_on_the_board(auzap_tenant, auzap_customer):
    """Upcoming lists the Agenda's daycare and hotel bookings too (marked, not cancellable at the desk);
    an Agenda hotel guest sits under "Sem quarto" on the board until checked in."""
    from auzap_console.services import catalog

    shop, joana = auzap_tenant, auzap_customer
    with tenant_session(shop.tenant_id) as s:
        catalog.save_service(s, actor=shop.actor, name="Hotel", price_cents=12000, duration_minutes=1440, category="hotel", capacity=3)
    in_two = _today() + timedelta(days=2)
    hotel = _agenda_day(shop, joana.id, joana.pet_id, day=in_two, service="Hotel", hours=48)  # two nights
    with tenant_session(shop.tenant_id) as s:
        later = desk.upcoming(s, actor=shop.actor, day=_today())
        board = desk.board(s, actor=shop.actor, start=_today())
    assert [(g.id, g.agenda, g.pet, g.dates) for g in later] == [
        (hotel, True, "Thor", f"{in_two:%d/%m} → {in_two + timedelta(days=2):%d/%m} (2 noites)")
    ]
    rows = dict(board.rooms)
    assert rows[desk.NO_ROOM][2] == ["Thor"] and rows[desk.NO_ROOM][3] == ["Thor"] and rows[desk.NO_ROOM][4] == []
    assert board.kinds["hotel"][0][2:5] == [1, 1, 0]  # counted once
    other = make_shop("Outro hotel")
    with tenant_session(other.tenant_id) as s:
        assert desk.upcoming(s, actor=other.actor, day=_today()) == []


def test_a_stay_whose_agenda_booking_was_cancelled_says_so(auzap_tenant, auzap_customer):
    from auzap_console.services import booking

    shop, joana = auzap_tenant, auzap_customer
    appointment_id = _agenda_day(shop, joana.id, joana.pet_id)
    with tenant_session(shop.tenant_id) as s:
        desk.check_in_from_agenda(s, actor=shop.actor, appointment_id=appointment_id)
    with tenant_session(shop.tenant_id) as s:  # cancelled in the Agenda after the pet arrived
        booking.set_status(s, actor=shop.actor, appointment_id=appointment_id, status="cancelled", reason="engano")
    with tenant_session(shop.tenant_id) as s:
        (thor,) = desk.today(s, actor=shop.actor, day=_today()).staying
    assert thor.pet == "Thor" and thor.agenda_cancelled  # still here until checked out; the desk says why
