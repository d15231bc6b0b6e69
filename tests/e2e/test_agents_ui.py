"""Agents, Playground and Plugins pages in the browser: configure, chat, see the booking."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Appointment
from tests.e2e.conftest import goto, login, shot
from tests.utils.agent_helpers import agent_shop


def test_configure_agent_then_book_in_the_playground(page):
    shop = agent_shop("Loja Playground")
    login(page, shop.email, shop.password)

    goto(page, "/agents")
    expect(page.locator("#agent-engine")).to_contain_text("Modo local")
    page.fill("#agent-name-customer_assistant", "Mel")
    page.click("#agent-save-customer_assistant")
    expect(page.locator("[data-sonner-toast]").first).to_contain_text("Agente salvo")
    shot(page, "agents")
    goto(page, "/agents")
    expect(page.locator("#agent-name-customer_assistant")).to_have_value("Mel")

    goto(page, "/playground")
    expect(page.locator("#pg-empty")).to_be_visible()
    page.fill("#pg-input", "oii boa tarde")
    page.click("#pg-send")
    expect(page.locator(".bubble-agent").last).to_contain_text("Aqui é a Mel")
    page.fill("#pg-input", "quanto tá o banho?")
    page.click("#pg-send")
    expect(page.locator(".tool-calls").last).to_contain_text("Tabela de preços")
    expect(page.locator(".bubble-agent").last).to_contain_text("Banho P: R$ 50,00")
    page.fill("#pg-input", "quero marcar uma tosa completa segunda às 10h")
    page.click("#pg-send")
    expect(page.locator(".bubble-agent").last).to_contain_text("Agendado")
    shot(page, "playground")

    with tenant_session(shop.tenant_id) as s:
        (appt,) = s.exec(select(Appointment).where(Appointment.tenant_id == shop.tenant_id)).all()
    assert appt.source == "ai"

    goto(page, "/customers")
    page.fill("#customer-search", "Cliente de teste")
    page.locator(".customer-row").first.click()
    expect(page.locator("#appointment-list")).to_contain_text("Tosa completa")
    expect(page.locator("#appointment-list")).to_contain_text("IA")


def test_owner_switches_a_plugin_off(page):
    shop = agent_shop("Loja Plugins")
    login(page, shop.email, shop.password)
    goto(page, "/plugins")
    expect(page.locator("#plugin-list")).to_contain_text("Assistente de clientes")  # the owner's words first
    expect(page.locator(".plugin-card h3, .plugin-card .rt-Heading").first).not_to_have_text("cloud")
    expect(page.locator("#plugin-list")).to_contain_text("Ferramentas comuns dos agentes")
    expect(page.locator("#plugin-list")).to_contain_text("auzap-persona-customer-assistant")  # behind "Avançado"
    shot(page, "plugins")
    page.click("#plugin-switch-customer_assistant")
    expect(page.locator("[data-sonner-toast]").first).to_contain_text("desativado")
    goto(page, "/agents")
    expect(page.locator(".agent-card")).to_have_count(3)  # the analyst, the SDR and the hotel desk remain
    expect(page.get_by_text("Assistente de clientes")).to_have_count(0)
    goto(page, "/plugins")
    page.click("#plugin-switch-customer_assistant")
    expect(page.locator("[data-sonner-toast]").first).to_contain_text("ativado")


def test_knowledge_article_answers_in_the_playground(page):
    shop = agent_shop("Loja Conhecimento")
    login(page, shop.email, shop.password)
    goto(page, "/knowledge")
    expect(page.locator("#kb-empty")).to_be_visible()
    page.click("#kb-new")
    page.fill("#kb-title", "Formas de pagamento")
    page.fill("#kb-body", "Aceitamos Pix, cartão de crédito e débito.")
    page.click("#kb-save")
    expect(page.locator("#kb-list")).to_contain_text("Formas de pagamento")
    page.fill("#kb-probe", "aceitam pix?")
    page.keyboard.press("Enter")
    expect(page.locator("#kb-probe-result")).to_contain_text("Formas de pagamento")
    shot(page, "knowledge")
    goto(page, "/playground")
    page.fill("#pg-input", "vocês aceitam pix?")
    page.click("#pg-send")
    expect(page.locator(".bubble-agent").last).to_contain_text("Aceitamos Pix")


def test_owner_connects_a_channel_and_sends_a_test(page):
    from tests.fakes.waha_server import FakeWaha

    shop = agent_shop("Loja Canal")
    with FakeWaha(api_key="chave-canal") as waha:
        login(page, shop.email, shop.password)
        goto(page, "/channels")
        expect(page.locator("#channels-empty")).to_be_visible()
        page.click("#channel-new")
        page.fill("#channel-name", "WhatsApp da loja")
        page.click("#channel-provider")
        page.get_by_role("option", name="WhatsApp Cloud API (Meta)").click()
        expect(page.locator("#channel-access-token")).to_be_visible()  # Meta's own fields, not a WAHA URL
        expect(page.locator("#channel-app-secret")).to_be_visible()
        shot(page, "channel-form-cloud")
        page.click("#channel-provider")
        page.get_by_role("option", name="WAHA (WhatsApp HTTP API)").click()
        page.fill("#channel-base-url", "ftp://errado")
        page.click("#channel-save")
        expect(page.locator("#form-error")).to_contain_text("precisa ser um endereço que começa com http")
        page.fill("#channel-base-url", waha.base_url)
        page.fill("#channel-api-key", "chave-errada")
        page.click("#channel-save")
        expect(page.locator("#form-error")).to_contain_text("recusou a chave ou o token")
        page.fill("#channel-api-key", "chave-canal")
        page.click("#channel-save")
        expect(page.locator(".channel-card")).to_contain_text("WhatsApp da loja")
        expect(page.locator(".webhook-url")).to_contain_text("/webhooks/")
        page.locator(".channel-edit").click()
        expect(page.locator("#channel-api-key")).to_have_value("")  # secrets are never sent back to the page
        page.fill("#channel-name", "Zap da recepção")
        page.click("#channel-save")
        expect(page.locator(".channel-card")).to_contain_text("Zap da recepção")
        page.locator(".channel-card input[name=phone]").fill("(11) 98888-7777")
        page.locator(".channel-test").click()
        expect(page.locator("[data-sonner-toast]").first).to_contain_text("Mensagem de teste enviada")
        assert waha.sent[0]["chatId"] == "5511988887777@c.us"
        page.locator(".channel-connect").click()
        expect(page.locator(".channel-qr")).to_be_visible()
        expect(page.locator(".channel-card")).to_contain_text("conectando")
        waha.sessions["default"]["status"] = "WORKING"  # the owner scans the QR: the page notices by itself
        expect(page.locator("[data-sonner-toast]").filter(has_text="WhatsApp conectado")).to_be_visible(timeout=20_000)
        expect(page.locator(".channel-card")).to_contain_text("conectado")
        expect(page.locator(".channel-qr")).to_have_count(0)
        expect(page.locator(".channel-pairing")).to_have_count(0)
        shot(page, "channels")
