"""A staff user cannot reach owner-only actions, in the UI or by calling them."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from auzap_console.db import tenant_session
from auzap_console.services import team
from tests.conftest import make_shop
from tests.e2e.conftest import goto, login, shot


def test_staff_sees_no_owner_actions(page):
    shop = make_shop("Loja Papéis")
    email = f"staff-{uuid.uuid4().hex[:6]}@example.com"
    with tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Sílvia Staff", email=email, role="staff", password="senha-staff-1")

    login(page, email, "senha-staff-1")
    expect(page.locator("#nav-customers")).to_be_visible()
    expect(page.locator("#nav-team")).to_have_count(0)

    goto(page, "/services")
    expect(page.locator("#services-empty")).to_be_visible()
    expect(page.locator("#service-new")).to_have_count(0)

    for route in ("/team", "/agents", "/channels", "/plugins"):  # typed in the address bar
        goto(page, route)
        expect(page.locator("#page-denied")).to_contain_text("Você não tem permissão para ver esta página")
        expect(page.locator("#toast-error")).to_have_count(0)
    expect(page.locator(".team-row")).to_have_count(0)
    shot(page, "team-refused-for-staff")
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, "/channels")
    expect(page.locator("#page-denied")).to_be_visible()
    shot(page, "channels-refused-for-staff-390")


def test_owner_adds_a_manager_on_the_team_page(page):
    shop = make_shop("Loja Equipe")
    login(page, shop.email, shop.password)
    page.click("#nav-team")
    expect(page.locator(".team-row")).to_have_count(1)
    expect(page.locator("#page-denied")).to_have_count(0)
    page.click("#team-add")
    page.fill("#team-name", "Gerson Gerente")
    page.fill("#team-email", f"gerson-{uuid.uuid4().hex[:6]}@example.com")
    page.fill("#team-password", "senha-gerente-1")
    page.click("#team-save")
    expect(page.locator(".team-row")).to_have_count(2)
    expect(page.locator("#team-table")).to_contain_text("Gerson Gerente")
    shot(page, "team")
