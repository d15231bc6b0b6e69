"""The segment builder in Chromium: the count follows the filters at once, a segment is saved (demo shop)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import goto, login, shot


@pytest.mark.parametrize("width", [1280, 390])
def test_build_and_save_a_segment(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    goto(page, "/segments")
    everyone = int(page.locator("#seg-reach").inner_text())
    assert everyone > 100
    page.click("#seg-species")
    page.get_by_role("option", name="Gato").click()
    expect(page.locator("#seg-reach")).not_to_have_text(str(everyone))
    cats = int(page.locator("#seg-reach").inner_text())
    page.fill("#seg-inactive", "60")
    expect(page.locator("#seg-reach")).not_to_have_text(str(cats))
    assert 0 < int(page.locator("#seg-reach").inner_text()) < cats
    page.fill("#segment-name", f"Gatos sumidos {width}")
    page.click("#segment-save")
    expect(page.locator(".segment-row", has_text=f"Gatos sumidos {width}")).to_be_visible()
    shot(page, f"segments-{width}")
