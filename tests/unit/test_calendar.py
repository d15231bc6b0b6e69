"""The agenda: a day's appointments in the shop's time zone, the counter's status flow (audited,
only allowed steps), cancelling with a reason, capacity use; another shop sees and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Appointment, AuditLog, Customer, Service, Tenant
from auzap_console.pages.calendar import CalendarState
from auzap_console.services import booking, calendar
from auzap_console.services.context import NotFound, ServiceError
from tests.conftest import session_token
from tests.utils.agent_helpers import agent_shop
from tests.utils.reflex_harness import Browser

SP = ZoneInfo("America/Sao_Paulo")


def _next_monday() -> date:
    today = datetime.now(SP).date()
    return today + timedelta(days=7 - today.weekday())


def _book(shop, day: date, hour: int, service: str = "Banho P", minute: int = 0) -> int:
    with tenant_session(shop.tenant_id) as s:
        svc = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == service)).one()
        starts = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SP).astimezone(UTC)
        return booking.book(s, actor=shop.actor, customer_id=shop.customer_id, service_id=svc.id, starts_at=starts).id


def test_day_agenda_is_in_the_shop_time_zone_with_capacity_use():
    shop = agent_shop("Loja Agenda")
    monday = _next_monday()
    first = _book(shop, monday, 8)
    _book(shop, monday, 17, service="Tosa completa")  # 17:00 in São Paulo is 20:00 UTC: still this day
    with tenant_session(shop.tenant_id) as s:
        agenda = calendar.day_agenda(s, actor=shop.actor, day=monday)
        only_grooming = calendar.day_agenda(s, actor=shop.actor, day=monday, category="grooming")
        week = calendar.week_overview(s, actor=shop.actor, week_of=monday)
    assert (agenda.opens, agenda.closes) == ("08:00", "18:00")
    assert [(i.starts, i.ends, i.service, i.pet, i.in_use, i.capacity) for i in agenda.items] == [
        ("08:00", "09:00", "Banho P", "", 1, 1),
        ("17:00", "18:00", "Tosa completa", "", 1, 1),
    ]
    assert agenda.items[0].id == first and agenda.items[0].next_statuses == ("checked_in", "no_show", "cancelled")
    assert [i.service for i in only_grooming.items] == ["Tosa completa"]
    assert [(d.day.weekday(), d.total) for d in week if d.total] == [(0, 2)]


def test_the_counter_flow_is_audited_and_only_allows_the_next_steps():
    shop = agent_shop("Loja Fluxo")
    monday = _next_monday()
    appointment_id = _book(shop, monday, 9)
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match="Não dá para passar"):
        booking.set_status(s, actor=shop.actor, appointment_id=appointment_id, status="completed")
    for status in ("checked_in", "in_service", "ready", "completed"):
        with tenant_session(shop.tenant_id) as s:
            booking.set_status(s, actor=shop.actor, appointment_id=appointment_id, status=status)
    with tenant_session(shop.tenant_id) as s:
        steps = s.exec(
            select(AuditLog.details)
            .where(AuditLog.tenant_id == shop.tenant_id, AuditLog.action == "appointment.status")
            .order_by(AuditLog.id)
        ).all()
        customer = s.get(Customer, shop.customer_id)
    assert [d["to"] for d in steps] == ["checked_in", "in_service", "ready", "completed"]
    assert customer.last_visit_at is not None  # a completed visit is the customer's last visit


def test_a_pet_in_service_still_holds_its_place():
    shop = agent_shop("Loja Vaga")
    monday = _next_monday()
    appointment_id = _book(shop, monday, 10)
    with tenant_session(shop.tenant_id) as s:
        booking.set_status(s, actor=shop.actor, appointment_id=appointment_id, status="checked_in")
    with pytest.raises(ServiceError, match="lotado"):
        _book(shop, monday, 10)


def test_the_page_moves_and_cancels_with_a_reason():
    shop = agent_shop("Loja Balcão")
    monday = _next_monday()
    appointment_id = _book(shop, monday, 11)
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(CalendarState.load)
    state = tab.state(CalendarState)
    tab.call(CalendarState.pick_day, monday.isoformat())
    (item,) = state.items
    assert [s.label for s in item.steps] == ["Chegou", "Não veio"] and item.can_cancel and item.use == "1/1"
    tab.call(CalendarState.step, appointment_id, "checked_in")
    assert state.items[0].status_label == "chegou" and state.items[0].can_cancel is not False
    tab.call(CalendarState.ask_cancel, appointment_id)
    tab.call(CalendarState.confirm_cancel, {"reason": ""})
    assert state.form_error == t("err.cancel_reason") and state.cancel_id == appointment_id
    tab.call(CalendarState.confirm_cancel, {"reason": "cliente viajou"})
    assert state.cancel_id == 0 and state.items[0].status == "cancelled"
    with tenant_session(shop.tenant_id) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "appointment.cancel", AuditLog.entity_id == appointment_id)).one()
    assert entry.details == {"reason": "cliente viajou"}
    tab.call(CalendarState.set_view, "week")
    assert len(state.week) == 7 and state.week[0].label.startswith("Seg")


def test_another_shop_sees_and_changes_nothing():
    a, b = agent_shop("Loja Agenda A"), agent_shop("Loja Agenda B")
    monday = _next_monday()
    appointment_id = _book(a, monday, 14)
    with tenant_session(b.tenant_id) as s:
        assert calendar.day_agenda(s, actor=b.actor, day=monday).items == []
        assert sum(d.total for d in calendar.week_overview(s, actor=b.actor, week_of=monday)) == 0
        with pytest.raises(NotFound):
            booking.set_status(s, actor=b.actor, appointment_id=appointment_id, status="checked_in")
    tab = Browser(session_token(b.email, b.password))
    tab.call(CalendarState.load)
    tab.call(CalendarState.step, appointment_id, "checked_in")
    tab.call(CalendarState.ask_cancel, appointment_id)
    tab.call(CalendarState.confirm_cancel, {"reason": "roubo"})
    with tenant_session(a.tenant_id) as s:
        assert s.get(Appointment, appointment_id).status == "confirmed"


def test_ready_for_pickup_tells_the_tutor_once_unless_switched_off(local_jobs):
    from auzap_console.agents.chat import receive_text
    from auzap_console.models import Message, Pet
    from auzap_console.services.channels import create_channel
    from auzap_console.services.notifications import set_notify_ready

    shop = agent_shop("Loja Pronto")
    with tenant_session(shop.tenant_id) as s:
        channel = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel
        thor = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).one()
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone="+5511988887777", text="oi", channel_id=channel.id)
    monday = _next_monday()
    first = _book(shop, monday, 9)
    with tenant_session(shop.tenant_id) as s:
        s.get(Appointment, first).pet_id = thor.id
    for status in ("checked_in", "in_service", "ready"):
        with tenant_session(shop.tenant_id) as s:
            booking.set_status(s, actor=shop.actor, appointment_id=first, status=status)
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        notices = s.exec(select(Message).where(Message.conversation_id == conversation_id, Message.sender == "system")).all()
        audit = s.exec(select(AuditLog.details).where(AuditLog.entity_id == first, AuditLog.action == "appointment.status")).all()
    assert [(m.body, m.delivery_status) for m in notices] == [
        ("Oi! Thor já está pronto para buscar. 🐾 Te esperamos na loja!", "delivered")
    ]
    assert audit[-1] == {"from": "in_service", "to": "ready", "tutor_notified": True}

    with tenant_session(shop.tenant_id) as s:
        set_notify_ready(s, actor=shop.actor, enabled=False)
    second = _book(shop, monday, 11)
    for status in ("checked_in", "in_service", "ready"):
        with tenant_session(shop.tenant_id) as s:
            booking.set_status(s, actor=shop.actor, appointment_id=second, status=status)
    local_jobs.drain()
    with tenant_session(shop.tenant_id) as s:
        assert len(s.exec(select(Message).where(Message.conversation_id == conversation_id, Message.sender == "system")).all()) == 1


def test_only_the_owner_switches_the_pickup_notice():
    from auzap_console.models import Tenant
    from auzap_console.pages.settings import SettingsState
    from auzap_console.services import team

    shop = agent_shop("Loja Aviso")
    with tenant_session(shop.tenant_id) as s:
        team.add_user(
            s, actor=shop.actor, name="Gerente", email=f"g-{shop.tenant_id}@example.com", role="manager", password="Rabanete-Azul-77"
        )
    manager = Browser(session_token(f"g-{shop.tenant_id}@example.com", "Rabanete-Azul-77"))
    manager.call(SettingsState.set_notify_ready, False)
    with tenant_session(shop.tenant_id) as s:
        assert (s.get(Tenant, shop.tenant_id).settings or {}).get("notify_ready", True) is True
    owner = Browser(session_token(shop.email, shop.password))
    owner.call(SettingsState.load)
    assert owner.state(SettingsState).notify_ready
    owner.call(SettingsState.set_notify_ready, False)
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Tenant, shop.tenant_id).settings["notify_ready"] is False


def test_stays_are_picked_up_while_the_shop_is_open_and_an_overnight_one_says_when_it_ends():
    from auzap_console.pages.calendar.state import item_row
    from auzap_console.services import catalog
    from auzap_console.services import plugins as plugin_switches

    shop = agent_shop("Loja Hotel")
    with tenant_session(shop.tenant_id) as s:
        tenant = s.get(Tenant, shop.tenant_id)
        tenant.business_hours = {**tenant.business_hours, "sun": None}  # closed on Sundays
        s.add(tenant)
        hotel = catalog.save_service(
            s, actor=shop.actor, name="Hotel", price_cents=12000, duration_minutes=1440, category="hotel", capacity=5
        )
        creche = catalog.save_service(
            s, actor=shop.actor, name="Creche", price_cents=7000, duration_minutes=600, category="daycare", capacity=5
        )
        plugin_switches.set_enabled(s, actor=shop.actor, plugin="daycare", enabled=False)  # the core's rules alone (no pet, no vaccines)
    monday = _next_monday()
    stay = _book(shop, monday, 9, service="Hotel", minute=30)
    with tenant_session(shop.tenant_id) as s:
        agenda = calendar.day_agenda(s, actor=shop.actor, day=monday)
        creche_slots = booking.available_slots(s, actor=shop.actor, service_id=creche.id, day=monday)
        hotel_saturday = booking.available_slots(s, actor=shop.actor, service_id=hotel.id, day=monday + timedelta(days=5))
    (item,) = agenda.items
    assert (item.id, item.starts, item.ends, item.ends_label) == (stay, "09:30", calendar.DAY_END, "amanhã 09:30")
    assert item_row(item).time == "09:30–amanhã 09:30"
    assert agenda.slots[-1] == "23:30"  # it holds the day to its end
    assert [x.astimezone(SP).strftime("%H:%M") for x in creche_slots] == ["08:00"]  # ten hours, picked up by 18:00
    assert hotel_saturday == []  # it would be picked up on Sunday, closed
    with pytest.raises(ServiceError, match="A retirada seria em"):  # open at 17:30; closed at its 03:30 pick-up
        _book(shop, monday, 17, service="Creche", minute=30)
    with pytest.raises(ServiceError, match="fechados"):
        _book(shop, monday, 7, service="Creche")
