"""The team inbox in Chromium: a quick reply typed with "/" goes to the customer's WhatsApp (a
local WAHA server), a private note does not; assigning to oneself and the "Minhas", queue and
label filters; closing with a resolution — at desktop and phone widths."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.services import queues, quick_replies, team
from auzap_console.services.channels import create_channel
from tests.e2e.conftest import goto, login, shot
from tests.e2e.test_inbox import _post_webhook
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import PHONE, agent_shop


def _wait_sent(waha, n: int) -> None:
    for _ in range(60):
        if len(waha.sent) >= n:
            return
        time.sleep(0.5)


@pytest.mark.parametrize("width", [1280, 390])
def test_quick_reply_note_assignment_filters_and_closing(page, width):
    shop = agent_shop(f"Loja Equipe Caixa {width}")
    with FakeWaha(api_key="chave-equipe") as waha:
        with tenant_session(shop.tenant_id) as s:
            channel = create_channel(
                s, actor=shop.actor, name="WhatsApp", provider="waha", base_url=waha.base_url, credentials={"api_key": "chave-equipe"}
            ).channel
            queues.save_queue(s, actor=shop.actor, name="Banho e tosa", keywords=["banho"], member_ids=[])
            quick_replies.save_reply(s, actor=shop.actor, shortcut="preco", body="Oi {nome}! O banho do {pet} sai por R$ 50,00.")
            team.add_user(
                s,
                actor=shop.actor,
                name="Fabi Banho",
                email=f"fabi-{shop.tenant_id}@example.com",
                role="staff",
                password="Rabanete-Azul-77",
            )
        receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi, vcs tem horario pra banho amanha?", channel_id=channel.id)
        page.set_viewport_size({"width": width, "height": 900})
        login(page, shop.email, shop.password)
        goto(page, "/inbox")
        page.locator(".conversation-row", has_text="Joana Tutora").click()
        expect(page.locator("#thread")).to_contain_text("horario pra banho")

        page.click("#take-over")
        expect(page.locator("#hand-back")).to_be_visible()
        page.fill("#reply-input", "/pre")
        page.locator(".quick-reply", has_text="/preco").click()
        expect(page.locator("#reply-input")).to_have_value("Oi Joana! O banho do Thor sai por R$ 50,00.")
        shot(page, f"inbox-quick-reply-{width}")
        page.click("#reply-send")
        expect(page.locator(".bubble-out").last).to_contain_text("O banho do Thor sai por R$ 50,00.")
        _wait_sent(waha, 1)
        sent_before = len(waha.sent)
        assert "O banho do Thor" in waha.sent[-1]["text"]

        page.click("#note-mode")
        page.fill("#reply-input", "cliente pediu para ligar depois das 17h")
        page.click("#reply-send")
        expect(page.locator(".private-note").last).to_contain_text("ligar depois das 17h")
        time.sleep(2)
        assert len(waha.sent) == sent_before  # never sent to the customer
        page.click("#note-mode")

        page.click("#assign-select")
        page.get_by_role("option", name="Fabi Banho").click()  # taking over made it the owner's; now Fabi's
        expect(page.locator("#thread")).to_contain_text("Atribuída a Fabi Banho.")
        page.click("#queue-select")
        page.get_by_role("option", name="Banho e tosa").click()
        expect(page.locator("#thread")).to_contain_text("Na fila Banho e tosa.")
        page.click("#labels-open")
        page.fill("#labels-input", "orçamento, retorno")
        page.click("#labels-save")
        expect(page.locator(".thread-label", has_text="retorno")).to_be_visible()
        shot(page, f"inbox-team-{width}")

        if width < 1280:
            page.click(".pane-back")
        page.click("#inbox-assignee")
        page.get_by_role("option", name="Minhas").click()
        expect(page.locator(".conversation-row")).to_have_count(0)
        page.click("#inbox-assignee")
        page.get_by_role("option", name="Fabi Banho").click()
        expect(page.locator(".conversation-row")).to_have_count(1)
        page.click("#inbox-label")
        page.get_by_role("option", name="retorno").click()
        expect(page.locator(".conversation-row")).to_have_count(1)
        shot(page, f"inbox-filters-{width}")

        page.locator(".conversation-row", has_text="Joana Tutora").click()
        page.click("#close-open")
        page.click("#close-confirm")
        expect(page.locator("#form-error")).to_contain_text("resolução")
        page.fill("#close-resolution", "passou o preço; vai confirmar amanhã")
        page.click("#close-confirm")
        expect(page.locator("#closed-callout")).to_contain_text("vai confirmar amanhã")
        expect(page.locator("#reopen")).to_be_visible()
        shot(page, f"inbox-closed-{width}")


def test_manager_sets_up_queues_and_quick_replies(page):
    shop = agent_shop("Loja Filas Página")
    login(page, shop.email, shop.password)
    goto(page, "/inbox-setup")
    expect(page.locator("#queues-empty")).to_be_visible()
    page.click("#queue-new")
    page.fill("#queue-name", "Hotel")
    page.fill("#queue-keywords", "hotel, hospedagem, pernoite")
    page.click("#queue-save")
    expect(page.locator(".queue-card")).to_contain_text("hospedagem")
    page.click("#quick-new")
    page.fill("#quick-shortcut", "x")
    page.fill("#quick-body", "Oi {nome}")
    page.click("#quick-save")
    expect(page.locator("#form-error")).to_contain_text("Atalho inválido")
    expect(page.locator("#quick-shortcut")).to_be_focused()
    page.fill("#quick-shortcut", "ola")
    page.click("#quick-save")
    expect(page.locator(".reply-card")).to_contain_text("/ola")
    shot(page, "inbox-setup")


@pytest.mark.parametrize("width", [1280, 390])
def test_photos_and_voice_notes_show_in_the_thread(page, width):
    from tests.fakes.media import OGG, PNG

    shop = agent_shop(f"Loja Mídia Tela {width}")
    with FakeWaha(api_key="chave-midia") as waha:
        waha.files["foto.png"] = (PNG, "image/png")
        waha.files["voz.oga"] = (OGG, "audio/ogg")
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(
                s, actor=shop.actor, name="WhatsApp", provider="waha", base_url=waha.base_url, credentials={"api_key": "chave-midia"}
            )
        for n, (name, mime, caption) in enumerate((("foto.png", "image/png", ""), ("voz.oga", "audio/ogg", ""))):
            payload = waha_message(
                message_id=f"false_5511988887777@c.us_MIDIA{width}{n}",
                sender="5511988887777@c.us",
                text=caption,
                media={"url": f"http://localhost:3000/api/files/{name}", "mimetype": mime, "filename": None},
            )
            assert _post_webhook(new.webhook_path, new.channel.webhook_secret, payload) == 200
            for _ in range(60):
                if len(waha.downloads) > n:
                    break
                time.sleep(0.5)
        page.set_viewport_size({"width": width, "height": 900})
        login(page, shop.email, shop.password)
        goto(page, "/inbox")
        page.locator(".conversation-row", has_text="Joana Tutora").click()
        image = page.locator(".media-image").first
        expect(image).to_be_visible()
        page.wait_for_function("() => { const i = document.querySelector('.media-image'); return i && i.complete && i.naturalWidth > 0; }")
        expect(page.locator(".media-audio")).to_have_count(1)
        expect(page.locator("#thread")).to_contain_text("Recebi a foto, obrigada!")
        expect(page.locator("#thread")).to_contain_text("não consigo ouvir áudios agora")  # offline: the customer is asked for text
        shot(page, f"inbox-media-{width}")


def test_a_person_sends_a_photo_from_the_inbox(page, tmp_path):
    from tests.fakes.media import PNG

    shop = agent_shop("Loja Envia Foto Tela")
    with FakeWaha(api_key="chave-envio") as waha:
        with tenant_session(shop.tenant_id) as s:
            channel = create_channel(
                s, actor=shop.actor, name="WhatsApp", provider="waha", base_url=waha.base_url, credentials={"api_key": "chave-envio"}
            ).channel
        receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="me manda uma foto do Thor?", channel_id=channel.id)
        photo = tmp_path / "thor-pronto.png"
        photo.write_bytes(PNG)
        login(page, shop.email, shop.password)
        goto(page, "/inbox")
        page.locator(".conversation-row", has_text="Joana Tutora").click()
        page.locator(".reply-attach input[type=file]").set_input_files(str(photo))
        expect(page.locator(".bubble-out .media-image")).to_be_visible()
        _wait_sent(waha, 1)
        shot(page, "inbox-photo-sent")
    (sent,) = waha.sent
    assert sent["path"] == "/api/sendImage" and sent["file"]["filename"] == "thor-pronto.png"
