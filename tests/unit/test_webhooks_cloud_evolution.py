"""Meta Cloud API and Evolution API channels end to end against local fake servers."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.types import ChannelRef
from auzap_console.channels.webhooks import webhook_app
from auzap_console.db import tenant_session
from auzap_console.default_plugins.cloud import CloudApiProvider
from auzap_console.jobs import queues
from auzap_console.models import Channel, Message
from auzap_console.services.channels import create_channel
from tests.fakes.provider_server import FakeProvider, cloud_status, cloud_text, evolution_upsert
from tests.utils.agent_helpers import agent_shop

pytestmark = pytest.mark.usefixtures("local_jobs")


def _out(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out").order_by(Message.id)))


def test_cloud_signature_matches_the_documented_test_vector():
    ref = ChannelRef(1, 1, "cloud", "", "", "", {"app_secret": "test-app-secret"})
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    good = "sha256=c84a394cc475525991e78ff16e430b02e47f953877d2af0ade26956ce6f384dc"
    assert CloudApiProvider().verify(ref, {"x-hub-signature-256": good}, body)
    assert not CloudApiProvider().verify(ref, {"x-hub-signature-256": good}, body + b" ")


def _cloud_channel(shop, fake):
    with tenant_session(shop.tenant_id) as s:
        new = create_channel(
            s,
            actor=shop.actor,
            name="Cloud",
            provider="cloud",
            base_url=fake.base_url,
            external_id="109876543210987",
            credentials={"access_token": "tok", "app_secret": "app-secret", "verify_token": "verifica"},
        )
        return new.webhook_path


def _cloud_post(client, path, payload):
    body = json.dumps(payload).encode()
    sig = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    return client.post(path, content=body, headers={"X-Hub-Signature-256": sig, "Content-Type": "application/json"})


def test_cloud_api_round_trip():
    shop = agent_shop("Loja Cloud")
    with FakeProvider("cloud", "tok") as graph:
        path = _cloud_channel(shop, graph)
        client = TestClient(webhook_app())
        assert (
            client.get(path, params={"hub.mode": "subscribe", "hub.verify_token": "verifica", "hub.challenge": "1158201444"}).text
            == "1158201444"
        )
        assert client.get(path, params={"hub.mode": "subscribe", "hub.verify_token": "errado", "hub.challenge": "x"}).status_code == 403
        r = _cloud_post(client, path, cloud_text(message_id="wamid.IN-1", sender="5511988887777", text="que horas vocês abrem?"))
        assert r.status_code == 200 and r.json()["stored"] == 1
        assert _cloud_post(client, path, cloud_text(message_id="wamid.IN-1", sender="5511988887777", text="x")).json()["duplicates"] == 1
        queues.in_process().drain()
        (sent,) = graph.sent
        assert sent["path"] == "/v23.0/109876543210987/messages" and sent["to"] == "5511988887777" and sent["type"] == "text"
        assert "horário de funcionamento" in sent["text"]["body"]
        (reply,) = _out(shop)
        assert reply.provider_message_id == "wamid.OUT-0001"
        _cloud_post(client, path, cloud_status(message_id="wamid.OUT-0001", status="read"))
        _cloud_post(client, path, cloud_status(message_id="wamid.OUT-0001", status="delivered"))  # out of order: ignored
        assert _out(shop)[0].delivery_status == "read"
        assert client.post(path, content=b"{}", headers={"X-Hub-Signature-256": "sha256=00"}).status_code == 401


def test_cloud_window_closed_fails_without_retry_and_rate_limit_retries():
    shop = agent_shop("Loja Janela")
    with FakeProvider("cloud", "tok") as graph:
        path = _cloud_channel(shop, graph)
        client = TestClient(webhook_app())
        graph.errors.append((400, {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047}}))
        _cloud_post(client, path, cloud_text(message_id="wamid.IN-2", sender="5511988887777", text="oi"))
        queues.in_process().drain()
        assert graph.sent == [] and _out(shop)[0].delivery_status == "failed"
        graph.errors.append((400, {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}))
        _cloud_post(client, path, cloud_text(message_id="wamid.IN-3", sender="5511988887777", text="e aí?"))
        queues.in_process().drain()
        assert len(graph.sent) == 1 and _out(shop)[-1].delivery_status == "sent"


def test_evolution_round_trip_with_lid_and_connection_state():
    shop = agent_shop("Loja Evolution")
    with FakeProvider("evolution", "inst-token") as evo:
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(
                s,
                actor=shop.actor,
                name="Evo",
                provider="evolution",
                base_url=evo.base_url,
                external_id="loja",
                credentials={"api_key": "inst-token"},
            )
            path, secret, channel_id = new.webhook_path, new.channel.webhook_secret, new.channel.id
        client = TestClient(webhook_app())
        headers = {"X-Auzap-Secret": secret, "Content-Type": "application/json"}
        payload = evolution_upsert(
            message_id="3A00000000000000LID1", jid="103899771998284@lid", alt="5511988887777@s.whatsapp.net", text="quanto custa o banho?"
        )
        assert client.post(path, content=json.dumps(payload), headers={"Content-Type": "application/json"}).status_code == 401
        assert client.post(path, content=json.dumps(payload), headers=headers).json()["stored"] == 1
        queues.in_process().drain()
        (sent,) = evo.sent
        assert sent["path"] == "/message/sendText/loja" and sent["number"] == "5511988887777" and "Banho P" in sent["text"]
        reply_id = _out(shop)[0].provider_message_id
        update = {"event": "messages.update", "instance": "loja", "data": {"keyId": reply_id, "status": "READ", "fromMe": True}}
        assert client.post(path, content=json.dumps(update), headers=headers).json()["statuses"] == 1
        assert _out(shop)[0].delivery_status == "read"
        conn = {"event": "connection.update", "instance": "loja", "data": {"instance": "loja", "state": "open", "statusReason": 200}}
        client.post(path, content=json.dumps(conn), headers=headers)
        with tenant_session(shop.tenant_id) as s:
            assert s.get(Channel, channel_id).status == "connected"
        wrong = evolution_upsert(message_id="X1", jid="5511988887777@s.whatsapp.net", text="oi", instance="outra")
        assert client.post(path, content=json.dumps(wrong), headers=headers).status_code == 400


def test_cloud_template_send():
    with FakeProvider("cloud", "tok") as graph:
        ref = ChannelRef(1, 1, "cloud", graph.base_url, "109876543210987", "", {"access_token": "tok"})
        msg_id = CloudApiProvider().send_template(ref, "+5511988887777", "lembrete_banho", body_params=["Joana", "Thor"])
    assert msg_id == "wamid.OUT-0001"
    (sent,) = graph.sent
    assert sent["type"] == "template" and sent["template"]["name"] == "lembrete_banho"
    assert sent["template"]["language"] == {"code": "pt_BR"}
    assert [p["text"] for p in sent["template"]["components"][0]["parameters"]] == ["Joana", "Thor"]


def test_evolution_connect_sets_our_webhook_and_returns_qr_or_pairing_code():
    from auzap_console.services.channels import connect, webhook_url

    shop = agent_shop("Loja Evo QR")
    with FakeProvider("evolution", "inst-token") as evo:
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(
                s,
                actor=shop.actor,
                name="Evo",
                provider="evolution",
                base_url=evo.base_url,
                external_id="loja",
                credentials={"api_key": "inst-token"},
            )
        row = connect(actor=shop.actor, channel_id=new.channel.id)
        assert row.qr_code.startswith("data:image/png;base64,") and row.status == "connecting"
        hook = evo.webhooks[0]["webhook"]
        assert hook["url"] == webhook_url(row) and hook["headers"]["x-auzap-secret"] == row.webhook_secret
        assert connect(actor=shop.actor, channel_id=new.channel.id, pairing_phone="11 98888-7777").pairing_code == "WZYEH1YY"
