"""Media on the real stack: PostgreSQL as the app role (RLS), Redis with RQ workers, the providers
and the OpenAI-compatible server as real local HTTP servers. A voice note arrives twice by webhook:
it is stored once, downloaded once, transcribed once, and answered once; offline, the customer is
asked for text and the conversation flagged for the team."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from rq import Queue, SimpleWorker
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.webhooks import webhook_app
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Conversation, Message
from auzap_console.services import media
from auzap_console.services.channels import create_channel
from auzap_console.settings import get_settings
from tests.fakes.media import OGG
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop

pytestmark = pytest.mark.redis


@pytest.fixture(autouse=True)
def redis_db(redis_jobs, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    media.storage.cache_clear()
    yield redis_jobs(11, "0,0")
    media.storage.cache_clear()


def _burst(conn) -> None:
    SimpleWorker([Queue(q, connection=conn) for q in queues.QUEUES], connection=conn).work(burst=True)


def _voice_note(shop, waha) -> None:
    with tenant_session(shop.tenant_id) as s:
        new = create_channel(s, actor=shop.actor, name="WAHA", provider="waha", base_url=waha.base_url, credentials={"api_key": "k"})
    payload = waha_message(
        message_id="false_5511988887777@c.us_VOZPG",
        sender="5511988887777@c.us",
        text="",
        media={"url": "http://waha:3000/api/files/voz.oga", "mimetype": "audio/ogg", "filename": None},
    )
    body = json.dumps(payload).encode()
    sig = hmac.new(new.channel.webhook_secret.encode(), body, hashlib.sha512).hexdigest()
    client = TestClient(webhook_app())
    for _ in range(2):  # the provider delivers it twice
        client.post(new.webhook_path, content=body, headers={"Content-Type": "application/json", "X-Webhook-Hmac": sig})


def test_a_voice_note_is_downloaded_transcribed_and_answered_once(redis_db, monkeypatch):
    shop = agent_shop("Loja Voz PG")
    with FakeOpenAI() as ai, FakeWaha(api_key="k") as waha:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", ai.base_url)
        get_settings.cache_clear()
        ai.transcript = "tem horário amanhã de manhã?"
        ai.reply_text("Tenho às 9h e às 10h30. Qual prefere?")
        waha.files["voz.oga"] = (OGG, "audio/ogg")
        _voice_note(shop, waha)
        _burst(redis_db)
        _burst(redis_db)
        assert waha.downloads == ["voz.oga"] and len(ai.transcriptions) == 1
    with tenant_session(shop.tenant_id) as s:
        (voice,) = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "in")).all()
        replies = s.exec(select(Message.body).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert voice.meta["media"]["transcript"] == "tem horário amanhã de manhã?" and voice.processing == "done"
    assert replies == ["Tenho às 9h e às 10h30. Qual prefere?"]  # its send waits for the typing delay (RQ's scheduler)


def test_offline_the_customer_is_asked_for_text_and_the_team_flagged(redis_db, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    shop = agent_shop("Loja Voz Offline PG")
    with FakeWaha(api_key="k") as waha:
        waha.files["voz.oga"] = (OGG, "audio/ogg")
        _voice_note(shop, waha)
        _burst(redis_db)
        _burst(redis_db)
    with tenant_session(shop.tenant_id) as s:
        conversation = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
        texts = s.exec(select(Message.body).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert len(texts) == 1 and "não consigo ouvir áudios agora" in texts[0]
    assert conversation.waiting_human and not conversation.ai_paused
