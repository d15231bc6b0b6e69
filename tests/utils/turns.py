"""Concurrent agent turns against a slow local chat-completions server (the same checks on SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.agents.model import OpenAIModel
from auzap_console.agents.runtime import TurnResult, run_turn
from auzap_console.db import tenant_session
from auzap_console.models import Message
from tests.fakes.openai_server import FakeOpenAI
from tests.utils.agent_helpers import PHONE, agent_shop

DELAY = 1.0  # seconds the model takes to answer


def client(fake: FakeOpenAI) -> OpenAIModel:
    return OpenAIModel(api_key="sk-test", base_url=fake.base_url, timeout=30, max_retries=0)


def turn(shop, fake: FakeOpenAI, conversation_id: int) -> TurnResult:
    return run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=client(fake))


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def replies(shop, conversation_id: int) -> list[str]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(
            select(Message.body).where(Message.conversation_id == conversation_id, Message.direction == "out").order_by(Message.id)
        )
        return list(rows)


def different_conversations_overlap() -> None:
    """Two conversations' turns wait on the model at the same time: no database lock is held over the call."""
    shop = agent_shop("Loja Paralela")
    first, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi, primeira conversa")
    second, _ = receive_text(tenant_id=shop.tenant_id, phone="+5511977776666", text="oi, segunda conversa")
    assert first != second
    with FakeOpenAI() as fake, ThreadPoolExecutor(2) as pool:
        fake.delay = DELAY
        results = [f.result() for f in [pool.submit(turn, shop, fake, first), pool.submit(turn, shop, fake, second)]]
        (a_start, a_end, _), (b_start, b_end, _) = fake.spans
    assert [r.reply for r in results] == ["ok", "ok"]
    assert max(a_start, b_start) < min(a_end, b_end), "the two model calls did not overlap"
    assert replies(shop, first) == ["ok"] and replies(shop, second) == ["ok"]


def one_conversation_never_overlaps() -> None:
    """A second turn of the same conversation waits for the first (it starts while the first waits on the model)."""
    shop = agent_shop("Loja Em Fila")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="primeira mensagem")
    with FakeOpenAI() as fake, ThreadPoolExecutor(2) as pool:
        fake.delay = DELAY
        fake.reply_text("resposta um")
        fake.reply_text("resposta dois")
        first = pool.submit(turn, shop, fake, conversation_id)
        wait_for(lambda: len(fake.requests) == 1)  # the first turn is waiting on the model
        again, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="segunda mensagem")
        assert again == conversation_id
        second = pool.submit(turn, shop, fake, conversation_id)
        results = [first.result(), second.result()]
        (_, a_end, a_user), (b_start, _, b_user) = fake.spans
    assert [r.reply for r in results] == ["resposta um", "resposta dois"]
    assert (a_user, b_user) == ("primeira mensagem", "segunda mensagem")
    assert a_end <= b_start, "two turns of one conversation called the model at the same time"
    assert replies(shop, conversation_id) == ["resposta um", "resposta dois"]
