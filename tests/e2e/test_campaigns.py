"""Campaigns in Chromium (demo shop): write a message with variables, preview it on real customers,
start it, and watch the progress move as the campaign minute runs; staff do not see the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG
from tests.e2e.conftest import goto, login, shot

SP = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize("width", [1280, 390])
def test_write_preview_start_and_watch_a_campaign(page, width, monkeypatch):
    from auzap_console.jobs import queues
    from auzap_console.jobs.campaigns import send_due_campaigns
    from auzap_console.services.tenants import tenant_id_for_slug
    from auzap_console.settings import get_settings

    page.set_viewport_size({"width": width, "height": 900})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    goto(page, "/campaigns")
    page.click("#campaign-new")
    page.fill("#campaign-name", f"Volta dos sumidos {width}")
    page.click("#campaign-segment")
    page.get_by_role("option", name="Sumidos há 60 dias").click()
    page.fill("#campaign-template", "Oi {nome}! O {pet} está com saudade, faz {bicho} dias.")
    page.click("#campaign-preview")
    expect(page.locator("#form-error")).to_contain_text("{bicho}")
    page.fill("#campaign-template", "{Oi|Olá} {nome}! O {pet} está com saudade, faz")
    page.locator(".var-chip", has_text="{dias_sem_vir}").click()
    page.click("#campaign-preview")
    expect(page.locator(".preview-bubble")).to_have_count(3)
    expect(page.locator(".preview-bubble").first).not_to_contain_text("{")
    shot(page, f"campaign-editor-{width}")
    page.click("#campaign-start")
    expect(page.locator("#campaign-status")).to_have_text("Agendada")
    expect(page.locator(".recipient-line").first).to_contain_text("Na fila")

    monkeypatch.setenv("CAMPAIGN_SPREAD_MS", "0")
    get_settings.cache_clear()
    day = datetime.now(SP).date() + timedelta(days=1)
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=SP).astimezone(UTC)
    assert send_due_campaigns(noon, only_tenant=tenant_id_for_slug(DEMO_SLUG)).get("sent", 0) > 0  # the cron's minute
    queues.in_process().drain()
    expect(page.locator("#campaign-status")).to_have_text("Enviando")
    expect(page.locator("#campaign-done")).to_have_text(re.compile(r"^30 de \d+ processados$"))  # the default 30 a minute
    expect(page.locator("#funnel-sent")).to_contain_text("30")
    expect(page.locator(".campaign-line").first).to_contain_text("Enviando")
    shot(page, f"campaign-progress-{width}")
    get_settings.cache_clear()


def test_staff_do_not_see_campaigns(page):
    login(page, "atendente@auzap.com.br", DEMO_PASSWORD)
    expect(page.locator("a[href='/campaigns']")).to_have_count(0)
    goto(page, "/campaigns")
    expect(page.locator("#campaign-new")).to_have_count(0)
    shot(page, "campaigns-staff-390")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_manager_previews_and_switches_on_an_automation(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "gerente@auzap.com.br", DEMO_PASSWORD)
    goto(page, "/automations")
    expect(page.locator(".automation-card")).to_have_count(5)
    winback = page.locator("#automation-winback")
    expect(winback.locator(".automation-preview").first).to_contain_text("quer que eu reserve")
    birthday = page.locator("#automation-birthday")
    switch = birthday.locator(".automation-enabled")
    before = switch.get_attribute("data-state")
    switch.click()
    expect(page.locator("[data-sonner-toast]").first).to_contain_text("Automação atualizada")
    expect(switch).to_have_attribute("data-state", "unchecked" if before == "checked" else "checked")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"automations-{width}")
