"""Local mode: the in-process queue runs the same jobs with ids, de-duplication and retries."""

from __future__ import annotations

import pytest
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.models import Message
from auzap_console.settings import get_settings
from tests.utils.agent_helpers import PHONE, agent_shop


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("JOB_RETRY_INTERVALS", "0,0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_agent_job_runs_in_process_once():
    shop = agent_shop("Loja Local")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    key = queues.job_id("answer", "local-1")
    queues.enqueue(answer_conversation, shop.tenant_id, conversation_id, queue=queues.HIGH, job_key=key)
    queues.enqueue(answer_conversation, shop.tenant_id, conversation_id, queue=queues.HIGH, job_key=key)
    queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        replies = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert len(replies) == 1 and "Olá" in replies[0].body


def test_in_process_retries_then_gives_up():
    calls = []

    def sometimes(n):
        calls.append(n)
        if len(calls) < 2:
            raise RuntimeError("boom")

    queues.enqueue(sometimes, 1, job_key="retry-ok")
    queues.in_process().drain()
    assert calls == [1, 1]

    def always():
        calls.append("x")
        raise RuntimeError("never works")

    queues.enqueue(always, job_key="retry-fail")
    queues.in_process().drain()
    assert calls.count("x") == 3  # first attempt + two retries


def test_unknown_queue_is_refused(monkeypatch):
    with pytest.raises(ValueError):
        queues.rq_queue("urgentissimo")
