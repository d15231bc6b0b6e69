"""Live inbox updates: a commit touching a shop's messages wakes that shop's open inboxes — in this
process (local mode) and, through Redis pub/sub, from another process — and never another shop's."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from auzap_console import live
from auzap_console.agents.chat import receive_text
from auzap_console.settings import get_settings
from tests.conftest import make_shop

ROOT = Path(__file__).resolve().parents[2]


def _store_later(tenant_id: int, phone: str, delay: float = 0.3) -> threading.Thread:
    """A message committed from another thread (as an in-process job does), after a moment."""

    def go():
        import time

        time.sleep(delay)
        receive_text(tenant_id=tenant_id, phone=phone, text="oi, chegou agora")

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def test_a_message_wakes_its_shops_inbox_and_not_another_shops(local_jobs):
    mine, other = make_shop("Loja Ao Vivo"), make_shop("Loja Vizinha")

    async def scenario():
        writer = _store_later(mine.tenant_id, "+5511975550001")
        woke_mine, woke_other = await asyncio.gather(live.changed(mine.tenant_id, 10), live.changed(other.tenant_id, 2))
        writer.join()
        return woke_mine, woke_other

    woke_mine, woke_other = asyncio.run(scenario())
    assert woke_mine is True
    assert woke_other is False  # the neighbour's inbox does not even refresh


def test_nothing_committed_means_the_wait_times_out():
    shop = make_shop("Loja Quieta")
    assert asyncio.run(live.changed(shop.tenant_id, 0.3)) is False


def test_a_rolled_back_change_announces_nothing(local_jobs):
    from auzap_console.db import tenant_session
    from auzap_console.models import Conversation, Customer

    shop = make_shop("Loja Desfeita")

    def write_then_fail():
        with pytest.raises(RuntimeError), tenant_session(shop.tenant_id) as s:
            customer = Customer(tenant_id=shop.tenant_id, name="Ana", phone="+5511975550009")
            s.add(customer)
            s.flush()
            s.add(Conversation(tenant_id=shop.tenant_id, customer_id=customer.id))
            s.flush()
            raise RuntimeError("no commit")

    async def scenario():
        live._listener.ensure_started()
        loop = asyncio.get_running_loop()
        waiting = asyncio.create_task(live.changed(shop.tenant_id, 1.0))
        await asyncio.sleep(0.05)
        await loop.run_in_executor(None, write_then_fail)
        return await waiting

    assert asyncio.run(scenario()) is False


@pytest.mark.redis
def test_a_commit_in_another_process_reaches_this_one_through_redis(monkeypatch):
    shop = make_shop("Loja Dois Processos")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/7")
    get_settings.cache_clear()
    code = (
        "import time; time.sleep(1.0)\n"
        "from auzap_console.agents.chat import receive_text\n"
        f"receive_text(tenant_id={shop.tenant_id}, phone='+5511975550002', text='oi de outro processo')\n"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/7", "JOB_RETRY_INTERVALS": "0"}

    async def scenario():
        writer = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
        try:
            return await live.changed(shop.tenant_id, 30)
        finally:
            await asyncio.get_running_loop().run_in_executor(None, writer.wait)

    try:
        assert asyncio.run(scenario()) is True
    finally:
        from redis import Redis

        Redis.from_url("redis://127.0.0.1:6379/7").flushdb()  # the answer job the other process queued
        monkeypatch.undo()
        get_settings.cache_clear()


def test_a_change_heard_while_the_tab_was_refreshing_is_not_lost(local_jobs):
    """The tab reads `version` before refreshing; a commit during the refresh wakes its next wait at once."""
    shop = make_shop("Loja Ocupada")

    async def scenario():
        seen = live.version(shop.tenant_id)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: receive_text(tenant_id=shop.tenant_id, phone="+5511975550003", text="oi"))
        await asyncio.sleep(0.05)  # the wake-up arrives while nobody waits
        started = loop.time()
        woke = await live.changed(shop.tenant_id, 5, since=seen)
        return woke, loop.time() - started

    woke, waited = asyncio.run(scenario())
    assert woke is True and waited < 0.5
