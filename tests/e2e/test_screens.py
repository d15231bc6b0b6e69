"""Every page renders (desktop and phone widths) with Portuguese text and no error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from auzap_console.models import Customer
from auzap_console.services import inbox
from tests.e2e.conftest import goto, login, shot

PAGES = {
    "": "Painel",
    "inbox": "Conversas",
    "customers": "Clientes e pets",
    "services": "Serviços",
    "agents": "Agentes de IA",
    "playground": "Testar agente",
    "knowledge": "Base de conhecimento",
    "plugins": "Plugins",
    "channels": "Canais (WhatsApp)",
    "team": "Equipe",
    "usage": "Uso e custo da IA",
    "settings": "Configurações",
}


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_renders(page, width):
    demo_id = seed_demo()  # already there: the README's run command seeded it
    with tenant_session(demo_id) as session:
        pages = -(-len(session.exec(select(Customer.id).where(Customer.tenant_id == demo_id)).all()) // 20)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    for route, title in PAGES.items():
        goto(page, f"/{route}")
        expect(page.locator("#page-title")).to_have_text(title)
        expect(page.locator(".rt-Spinner")).to_have_count(0)  # the page's data has arrived
        body = page.inner_text("body")
        assert "Traceback" not in body and "Error" not in body
        shot(page, f"{route or 'dashboard'}-{width}")
    goto(page, "/customers")
    expect(page.locator("#pager-summary")).to_contain_text(f"Página 1 de {pages}")
    page.click("#page-next")
    expect(page.locator("#pager-summary")).to_contain_text(f"Página 2 de {pages}")


def test_phone_lists_are_cards_with_their_actions_in_reach(page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, DEMO_EMAIL, DEMO_PASSWORD)
    goto(page, "/services")
    expect(page.locator(".service-card").first).to_be_visible()
    expect(page.locator(".service-card .service-edit").first).to_be_visible()
    expect(page.locator("#service-table")).not_to_be_visible()
    goto(page, "/team")
    expect(page.locator(".team-card").first).to_be_visible()
    expect(page.locator("#team-table")).not_to_be_visible()
    shot(page, "team-cards-390")
    goto(page, "/inbox")
    page.click("#inbox-filter-mobile")
    expect(page.get_by_role("option")).to_have_count(len(inbox.FILTERS))  # every filter reachable on a phone
