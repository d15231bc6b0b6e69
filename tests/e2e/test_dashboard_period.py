"""The dashboard's period section in Chromium with the demo shop: every chart draws its bars, the
period changes the figures, nothing overflows a phone; staff do not get the section."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import login, shot

CHARTS = (
    "chart-revenue-day",
    "chart-conversations",
    "chart-by-source",
    "chart-by-service",
    "chart-cost-persona",
    "chart-tokens-day",
    "chart-funnel",
)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_period_charts_render_with_demo_data(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    expect(page.locator("#kpi-period-bookings")).to_be_visible()
    for chart in CHARTS:
        expect(page.locator(f"#{chart} .recharts-bar-rectangle").first).to_be_visible()
    expect(page.locator("#kpi-ai-share")).to_have_text(re.compile(r"^\d+%$"))
    expect(page.locator("#campaign-revenue-total")).to_contain_text("R$")
    thirty = page.locator("#kpi-period-bookings").inner_text()
    page.click("#period-select")
    page.get_by_role("option", name="7 dias").click()
    expect(page.locator("#kpi-period-bookings")).not_to_have_text(thirty)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"dashboard-period-{width}")


def test_staff_do_not_get_the_period_section(page):
    page.set_viewport_size({"width": 390, "height": 900})
    login(page, "atendente@auzap.com.br", DEMO_PASSWORD)
    expect(page.locator("#kpi-today")).to_be_visible()
    expect(page.locator("#period-section")).to_have_count(0)
    shot(page, "dashboard-staff-390")
