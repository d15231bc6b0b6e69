"""Production path on real servers: a signed WAHA webhook is stored in PostgreSQL (as the RLS app
role), queued in Redis, answered by a real `auzap worker` process, and the reply reaches a local
WAHA server — once, even when the provider delivers the webhook twice."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.webhooks import webhook_app
from auzap_console.db import tenant_session
from auzap_console.models import Message
from auzap_console.services.agents import save_config
from auzap_console.services.channels import create_channel
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/10"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def redis_db(redis_jobs):
    return redis_jobs(10)


def test_webhook_to_worker_to_provider_on_postgres_and_redis():
    shop = agent_shop("Loja Produção")
    with FakeWaha(api_key="k-prod") as waha:
        with tenant_session(shop.tenant_id) as s:
            save_config(s, actor=shop.actor, persona="customer_assistant", enabled=True, typing_delay_ms=0)
            new = create_channel(
                s, actor=shop.actor, name="Zap", provider="waha", base_url=waha.base_url, credentials={"api_key": "k-prod"}
            )
            path, secret = new.webhook_path, new.channel.webhook_secret
        body = json.dumps(
            waha_message(message_id="false_5511988887777@c.us_3EB0PG1", sender="5511988887777@c.us", text="quanto custa a tosa completa?")
        ).encode()
        headers = {"X-Webhook-Hmac": hmac.new(secret.encode(), body, hashlib.sha512).hexdigest(), "Content-Type": "application/json"}
        client = TestClient(webhook_app())
        assert client.post(path, content=body, headers=headers).json()["stored"] == 1
        assert client.post(path, content=body, headers=headers).json()["duplicates"] == 1
        done = subprocess.run(
            [sys.executable, "-m", "auzap_console.cli", "worker", "--burst"],
            cwd=ROOT,
            env={**os.environ, "REDIS_URL": REDIS_URL},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert len(waha.sent) == 1 and "Tosa completa: R$ 90,00" in waha.sent[0]["text"]
    with tenant_session(shop.tenant_id) as s:
        (reply,) = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert reply.delivery_status == "sent" and reply.provider_message_id.startswith("3EB0")
