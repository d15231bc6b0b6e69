"""Several machines' worth of processes on one PostgreSQL and one Redis: two webhook servers
(granian, `auzap_console.channels.asgi:app`) take every provider delivery — each message posted
to both, as a provider's retry landing on the other machine would — and two `auzap worker`
processes (threads) answer them: every message stored once, answered once, sent once, in its own
shop. (No `auzap cron` here: its outbox sweep would also pick up the other tests' leftovers in the
shared database; tests/unit/test_deploy_files.py runs it.)"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from auzap_console.db import tenant_session
from auzap_console.models import Message
from auzap_console.services.agents import save_config
from auzap_console.services.channels import create_channel
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop
from tests.utils.processes import stop_group

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/9"
ROOT = Path(__file__).resolve().parents[2]
PER_SHOP = 20


@pytest.fixture
def redis_db(redis_jobs):
    return redis_jobs(9, "0,0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "JOB_RETRY_INTERVALS": "0,0", "OPENAI_API_KEY": ""}
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True, stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_up(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(log.read_text()[-3000:])


def _shop_with_channel(name: str, waha: FakeWaha, api_key: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        save_config(s, actor=shop.actor, persona="customer_assistant", enabled=True, typing_delay_ms=0)
        new = create_channel(s, actor=shop.actor, name="Zap", provider="waha", base_url=waha.base_url, credentials={"api_key": api_key})
    return shop, new.webhook_path, new.channel.webhook_secret


def _count(tenant_id: int, direction: str) -> int:
    with tenant_session(tenant_id) as s:
        return s.exec(select(func.count()).select_from(Message).where(Message.tenant_id == tenant_id, Message.direction == direction)).one()


def test_two_webhook_servers_and_two_workers_lose_and_duplicate_nothing(redis_db, tmp_path):
    with FakeWaha(api_key="k-a") as waha_a, FakeWaha(api_key="k-b") as waha_b:
        shops = [_shop_with_channel("Loja Escala A", waha_a, "k-a"), _shop_with_channel("Loja Escala B", waha_b, "k-b")]
        ports = [_free_port(), _free_port()]
        granian = [str(ROOT / ".venv/bin/granian"), "--interface", "asgi", "--workers", "1", "--log-level", "warning"]
        procs = [
            _start([*granian, "--port", str(port), "auzap_console.channels.asgi:app"], tmp_path / f"web{i}.log")
            for i, port in enumerate(ports)
        ]
        worker = [sys.executable, "-m", "auzap_console.cli", "worker", "--threads", "4", "--no-cron"]
        procs += [_start(worker, tmp_path / f"worker{i}.log") for i in range(2)]
        try:
            for i, port in enumerate(ports):
                _wait_up(port, procs[i], tmp_path / f"web{i}.log")
            deliveries = []
            for n, (_shop, path, secret) in enumerate(shops):
                for i in range(PER_SHOP):
                    sender = f"55119{7400000 + n * 1000 + i:07d}@c.us"
                    body = json.dumps(waha_message(message_id=f"false_{sender}_SCALE{n}{i}", sender=sender, text="oi, tudo bem?")).encode()
                    headers = {
                        "X-Webhook-Hmac": hmac.new(secret.encode(), body, hashlib.sha512).hexdigest(),
                        "Content-Type": "application/json",
                    }
                    deliveries += [(f"http://127.0.0.1:{port}{path}", body, headers) for port in ports]  # the same message to both servers

            def post(delivery) -> int:
                url, body, headers = delivery
                return httpx.post(url, content=body, headers=headers, timeout=30).status_code

            with ThreadPoolExecutor(8) as pool:
                assert set(pool.map(post, deliveries)) == {200}
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (len(waha_a.sent) < PER_SHOP or len(waha_b.sent) < PER_SHOP):
                time.sleep(0.2)
            time.sleep(2)  # room for a duplicate to show up
        finally:
            for proc in procs:
                stop_group(proc, 30)
        for waha, (shop, _, _) in zip((waha_a, waha_b), shops, strict=True):
            assert len(waha.sent) == PER_SHOP, "each message sent exactly once"
            assert len({m["chatId"] for m in waha.sent}) == PER_SHOP  # one reply to each sender
            assert _count(shop.tenant_id, "in") == PER_SHOP and _count(shop.tenant_id, "out") == PER_SHOP
    senders_a = {m["chatId"] for m in waha_a.sent}
    assert all("74000" in chat for chat in senders_a)  # shop A's replies only went to shop A's customers
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("*.log"))
    assert "Traceback" not in logs, logs[-4000:]
