"""An owner signs up, logs in, registers a customer with a pet, finds it, and logs out."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import goto, login, shot


def test_signup_login_customer_with_pet_logout(page):
    suffix = uuid.uuid4().hex[:6]
    email, password = f"dona-{suffix}@example.com", "senha-segura-1"

    goto(page, "/signup")
    page.fill("#shop_name", f"Cão Feliz {suffix}")
    page.fill("#owner_name", "Regina")
    page.fill("#email", email)
    page.fill("#password", password)
    shot(page, "signup")
    page.click("#signup-submit")
    expect(page.locator("#kpi-today")).to_have_text("0")
    expect(page.locator("#user-name")).to_have_text("Regina")
    expect(page.locator("#local-mode")).to_be_visible()

    page.click("#logout")
    expect(page.locator("#info")).to_contain_text("Você saiu")
    login(page, email, password)

    page.click("#nav-customers")
    expect(page.locator("#customers-empty")).to_be_visible()
    page.click("#customer-new")
    page.fill("#customer-name", "Marcos Pereira")
    page.fill("#customer-phone", "(11) 8123-4567")  # without the 9th digit
    page.click("#customer-save")
    expect(page.locator("#customer-table")).to_contain_text("Marcos Pereira")
    expect(page.locator("#customer-table")).to_contain_text("(11) 98123-4567")
    expect(page.locator("#detail-name")).to_have_text("Marcos Pereira")
    expect(page.locator("#customer-table")).not_to_contain_text("VIP")  # the box was left unticked

    page.click("#pet-new")
    page.fill("#pet-name", "Thor")
    page.fill("#pet-breed", "Shih Tzu")
    page.fill("#pet-weight", "6,5")
    page.click("#pet-save")
    expect(page.locator("#pet-list")).to_contain_text("Thor")
    expect(page.locator("#customer-table")).to_contain_text("Thor")
    shot(page, "customers-with-pet")

    page.fill("#customer-search", "thor")
    expect(page.locator("#pager-summary")).to_contain_text("· 1 cliente")
    page.fill("#customer-search", "ninguém-assim")
    expect(page.locator("#customers-empty")).to_contain_text("Nenhum cliente encontrado")

    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login"))
    goto(page, "/customers")
    expect(page).to_have_url(re.compile(r"/login"), timeout=30_000)
    expect(page.locator("#customer-table")).to_have_count(0)


def test_bad_input_shows_a_message(page):
    suffix = uuid.uuid4().hex[:6]
    goto(page, "/signup")
    page.fill("#shop_name", f"Loja {suffix}")
    page.fill("#owner_name", "Ana")
    page.fill("#email", f"ana-{suffix}@example.com")
    page.fill("#password", "curta")
    page.click("#signup-submit")
    expect(page.locator("#form-error")).to_contain_text("pelo menos 8 caracteres")
    page.fill("#password", "agora-sim-123")
    page.click("#signup-submit")
    page.wait_for_selector("#kpi-today")

    goto(page, "/customers")
    page.click("#customer-new")
    page.fill("#customer-name", "Fulano")
    page.fill("#customer-phone", "123")
    page.click("#customer-save")
    expect(page.locator("#form-error")).to_contain_text("Telefone inválido")
    shot(page, "customer-form-error")

    goto(page, "/services")
    page.click("#service-new")
    page.fill("#service-name", "Banho P")
    page.fill("#service-price", "oitenta")
    page.click("#service-save")
    expect(page.locator("#form-error")).to_contain_text("Preço inválido")
    page.fill("#service-price", "80,00")
    page.click("#service-save")
    expect(page.locator("#service-table")).to_contain_text("R$ 80,00")

    page.click("#logout")
    page.fill("#email", f"ana-{suffix}@example.com")
    page.fill("#password", "errada-123")
    page.click("#login-submit")
    expect(page.locator("#form-error")).to_contain_text("E-mail ou senha incorretos")
