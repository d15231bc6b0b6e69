"""The customer record in the browser: a vaccine with its due badge, a booking from the record
with only free times offered, and the field at fault focused; the booking on the agenda, moved
along the counter's flow — at desktop and phone widths."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import goto, login, shot


@pytest.mark.parametrize("width", [1280, 390])
def test_vaccines_and_a_booking_from_the_record(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    goto(page, "/customers")
    page.click("#customer-new")
    name = f"Ficha {uuid.uuid4().hex[:5]}"
    page.fill("#customer-name", name)
    page.fill("#customer-phone", f"(11) 9{uuid.uuid4().int % 10**8:08d}")
    page.click("#customer-save")
    expect(page.locator("#detail-name")).to_have_text(name)
    page.click("#pet-new")
    page.fill("#pet-name", "Paçoca")
    page.click("#pet-save")
    expect(page.locator("#pet-list")).to_contain_text("Paçoca")

    page.click(".pet-vaccines")
    expect(page.locator("#vaccine-empty")).to_be_visible()
    page.fill("#vaccine-name", "V10")
    page.fill("#vaccine-given", (date.today() - timedelta(days=400)).isoformat())
    page.fill("#vaccine-next", (date.today() - timedelta(days=10)).isoformat())
    page.click("#vaccine-save")
    expect(page.locator("#vaccine-list")).to_contain_text("vencida")
    expect(page.locator("#vaccine-name")).to_have_value("")  # ready for the next dose
    page.fill("#vaccine-name", "Gripe")
    page.fill("#vaccine-given", (date.today() - timedelta(days=2)).isoformat())
    page.fill("#vaccine-next", (date.today() - timedelta(days=3)).isoformat())
    page.click("#vaccine-save")
    expect(page.locator("#form-error")).to_contain_text("próxima dose deve ser depois")
    expect(page.locator("#vaccine-next")).to_be_focused()
    expect(page.locator("#vaccine-next")).to_have_attribute("aria-invalid", "true")
    shot(page, f"customer-vaccines-{width}")
    page.keyboard.press("Escape")
    expect(page.locator(".pet-card")).to_contain_text("vencida")  # the card warns without opening the dialog

    page.click("#book-new")
    expect(page.locator("#book-slots-empty")).to_contain_text("Escolha o serviço")
    monday = date.today() + timedelta(days=7 - date.today().weekday())  # the demo shop is open on Mondays
    page.fill("#book-day", monday.isoformat())
    page.click("#book-service")
    page.get_by_role("option").first.click()
    slot = page.locator("#book-slots .slot-button").first
    expect(slot).to_be_visible()
    chosen = slot.inner_text()
    slot.click()
    shot(page, f"customer-booking-{width}")
    page.click("#book-save")
    expect(page.locator("#appointment-list")).to_contain_text(chosen)
    expect(page.locator("#appointment-list")).to_contain_text("Equipe")
    shot(page, f"customer-record-{width}")

    goto(page, f"/calendar?d={monday.isoformat()}")  # the agenda shows it; the counter moves it along
    if width >= 1280:  # the desk grid: the appointment's chip opens its sheet
        page.locator(".cal-chip", has_text=name).click()
        sheet = page.locator("#appointment-dialog")
        expect(sheet).to_contain_text(chosen)
        page.locator(".appt-step", has_text="Chegou").click()
        expect(sheet).to_contain_text("chegou")
        page.locator(".appt-step", has_text="Iniciar atendimento").click()
        expect(sheet).to_contain_text("em atendimento")
        page.keyboard.press("Escape")
    else:  # phones: a list by time with the next steps on each card
        card = page.locator(".cal-item", has_text=name)  # this customer's (demo pets share names)
        expect(card).to_contain_text(chosen)
        card.locator(".cal-step", has_text="Chegou").click()
        expect(card).to_contain_text("chegou")
        card.locator(".cal-step", has_text="Iniciar atendimento").click()
        expect(card).to_contain_text("em atendimento")
    shot(page, f"calendar-day-{width}")
    page.click("#cal-view >> text=Semana")
    expect(page.locator("#cal-week .cal-week-day")).to_have_count(7)
    shot(page, f"calendar-week-{width}")
