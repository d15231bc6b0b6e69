"""Jobs on real Redis with RQ: de-duplicated ids, retries with back-off, real `rq` workers,
and an agent turn answered exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue, SimpleWorker
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.models import Message
from tests.integration.jobs_for_tests import flaky
from tests.utils.agent_helpers import PHONE, agent_shop

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def redis_db(redis_jobs):
    return redis_jobs(14, "0")


def _replies(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")))


def _work(conn) -> None:
    SimpleWorker([Queue(q, connection=conn) for q in queues.QUEUES], connection=conn).work(burst=True)


def test_duplicate_enqueue_runs_once_and_replies_once(redis_db):
    shop = agent_shop("Loja Fila")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    key = queues.job_id("answer", shop.tenant_id, "wamid.HBgM=+/abc.def")
    assert all(ch.isalnum() or ch in "-_" for ch in key)
    first = queues.enqueue(answer_conversation, shop.tenant_id, conversation_id, queue=queues.HIGH, job_key=key)
    second = queues.enqueue(answer_conversation, shop.tenant_id, conversation_id, queue=queues.HIGH, job_key=key)
    assert first == second == key and Queue("high", connection=redis_db).count == 1
    _work(redis_db)
    (reply,) = _replies(shop)
    assert "Banho P: R$ 50,00" in reply.body
    # Even a forced re-run of the job (as after a lost acknowledgement) does not reply twice.
    assert answer_conversation(shop.tenant_id, conversation_id)["skipped"] == "already answered"
    assert len(_replies(shop)) == 1


def test_failed_job_is_retried(redis_db):
    job = queues.enqueue(flaky, "attempts:flaky", queue=queues.DEFAULT, job_key=queues.job_id("flaky", 1))
    _work(redis_db)
    from rq.job import Job

    fetched = Job.fetch(job, connection=redis_db)
    assert fetched.get_status() == "finished" and fetched.return_value() == "ok after 2"


def test_real_rq_worker_process_answers(redis_db):
    shop = agent_shop("Loja Worker")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="que horas vocês abrem?")
    queues.enqueue(answer_conversation, shop.tenant_id, conversation_id, queue=queues.HIGH, job_key=queues.job_id("answer", "w1"))
    env = {**os.environ, "REDIS_URL": REDIS_URL}
    done = subprocess.run(
        [sys.executable, "-m", "auzap_console.cli", "worker", "--burst"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (reply,) = _replies(shop)
    assert "horário de funcionamento" in reply.body


def test_a_job_just_popped_by_a_worker_is_not_taken_for_lost(redis_db):
    """Between a worker's BLPOP and its 'started' mark the job is in no list: the outbox sweep's
    `job_state` must not re-enqueue it then (it would run twice), only when nobody marks it."""
    import threading
    import time

    from rq.job import Job, JobStatus

    key = queues.enqueue(flaky, "popped", queue=queues.HIGH, job_key="popped-job")
    redis_db.lpop(Queue(queues.HIGH, connection=redis_db).key)  # what a worker's BLPOP does
    job = Job.fetch(key, connection=redis_db)
    threading.Timer(0.4, lambda: job.set_status(JobStatus.STARTED)).start()  # the worker gets to it
    assert queues.job_state(key) == queues.ACTIVE
    assert Job.fetch(key, connection=redis_db).get_status() == JobStatus.STARTED

    lost = queues.enqueue(flaky, "lost", queue=queues.HIGH, job_key="lost-job")
    redis_db.lpop(Queue(queues.HIGH, connection=redis_db).key)  # popped by a worker that died at once
    started = time.monotonic()
    assert queues.job_state(lost) == queues.MISSING
    assert time.monotonic() - started >= queues.POPPED_GRACE_SECONDS
