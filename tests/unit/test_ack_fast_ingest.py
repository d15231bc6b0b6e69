"""Ack-fast ingest: the webhook verifies, parses, stores the raw events with one INSERT … ON CONFLICT
DO NOTHING and enqueues; contacts, routing, the message and the turn happen in the event's job —
once, however often the provider or the sweep delivers it, and only in the event's own shop."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.webhooks import webhook_app
from auzap_console.db import get_engine, tenant_session
from auzap_console.jobs import inbound as inbound_jobs
from auzap_console.jobs import queues
from auzap_console.models import Customer, InboundEvent, Message
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.unit.test_webhooks_waha import SENDER, _channel, _messages, _post
from tests.utils.agent_helpers import agent_shop

pytestmark = pytest.mark.usefixtures("local_jobs")


@pytest.fixture
def waha():
    with FakeWaha(api_key="segredo-waha") as server:
        yield server


def _events(shop) -> list[InboundEvent]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(InboundEvent).where(InboundEvent.tenant_id == shop.tenant_id).order_by(InboundEvent.id)))


def test_the_webhook_writes_one_insert_and_answers_before_any_routing(waha, monkeypatch):
    shop = agent_shop("Loja Ack")
    channel, path = _channel(shop, waha)
    enqueued = []
    monkeypatch.setattr(inbound_jobs, "enqueue_new_events", enqueued.extend)
    statements: list[str] = []

    def count(conn, cursor, sql, *args):
        statements.append(sql.split()[0].upper())

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        payloads = [waha_message(message_id=f"false_x_ACK{i}", sender=f"55119777700{i:02d}@c.us", text="oi") for i in range(3)]
        responses = [_post(TestClient(webhook_app()), path, channel, p) for p in payloads]
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
    assert [r.json()["stored"] for r in responses] == [1, 1, 1]
    assert statements.count("INSERT") == 3  # one per delivery: the raw event, nothing else
    assert not _messages(shop) and len(enqueued) == 3  # no contact, conversation or message yet
    with tenant_session(shop.tenant_id) as s:
        assert s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.phone.like("+55119777700%"))).all() == []


def test_the_event_job_stores_the_message_and_answers_once(waha):
    shop = agent_shop("Loja Evento")
    channel, path = _channel(shop, waha)
    client = TestClient(webhook_app())
    payload = waha_message(message_id="false_x_EVT1", sender=SENDER, text="quanto tá o banho?")
    assert _post(client, path, channel, payload).json()["stored"] == 1
    queues.in_process().drain()
    (ev,) = _events(shop)
    assert ev.message_id == _messages(shop, "in")[0].id and ev.payload["phone"] == "+5511988887777"
    assert _post(client, path, channel, payload).json()["duplicates"] == 1  # the provider's retry
    inbound_jobs.handle_event(shop.tenant_id, ev.id)  # the sweep or a second worker runs it again
    queues.in_process().drain()
    assert len(_messages(shop, "in")) == 1 and len(_messages(shop, "out")) == 1 and len(waha.sent) == 1


def test_an_unusable_phone_is_ignored_not_stored(waha):
    shop = agent_shop("Loja Fone")
    channel, path = _channel(shop, waha)
    response = _post(TestClient(webhook_app()), path, channel, waha_message(message_id="false_x_BAD", sender="123@c.us", text="oi"))
    assert response.status_code == 200 and response.json()["stored"] == 0 and _events(shop) == []


def test_another_shops_event_is_not_handled(waha):
    a, b = agent_shop("Loja Evento A"), agent_shop("Loja Evento B")
    channel, path = _channel(a, waha)
    with_jobs = []
    original = inbound_jobs.enqueue_new_events
    inbound_jobs.enqueue_new_events = with_jobs.extend
    try:
        _post(TestClient(webhook_app()), path, channel, waha_message(message_id="false_x_ISO", sender=SENDER, text="oi"))
    finally:
        inbound_jobs.enqueue_new_events = original
    ((tenant_id, event_id),) = with_jobs
    assert tenant_id == a.tenant_id
    assert inbound_jobs.handle_event(b.tenant_id, event_id) == {"skipped": "gone"}  # B's job cannot reach A's event
    with tenant_session(b.tenant_id) as s:
        assert s.exec(select(Message).where(Message.tenant_id == b.tenant_id)).all() == []
    assert _events(a)[0].message_id is None


def test_concurrent_deliveries_share_a_batch_and_a_bad_one_fails_alone(monkeypatch):
    import asyncio

    from auzap_console.channels import webhooks
    from auzap_console.channels.ingest import IngestResult

    calls: list[int] = []

    def fake_ingest_many(deliveries):
        calls.append(len(deliveries))
        if any(events == ["bad"] for _, events in deliveries):
            raise RuntimeError("database said no")
        return [IngestResult(stored=[n]) for n, _ in deliveries]

    monkeypatch.setattr(webhooks, "ingest_many", fake_ingest_many)

    async def burst():
        batcher = webhooks.GroupCommit()
        return await asyncio.gather(*(batcher.submit(n, ["bad"] if n == 5 else ["ok"]) for n in range(10)), return_exceptions=True)

    results = asyncio.run(burst())
    assert calls == [10] + [1] * 10  # the ten arrived together: one batch; it failed, so each was written alone
    assert isinstance(results[5], RuntimeError)  # the bad delivery's request fails (the provider retries it)…
    assert [r.stored for i, r in enumerate(results) if i != 5] == [[n] for n in range(10) if n != 5]  # …the others are stored
