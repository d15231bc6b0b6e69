"""The agenda in Chromium: create an appointment from an empty half-hour (desk) or the header
button (phone), move it in its sheet, check it in, record a health finding and complete it; a staff
user works the agenda but cannot reach the shop's settings; the demo day with its now line."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD
from auzap_console.models import Service
from auzap_console.services import booking, staff, team
from tests.e2e.conftest import goto, login, shot
from tests.utils.agent_helpers import agent_shop


def _two_weeks_ahead() -> date:
    today = datetime.now(ZoneInfo("America/Sao_Paulo")).date()
    return today + timedelta(days=14 - today.weekday() + 1)  # a Tuesday two weeks ahead


def _shop(name: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        staff.save_staff(s, actor=shop.actor, name="Ana", categories=["bath", "grooming"])
        staff.save_staff(s, actor=shop.actor, name="Bruno", categories=["bath", "grooming"])
    return shop


def _pick_customer(page) -> None:
    page.fill("#new-customer-search", "98888")
    page.locator(".customer-result", has_text="Joana Tutora").click()
    expect(page.locator("#new-customer-chosen")).to_contain_text("Joana Tutora")


@pytest.mark.parametrize("width", [1280, 390])
def test_create_move_check_in_and_complete(page, width):
    shop = _shop(f"Loja Agenda {width}")
    day = _two_weeks_ahead()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, shop.email, shop.password)
    goto(page, f"/calendar?d={day.isoformat()}")
    expect(page.locator("#cal-empty")).to_be_visible()
    if width >= 1280:
        expect(page.locator(".cal-lane-head")).to_have_count(2)
        page.locator(".cal-cell .cal-add").nth(5).click()  # 09:00, Bruno's lane (row 3, second lane)
        expect(page.locator("#new-staff")).to_contain_text("Bruno")
    else:
        page.click("#cal-new")
        page.fill("#new-day", day.isoformat())
    _pick_customer(page)
    page.click("#new-service")
    page.get_by_role("option", name="Banho P · R$ 50,00").click()
    if width < 1280:
        page.locator("#new-slots .slot-button", has_text="09:00").click()
    expect(page.locator("#new-slots .slot-button", has_text="09:00")).to_have_class(re.compile("rt-variant-solid"))  # chosen
    shot(page, f"calendar-new-{width}")
    page.click("#new-save")
    opener = page.locator(".cal-chip" if width >= 1280 else ".cal-item", has_text="Thor")
    expect(opener).to_contain_text("09:00")
    shot(page, f"calendar-booked-{width}")

    (opener if width >= 1280 else opener.locator(".cal-more")).click()
    expect(page.locator("#appointment-dialog")).to_contain_text("Thor · Joana Tutora")
    page.click("#tab-move")
    page.locator("#move-slots .slot-button", has_text="11:00").click()
    shot(page, f"calendar-move-{width}")
    page.click("#move-save")
    expect(page.locator("#appointment-dialog")).to_contain_text("11:00–12:00")
    for step, status in (("Chegou", "chegou"), ("Iniciar atendimento", "em atendimento")):
        page.locator(".appt-step", has_text=step).click()
        expect(page.locator("#appointment-dialog")).to_contain_text(status)
    page.click("#tab-finding")
    page.click("#finding-area")
    page.get_by_role("option", name="Ouvidos").click()
    page.fill("#finding-note", "um pouco de cera")
    page.click("#finding-save")
    expect(page.locator("#appointment-dialog")).to_contain_text("Ouvidos · Leve: um pouco de cera")
    shot(page, f"calendar-sheet-{width}")
    for step, status in (("Pronto para buscar", "pronto para buscar"), ("Concluir", "concluído")):
        page.locator(".appt-step", has_text=step).click()
        expect(page.locator("#appointment-dialog")).to_contain_text(status)
    page.keyboard.press("Escape")
    expect(opener).to_contain_text("11:00")
    expect(opener).to_contain_text("concluído")


def test_staff_works_the_agenda_but_not_the_settings(page):
    shop = _shop("Loja Agenda Staff")
    email = f"atende-{uuid.uuid4().hex[:6]}@example.com"
    day = _two_weeks_ahead()
    tz = ZoneInfo("America/Sao_Paulo")
    with tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Tina Atendente", email=email, role="staff", password="senha-staff-1")
        service = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        starts = datetime(day.year, day.month, day.day, 10, tzinfo=tz)
        appt = booking.book(s, actor=shop.actor, customer_id=shop.customer_id, service_id=service.id, starts_at=starts)
    login(page, email, "senha-staff-1")
    goto(page, f"/calendar?d={day.isoformat()}&a={appt.id}")  # the customer record's link
    expect(page.locator("#appointment-dialog")).to_contain_text("10:00–11:00")
    expect(page.locator("#appt-history")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#cal-grid")).to_be_visible()
    expect(page.locator("#cal-new")).to_be_visible()
    page.emulate_media(media="print")  # the printed day: the list by time, nothing around it
    expect(page.locator("#cal-list")).to_be_visible()
    expect(page.locator("#cal-grid")).to_be_hidden()
    expect(page.locator("#cal-new")).to_be_hidden()
    expect(page.locator("#nav-calendar")).to_be_hidden()
    shot(page, "calendar-print")
    page.emulate_media(media="screen")
    expect(page.locator("#nav-staff")).to_have_count(0)
    goto(page, "/staff")
    expect(page.locator("#page-denied")).to_be_visible()
    goto(page, "/settings")
    expect(page.locator("#reminders-card")).to_have_count(0)
    expect(page.locator("#settings-save")).to_have_count(0)
    expect(page.locator("#notify-ready")).to_have_count(0)
    shot(page, "settings-staff")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_day(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    shot(page, f"dashboard-demo-{width}")
    goto(page, "/calendar")
    expect(page.locator("#cal-title")).to_be_visible()
    shot(page, f"calendar-today-{width}")
    goto(page, "/staff")
    expect(page.locator(".staff-card")).to_have_count(3)
    shot(page, f"staff-{width}")
    goto(page, "/settings")
    expect(page.locator("#reminders-card")).to_contain_text("24 h antes")
    shot(page, f"settings-reminders-{width}")
