"""Campaigns on the real stack: PostgreSQL (RLS, the app role), Redis with RQ workers, the provider a
real local HTTP server. A 1,000-recipient campaign goes out at the configured rate per minute
(clock injected), a worker SIGKILLed in the middle of a minute sends nobody twice, a customer who
answers "SAIR" before their turn is skipped, and each minute's sends are spread by RQ's scheduler."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from sqlmodel import func, select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import enqueue_answer
from auzap_console.jobs.campaigns import send_due_campaigns
from auzap_console.models import Campaign, CampaignRecipient, Customer, Pet
from auzap_console.services import campaigns, segments
from auzap_console.services.channels import create_channel
from auzap_console.settings import get_settings
from tests.conftest import make_shop
from tests.fakes.provider_server import FakeProvider
from tests.integration.jobs_for_tests import slow_campaign_minute

pytestmark = pytest.mark.redis
REDIS_DB = 13
ROOT = Path(__file__).resolve().parents[2]
SP = ZoneInfo("America/Sao_Paulo")
RECIPIENTS, RATE = 1000, 400


@pytest.fixture
def redis_db(redis_jobs, monkeypatch):
    conn = redis_jobs(REDIS_DB, "0,0")
    monkeypatch.setenv("CAMPAIGN_SPREAD_MS", "0")  # sends enqueued at once here; the spread is checked on its own below
    get_settings.cache_clear()
    return conn


def _burst(conn) -> None:
    SimpleWorker([Queue(q, connection=conn) for q in queues.QUEUES], connection=conn).work(burst=True)


def _noon() -> datetime:
    day = datetime.now(SP).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, 12, tzinfo=SP).astimezone(UTC)


def _shop_with_customers(name: str, evo: FakeProvider, n: int):
    shop = make_shop(name)
    with tenant_session(shop.tenant_id) as s:
        shop.channel_id = create_channel(
            s, actor=shop.actor, name="Evo", provider="evolution", base_url=evo.base_url, external_id="loja", credentials={"api_key": "k"}
        ).channel.id
        people = [Customer(tenant_id=shop.tenant_id, name=f"Tutor {i:04d}", phone=f"+55119{i:08d}") for i in range(n)]
        people.append(Customer(tenant_id=shop.tenant_id, name="Já Saiu", phone="+5511899999999", marketing_opt_out=True))
        s.add_all(people)
        s.flush()
        s.add_all([Pet(tenant_id=shop.tenant_id, customer_id=c.id, name=f"Pet {c.id}", species="dog") for c in people])
        shop.segment_id = segments.save_segment(s, actor=shop.actor, name="Todos os cães", criteria={"species": "dog"}).id
        shop.phones = [c.phone for c in people]
    return shop


def _campaign(shop, rate: int) -> int:
    with tenant_session(shop.tenant_id) as s:
        return campaigns.save_draft(
            s,
            actor=shop.actor,
            name="Volta",
            template="Oi {nome}!",
            segment_id=shop.segment_id,
            channel_id=shop.channel_id,
            rate_per_minute=rate,
        ).id


def _sent_rows(shop) -> int:
    with tenant_session(shop.tenant_id) as s:
        return s.exec(select(func.count()).where(CampaignRecipient.tenant_id == shop.tenant_id, CampaignRecipient.status == "sent")).one()


def _start_worker() -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "JOB_RETRY_INTERVALS": "0,0", "CAMPAIGN_SPREAD_MS": "0"}
    return subprocess.Popen(
        [sys.executable, "-m", "auzap_console.cli", "worker"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_1000_recipient_campaign_is_paced_survives_a_killed_worker_and_sends_nobody_twice(redis_db):
    with FakeProvider("evolution", "k") as evo:
        shop = _shop_with_customers("Loja Campanha Mil", evo, RECIPIENTS)
        campaign_id = _campaign(shop, RATE)
        at = _noon()
        with tenant_session(shop.tenant_id) as s:
            assert campaigns.schedule(s, actor=shop.actor, campaign_id=campaign_id, at=at, now=at - timedelta(minutes=5)) == RECIPIENTS

        # Minute 1 on a real worker, killed while it writes the minute's recipients.
        job_id = queues.enqueue(slow_campaign_minute, at.isoformat(), shop.tenant_id, 0.02, queue=queues.LOW, job_key="campaign-minute-1")
        worker = _start_worker()
        try:
            deadline = time.monotonic() + 90
            while _sent_rows(shop) < 120 and time.monotonic() < deadline:
                time.sleep(0.1)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        written_before_kill = _sent_rows(shop)
        assert 120 <= written_before_kill < RATE  # killed midway
        StartedJobRegistry("low", connection=redis_db).cleanup(timestamp=time.time() + queues.JOB_TIMEOUT + 120)
        assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "queued"  # retried, not lost
        _burst(redis_db)  # the retried minute finishes its batch; the sends follow
        assert _sent_rows(shop) == RATE  # the retry wrote only the rest: the minute's rate is kept

        # The last customer answers "SAIR" before their turn: skipped, with a confirmation.
        last_phone = shop.phones[RECIPIENTS - 1]
        conversation_id, message_id = receive_text(tenant_id=shop.tenant_id, phone=last_phone, text="SAIR", channel_id=shop.channel_id)
        enqueue_answer(shop.tenant_id, conversation_id, message_id)
        _burst(redis_db)

        for minute in (1, 2, 3):
            queues.enqueue(send_due_campaigns, at + timedelta(minutes=minute), shop.tenant_id, queue=queues.LOW)
            _burst(redis_db)
            _burst(redis_db)
        texts = [m for m in evo.sent if m.get("text", "").startswith("Oi Tutor")]

    per_phone = Counter(m["number"] for m in texts)
    assert len(texts) == RECIPIENTS - 1 and max(per_phone.values()) == 1  # zero duplicates, the opted-out one left out
    assert shop.phones[-1] not in per_phone and last_phone not in per_phone
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Campaign, campaign_id).status == "finished"
        progress = campaigns.progress(s, actor=shop.actor, campaign_id=campaign_id)
    assert progress.counts["skipped"] == 1 and progress.reached("sent") == RECIPIENTS - 1


def test_a_minutes_sends_are_spread_by_the_rq_scheduler(redis_db, monkeypatch):
    monkeypatch.setenv("CAMPAIGN_SPREAD_MS", "60000")
    get_settings.cache_clear()
    with FakeProvider("evolution", "k") as evo:
        shop = _shop_with_customers("Loja Campanha Ritmo RQ", evo, 30)
        campaign_id = _campaign(shop, 30)
        with tenant_session(shop.tenant_id) as s:
            campaigns.schedule(s, actor=shop.actor, campaign_id=campaign_id)
        before = time.time()
        assert send_due_campaigns(datetime.now(UTC) + timedelta(seconds=1), only_tenant=shop.tenant_id) in ({"sent": 30}, {})
    registry = ScheduledJobRegistry("send", connection=redis_db)
    times = sorted(registry.connection.zrange(registry.key, 0, -1, withscores=True), key=lambda x: x[1])
    if not times:
        pytest.skip("São Paulo quiet hours right now: nothing is sent (covered by the unit tests)")
    offsets = [score - before for _, score in times]
    assert len(offsets) == 29  # the first goes at once; 29 wait in RQ's schedule
    assert 0 < offsets[0] < 4 and 56 < offsets[-1] < 62  # one every 2 s over the minute
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    assert all(1 <= g <= 3 for g in gaps)
