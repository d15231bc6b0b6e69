"""The verticals' pages in Chromium (demo shop): the daycare desk — check-in, a report card with its
photo, the occupancy board — and training — a plan's progress charts and completing a session —
at 1280 and 390 px; a shop that switches a vertical off loses its page and its sidebar link."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import expect

from auzap_console.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.e2e.conftest import goto, login, shot

STAFF = "atendente@auzap.com.br"


def _png() -> bytes:
    """A real 8×8 teal PNG (the report card's photo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x0f\x76\x6e" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_the_desk_checks_in_and_sends_a_report_card_with_a_photo(page, tmp_path):
    photo = tmp_path / "thor.png"
    photo.write_bytes(_png())
    login(page, STAFF, DEMO_PASSWORD)
    goto(page, "/creche-hotel")
    expect(page.locator("#desk-arriving .desk-guest").first).to_be_visible()
    expect(page.locator("#occupancy-board")).to_contain_text("Suíte 1")
    shot(page, "daycare-desk-1280")

    arriving = page.locator("#desk-arriving .desk-guest").first
    pet = arriving.locator(".guest-pet").inner_text()
    arriving.locator(".check-in").click()
    page.fill("#check-in-dialog textarea[name=belongings]", "Coleira vermelha e mantinha")
    page.fill("#check-in-dialog textarea[name=feeding]", "Ração própria, 2x ao dia")
    page.click("#check-in-save")
    expect(page.locator("[data-sonner-toast]")).to_contain_text("Check-in de")
    guest = page.locator("#desk-staying .desk-guest", has_text=pet)
    expect(guest).to_contain_text("Ração própria")

    guest.locator(".report-card").click()
    page.fill("#card-dialog input[name=activities]", "Brincou no gramado")
    page.set_input_files("#card-photo input[type=file]", str(photo))
    expect(page.locator("#card-photo-name")).to_have_text("thor.png")
    shot(page, "daycare-report-card-1280")
    page.click("#card-send")
    toast = page.locator("[data-sonner-toast]").last
    expect(toast).to_contain_text("Boletim de")
    sent = "enviado no WhatsApp" in toast.inner_text()  # the demo's first arrival may have no WhatsApp conversation
    expect(guest).to_contain_text("Boletim enviado" if sent else "Boletim salvo · tutor sem WhatsApp")
    shot(page, "daycare-after-1280")


def test_the_desk_fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, STAFF, DEMO_PASSWORD)
    goto(page, "/creche-hotel")
    expect(page.locator("#desk-staying .desk-guest").first).to_be_visible()
    _no_sideways_scroll(page, 390)
    shot(page, "daycare-desk-390")
    page.click("#booking-new")
    expect(page.locator("#booking-dialog")).to_be_visible()
    page.fill("#booking-phone", "(11) 98888-7777")
    page.locator("#booking-dialog").get_by_text("Entrada").click()  # leaving the phone field looks the tutor up
    expect(page.locator("#booking-tutor")).to_contain_text("Joana")
    shot(page, "daycare-booking-390")


@pytest.mark.parametrize("width", [1280, 390])
def test_training_shows_progress_per_goal_and_completes_a_session(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, STAFF, DEMO_PASSWORD)
    goto(page, "/adestramento")
    card = page.locator(".training-plan", has_text="Thor").first
    expect(card).to_contain_text("Obediência básica")
    card.click()
    expect(page.locator("#plan-title")).to_contain_text("Thor")
    expect(page.locator("#progress-charts .goal-chart")).to_have_count(3)
    expect(page.locator("#progress-charts .recharts-line").first).to_be_visible()
    _no_sideways_scroll(page, width)
    shot(page, f"training-plan-{width}")
    if width == 1280:
        page.locator(".session-complete").first.click()
        inputs = page.locator("#complete-dialog .score-input input")
        for i, score in enumerate(("9", "6", "5")):
            inputs.nth(i).fill(score)
        page.fill("#complete-dialog textarea[name=notes]", "Já anda junto sem puxar.")
        page.click("#complete-save")
        expect(page.locator("[data-sonner-toast]")).to_contain_text("Sessão concluída")
        expect(page.locator(".goal-chart").first).to_contain_text("9/10")
        shot(page, "training-completed-1280")


def test_a_vertical_switched_off_loses_its_page_and_link(page):
    from auzap_console.db import tenant_session
    from auzap_console.services import plugins
    from auzap_console.services.context import Actor
    from auzap_console.services.tenants import tenant_id_for_slug

    tenant_id = tenant_id_for_slug(DEMO_SLUG)

    def switch(enabled: bool) -> None:
        with tenant_session(tenant_id) as s:
            plugins.set_enabled(s, actor=Actor(tenant_id=tenant_id, role="owner"), plugin="training", enabled=enabled)

    switch(False)
    try:
        login(page, STAFF, DEMO_PASSWORD)
        expect(page.locator("#nav-creche-hotel")).to_be_visible()
        expect(page.locator("#nav-adestramento")).to_have_count(0)
        goto(page, "/adestramento")
        expect(page.locator("#page-plugin-off")).to_contain_text("desligado")
        expect(page.locator("#plan-new")).to_have_count(0)
        shot(page, "training-switched-off-1280")
    finally:
        switch(True)
