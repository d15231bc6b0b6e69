"""WAHA end to end in local mode: a signed webhook → stored once → agent job → reply delivered to
a local WAHA server → delivery status from `message.ack`. Bad input never half-stores anything."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.webhooks import MAX_BODY, webhook_app
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Channel, Customer, Message
from auzap_console.services.channels import create_channel
from auzap_console.settings import get_settings
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop

SENDER = "5511988887777@c.us"  # the agent_shop customer (Joana)


pytestmark = pytest.mark.usefixtures("local_jobs")


@pytest.fixture
def waha():
    with FakeWaha(api_key="segredo-waha") as server:
        yield server


def _channel(shop, waha):
    with tenant_session(shop.tenant_id) as s:
        new = create_channel(
            s, actor=shop.actor, name="WhatsApp da loja", provider="waha", base_url=waha.base_url, credentials={"api_key": "segredo-waha"}
        )
        return new.channel, new.webhook_path


def _post(client, path, channel, payload, *, secret=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    sig = hmac.new((secret or channel.webhook_secret).encode(), body, hashlib.sha512).hexdigest()
    return client.post(
        path, content=body, headers={"Content-Type": "application/json", "X-Webhook-Hmac": sig, "X-Webhook-Hmac-Algorithm": "sha512"}
    )


def _messages(shop, direction=None):
    with tenant_session(shop.tenant_id) as s:
        stmt = select(Message).where(Message.tenant_id == shop.tenant_id)
        if direction:
            stmt = stmt.where(Message.direction == direction)
        return list(s.exec(stmt.order_by(Message.id)))


def test_inbound_message_is_answered_through_waha(waha):
    shop = agent_shop("Loja WAHA")
    channel, path = _channel(shop, waha)
    client = TestClient(webhook_app())
    response = _post(
        client, path, channel, waha_message(message_id="false_5511988887777@c.us_3EB0AAA1", sender=SENDER, text="quanto tá o banho?")
    )
    assert response.status_code == 200 and response.json()["stored"] == 1
    queues.in_process().drain()
    (sent,) = waha.sent
    assert sent["chatId"] == SENDER and sent["session"] == "default" and "Banho P: R$ 50,00" in sent["text"]
    (reply,) = _messages(shop, "out")
    assert reply.delivery_status == "sent" and reply.provider_message_id.startswith("3EB0")
    ack = {
        "event": "message.ack",
        "session": "default",
        "payload": {"id": reply.provider_message_id, "fromMe": True, "ack": 3, "ackName": "READ"},
    }
    assert _post(client, path, channel, ack).json()["statuses"] == 1
    assert _messages(shop, "out")[0].delivery_status == "read"


def test_duplicate_deliveries_get_one_reply(waha):
    shop = agent_shop("Loja Duplicada")
    channel, path = _channel(shop, waha)
    client = TestClient(webhook_app())
    payload = waha_message(message_id="false_5511988887777@c.us_3EB0DUP", sender=SENDER, text="oi")
    threads = [threading.Thread(target=_post, args=(client, path, channel, payload)) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    _post(client, path, channel, payload)
    queues.in_process().drain()
    assert len(_messages(shop, "in")) == 1
    assert len(waha.sent) == 1


def test_provider_error_is_retried_and_sent_once(waha):
    shop = agent_shop("Loja Retry")
    channel, path = _channel(shop, waha)
    waha.fail_next = 1
    _post(TestClient(webhook_app()), path, channel, waha_message(message_id="false_x_3EB0RETRY", sender=SENDER, text="oi"))
    queues.in_process().drain()
    assert len(waha.sent) == 1 and _messages(shop, "out")[0].delivery_status == "sent"


def test_bad_requests_store_nothing(waha):
    shop = agent_shop("Loja Ruim")
    channel, path = _channel(shop, waha)
    client = TestClient(webhook_app())
    ok_payload = waha_message(message_id="false_x_3EB0BAD", sender=SENDER, text="oi")
    assert _post(client, path, channel, ok_payload, secret="outra-chave").status_code == 401
    assert client.post(path, content=json.dumps(ok_payload)).status_code == 401  # unsigned
    assert _post(client, path, channel, None, raw=b"{not json").status_code == 400
    assert _post(client, path, channel, {"event": "message", "payload": "texto"}).status_code == 400
    assert _post(client, path, channel, None, raw=b"{" + b" " * (MAX_BODY + 1) + b"}").status_code == 413
    assert _post(client, "/webhooks/nao-existe", channel, ok_payload).status_code == 404
    assert _messages(shop) == []


def test_echoes_groups_and_broadcasts_are_ignored(waha):
    shop = agent_shop("Loja Eco")
    channel, path = _channel(shop, waha)
    client = TestClient(webhook_app())
    for payload in (
        waha_message(message_id="true_x_1", sender=SENDER, text="eco", from_me=True),
        waha_message(message_id="false_g_2", sender="120363000000000001@g.us", text="grupo"),
        waha_message(message_id="false_s_3", sender="status@broadcast", text="status"),
        waha_message(message_id="false_l_4", sender="172000000000001@lid", text="lid"),
    ):
        assert _post(client, path, channel, payload).json()["stored"] == 0
    assert _messages(shop) == []


def test_a_webhook_only_touches_its_channels_tenant(waha):
    a, b = agent_shop("Loja A"), agent_shop("Loja B")
    channel_a, path_a = _channel(a, waha)
    _channel(b, waha)
    new_contact = "5511977770000@c.us"
    _post(TestClient(webhook_app()), path_a, channel_a, waha_message(message_id="false_n_3EB0NEW", sender=new_contact, text="oi"))
    queues.in_process().drain()
    with tenant_session(b.tenant_id) as s:
        assert s.exec(select(Customer).where(Customer.tenant_id == b.tenant_id, Customer.phone == "+5511977770000")).first() is None
    with tenant_session(a.tenant_id) as s:
        assert s.exec(select(Customer).where(Customer.tenant_id == a.tenant_id, Customer.phone == "+5511977770000")).one()
    assert _messages(b) == []
    # A's secret does not open B's door: a payload signed for A posted to B's URL is refused.
    with tenant_session(b.tenant_id) as s:
        b_path = "/webhooks/" + s.exec(select(Channel.webhook_key).where(Channel.tenant_id == b.tenant_id)).one()
    assert _post(TestClient(webhook_app()), b_path, channel_a, waha_message(message_id="z", sender=SENDER, text="x")).status_code == 401


def test_health_and_metrics(waha, monkeypatch):
    monkeypatch.setenv("HEALTH_TOKEN", "t0k3n")
    get_settings.cache_clear()
    shop = agent_shop("Loja Saude")
    channel, path = _channel(shop, waha)
    client = TestClient(webhook_app())
    _post(client, path, channel, waha_message(message_id="false_m_3EB0MET", sender=SENDER, text="oi"))
    queues.in_process().drain()
    health = client.get("/health", headers={"Authorization": "Bearer t0k3n"})
    assert health.status_code == 200
    body = health.json()
    assert body["database"]["ok"] and body["jobs"]["mode"] == "in-process" and body["database"]["channels"].get("disconnected", 0) >= 1
    metrics = client.get("/metrics").text
    assert 'auzap_webhooks_total{provider="waha",result="ok"}' in metrics
    assert "auzap_model_tokens_total" in metrics and "auzap_job_seconds_bucket" in metrics


def test_channel_cli_and_test_send(waha):
    from typer.testing import CliRunner

    from auzap_console.cli import app
    from auzap_console.services.channels import test_send
    from auzap_console.services.context import ServiceError

    shop = agent_shop("Loja CLI Canal")
    with tenant_session(shop.tenant_id) as s:
        from auzap_console.models import Tenant

        slug = s.get(Tenant, shop.tenant_id).slug
    out = CliRunner().invoke(
        app, ["channel", "add", "--tenant", slug, "--name", "Zap", "--base-url", waha.base_url, "--api-key", "segredo-waha"]
    )
    assert out.exit_code == 0 and "/webhooks/" in out.output and "Segredo" in out.output
    with tenant_session(shop.tenant_id) as s:
        channel = s.exec(select(Channel).where(Channel.tenant_id == shop.tenant_id)).one()
    assert "segredo-waha" not in channel.credentials_encrypted  # encrypted at rest
    assert test_send(actor=shop.actor, channel_id=channel.id, phone="11 98888-7777", text_="teste").startswith("3EB0")
    try:
        test_send(actor=shop.actor, channel_id=channel.id, phone="123", text_="teste")
        raise AssertionError("bad phone accepted")
    except ServiceError as exc:
        assert "Telefone" in str(exc)
    assert waha.sent[-1]["text"] == "teste"


def test_connect_starts_the_session_with_our_webhook_and_shows_a_qr(waha):
    from auzap_console.services.channels import connect, webhook_url

    shop = agent_shop("Loja QR")
    channel, path = _channel(shop, waha)
    row = connect(actor=shop.actor, channel_id=channel.id)
    assert row.status == "connecting" and row.qr_code.startswith("data:image/png;base64,")
    hook = waha.sessions["default"]["config"]["webhooks"][0]
    assert hook["url"] == webhook_url(row) and hook["hmac"]["key"] == row.webhook_secret and "message" in hook["events"]
    again = connect(actor=shop.actor, channel_id=channel.id, pairing_phone="(11) 98888-7777")  # exists → PUT, then code
    assert again.pairing_code == "ABCD-EFGH"
    status = {"event": "session.status", "session": "default", "payload": {"name": "default", "status": "WORKING"}}
    _post(TestClient(webhook_app()), path, channel, status)
    with tenant_session(shop.tenant_id) as s:
        row = s.get(Channel, channel.id)
        assert row.status == "connected" and row.qr_code == "" and row.pairing_code == ""


def test_hidden_lid_sender_is_resolved_through_the_waha_lid_api(waha):
    shop = agent_shop("Loja LID")
    channel, path = _channel(shop, waha)
    waha.lids["172000000000001"] = "5511988887777@c.us"
    client = TestClient(webhook_app())
    resolved = waha_message(message_id="false_172000000000001@lid_3EB0LID", sender="172000000000001@lid", text="oi")
    assert _post(client, path, channel, resolved).json()["stored"] == 1
    unknown = waha_message(message_id="false_999@lid_3EB0LID2", sender="999000000000009@lid", text="oi")
    assert _post(client, path, channel, unknown).json()["stored"] == 0
    queues.in_process().drain()
    assert waha.sent[0]["chatId"] == "5511988887777@c.us"


def test_session_status_and_stop(waha):
    from auzap_console.services.channels import connect, session_action
    from auzap_console.services.context import Actor, PermissionDenied

    shop = agent_shop("Loja Sessão")
    channel, _ = _channel(shop, waha)
    assert session_action(actor=shop.actor, channel_id=channel.id, action="status").status == "disconnected"  # no session yet
    connect(actor=shop.actor, channel_id=channel.id)
    waha.sessions["default"]["status"] = "WORKING"
    row = session_action(actor=shop.actor, channel_id=channel.id, action="status")
    assert row.status == "connected" and row.qr_code == ""
    with pytest.raises(PermissionDenied):
        session_action(actor=Actor(tenant_id=shop.tenant_id, role="manager"), channel_id=channel.id, action="disconnect")
    assert session_action(actor=shop.actor, channel_id=channel.id, action="disconnect").status == "disconnected"
    assert waha.sessions["default"]["status"] == "STOPPED"
