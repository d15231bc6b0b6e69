"""Reminders on the real stack: PostgreSQL (RLS, the app role), Redis with RQ workers, the
provider a real local HTTP server. A worker killed in the middle of the reminder job sends the
reminder once; the tutor's "1" goes through the agent job and confirms the appointment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import StartedJobRegistry
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import enqueue_answer
from auzap_console.models import Appointment, AppointmentReminder, Message, Pet, Service
from auzap_console.services import booking
from auzap_console.services.channels import create_channel
from tests.fakes.provider_server import FakeProvider
from tests.integration.jobs_for_tests import reminders_then_slow, slow_then_reminders
from tests.utils.agent_helpers import PHONE, agent_shop

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/12"
ROOT = Path(__file__).resolve().parents[2]
SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def redis_db(redis_jobs):
    return redis_jobs(12, "0,0")


def _burst(conn) -> None:
    SimpleWorker([Queue(q, connection=conn) for q in queues.QUEUES], connection=conn).work(burst=True)


def _shop(name: str, evo: FakeProvider):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        channel = create_channel(
            s,
            actor=shop.actor,
            name="Evo",
            provider="evolution",
            base_url=evo.base_url,
            external_id="loja",
            credentials={"api_key": "inst-token"},
        ).channel
        svc = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        thor = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).one()
    shop.channel_id = channel.id
    shop.conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi", channel_id=channel.id)
    day = datetime.now(SP).date() + timedelta(days=3)
    shop.starts = datetime(day.year, day.month, day.day, 15, tzinfo=SP).astimezone(UTC)
    with tenant_session(shop.tenant_id) as s:
        shop.appointment_id = booking.book(
            s, actor=shop.actor, customer_id=shop.customer_id, service_id=svc.id, starts_at=shop.starts, pet_id=thor.id
        ).id
    return shop


def _reminders(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out"))
        return [m for m in rows if (m.meta or {}).get("kind") == "reminder"]


def _start_worker() -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "JOB_RETRY_INTERVALS": "0,0"}
    return subprocess.Popen(
        [sys.executable, "-m", "auzap_console.cli", "worker"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_started(job_id: str, conn, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Job.fetch(job_id, connection=conn).get_status(refresh=True) == "started":
            return
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} never started")


@pytest.mark.parametrize("job_func", [slow_then_reminders, reminders_then_slow], ids=["killed-before", "killed-after-commit"])
def test_a_worker_killed_mid_reminder_job_sends_it_once(redis_db, job_func):
    with FakeProvider("evolution", "inst-token") as evo:
        shop = _shop(f"Loja Lembrete Queda {job_func.__name__}", evo)
        due = (shop.starts - timedelta(days=1)).isoformat()
        job_id = queues.enqueue(job_func, due, shop.tenant_id, 3.0, queue=queues.LOW, job_key=queues.job_id("rem", job_func.__name__))
        worker = _start_worker()
        try:
            _wait_started(job_id, redis_db)
            time.sleep(1.5)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        StartedJobRegistry("low", connection=redis_db).cleanup(timestamp=time.time() + queues.JOB_TIMEOUT + 120)
        assert Job.fetch(job_id, connection=redis_db).get_status(refresh=True) == "queued"  # retried, not lost
        _burst(redis_db)  # the retried reminder job, then the send job (enqueued after the commit)
        _burst(redis_db)
        sent = [s for s in evo.sent if "Passando para lembrar" in s.get("text", "")]
    (reminder,) = _reminders(shop)
    assert reminder.delivery_status in ("sent", "delivered") and len(sent) == 1
    assert "Thor tem Banho P amanhã às 15:00" in sent[0]["text"]


def test_the_tutor_confirms_through_the_agent_job_and_a_cancelled_one_is_not_reminded(redis_db):
    with FakeProvider("evolution", "inst-token") as evo:
        shop = _shop("Loja Lembrete Confirma", evo)
        due = shop.starts - timedelta(days=1)
        queues.enqueue(slow_then_reminders, (due - timedelta(minutes=1)).isoformat(), shop.tenant_id, 0, queue=queues.LOW)
        _burst(redis_db)
        assert _reminders(shop) == []  # not due yet
        queues.enqueue(slow_then_reminders, due.isoformat(), shop.tenant_id, 0, queue=queues.LOW)
        _burst(redis_db)
        _burst(redis_db)
        conversation_id, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="1 👍", channel_id=shop.channel_id)
        enqueue_answer(shop.tenant_id, conversation_id, message_id)
        _burst(redis_db)
        _burst(redis_db)
        with tenant_session(shop.tenant_id) as s:
            appointment = s.get(Appointment, shop.appointment_id)
            assert appointment.customer_confirmed_at is not None
            booking.cancel(s, actor=shop.actor, appointment_id=shop.appointment_id, reason="viagem")
        queues.enqueue(slow_then_reminders, (shop.starts - timedelta(hours=2)).isoformat(), shop.tenant_id, 0, queue=queues.LOW)
        _burst(redis_db)
    assert len(_reminders(shop)) == 1
    with tenant_session(shop.tenant_id) as s:
        replies = s.exec(select(Message.body).where(Message.tenant_id == shop.tenant_id, Message.sender == "ai")).all()
        assert [r for r in replies if r.startswith("Perfeito, está confirmado para")] == [replies[-1]]
        rows = s.exec(select(AppointmentReminder.status).where(AppointmentReminder.appointment_id == shop.appointment_id)).all()
    assert sorted(rows) == ["cancelled", "sent"]


def test_a_moved_appointment_is_reminded_for_its_new_time_only(redis_db):
    with FakeProvider("evolution", "inst-token") as evo:
        shop = _shop("Loja Lembrete Remarca", evo)
        new_start = shop.starts + timedelta(days=1, hours=-5)  # the next day at 10:00
        with tenant_session(shop.tenant_id) as s:
            booking.reschedule(s, actor=shop.actor, appointment_id=shop.appointment_id, starts_at=new_start)
        for moment in (shop.starts - timedelta(days=1), new_start - timedelta(days=1, minutes=1)):  # the old time, and just before
            queues.enqueue(slow_then_reminders, moment.isoformat(), shop.tenant_id, 0, queue=queues.LOW)
            _burst(redis_db)
        assert _reminders(shop) == []
        queues.enqueue(slow_then_reminders, (new_start - timedelta(days=1)).isoformat(), shop.tenant_id, 0, queue=queues.LOW)
        _burst(redis_db)
        _burst(redis_db)
        sent = [s for s in evo.sent if "Passando para lembrar" in s.get("text", "")]
    assert len(_reminders(shop)) == 1 and len(sent) == 1 and "amanhã às 10:00" in sent[0]["text"]
