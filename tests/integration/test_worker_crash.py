"""A worker killed with SIGKILL mid-job loses no message: RQ's cleanup of the abandoned job
retries it, and the customer is answered exactly once — whether the kill came before or after
the reply was written, and whether the job ran in a forked horse or in a worker thread."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import StartedJobRegistry
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Message
from tests.integration.jobs_for_tests import answer_then_slow, slow_then_answer
from tests.utils.agent_helpers import PHONE, agent_shop

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/13"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def redis_db(redis_jobs):
    return redis_jobs(13, "0,0")


def _start_worker(threads: int = 1) -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "JOB_RETRY_INTERVALS": "0,0"}
    return subprocess.Popen(
        [sys.executable, "-m", "auzap_console.cli", "worker", "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_status(job_id: str, conn, wanted: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Job.fetch(job_id, connection=conn).get_status(refresh=True) == wanted:
            return
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} never became {wanted}")


def _wait_disconnected(conn, seconds: float = 10) -> None:
    """Until the killed thread workers' Redis connections are gone: an idle thread's BLPOP still
    open for a few ms after the kill would take the requeued job with it (RQ's own window, which
    the outbox sweep covers in production) and the test would look at the wrong thing.
    (Not for a forking worker: its horse, in a process group of its own, holds the parent's sockets.)"""
    deadline = time.monotonic() + seconds
    db = str(conn.connection_pool.connection_kwargs["db"])
    while any(c["db"] == db and c["cmd"] in ("blpop", "subscribe") for c in conn.client_list()) and time.monotonic() < deadline:
        time.sleep(0.05)


def _replies(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")))


@pytest.mark.parametrize("threads", [1, 4], ids=["forked-horse", "thread-workers"])
@pytest.mark.parametrize("job_func", [slow_then_answer, answer_then_slow], ids=["killed-before-reply", "killed-after-reply"])
def test_sigkill_mid_job_then_recovery_answers_exactly_once(redis_db, job_func, threads):
    shop = agent_shop("Loja Queda")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    job_id = queues.enqueue(
        job_func, shop.tenant_id, conversation_id, 3.0, queue=queues.HIGH, job_key=queues.job_id("crash", job_func.__name__)
    )
    worker = _start_worker(threads)
    try:
        _wait_status(job_id, redis_db, "started")
        time.sleep(1.0)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        if threads > 1:
            _wait_disconnected(redis_db)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "started"  # abandoned
    # What RQ's maintenance does once the dead worker's job timeout has passed:
    StartedJobRegistry("high", connection=redis_db).cleanup(timestamp=time.time() + queues.JOB_TIMEOUT + 120)
    assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "queued"  # retried, not lost
    SimpleWorker([Queue(q, connection=redis_db) for q in queues.QUEUES], connection=redis_db).work(burst=True)
    assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "finished"
    (reply,) = _replies(shop)
    assert "Banho P: R$ 50,00" in reply.body
