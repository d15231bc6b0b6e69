"""`auzap worker --threads N`: N RQ workers in threads of one process wait on the model together,
heartbeat their running jobs like forking workers do, and stop warmly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rq import Queue
from rq.job import Job

from auzap_console.agents.chat import receive_text
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.jobs.worker import ThreadWorker
from tests.fakes.openai_server import FakeOpenAI
from tests.integration.jobs_for_tests import slow_then_answer
from tests.utils import turns
from tests.utils.agent_helpers import agent_shop

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_db(redis_jobs):
    return redis_jobs(14, "0,0")


def _start(threads: int, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "auzap_console.cli", "worker", "--threads", str(threads)],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": REDIS_URL, "JOB_RETRY_INTERVALS": "0,0", **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def test_eight_thread_workers_answer_eight_turns_waiting_on_the_model_together(redis_db):
    shop = agent_shop("Loja Threads")
    conversations = [receive_text(tenant_id=shop.tenant_id, phone=f"+55119{71000000 + i:08d}", text=f"oi, sou o {i}")[0] for i in range(8)]
    with FakeOpenAI() as fake:
        fake.delay = 2.0
        for c in conversations:
            queues.enqueue(answer_conversation, shop.tenant_id, c, queue=queues.HIGH, job_key=queues.job_id("threads", c))
        worker = _start(8, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake.base_url, OPENAI_MAX_RETRIES="0")
        try:
            turns.wait_for(lambda: all(turns.replies(shop, c) for c in conversations), timeout=60)
        finally:
            _stop(worker)
        assert fake.max_in_flight >= 6, f"only {fake.max_in_flight} turns waited on the model at once"
    assert [turns.replies(shop, c) for c in conversations] == [["ok"]] * 8  # each answered once


def test_a_thread_worker_heartbeats_its_running_job(redis_db):
    """A job longer than `queues.STALE_AFTER` must not look abandoned: `beat` pushes its registration on."""
    shop = agent_shop("Loja Batida")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone="+5511972000000", text="quanto custa o banho?")
    job_id = queues.enqueue(slow_then_answer, shop.tenant_id, conversation_id, 2.0, queue=queues.HIGH, job_key="beat-test")
    worker = ThreadWorker([Queue(q, connection=redis_db) for q in queues.QUEUES], connection=redis_db, job_monitoring_interval=10)
    runner = threading.Thread(target=worker.work, kwargs={"burst": True})
    runner.start()
    registry = Queue(queues.HIGH, connection=redis_db).started_job_registry
    turns.wait_for(lambda: worker.running is not None and worker.running[0].started_at is not None)
    before = max(score for _, score in redis_db.zrange(registry.key, 0, -1, withscores=True))
    time.sleep(1.1)
    worker.beat()
    after = max(score for _, score in redis_db.zrange(registry.key, 0, -1, withscores=True))
    runner.join(30)
    assert after >= before + 1  # the registration moved on with the beat
    assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "finished"
    assert worker.running is None


def test_sigterm_lets_running_turns_finish_then_the_process_leaves(redis_db):
    shop = agent_shop("Loja Parada")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone="+5511973000000", text="quanto custa o banho?")
    job_id = queues.enqueue(slow_then_answer, shop.tenant_id, conversation_id, 3.0, queue=queues.HIGH, job_key="warm-stop")
    worker = _start(4)
    try:
        turns.wait_for(lambda: Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "started", timeout=30)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    finally:
        _stop(worker)
    assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "finished"
    assert len(turns.replies(shop, conversation_id)) == 1
