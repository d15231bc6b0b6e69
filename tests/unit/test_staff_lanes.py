"""Professionals on the agenda: who does what and when, free-or-busy at booking (by a person or the
AI), moving and reassigning; another shop's professionals are out of reach."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Appointment, AuditLog, Service
from auzap_console.services import booking, staff
from auzap_console.services.context import NotFound, PermissionDenied, ServiceError
from tests.utils.agent_helpers import agent_shop

SP = ZoneInfo("America/Sao_Paulo")
NY = ZoneInfo("America/New_York")


def _monday() -> date:
    today = datetime.now(SP).date()
    return today + timedelta(days=7 - today.weekday())


def _at(day: date, hour: int, tz: ZoneInfo = SP, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


def _service(shop, name: str) -> Service:
    with tenant_session(shop.tenant_id) as s:
        return s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == name)).one()


def _groomers(shop, capacity: int = 3):
    """Ana and Bruno do grooming; Ana works mornings on Mondays only-ish (own hours); grooming takes 3 at once."""
    with tenant_session(shop.tenant_id) as s:
        tosa = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Tosa completa")).one()
        tosa.capacity = capacity
        s.add(tosa)
        ana = staff.save_staff(
            s,
            actor=shop.actor,
            name="Ana",
            categories=["grooming"],
            working_hours={"mon": {"open": "08:00", "close": "12:00"}, "tue": {"open": "08:00", "close": "18:00"}},
        )
        bruno = staff.save_staff(s, actor=shop.actor, name="Bruno", categories=["grooming", "bath"])
        return ana.id, bruno.id, tosa.id


def _book(shop, service_id: int, starts: datetime, staff_id: int | None = None) -> Appointment:
    with tenant_session(shop.tenant_id) as s:
        return booking.book(s, actor=shop.actor, customer_id=shop.customer_id, service_id=service_id, starts_at=starts, staff_id=staff_id)


def test_a_booking_takes_a_free_professional_and_capacity_counts_people_too():
    shop = agent_shop("Loja Lanes")
    ana, bruno, tosa = _groomers(shop)
    monday = _monday()
    first = _book(shop, tosa, _at(monday, 9))
    second = _book(shop, tosa, _at(monday, 9))
    assert (first.staff_id, second.staff_id) == (ana, bruno)  # the first free one, then the next
    with pytest.raises(ServiceError, match="Nenhum profissional livre"):
        _book(shop, tosa, _at(monday, 9))  # the service takes 3, but both groomers are busy
    afternoon = _book(shop, tosa, _at(monday, 14))
    assert afternoon.staff_id == bruno  # Ana works only mornings on Mondays
    with pytest.raises(ServiceError, match="Ana não trabalha nesse horário"):
        _book(shop, tosa, _at(monday, 15), staff_id=ana)
    with pytest.raises(ServiceError, match="Bruno já tem um atendimento"):
        _book(shop, tosa, _at(monday, 14, minute=30), staff_id=bruno)
    # Bath: Bruno is the only bather, so the 09:00 bath is refused (he is grooming), 10:00 is his.
    banho = _service(shop, "Banho P").id
    with pytest.raises(ServiceError, match="Nenhum profissional livre"):
        _book(shop, banho, _at(monday, 9))
    assert _book(shop, banho, _at(monday, 10)).staff_id == bruno
    with pytest.raises(ServiceError, match="Ana não faz “Banho P”"):
        _book(shop, banho, _at(monday, 11), staff_id=ana)


def test_free_times_follow_the_professionals():
    shop = agent_shop("Loja Vagas Staff")
    ana, bruno, tosa = _groomers(shop)
    monday = _monday()
    _book(shop, tosa, _at(monday, 9), staff_id=bruno)
    with tenant_session(shop.tenant_id) as s:
        any_one = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=monday)
        anas = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=monday, staff_id=ana)
        brunos = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=monday, staff_id=bruno)
    hours = lambda slots: [x.astimezone(SP).strftime("%H:%M") for x in slots]  # noqa: E731
    assert hours(anas) == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00"]
    assert "09:00" not in hours(brunos) and "08:30" not in hours(brunos) and "10:00" in hours(brunos)
    assert "09:00" in hours(any_one) and "17:00" in hours(any_one)  # Ana is free at 9; Bruno in the afternoon


def test_a_category_nobody_does_keeps_the_service_capacity_rule_and_long_stays_hold_nobody():
    shop = agent_shop("Loja Sem Staff")
    with tenant_session(shop.tenant_id) as s:
        staff.save_staff(s, actor=shop.actor, name="Carla", categories=["grooming"])
        from auzap_console.services import catalog

        creche = catalog.save_service(
            s, actor=shop.actor, name="Creche diária", price_cents=7000, duration_minutes=9 * 60, category="grooming", capacity=2
        ).id
    banho = _service(shop, "Banho G").id
    monday = _monday()
    assert _book(shop, banho, _at(monday, 9)).staff_id is None  # nobody does baths: no professional needed
    stay = _book(shop, creche, _at(monday, 8))
    assert stay.staff_id is None  # a day of daycare does not hold Carla all day
    assert _book(shop, _service(shop, "Tosa completa").id, _at(monday, 9)).staff_id is not None


def test_moving_keeps_the_professional_when_free_and_reassigning_is_checked_and_audited():
    shop = agent_shop("Loja Mover")
    ana, bruno, tosa = _groomers(shop)
    monday = _monday()
    appt = _book(shop, tosa, _at(monday, 9), staff_id=ana)
    with tenant_session(shop.tenant_id) as s:
        moved = booking.reschedule(s, actor=shop.actor, appointment_id=appt.id, starts_at=_at(monday, 10))
        assert moved.staff_id == ana
        moved = booking.reschedule(s, actor=shop.actor, appointment_id=appt.id, starts_at=_at(monday, 15))
        assert moved.staff_id == bruno  # Ana is off in the afternoon: whoever is free takes it
    other = _book(shop, tosa, _at(monday, 11), staff_id=ana)
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match="Ana não trabalha"):
        booking.assign_staff(s, actor=shop.actor, appointment_id=appt.id, staff_id=ana)
    with tenant_session(shop.tenant_id) as s:
        booking.assign_staff(s, actor=shop.actor, appointment_id=other.id, staff_id=bruno)
        audit = s.exec(select(AuditLog.details).where(AuditLog.entity_id == other.id, AuditLog.action == "appointment.staff")).one()
    assert audit == {"from": ana, "to": bruno}


def test_staff_members_are_validated_and_only_managers_change_them():
    shop = agent_shop("Loja Cadastro Staff")
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="pelo menos um tipo") as err:
            staff.save_staff(s, actor=shop.actor, name="Dani", categories=[])
        with pytest.raises(ServiceError, match="nome do profissional") as err:
            staff.save_staff(s, actor=shop.actor, name="D", categories=["bath"])
        assert err.value.field == "staff-name"
        with pytest.raises(ServiceError, match="Horário inválido em segunda"):
            backwards = {"mon": {"open": "18:00", "close": "08:00"}}
            staff.save_staff(s, actor=shop.actor, name="Dani", categories=["bath"], working_hours=backwards)
        with pytest.raises(PermissionDenied):
            staff.save_staff(s, actor=shop.actor.__class__(tenant_id=shop.tenant_id, role="staff"), name="Dani", categories=["bath"])


def test_another_shop_cannot_use_or_see_these_professionals():
    mine, theirs = agent_shop("Loja Minha Staff"), agent_shop("Loja Deles Staff")
    ana, _, _ = _groomers(mine)
    tosa_theirs = _service(theirs, "Tosa completa").id
    with pytest.raises(NotFound):
        _book(theirs, tosa_theirs, _at(_monday(), 9), staff_id=ana)
    with tenant_session(theirs.tenant_id) as s:
        assert staff.list_staff(s, actor=theirs.actor) == []
        with pytest.raises(NotFound):
            staff.save_staff(s, actor=theirs.actor, staff_id=ana, name="Roubada", categories=["bath"])
    appt = _book(theirs, tosa_theirs, _at(_monday(), 9))
    with tenant_session(theirs.tenant_id) as s, pytest.raises(NotFound):
        booking.assign_staff(s, actor=theirs.actor, appointment_id=appt.id, staff_id=ana)


def test_time_zones_with_and_without_daylight_saving():
    """New York moves its clocks on 2027-03-14 (and back on 2027-11-07); São Paulo has not since 2019."""
    shop = agent_shop("Loja Nova York")
    with tenant_session(shop.tenant_id) as s:
        from auzap_console.models import Tenant

        s.get(Tenant, shop.tenant_id).timezone = "America/New_York"
    tosa = _service(shop, "Tosa completa").id
    before, after = date(2027, 3, 12), date(2027, 3, 15)  # Friday before, Monday after the switch
    with tenant_session(shop.tenant_id) as s:
        fri = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=before)
        mon = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=after)
        switch_day = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=date(2027, 3, 14))
        back_day = booking.available_slots(s, actor=shop.actor, service_id=tosa, day=date(2027, 11, 7))
    assert fri[0] == datetime(2027, 3, 12, 13, 0, tzinfo=UTC)  # 08:00 EST = UTC-5
    assert mon[0] == datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # 08:00 EDT = UTC-4
    assert switch_day[0] == datetime(2027, 3, 14, 12, 0, tzinfo=UTC) and len(switch_day) == len(mon)
    assert back_day[0] == datetime(2027, 11, 7, 13, 0, tzinfo=UTC) and len(back_day) == len(mon)
    appt = _book(shop, tosa, mon[2])
    from auzap_console.services import calendar

    with tenant_session(shop.tenant_id) as s:
        agenda = calendar.day_agenda(s, actor=shop.actor, day=after)
    assert [i.starts for i in agenda.items] == ["09:00"] and agenda.items[0].id == appt.id
    sp = agent_shop("Loja São Paulo DST")
    with tenant_session(sp.tenant_id) as s:
        slots = booking.available_slots(s, actor=sp.actor, service_id=_service(sp, "Tosa completa").id, day=after)
    assert slots[0] == datetime(2027, 3, 15, 11, 0, tzinfo=UTC)  # 08:00 BRT = UTC-3 all year
    assert _at(after, 8, NY) == mon[0]
