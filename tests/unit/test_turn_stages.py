"""An agent turn holds no transaction while the model thinks; one conversation's turns run one at a time (SQLite)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import select

from auzap_console.agents import turn_lock
from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.models import AIInteraction, Message, UsageDaily
from auzap_console.services import memory
from tests.fakes.openai_server import FakeOpenAI
from tests.utils import turns
from tests.utils.agent_helpers import PHONE, agent_shop


def test_turns_of_different_conversations_overlap_on_sqlite():
    turns.different_conversations_overlap()


def test_turns_of_one_conversation_never_overlap_on_sqlite():
    turns.one_conversation_never_overlaps()


def test_the_database_stays_writable_while_the_model_thinks():
    shop = agent_shop("Loja Livre")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    with FakeOpenAI() as fake:
        fake.delay = turns.DELAY
        worker = threading.Thread(target=turns.turn, args=(shop, fake, conversation_id))
        worker.start()
        turns.wait_for(lambda: len(fake.requests) == 1)
        started = time.monotonic()
        receive_text(tenant_id=shop.tenant_id, phone="+5511966665555", text="outra pessoa escreve agora")
        waited = time.monotonic() - started
        worker.join()
    assert waited < turns.DELAY / 2, f"a write waited {waited:.2f}s for the turn's transaction"


def _pending(shop, conversation_id):
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message.processing).where(Message.conversation_id == conversation_id, Message.direction == "in")))


def test_a_failed_final_write_leaves_the_message_pending_and_the_retry_replies_once(monkeypatch):
    shop = agent_shop("Loja Falha Final")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with FakeOpenAI() as fake:
        fake.reply_text("O banho P custa R$ 50,00.")
        fake.reply_text("O banho P custa R$ 50,00.")
        monkeypatch.setattr(memory, "append_summary", broken)  # the last step of the final write
        with pytest.raises(RuntimeError, match="disk full"):
            turns.turn(shop, fake, conversation_id)
        assert _pending(shop, conversation_id) == ["pending"]
        assert turns.replies(shop, conversation_id) == []
        with tenant_session(shop.tenant_id) as s:
            assert not s.exec(select(AIInteraction).where(AIInteraction.conversation_id == conversation_id)).all()
            assert not s.exec(select(UsageDaily.tokens_in).where(UsageDaily.tenant_id == shop.tenant_id)).first()
        monkeypatch.undo()
        retried = turns.turn(shop, fake, conversation_id)
        duplicate = turns.turn(shop, fake, conversation_id)
    assert retried.reply == "O banho P custa R$ 50,00." and retried.message_id
    assert duplicate.skipped == "already answered" and duplicate.message_id is None
    assert _pending(shop, conversation_id) == ["done"]
    assert turns.replies(shop, conversation_id) == ["O banho P custa R$ 50,00."]
    with tenant_session(shop.tenant_id) as s:
        records = s.exec(select(AIInteraction.message_id).where(AIInteraction.conversation_id == conversation_id)).all()
    assert records == [retried.message_id]


def test_the_local_turn_lock_waits_then_gives_up():
    holding, release = threading.Event(), threading.Event()

    def hold():
        with turn_lock.conversation_lock(1, 99):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    with pytest.raises(turn_lock.TurnBusy), turn_lock.conversation_lock(1, 99, wait=0.1):
        pass
    with turn_lock.conversation_lock(1, 100, wait=0.1):  # another conversation is free
        pass
    release.set()
    thread.join()
    with turn_lock.conversation_lock(1, 99, wait=0.1):
        pass
    assert not turn_lock._local.locks  # nothing left behind
