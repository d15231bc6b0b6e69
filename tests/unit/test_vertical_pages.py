"""The verticals' pages through their real event handlers: the desk (check-in, report card, booking,
package, capacity) and training (plan, session, completion); staff works them, only managers set
capacity, another shop's people cannot reach these rows, and a shop that switched a vertical off
does not get its page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Message, Pet, StaffMember
from auzap_console.services import catalog, customers, team
from auzap_console.services import plugins as plugin_service
from auzap_console.services.channels import create_channel
from auzap_console.state import AuthState
from tests.conftest import make_shop, session_token
from tests.utils.reflex_harness import Browser

desk_page = pytest.importorskip("auzap_vertical_daycare.page")
training_page = pytest.importorskip("auzap_vertical_training.page")
from auzap_vertical_daycare.models import ReportCard, Stay  # noqa: E402
from auzap_vertical_training.models import Plan, TrainingSession  # noqa: E402

DeskState, TrainingState = desk_page.DeskState, training_page.TrainingState
SP = ZoneInfo("America/Sao_Paulo")
PHONE = "+5511955550001"


def _today() -> date:
    return datetime.now(SP).date()


def _shop_with_guest(name: str):
    """A shop with a simulated WhatsApp channel, a trainer and Joana + Thor (vaccinated, chatting)."""
    from auzap_console.agents.chat import receive_text

    shop = make_shop(name)
    with tenant_session(shop.tenant_id) as s:
        channel = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel
        catalog.save_service(s, actor=shop.actor, name="Adestramento", category="training", price_cents=15000, duration_minutes=60)
        s.add(StaffMember(tenant_id=shop.tenant_id, name="Carla", categories=["training"], working_hours={}))
        joana = customers.save_customer(s, actor=shop.actor, name="Joana Tutora", phone=PHONE)
        thor = customers.save_pet(s, actor=shop.actor, customer_id=joana.id, name="Thor", species="dog")
        s.get(Pet, thor.id).vaccinations = [
            {"id": f"v{i}", "name": n, "given_on": "2026-01-01", "next_due": "2031-01-01"}
            for i, n in enumerate(("V10", "Antirrábica", "Gripe canina"))
        ]
        staff = team.add_user(
            s, actor=shop.actor, name="Júlia", email=f"julia-{shop.tenant_id}@example.com", role="staff", password="Rabanete-Azul-77"
        )
    receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi", channel_id=channel.id)
    return shop, joana.id, thor.id, session_token(staff.email, "Rabanete-Azul-77")


def _outbound(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all())


def test_the_desk_books_checks_in_and_sends_the_report_card():
    shop, _, thor, staff_token = _shop_with_guest("Desk UI")
    tab = Browser(staff_token)
    tab.call(DeskState.load)
    desk = tab.state(DeskState)
    assert desk.loaded and desk.arriving == [] and len(desk.days) == 15 and desk.board_rows[0].label == "Creche"

    tab.call(DeskState.open_booking)
    tab.call(DeskState.find_tutor, "(11) 95555-0001")
    assert desk.tutor_name == "Joana Tutora" and [o.label for o in desk.pet_options] == ["Thor"]
    tab.call(DeskState.book, {"pet": str(thor), "kind": "hotel", "start": _today().isoformat(), "nights": "2"})
    assert desk.dialog == "" and [r.pet for r in desk.arriving] == ["Thor"]
    stay_id = desk.arriving[0].id

    tab.call(DeskState.open_check_in, stay_id, "Thor")
    tab.call(DeskState.check_in, {"room": "Suíte 1", "belongings": "Caminha", "feeding": "80 g", "medication": ""})
    assert [r.room for r in desk.staying] == ["Suíte 1"] and "Alimentação: 80 g" in desk.staying[0].notes
    suite = next(r for r in desk.board_rows if r.label == "Suíte 1")
    assert [c.text for c in suite.cells[:3]] == ["Thor", "Thor", ""]

    tab.call(DeskState.open_card, stay_id, "Thor")
    tab.call(DeskState.send_card, {"meals": "all", "mood": "happy", "activities": "Bolinha", "notes": ""})
    assert desk.staying[0].card == "sent" and "Boletim de Thor" in _outbound(shop)[-1].body

    tab.call(DeskState.open_package)
    tab.call(DeskState.find_tutor, PHONE)
    tab.call(DeskState.sell_package, {"days": "10", "price": "550,00"})
    assert desk.package_rows[0].summary.startswith("10 de 10 diárias")

    tab.call(DeskState.save_places, {"daycare": "12", "hotel": "8"})  # staff: refused
    assert desk.daycare_places == 10
    owner = Browser(session_token(shop.email, shop.password))
    owner.call(DeskState.load)
    owner.call(DeskState.save_places, {"daycare": "12", "hotel": "8"})
    assert owner.state(DeskState).daycare_places == 12


def test_the_desk_refuses_bad_input_inline():
    _, _, thor, staff_token = _shop_with_guest("Desk UI erros")
    tab = Browser(staff_token)
    tab.call(DeskState.load)
    tab.call(DeskState.open_booking)
    tab.call(DeskState.find_tutor, "11 90000-0000")
    desk = tab.state(DeskState)
    assert "Nenhum cliente" in desk.form_error
    tab.call(DeskState.find_tutor, PHONE)
    tab.call(DeskState.book, {"pet": str(thor), "kind": "hotel", "start": (_today() - timedelta(days=1)).isoformat(), "nights": "1"})
    assert "já passou" in desk.form_error and desk.dialog == "booking"  # nothing typed is lost


def test_another_shops_people_cannot_reach_these_stays_from_the_page():
    a, _, thor, staff_a = _shop_with_guest("Desk UI A")
    tab_a = Browser(staff_a)
    tab_a.call(DeskState.load)
    tab_a.call(DeskState.open_booking)
    tab_a.call(DeskState.find_tutor, PHONE)
    tab_a.call(DeskState.book, {"pet": str(thor), "kind": "daycare", "start": _today().isoformat(), "nights": "1"})
    stay_id = tab_a.state(DeskState).arriving[0].id

    b = make_shop("Desk UI B")
    tab_b = Browser(session_token(b.email, b.password))
    tab_b.call(DeskState.load)
    assert tab_b.state(DeskState).arriving == []
    tab_b.call(DeskState.open_check_in, stay_id, "Thor")
    tab_b.call(DeskState.check_in, {"room": "", "belongings": "", "feeding": "", "medication": ""})
    tab_b.call(DeskState.cancel, stay_id, "Thor")
    tab_b.call(DeskState.open_booking)
    tab_b.call(DeskState.find_tutor, PHONE)  # A's customer is not B's
    assert "Nenhum cliente" in tab_b.state(DeskState).form_error
    with tenant_session(a.tenant_id) as s:
        assert s.get(Stay, stay_id).status == "reserved" and s.exec(select(ReportCard).where(ReportCard.stay_id == stay_id)).all() == []


def test_training_page_plans_schedules_and_completes():
    shop, _, _, staff_token = _shop_with_guest("Adestra UI")
    tab = Browser(staff_token)
    tab.call(TrainingState.load)
    page = tab.state(TrainingState)
    assert page.loaded and page.cards == []
    tab.call(TrainingState.open_plan)
    tab.call(TrainingState.find_tutor, PHONE)
    tab.call(
        TrainingState.create_plan, {"pet": page.pet_options[0].value, "program": "Obediência", "sessions": "2", "goals": "Sentar, Ficar"}
    )
    assert page.dialog == "" and page.selected and page.goals == ["Sentar", "Ficar"] and page.cards[0].total == 2

    when = datetime.combine(_today() + timedelta(days=2), time(10))
    tab.call(TrainingState.open_schedule)
    tab.call(TrainingState.schedule, {"when": when.strftime("%Y-%m-%dT%H:%M")})
    assert [s.trainer for s in page.sessions] == ["Carla"] and not page.sessions[0].done

    tab.call(TrainingState.open_complete, page.sessions[0].id)
    tab.call(TrainingState.complete, {"score-0": "11", "score-1": "", "notes": ""})
    assert "0 a 10" in page.form_error and page.dialog == "complete"
    tab.call(TrainingState.complete, {"score-0": "6", "score-1": "3", "notes": "Atento."})
    assert page.sessions[0].done and page.detail.done == 1 and [c.latest for c in page.charts] == ["6/10", "3/10"]
    assert page.charts[0].points == [{"sessao": "S1", "nota": 6}]
    assert "Sessão 1 de 2 de Thor" in _outbound(shop)[-1].body

    other = make_shop("Adestra UI B")
    tab_b = Browser(session_token(other.email, other.password))
    tab_b.call(TrainingState.load)
    tab_b.call(TrainingState.select, page.selected)  # A's plan id typed into B's tab
    assert tab_b.state(TrainingState).cards == [] and tab_b.state(TrainingState).sessions == []
    tab_b.call(TrainingState.cancel_plan)
    with tenant_session(shop.tenant_id) as s:
        plan = s.exec(select(Plan).where(Plan.tenant_id == shop.tenant_id)).one()
        assert plan.status == "active" and len(s.exec(select(TrainingSession).where(TrainingSession.plan_id == plan.id)).all()) == 1


def test_a_shop_that_switched_a_vertical_off_loses_its_page_only():
    shop, _, _, _ = _shop_with_guest("Desliga vertical")
    with tenant_session(shop.tenant_id) as s:
        plugin_service.set_enabled(s, actor=shop.actor, plugin="training", enabled=False)
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(AuthState.check_login)
    assert tab.state(AuthState).disabled_plugins == ["training"]
    from auzap_console.template import NAV

    assert {e.route: e.plugin for e in NAV if e.plugin} == {"/creche-hotel": "daycare", "/adestramento": "training"}


def test_the_segments_page_applies_a_verticals_filter():
    from auzap_console.pages.segments import SegmentsState

    shop, _, thor, staff_token = _shop_with_guest("Segmento hotel")
    tab = Browser(staff_token)
    tab.call(DeskState.load)
    tab.call(DeskState.open_booking)
    tab.call(DeskState.find_tutor, PHONE)
    tab.call(DeskState.book, {"pet": str(thor), "kind": "hotel", "start": _today().isoformat(), "nights": "1"})
    owner = Browser(session_token(shop.email, shop.password))
    owner.call(SegmentsState.load)
    page = owner.state(SegmentsState)
    assert {f.name for f in page.extra_filters} >= {"hotel_guests_days", "training_active"}
    assert "species" not in {f.name for f in page.extra_filters}  # the core's filters keep their own controls
    owner.call(SegmentsState.change_extra, "hotel_guests_days", "30")
    assert page.reach == 1 and page.sample == ["Joana Tutora"]
    owner.call(SegmentsState.change_extra, "training_active", "talvez")
    assert "sim" in page.form_error
