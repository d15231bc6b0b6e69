"""Provider calls made by the channel services (test send, connect, session status) and the send job hold no database connection."""

from __future__ import annotations

from sqlmodel import select

from auzap_console import db
from auzap_console.channels.types import ProviderError, SessionUpdate
from auzap_console.db import tenant_session
from auzap_console.models import AuditLog, Channel
from auzap_console.services import channels
from tests.conftest import make_shop


class IdleCheckingProvider:
    """Answers like a provider and records how many pooled connections were checked out during each call."""

    def __init__(self):
        self.seen: list[int] = []
        self.fail = False

    def _call(self):
        self.seen.append(db.get_engine().pool.checkedout())
        if self.fail:
            raise ProviderError("HTTP 502")

    def send_text(self, channel, to, text):
        self._call()
        return "wamid-1"

    def connect(self, channel, webhook_url, pairing_phone=""):
        self._call()
        return SessionUpdate("connecting", qr_code="data:image/png;base64,AAA")

    def session_status(self, channel):
        self._call()
        return SessionUpdate("connected")


def test_provider_calls_run_outside_any_transaction(monkeypatch):
    shop = make_shop("Loja Provedor")
    with tenant_session(shop.tenant_id) as s:
        channel = channels.create_channel(s, actor=shop.actor, name="Zap", provider="waha", base_url="http://127.0.0.1:9").channel
    provider = IdleCheckingProvider()
    monkeypatch.setattr(channels, "provider_for", lambda name: provider)

    assert channels.test_send(actor=shop.actor, channel_id=channel.id, phone="11 98888-7777", text_="oi") == "wamid-1"
    assert channels.connect(actor=shop.actor, channel_id=channel.id).status == "connecting"
    row = channels.session_action(actor=shop.actor, channel_id=channel.id, action="status")
    provider.fail = True
    try:
        channels.test_send(actor=shop.actor, channel_id=channel.id, phone="11 98888-7777", text_="oi")
        raise AssertionError("a provider failure was not reported")
    except channels.ServiceError:
        pass

    assert provider.seen == [0, 0, 0, 0]
    assert row.status == "connected" and row.qr_code == ""
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Channel, channel.id).status == "failed"
        actions = list(s.exec(select(AuditLog.action).where(AuditLog.tenant_id == shop.tenant_id, AuditLog.entity == "channel")))
    assert actions == ["channel.create", "channel.connect", "channel.status"]


def test_the_send_job_holds_no_connection_while_the_provider_answers(monkeypatch):
    from auzap_console.jobs import outbound
    from auzap_console.models import Message
    from auzap_console.services import conversations, customers

    shop = make_shop("Loja Envio")
    with tenant_session(shop.tenant_id) as s:
        channel = channels.create_channel(s, actor=shop.actor, name="Zap", provider="waha", base_url="http://127.0.0.1:9").channel
        customer = customers.save_customer(s, actor=shop.actor, name="Cliente Envio", phone="11 98888-7777")
        conversation = conversations.open_conversation(
            s, actor=shop.actor, customer_id=customer.id, persona="customer_assistant", channel_id=channel.id
        )
        message = conversations.add_message(
            s, actor=shop.actor, conversation=conversation, direction="out", sender="ai", body="Olá!", pending=True
        )
    provider = IdleCheckingProvider()
    monkeypatch.setattr(outbound, "provider_for", lambda name: provider)

    assert outbound.send_message(shop.tenant_id, message.id) == "sent"
    assert outbound.send_message(shop.tenant_id, message.id) == "already sent"  # run twice: one send
    assert provider.seen == [0]  # no pooled connection (and on SQLite no write lock) during the call
    with tenant_session(shop.tenant_id) as s:
        row = s.get(Message, message.id)
    assert (row.provider_message_id, row.delivery_status, row.processing) == ("wamid-1", "sent", "done")
