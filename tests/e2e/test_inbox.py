"""A customer message arrives by webhook and shows up live; the owner takes over, replies (the
customer's WhatsApp — a local WAHA server — receives it) and hands back to the AI."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request

from playwright.sync_api import expect

from auzap_console.db import tenant_session
from auzap_console.services.channels import create_channel
from tests.e2e.conftest import BASE, goto, login, shot
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop


def _post_webhook(path: str, secret: str, payload: dict) -> int:
    body = json.dumps(payload).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
    request = urllib.request.Request(
        f"{BASE}{path}", data=body, method="POST", headers={"Content-Type": "application/json", "X-Webhook-Hmac": sig}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_live_inbox_takeover_reply_and_hand_back(page):
    shop = agent_shop("Loja Inbox")
    with FakeWaha(api_key="chave-inbox") as waha:
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(
                s, actor=shop.actor, name="WhatsApp", provider="waha", base_url=waha.base_url, credentials={"api_key": "chave-inbox"}
            )
            path, secret = new.webhook_path, new.channel.webhook_secret
        login(page, shop.email, shop.password)
        goto(page, "/inbox")
        expect(page.locator("#inbox-empty")).to_be_visible()

        assert (
            _post_webhook(
                path,
                secret,
                waha_message(
                    message_id="false_5511988887777@c.us_3EB0LIVE1", sender="5511988887777@c.us", text="oi, quanto custa a tosa completa?"
                ),
            )
            == 200
        )
        row = page.locator(".conversation-row").first
        expect(row).to_contain_text("Joana Tutora", timeout=30_000)  # appeared without reloading
        row.click()
        expect(page.locator("#thread")).to_contain_text("quanto custa a tosa completa")
        expect(page.locator(".bubble-out").first).to_contain_text("Tosa completa: R$ 90,00", timeout=30_000)
        for _ in range(60):
            if waha.sent:
                break
            time.sleep(0.5)
        assert "Tosa completa" in waha.sent[0]["text"]

        page.click("#take-over")
        expect(page.locator("#hand-back")).to_be_visible()
        page.fill("#reply-input", "Oi Joana, aqui é a Dona Teste! Tenho horário amanhã às 10h, serve?")
        page.keyboard.press("Enter")
        expect(page.locator("#thread")).to_contain_text("aqui é a Dona Teste")
        for _ in range(60):
            if len(waha.sent) >= 2:
                break
            time.sleep(0.5)
        assert waha.sent[1]["chatId"] == "5511988887777@c.us" and "Dona Teste" in waha.sent[1]["text"]
        expect(page.locator(".ticks").last).to_contain_text("✓", timeout=30_000)

        # While a person holds the conversation, the AI stays quiet.
        _post_webhook(
            path, secret, waha_message(message_id="false_5511988887777@c.us_3EB0LIVE2", sender="5511988887777@c.us", text="serve sim!")
        )
        expect(page.locator("#thread")).to_contain_text("serve sim!", timeout=30_000)
        time.sleep(2)
        assert len(waha.sent) == 2
        shot(page, "inbox")

        page.click("#hand-back")
        expect(page.locator("#take-over")).to_be_visible()
