"""Secrets at rest: the default SECRET_KEY is refused outside local mode, and keys can be rotated."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from auzap_console import crypto
from auzap_console.settings import DEFAULT_SECRET_KEY, PROJECT_ROOT, InsecureSecretKey, Settings, check_secret_key, get_settings
from tests.conftest import session_token

PG_URL = "postgresql+psycopg://auzap_app:x@127.0.0.1:1/auzap"


@pytest.mark.parametrize(
    ("database_url", "redis_url", "refused"),
    [("sqlite:///x.db", "", False), (PG_URL, "", True), ("sqlite:///x.db", "redis://127.0.0.1:1/0", True), (PG_URL, "redis://h/0", True)],
)
def test_default_key_is_refused_outside_local_mode(database_url, redis_url, refused):
    settings = Settings(database_url=database_url, redis_url=redis_url, secret_key=DEFAULT_SECRET_KEY)
    if refused:
        with pytest.raises(InsecureSecretKey, match="SECRET_KEY"):
            check_secret_key(settings)
    else:
        check_secret_key(settings)
    check_secret_key(Settings(database_url=database_url, redis_url=redis_url, secret_key="a-real-random-key"))


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


def test_web_app_and_worker_do_not_start_with_the_default_key():
    app = _run(["-c", "import auzap_console.auzap_console"], DATABASE_URL=PG_URL, SECRET_KEY=DEFAULT_SECRET_KEY)
    assert app.returncode == 1 and "SECRET_KEY" in app.stderr and "token_urlsafe" in app.stderr
    worker = _run(["-m", "auzap_console.cli", "worker", "--burst"], REDIS_URL="redis://127.0.0.1:1/0", SECRET_KEY=DEFAULT_SECRET_KEY)
    assert worker.returncode == 1 and "SECRET_KEY" in worker.stderr and "Traceback" not in worker.stderr


def _use_keys(monkeypatch, current: str, previous: str = "") -> None:
    monkeypatch.setenv("SECRET_KEY", current)
    monkeypatch.setenv("SECRET_KEYS_PREVIOUS", previous)
    get_settings.cache_clear()


def test_previous_keys_still_decrypt_and_rotate_moves_to_the_current_key(monkeypatch):
    _use_keys(monkeypatch, "old-key")
    token = crypto.encrypt_json({"api_key": "k-123"})
    _use_keys(monkeypatch, "new-key")
    with pytest.raises(ValueError):
        crypto.decrypt_json(token)
    _use_keys(monkeypatch, "new-key", "older-still, old-key")
    assert crypto.decrypt_json(token) == {"api_key": "k-123"}
    rotated = crypto.rotate(token)
    _use_keys(monkeypatch, "new-key")
    assert crypto.decrypt_json(rotated) == {"api_key": "k-123"}
    monkeypatch.undo()
    get_settings.cache_clear()


def test_webhook_secret_is_stored_encrypted_and_shown_decrypted_to_the_owner(shop_factory):
    from sqlalchemy import text

    from auzap_console.db import tenant_session
    from auzap_console.pages.channels import ChannelsState
    from auzap_console.services.channels import channel_ref, create_channel
    from tests.utils.reflex_harness import Browser

    shop = shop_factory("Loja Segredo")
    with tenant_session(shop.tenant_id) as s:
        new = create_channel(s, actor=shop.actor, name="Zap", provider="simulator")
        secret = channel_ref(new.channel).webhook_secret
        (stored,) = s.execute(text("SELECT webhook_secret_encrypted FROM channels WHERE id = :id"), {"id": new.channel.id}).one()
    assert len(secret) >= 40 and secret not in stored and crypto.decrypt_text(stored) == secret
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(ChannelsState.load)
    assert [row.secret for row in tab.state(ChannelsState).rows] == [secret]
