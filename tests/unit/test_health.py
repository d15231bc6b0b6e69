"""/health tells anonymous callers only whether the console is up; the detail needs HEALTH_TOKEN."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from auzap_console.channels.webhooks import webhook_app
from auzap_console.jobs import queues
from auzap_console.settings import get_settings

TOKEN = "token-de-saude-123"


@pytest.fixture
def client(monkeypatch, shop_factory):
    from auzap_console.db import tenant_session
    from auzap_console.services.channels import create_channel

    shop = shop_factory("Loja Saude")
    with tenant_session(shop.tenant_id) as s:
        create_channel(s, actor=shop.actor, name="Zap", provider="simulator")
    monkeypatch.setenv("HEALTH_TOKEN", TOKEN)
    get_settings.cache_clear()
    yield TestClient(webhook_app())
    monkeypatch.undo()
    get_settings.cache_clear()
    queues.redis_connection.cache_clear()


def test_anonymous_gets_only_the_status(client):
    for response in (client.get("/health"), client.get("/health", headers={"Authorization": "Basic x"})):
        assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_token_unlocks_the_detail(client):
    for response in (client.get("/health", headers={"Authorization": f"Bearer {TOKEN}"}), client.get(f"/health?token={TOKEN}")):
        body = response.json()
        assert response.status_code == 200 and body["status"] == "ok"
        assert body["database"]["channels"].get("connected", 0) >= 1 and body["jobs"]["mode"] == "in-process"


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer errado"}, {"Authorization": "Bearer ção-não-ascii"}])
def test_a_wrong_token_is_refused(client, headers):
    assert client.get("/health", headers={k: v.encode() for k, v in headers.items()}).status_code == 401
    assert client.get("/health?token=errado").status_code == 401


def test_degraded_hides_the_error_from_anonymous_callers(client, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    queues.redis_connection.cache_clear()
    anonymous = client.get("/health")
    assert anonymous.status_code == 503 and anonymous.json() == {"status": "degraded"}
    detail = client.get("/health", headers={"Authorization": f"Bearer {TOKEN}"})
    assert detail.status_code == 503 and "127.0.0.1" in detail.json()["jobs"]["error"]


def test_without_health_token_nobody_gets_the_detail(client, monkeypatch):
    monkeypatch.setenv("HEALTH_TOKEN", "")
    get_settings.cache_clear()
    assert client.get("/health", headers={"Authorization": "Bearer "}).json() == {"status": "ok"}
    assert client.get("/health?token=qualquer").json() == {"status": "ok"}
