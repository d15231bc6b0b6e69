"""Nothing lost between store and enqueue, on real PostgreSQL (RLS app role) and real Redis:
Redis down at webhook time, a job dequeued by a worker that died before starting it, a worker
SIGKILLed mid-job, sends served before the answer backlog, and new-contact races."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.agents.chat import receive_text
from auzap_console.channels.webhooks import webhook_app
from auzap_console.db import tenant_session
from auzap_console.jobs import outbound, outbox, queues
from auzap_console.jobs.agent import answer_key, enqueue_answer
from auzap_console.jobs.inbound import event_key, handle_event
from auzap_console.models import Conversation, Customer, InboundEvent, Message
from auzap_console.services.agents import save_config
from auzap_console.services.channels import create_channel
from auzap_console.settings import get_settings
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.integration.jobs_for_tests import record, slow_then_answer
from tests.utils.agent_helpers import PHONE, agent_shop
from tests.utils.own_redis import OwnRedis
from tests.utils.processes import kill_tree

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]
SENDER = "5511988887777@c.us"  # agent_shop's customer


def _use_redis(monkeypatch, url: str, retry_intervals: str = "0,0") -> None:
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("JOB_RETRY_INTERVALS", retry_intervals)
    get_settings.cache_clear()
    queues.redis_connection.cache_clear()


@pytest.fixture
def own_redis(monkeypatch):
    server = OwnRedis(6393).start()
    _use_redis(monkeypatch, server.url)
    yield server
    server.stop()
    monkeypatch.undo()
    get_settings.cache_clear()
    queues.redis_connection.cache_clear()


def _waha_shop(name, waha):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        save_config(s, actor=shop.actor, persona="customer_assistant", enabled=True, typing_delay_ms=0)
        new = create_channel(s, actor=shop.actor, name="Zap", provider="waha", base_url=waha.base_url, credentials={"api_key": "k"})
        return shop, new.webhook_path, new.channel.webhook_secret


def _post(client, path, secret, payload):
    body = json.dumps(payload).encode()
    headers = {"X-Webhook-Hmac": hmac.new(secret.encode(), body, hashlib.sha512).hexdigest(), "Content-Type": "application/json"}
    return client.post(path, content=body, headers=headers)


def _inbound(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "in").order_by(Message.id)))


def _burst(conn) -> None:
    SimpleWorker([Queue(q, connection=conn) for q in queues.QUEUES], connection=conn).work(burst=True)


def _age(shop, seconds: float) -> None:
    """Make the shop's stored messages look `seconds` old (instead of waiting in the test)."""
    from datetime import timedelta

    with tenant_session(shop.tenant_id) as s:
        for m in s.exec(select(Message).where(Message.tenant_id == shop.tenant_id)):
            m.created_at = m.created_at - timedelta(seconds=seconds)
            s.add(m)


def _events(shop) -> list[InboundEvent]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(InboundEvent).where(InboundEvent.tenant_id == shop.tenant_id).order_by(InboundEvent.id)))


def test_redis_down_at_webhook_time_the_event_is_kept_and_a_provider_retry_enqueues_it(own_redis):
    with FakeWaha(api_key="k") as waha:
        shop, path, secret = _waha_shop("Loja Redis Fora", waha)
        client = TestClient(webhook_app())
        payload = waha_message(message_id="false_x_3EB0DOWN1", sender=SENDER, text="quanto custa a tosa completa?")
        own_redis.stop()
        response = _post(client, path, secret, payload)
        assert response.status_code == 200 and response.json()["stored"] == 1  # stored; the enqueue failed
        assert [e.message_id for e in _events(shop)] == [None]
        own_redis.start()
        conn = queues.redis_connection()
        assert _post(client, path, secret, payload).json()["duplicates"] == 1  # the provider's retry…
        assert Job.fetch(event_key(shop.tenant_id, _events(shop)[0].id), connection=conn).get_status() == "queued"  # …enqueues it
        _burst(conn)
        assert len(waha.sent) == 1 and "Tosa completa: R$ 90,00" in waha.sent[0]["text"]
        assert [m.processing for m in _inbound(shop)] == ["done"] and _events(shop)[0].message_id == _inbound(shop)[0].id


def test_redis_down_at_webhook_time_the_workers_cron_sweep_answers_it_within_a_minute(own_redis):
    with FakeWaha(api_key="k") as waha:
        _shop, path, secret = _waha_shop("Loja Varredura", waha)
        own_redis.stop()
        payload = waha_message(message_id="false_x_3EB0DOWN2", sender=SENDER, text="quanto custa o banho?")
        assert _post(TestClient(webhook_app()), path, secret, payload).status_code == 200
        own_redis.start()
        started = time.monotonic()
        worker = subprocess.Popen(
            [sys.executable, "-m", "auzap_console.cli", "worker"],  # real workers + RQ cron (the sweep)
            cwd=ROOT,
            env={**os.environ, "REDIS_URL": own_redis.url, "JOB_RETRY_INTERVALS": "0,0"},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while not waha.sent and time.monotonic() - started < 60:
                time.sleep(0.5)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
        assert len(waha.sent) == 1, "the sweep did not answer the stored message within a minute"
        assert "Banho P: R$ 50,00" in waha.sent[0]["text"]


@pytest.fixture
def shared_redis(redis_jobs):
    return redis_jobs(11, "0,0")


def test_a_job_dequeued_by_a_worker_that_died_before_starting_it_is_requeued(shared_redis):
    shop = agent_shop("Loja Intermediária")
    conversation_id, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    key = enqueue_answer(shop.tenant_id, conversation_id, message_id)
    high = Queue(queues.HIGH, connection=shared_redis)
    # What RQ's dequeue does first (LMOVE to its intermediate queue); the worker dies right there.
    assert shared_redis.lmove(high.key, high.intermediate_queue_key) == key.encode()
    assert Job.fetch(key, connection=shared_redis).get_status() == "queued" and high.count == 0  # queued in no queue
    assert queues.enqueue(slow_then_answer, 0, 0, 0, queue=queues.HIGH, job_key=key) == key  # a plain re-enqueue is a no-op
    assert high.count == 0
    assert outbox.sweep()["requeued"] == 0  # younger than MIN_AGE_SECONDS: still on its normal path
    _age(shop, outbox.MIN_AGE_SECONDS + 1)
    assert outbox.sweep()["requeued"] == 1 and high.count == 1
    _burst(shared_redis)
    with tenant_session(shop.tenant_id) as s:
        replies = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert len(replies) == 1 and "Banho P: R$ 50,00" in replies[0].body
    assert outbox.sweep() == {"abandoned": 0, "requeued": 0, "handed_off": 0, "send_failed": 0}


def test_a_worker_killed_mid_job_is_recovered_by_the_sweep_within_a_minute(shared_redis):
    shop = agent_shop("Loja Morte Súbita")
    conversation_id, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    key = queues.enqueue(
        slow_then_answer, shop.tenant_id, conversation_id, 3.0, queue=queues.HIGH, job_key=answer_key(shop.tenant_id, message_id)
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "auzap_console.cli", "worker"],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/11", "JOB_RETRY_INTERVALS": "0,0"},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while Job.fetch(key, connection=shared_redis).get_status(refresh=True) != "started":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.1)
        time.sleep(1.0)
        kill_tree(worker.pid)  # worker, work horse and cron: all gone mid-job, as in a machine crash
        killed_at = time.monotonic()
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    _age(shop, outbox.MIN_AGE_SECONDS + 1)
    while Job.fetch(key, connection=shared_redis).get_status(refresh=True) != "queued":
        assert time.monotonic() - killed_at < 60, "the abandoned job was not recovered within a minute"
        outbox.sweep()  # what the workers' cron runs every INTERVAL_SECONDS
        time.sleep(2)
    _burst(shared_redis)
    with tenant_session(shop.tenant_id) as s:
        replies = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert len(replies) == 1


def test_sends_are_served_before_the_answer_backlog(shared_redis):
    for i in range(3):
        queues.enqueue(record, f"answer-{i}", queue=queues.HIGH)
    queues.enqueue(record, "send", queue=queues.SEND)
    _burst(shared_redis)
    assert [x.decode() for x in shared_redis.lrange("order", 0, -1)] == ["send", "answer-0", "answer-1", "answer-2"]


def test_the_same_new_number_in_parallel_deliveries_makes_one_contact_and_one_conversation(shared_redis, monkeypatch):
    monkeypatch.setattr("auzap_console.jobs.inbound.answer_message", lambda *a: {"skipped": "not under test"})
    with FakeWaha(api_key="k") as waha:
        shop, path, secret = _waha_shop("Loja Corrida", waha)
    new_number = "5511955554444@c.us"
    distinct = [waha_message(message_id=f"false_r_{i:03d}", sender=new_number, text=f"oi {i}") for i in range(20)]
    replayed = [waha_message(message_id="false_r_REPLAY", sender=new_number, text="de novo")] * 20

    def post(payload):
        return _post(TestClient(webhook_app()), path, secret, payload).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(post, distinct + replayed))
        assert codes == [200] * 40 and len(_events(shop)) == 21  # the replays stored once
        ids = [e.id for e in _events(shop)] * 2  # every event handled twice, in parallel (a redelivery, a second worker)
        list(pool.map(lambda event_id: handle_event(shop.tenant_id, event_id), ids))
    with tenant_session(shop.tenant_id) as s:
        assert len(s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.phone == "+5511955554444")).all()) == 1
        assert len(s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).all()) == 1
    assert len(_inbound(shop)) == 21


def test_the_typing_delay_schedules_the_send_on_rq(shared_redis):
    """RQ mode used to ignore `delay_ms` and send at once; now RQ's scheduler holds it."""
    key = queues.enqueue(record, "later", queue=queues.SEND, job_key="typing-delay", delay_ms=60_000)
    assert Job.fetch(key, connection=shared_redis).get_status() == "scheduled"
    assert Queue(queues.SEND, connection=shared_redis).count == 0
    assert queues.job_state(key) == queues.ACTIVE


def test_a_reply_that_may_go_at_once_is_sent_by_its_turns_job_without_a_send_job(shared_redis):
    with FakeWaha(api_key="k") as waha:
        shop, path, secret = _waha_shop("Loja Envio Direto", waha)
        payload = waha_message(message_id="false_x_INLINE1", sender=SENDER, text="quanto custa a tosa completa?")
        assert _post(TestClient(webhook_app()), path, secret, payload).status_code == 200
        send = Queue(queues.SEND, connection=shared_redis)
        _burst(shared_redis)
        assert len(waha.sent) == 1 and "Tosa completa: R$ 90,00" in waha.sent[0]["text"]
        with tenant_session(shop.tenant_id) as s:
            reply = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).one()
        assert reply.processing == "done" and reply.delivery_status in ("sent", "delivered") and reply.provider_message_id
        assert send.count == 0 and queues.job_state(outbound.send_key(reply.id)) == queues.MISSING  # no job was needed
        assert not shared_redis.keys(queues.HERE_PREFIX + "*")  # the mark is gone with the send


def test_a_reply_whose_direct_send_fails_goes_to_its_send_job_and_is_retried(shared_redis):
    with FakeWaha(api_key="k") as waha:
        shop, path, secret = _waha_shop("Loja Envio Falho", waha)
        waha.fail_next = 1  # the provider answers 500 to the turn's own attempt
        payload = waha_message(message_id="false_x_INLINE2", sender=SENDER, text="quanto custa o banho?")
        assert _post(TestClient(webhook_app()), path, secret, payload).status_code == 200
        _burst(shared_redis)  # the event job answers, fails to send, enqueues the send job; the burst runs it
        assert len(waha.sent) == 1 and "Banho P: R$ 50,00" in waha.sent[0]["text"]
        with tenant_session(shop.tenant_id) as s:
            reply = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).one()
        assert reply.processing == "done" and reply.provider_message_id


def test_the_sweep_never_sends_a_reply_beside_its_turns_job(shared_redis):
    """While the turn's job sends a reply itself, the reply's send job counts as running."""
    key = outbound.send_key(424242)
    with queues.doing_here(key, 30) as mine:
        assert mine
        assert queues.job_state(key) == queues.ACTIVE
        assert queues.enqueue(record, "beside", queue=queues.SEND, job_key=key, revive=True) == key
        assert Queue(queues.SEND, connection=shared_redis).count == 0  # nothing enqueued beside it
        with queues.doing_here(key, 30) as second:
            assert not second  # a second sender backs off
    assert queues.job_state(key) == queues.MISSING
    with queues.doing_here(key, 1) as mine:  # a worker killed mid-send: the mark expires, the sweep takes over
        assert mine
        time.sleep(1.2)
        assert queues.job_state(key) == queues.MISSING
