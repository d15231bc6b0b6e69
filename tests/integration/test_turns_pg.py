"""Agent turns on PostgreSQL: no pooled connection is pinned while the model thinks; turns of one conversation queue."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import create_engine

from auzap_console import db
from auzap_console.agents import turn_lock
from auzap_console.agents.chat import receive_text
from auzap_console.settings import get_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.utils import turns
from tests.utils.agent_helpers import agent_shop
from tests.utils.own_redis import OwnRedis

REDIS_PORT = 6395  # a server of this test's own, never the shared one


def test_turns_of_different_conversations_overlap_on_postgres():
    turns.different_conversations_overlap()


def test_turns_of_one_conversation_never_overlap_on_postgres():
    turns.one_conversation_never_overlaps()


def test_twenty_slow_turns_share_a_pool_of_four_connections(monkeypatch, use_postgres):
    app_url, _ = use_postgres
    small = create_engine(app_url, pool_size=4, max_overflow=0, pool_timeout=10)
    monkeypatch.setattr(db, "get_engine", lambda: small)
    shop = agent_shop("Loja Vinte")
    conversation_ids = [
        receive_text(tenant_id=shop.tenant_id, phone=f"+55119{70000000 + i:08d}", text=f"oi, sou o cliente {i}")[0] for i in range(20)
    ]
    try:
        with FakeOpenAI() as fake, ThreadPoolExecutor(20) as pool:
            fake.delay = 2.0
            results = list(pool.map(lambda c: turns.turn(shop, fake, c), conversation_ids))
            assert fake.max_in_flight == 20, "the turns did not all wait on the model at once"
    finally:
        small.dispose()
    assert all(r.reply == "ok" and r.message_id for r in results)


@pytest.fixture
def own_redis(monkeypatch):
    server = OwnRedis(REDIS_PORT).start()
    monkeypatch.setenv("REDIS_URL", server.url)
    get_settings.cache_clear()
    yield server
    server.stop()
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_redis_turn_lock_serializes_a_conversation_and_expires(own_redis, monkeypatch):
    holding, release = threading.Event(), threading.Event()

    def hold():
        with turn_lock.conversation_lock(1, 7):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    with pytest.raises(turn_lock.TurnBusy), turn_lock.conversation_lock(1, 7, wait=0.2):
        pass
    with turn_lock.conversation_lock(1, 8, wait=0.2):  # another conversation is free
        pass
    release.set()
    thread.join()
    monkeypatch.setattr(turn_lock, "LOCK_TTL", 1)
    with turn_lock.conversation_lock(1, 7, wait=0.2):  # a crashed holder's lock expires by itself
        pass
    lock = turn_lock._redis(own_redis.url).lock("auzap:turn:1:9", timeout=1)
    assert lock.acquire()  # held by a worker that died
    with turn_lock.conversation_lock(1, 9, wait=3):
        pass


def test_turns_with_redis_queue_one_conversation(own_redis):
    turns.one_conversation_never_overlaps()
