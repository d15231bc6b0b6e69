"""The README's run command (`scripts/run.sh`, which serves every browser test) gives a console
that works for the demo owner: search, open a customer, add a pet, sign up a new shop; at the
desktop width and on a phone."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from auzap_console.agents.chat import chat
from auzap_console.demo import seed_demo
from tests.conftest import _activate
from tests.e2e.conftest import goto, login, shot

DEMO = ("demo@auzap.com.br", "demo12345")


def _search_open_and_add_pet(page, width_label: str) -> None:
    login(page, *DEMO)
    goto(page, "/customers")
    page.fill("#customer-search", "Ana")
    expect(page.locator("#pager-summary")).to_contain_text("cliente")
    rows = page.locator("#customer-table tbody tr")
    expect(rows.first).to_contain_text("Ana")
    rows.first.click()
    expect(page.locator("#detail-name")).to_contain_text("Ana")
    pet = f"Pipoca {uuid.uuid4().hex[:4]}"
    page.click("#pet-new")
    expect(page.locator("#pet-name")).to_have_attribute("maxlength", "80")  # the service's limit, shown by the form
    page.fill("#pet-name", pet)
    page.fill("#pet-breed", "Poodle")
    page.click("#pet-save")
    expect(page.locator("#pet-list")).to_contain_text(pet)
    shot(page, f"readme-demo-pet-{width_label}")


def test_demo_owner_searches_and_adds_a_pet_then_a_new_shop_signs_up(page):
    _search_open_and_add_pet(page, "1280")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login"))
    suffix = uuid.uuid4().hex[:6]
    goto(page, "/signup")
    page.fill("#shop_name", f"Banho & Tosa {suffix}")
    page.fill("#owner_name", "Rita")
    page.fill("#email", f"rita-{suffix}@example.com")
    page.fill("#password", "Rabanete-Azul-77")
    page.click("#signup-submit")
    expect(page.locator("#kpi-today")).to_have_text("0")
    expect(page.locator("#user-name")).to_have_text("Rita")
    shot(page, "readme-signup-done")


def test_demo_owner_on_a_phone(browser, app_server):
    _activate(app_server["db_url"])
    chat(tenant_id=seed_demo(), phone="+5511955551234", text="oi, quanto custa o banho?", name="Cliente do Celular")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR", is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _search_open_and_add_pet(page, "390")
        # On a phone the detail replaces the list, with a back arrow (as chat apps do).
        expect(page.locator("#customer-table")).not_to_be_visible()
        page.click("#pane-back")
        expect(page.locator("#customer-table")).to_be_visible()
        expect(page.locator("#detail-name")).to_have_count(0)
        goto(page, "/inbox")
        page.locator(".conversation-row").first.click()
        expect(page.locator("#thread")).to_be_visible()
        expect(page.locator("#conversation-list")).not_to_be_visible()
        shot(page, "readme-inbox-thread-390")
        page.click("#pane-back")
        expect(page.locator("#conversation-list")).to_be_visible()
        goto(page, "/customers")  # the customer's record links to their conversation
        page.fill("#customer-search", "Celular")
        expect(page.locator("#customer-table tbody tr").first).to_contain_text("Cliente do Celular")
        page.locator("#customer-table tbody tr").first.click()
        page.click("#customer-conversation")
        expect(page.locator("#thread-name")).to_have_text("Cliente do Celular")
        page.click("#mobile-menu")
        page.click("#nav-customers-mobile")
        expect(page.locator("#page-title")).to_have_text("Clientes e pets")
        expect(page.locator("#nav-inbox-mobile")).not_to_be_visible()  # the drawer closed itself
    finally:
        context.close()
    assert not errors
