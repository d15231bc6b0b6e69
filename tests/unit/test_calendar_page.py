"""The agenda page's state: lanes × half-hours with closed time shaded, creating from an empty
half-hour (customer search → pet → service → free time), moving and changing professional in the
appointment sheet, a health finding; another shop's appointments and customers stay out of reach."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Appointment, HealthFinding, Service
from auzap_console.pages.calendar import AppointmentState, CalendarState, NewBookingState
from auzap_console.services import booking, staff
from auzap_console.services.tenants import WEEKDAYS
from tests.conftest import session_token
from tests.utils.agent_helpers import agent_shop
from tests.utils.reflex_harness import Browser

SP = ZoneInfo("America/Sao_Paulo")


def _monday() -> date:
    today = datetime.now(SP).date()
    return today + timedelta(days=7 - today.weekday())


def _iso(day: date, hour: int, minute: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SP).astimezone(UTC).isoformat()


def _shop_with_lanes(name: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        week = {d: {"open": "08:00", "close": "12:00" if d == "mon" else "18:00"} for d in WEEKDAYS}  # Monday: mornings only
        shop.ana = staff.save_staff(s, actor=shop.actor, name="Ana", categories=["grooming", "bath"], working_hours=week).id
        shop.bruno = staff.save_staff(s, actor=shop.actor, name="Bruno", categories=["bath", "grooming"]).id
        shop.tosa = s.exec(select(Service.id).where(Service.tenant_id == shop.tenant_id, Service.name == "Tosa completa")).one()
    return shop


def test_the_day_grid_has_a_lane_per_professional_with_their_hours_shaded():
    shop = _shop_with_lanes("Loja Grade")
    monday = _monday()
    with tenant_session(shop.tenant_id) as s:
        booking.book(
            s,
            actor=shop.actor,
            customer_id=shop.customer_id,
            service_id=shop.tosa,
            starts_at=datetime.fromisoformat(_iso(monday, 9)),
            staff_id=shop.bruno,
        )
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CalendarState.load)
    tab.call(CalendarState.pick_day, monday.isoformat())
    state = tab.state(CalendarState)
    assert [(lane.name, lane.hours) for lane in state.lanes] == [("Ana", "08:00–12:00"), ("Bruno", "08:00–18:00")]
    assert state.grid_columns == "64px repeat(2, minmax(150px, 1fr))"
    rows = {r.time: r for r in state.grid}
    assert next(iter(rows)) == "08:00" and list(rows)[-1] == "17:30"
    ana_14, bruno_14 = rows["14:00"].cells
    assert ana_14.off and not ana_14.can_add and not bruno_14.off and bruno_14.can_add
    ana_9, bruno_9 = rows["09:00"].cells
    assert [i.pet or i.customer for i in bruno_9.appts] == ["Joana Tutora"] and bruno_9.appts[0].staff == "Bruno"
    assert ana_9.appts == [] and ana_9.start == _iso(monday, 9)
    ana_930, bruno_930 = rows["09:30"].cells
    assert bruno_930.running == "Joana Tutora até 10:00" and not bruno_930.can_add  # Bruno is still on it: not free
    assert ana_930.running == "" and ana_930.can_add
    tab.call(CalendarState.set_lane, str(shop.ana))
    assert [lane.name for lane in state.lanes] == ["Ana"] and state.items == []


def test_create_from_an_empty_half_hour_with_customer_search():
    shop = _shop_with_lanes("Loja Criar")
    monday = _monday()
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CalendarState.load)
    tab.call(NewBookingState.open_at, _iso(monday, 10), shop.ana)
    form = tab.state(NewBookingState)
    assert form.open and form.day == monday.isoformat() and form.staff_id == str(shop.ana)
    tab.call(NewBookingState.save, {"notes": ""})
    assert "Escolha o cliente" in form.form_error
    tab.call(NewBookingState.search, "thor")  # by pet name
    assert [o.label for o in form.results] == ["Joana Tutora · Thor"]
    tab.call(NewBookingState.choose_customer, form.results[0].value)
    assert form.customer_name == "Joana Tutora" and form.pet != "none"  # her only pet is chosen
    tab.call(NewBookingState.pick_service, str(shop.tosa))
    assert [o.label for o in form.staff_options] == ["Quem estiver livre", "Ana", "Bruno"]
    assert form.slot == _iso(monday, 10)  # the half-hour clicked, free for Ana
    assert "11:00" in [o.label for o in form.slots] and "11:30" not in [o.label for o in form.slots]  # Ana leaves at 12:00
    tab.call(NewBookingState.save, {"notes": "primeira tosa"})
    assert not form.open, form.form_error
    with tenant_session(shop.tenant_id) as s:
        appt = s.exec(select(Appointment).where(Appointment.tenant_id == shop.tenant_id)).one()
    assert (appt.staff_id, appt.notes, appt.starts_at.isoformat()) == (shop.ana, "primeira tosa", _iso(monday, 10))
    agenda = tab.state(CalendarState)
    assert agenda.day == monday.isoformat() and [i.id for i in agenda.items] == [appt.id]


def test_the_sheet_moves_changes_professional_checks_in_and_records_a_finding(local_jobs):
    shop = _shop_with_lanes("Loja Ficha")
    today = datetime.now(SP).date()
    day = today + timedelta(days=1)
    with tenant_session(shop.tenant_id) as s:
        from auzap_console.models import Pet

        thor = s.exec(select(Pet.id).where(Pet.customer_id == shop.customer_id)).one()
        appt = booking.book(
            s,
            actor=shop.actor,
            customer_id=shop.customer_id,
            service_id=shop.tosa,
            starts_at=datetime.fromisoformat(_iso(day, 15)),
            pet_id=thor,
            staff_id=shop.bruno,
        )
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CalendarState.load)
    tab.call(AppointmentState.show, appt.id)
    sheet = tab.state(AppointmentState)
    assert sheet.open and sheet.live and not sheet.during_service and sheet.item.staff == "Bruno"
    assert sheet.slot == _iso(day, 15)  # its own time is offered (it does not conflict with itself)
    tab.call(AppointmentState.pick_slot, _iso(day, 16))
    tab.call(AppointmentState.save_move, {})
    assert sheet.item.time.startswith("16:00") and sheet.tab == "details"
    tab.call(AppointmentState.set_tab, "move")
    tab.call(AppointmentState.pick_move_staff, str(shop.ana))
    if day.weekday() == 0:  # Ana works Monday mornings only: nothing free for her at 16:00
        assert sheet.slot == ""
    else:
        assert sheet.slots and sheet.slot == _iso(day, 16)
        tab.call(AppointmentState.save_move, {})
        assert sheet.item.staff == "Ana"
    with tenant_session(shop.tenant_id) as s:
        booking.reschedule(s, actor=shop.actor, appointment_id=appt.id, starts_at=datetime.fromisoformat(_iso(day, 16)))
    tab.call(AppointmentState.step, "checked_in")
    assert sheet.during_service and not sheet.live
    tab.call(AppointmentState.save_finding, {"finding-area": "ears", "finding-severity": "low", "finding-note": ""})
    assert "Descreva" in sheet.form_error
    tab.call(AppointmentState.save_finding, {"finding-area": "ears", "finding-severity": "low", "finding-note": "cera no ouvido"})
    assert sheet.form_error == "" and [f.label for f in sheet.findings] == ["Ouvidos · Leve: cera no ouvido"]
    tab.call(AppointmentState.resolve, sheet.findings[0].value)
    assert sheet.findings == []


def test_another_shop_cannot_open_move_or_book_with_these(local_jobs):
    a, b = _shop_with_lanes("Loja Página A"), _shop_with_lanes("Loja Página B")
    monday = _monday()
    with tenant_session(a.tenant_id) as s:
        appt = booking.book(
            s, actor=a.actor, customer_id=a.customer_id, service_id=a.tosa, starts_at=datetime.fromisoformat(_iso(monday, 9))
        )
    tab = Browser(session_token(b.email, b.password))
    tab.call(CalendarState.load)
    tab.call(AppointmentState.show, appt.id)
    assert not tab.state(AppointmentState).open
    tab.call(NewBookingState.open_blank)
    tab.call(NewBookingState.search, "Joana")
    assert [o.value for o in tab.state(NewBookingState).results] == [str(b.customer_id)]  # only its own Joana
    tab.call(NewBookingState.choose_customer, str(a.customer_id))
    assert tab.state(NewBookingState).customer_id == 0
    tab.call(NewBookingState.open_at, _iso(monday, 9), a.ana)  # A's professional id in B's dialog
    tab.call(NewBookingState.choose_customer, str(b.customer_id))
    tab.call(NewBookingState.pick_service, str(b.tosa))
    assert tab.state(NewBookingState).staff_id == "any"  # not one of B's professionals
    with tenant_session(a.tenant_id) as s:
        assert s.get(Appointment, appt.id).starts_at.isoformat() == _iso(monday, 9)
        assert s.exec(select(HealthFinding).where(HealthFinding.tenant_id == a.tenant_id)).all() == []


def test_the_now_line_marks_the_current_half_hour_and_past_cells_take_no_booking():
    from auzap_console.pages.calendar.state import _grid
    from auzap_console.services.calendar import DayAgenda, Lane

    day = date(2027, 3, 15)
    agenda = DayAgenda(day=day, opens="08:00", closes="18:00", lanes=[Lane(0, "Agenda da loja", "08:00", "18:00")])
    agenda.slots, agenda.now = ["09:30", "10:00", "10:30"], "10:10"
    now = datetime(2027, 3, 15, 10, 10, tzinfo=SP).astimezone(UTC)
    rows = _grid(agenda, [], SP, now)
    assert [(r.time, r.now) for r in rows] == [("09:30", False), ("10:00", True), ("10:30", False)]
    assert [r.cells[0].can_add for r in rows] == [False, False, True]


def test_the_sheet_shows_who_did_what_and_the_record_links_to_it(local_jobs):
    from auzap_console.pages.customers import CustomersState
    from auzap_console.services import team

    shop = _shop_with_lanes("Loja Histórico")
    with tenant_session(shop.tenant_id) as s:
        team.add_user(
            s, actor=shop.actor, name="Júlia Balcão", email=f"julia-{shop.tenant_id}@example.com", role="staff", password="Rabanete-Azul-77"
        )
    day = datetime.now(SP).date() + timedelta(days=2)
    with tenant_session(shop.tenant_id) as s:
        appt = booking.book(
            s,
            actor=shop.actor,
            customer_id=shop.customer_id,
            service_id=shop.tosa,
            starts_at=datetime.fromisoformat(_iso(day, 10)),
            source="ai",
        )
    julia = Browser(session_token(f"julia-{shop.tenant_id}@example.com", "Rabanete-Azul-77"))
    julia.call(CalendarState.load)
    julia.call(AppointmentState.show, appt.id)
    julia.call(AppointmentState.step, "checked_in")
    sheet = julia.state(AppointmentState)
    assert [line.split(" · ", 1)[1] for line in sheet.history] == ["Dona Teste: agendou", "Júlia Balcão: chegou"]
    with tenant_session(shop.tenant_id) as s:  # still waiting, so it is on the record's upcoming list
        later = booking.book(
            s, actor=shop.actor, customer_id=shop.customer_id, service_id=shop.tosa, starts_at=datetime.fromisoformat(_iso(day, 15))
        )
    owner = Browser(session_token(shop.email, shop.password))
    owner.call(CustomersState.load)
    owner.call(CustomersState.select, shop.customer_id)
    assert [a.link for a in owner.state(CustomersState).appointments] == [f"/calendar?d={day.isoformat()}&a={later.id}"]
    owner.call(CalendarState.load)  # what the link opens: the day, and the sheet (?a=) — checked in Chromium
    owner.call(AppointmentState.show, later.id)
    assert owner.state(AppointmentState).item.time.startswith("15:00")
