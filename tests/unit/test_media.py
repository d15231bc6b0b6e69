"""Inbound media end to end, against provider fakes speaking their documented protocols: the webhook
acknowledges at once, the answer job downloads each file once, checks and stores it; a voice note
is transcribed through the OpenAI-compatible audio endpoint (or, offline, the customer is asked for
text and the team told); a photo reaches a vision model as an image; a too-big or fake file is
refused with the reason; another shop can neither read the file nor see the message."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.webhooks import webhook_app
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.models import Conversation, Message
from auzap_console.services import media
from auzap_console.services.channels import create_channel
from auzap_console.settings import get_settings
from tests.fakes.media import OGG, PDF, PNG
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.provider_server import FakeProvider, cloud_location, cloud_media, evolution_media
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop


@pytest.fixture(autouse=True)
def media_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    media.storage.cache_clear()
    yield tmp_path / "media"
    get_settings.cache_clear()
    media.storage.cache_clear()


def _cloud_channel(shop, graph):
    with tenant_session(shop.tenant_id) as s:
        return create_channel(
            s,
            actor=shop.actor,
            name="Cloud",
            provider="cloud",
            base_url=graph.base_url,
            external_id="109876543210987",
            credentials={"access_token": "tok", "app_secret": "app-secret", "verify_token": "v"},
        ).webhook_path


def _post_cloud(path: str, payload: dict):
    body = json.dumps(payload).encode()
    sig = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    return TestClient(webhook_app()).post(path, content=body, headers={"X-Hub-Signature-256": sig, "Content-Type": "application/json"})


def _inbound(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "in").order_by(Message.id)))


def _replies(shop) -> list[str]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(Message.body).where(Message.tenant_id == shop.tenant_id, Message.direction == "out").order_by(Message.id))
        return list(rows)


def test_a_photo_is_downloaded_once_stored_and_thanked_for_offline(local_jobs, media_dir):
    shop = agent_shop("Loja Foto")
    with FakeProvider("cloud", "tok") as graph:
        graph.media["1003000000000001"] = (PNG, "image/png")
        path = _cloud_channel(shop, graph)
        payload = cloud_media(message_id="wamid.IMG-1", sender="5511988887777", kind="image", media_id="1003000000000001", mime="image/png")
        assert _post_cloud(path, payload).json()["stored"] == 1  # acknowledged before any download
        assert _post_cloud(path, payload).json()["duplicates"] == 1
        queues.in_process().drain()
        assert graph.downloads == ["1003000000000001"]  # once, despite the duplicate delivery
    (photo,) = _inbound(shop)
    info = photo.meta["media"]
    assert (info["kind"], info["status"], info["mime"], info["size"]) == ("image", "stored", "image/png", len(PNG))
    assert info["key"].startswith(f"{shop.tenant_id}/image/") and (media_dir / info["key"]).read_bytes() == PNG
    assert _replies(shop)[-1].startswith("Recebi a foto, obrigada!")


def test_a_photo_with_a_question_goes_to_the_team_when_the_model_cannot_see(local_jobs):
    shop = agent_shop("Loja Foto Pergunta")
    with FakeProvider("cloud", "tok") as graph:
        graph.media["2"] = (PNG, "image/png")
        path = _cloud_channel(shop, graph)
        _post_cloud(
            path,
            cloud_media(
                message_id="wamid.IMG-2",
                sender="5511988887777",
                kind="image",
                media_id="2",
                mime="image/png",
                caption="isso é normal na pele?",
            ),
        )
        queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        conversation = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
    assert conversation.waiting_human and conversation.ai_paused
    assert "alguém da nossa equipe dar uma olhada" in _replies(shop)[-1]


def test_a_voice_note_is_transcribed_and_answered(local_jobs, monkeypatch):
    shop = agent_shop("Loja Áudio")
    with FakeOpenAI() as ai, FakeProvider("evolution", "inst-token") as evo:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", ai.base_url)
        get_settings.cache_clear()
        ai.transcript = "quanto custa o banho do thor"
        ai.reply_text("O Banho P sai por R$ 50,00. 🐶")
        evo.media["3A0AUDIO"] = (OGG, "audio/ogg; codecs=opus")
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(
                s,
                actor=shop.actor,
                name="Evo",
                provider="evolution",
                base_url=evo.base_url,
                external_id="loja",
                credentials={"api_key": "inst-token"},
            )
        client = TestClient(webhook_app())
        headers = {"X-Auzap-Secret": new.channel.webhook_secret, "Content-Type": "application/json"}
        payload = evolution_media(
            message_id="3A0AUDIO", jid="5511988887777@s.whatsapp.net", kind="audioMessage", mime="audio/ogg; codecs=opus"
        )
        assert client.post(new.webhook_path, content=json.dumps(payload), headers=headers).json()["stored"] == 1
        queues.in_process().drain()
        assert evo.downloads == ["3A0AUDIO"] and len(ai.transcriptions) == 1
        assert b'name="model"' in ai.transcriptions[0] and b"whisper-1" in ai.transcriptions[0]
        asked = ai.requests[-1]["messages"][-1]["content"]
    (voice,) = _inbound(shop)
    assert voice.meta["media"]["transcript"] == "quanto custa o banho do thor" and voice.meta["media"]["voice"] is True
    assert asked == "(áudio) quanto custa o banho do thor"  # the model reads the words
    assert _replies(shop)[-1] == "O Banho P sai por R$ 50,00. 🐶"


def test_offline_a_voice_note_asks_for_text_and_tells_the_team(local_jobs):
    shop = agent_shop("Loja Áudio Offline")
    with FakeWaha(api_key="chave") as waha:
        waha.files["voz.oga"] = (OGG, "audio/ogg")
        with tenant_session(shop.tenant_id) as s:
            new = create_channel(
                s, actor=shop.actor, name="WAHA", provider="waha", base_url=waha.base_url, credentials={"api_key": "chave"}
            )
        payload = waha_message(
            message_id="false_5511988887777@c.us_VOZ1",
            sender="5511988887777@c.us",
            text="",
            media={"url": "http://waha.interno:3000/api/files/voz.oga", "mimetype": "audio/ogg", "filename": None},
        )
        body = json.dumps(payload).encode()
        sig = hmac.new(new.channel.webhook_secret.encode(), body, hashlib.sha512).hexdigest()
        TestClient(webhook_app()).post(new.webhook_path, content=body, headers={"Content-Type": "application/json", "X-Webhook-Hmac": sig})
        queues.in_process().drain()
        assert waha.downloads == ["voz.oga"]  # fetched from the channel's own WAHA, whatever host the URL named
    (voice,) = _inbound(shop)
    assert voice.meta["media"]["status"] == "stored" and voice.meta["media"]["transcript_error"]
    assert "não consigo ouvir áudios agora" in _replies(shop)[-1]
    with tenant_session(shop.tenant_id) as s:
        conversation = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
    assert conversation.waiting_human and not conversation.ai_paused  # flagged for the team; text still answered


def test_a_photo_reaches_a_vision_model_as_an_image(local_jobs, monkeypatch):
    shop = agent_shop("Loja Visão")
    with FakeOpenAI() as ai, FakeProvider("cloud", "tok") as graph:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", ai.base_url)
        get_settings.cache_clear()
        ai.reply_text("Que fofura! Parece uma vermelhidão leve; quer agendar uma avaliação?")
        graph.media["9"] = (PNG, "image/png")
        path = _cloud_channel(shop, graph)
        _post_cloud(
            path,
            cloud_media(
                message_id="wamid.IMG-9", sender="5511988887777", kind="image", media_id="9", mime="image/png", caption="olha a pele"
            ),
        )
        queues.in_process().drain()
        content = ai.requests[-1]["messages"][-1]["content"]
    assert content[0] == {"type": "text", "text": "olha a pele"}
    assert content[1]["type"] == "image_url" and content[1]["image_url"]["url"].startswith("data:image/png;base64,iVBOR")


def test_fake_or_oversized_files_are_refused_with_the_reason(local_jobs):
    shop = agent_shop("Loja Arquivo Ruim")
    with FakeProvider("cloud", "tok") as graph:
        graph.media["10"] = (b"MZ\x90\x00 not a pdf", "application/pdf")
        graph.media["11"] = (PNG + b"\x00" * media.MAX_BYTES["image"], "image/png")
        graph.media["12"] = (PDF, "application/pdf")
        path = _cloud_channel(shop, graph)
        for n, (mid, kind, mime) in enumerate((("10", "document", "application/pdf"), ("11", "image", "image/png"))):
            _post_cloud(path, cloud_media(message_id=f"wamid.BAD-{n}", sender="5511988887777", kind=kind, media_id=mid, mime=mime))
            queues.in_process().drain()
        _post_cloud(
            path,
            cloud_media(
                message_id="wamid.PDF",
                sender="5511988887777",
                kind="document",
                media_id="12",
                mime="application/pdf",
                filename="carteira.pdf",
            ),
        )
        queues.in_process().drain()  # (two messages in a row get one answer, to the latest)
        _post_cloud(path, cloud_location(message_id="wamid.LOC", sender="5511988887777", latitude=-23.58, longitude=-46.63, name="Casa"))
        queues.in_process().drain()
    fake, big, card, place = (m.meta["media"] for m in _inbound(shop))
    assert (fake["status"], big["status"]) == ("refused", "too_big") and "não é application/pdf" in fake["reason"]
    assert (card["status"], card["filename"]) == ("stored", "carteira.pdf")
    assert (place["kind"], place["latitude"], place["place"]) == ("location", -23.58, "Casa")
    replies = _replies(shop)
    assert "Não consegui abrir o arquivo" in replies[0] and "Não consegui abrir o arquivo" in replies[1]
    assert "Recebi o arquivo" in replies[2] and "localização" in replies[3]


def test_another_shop_cannot_read_the_file(local_jobs):
    a, b = agent_shop("Loja Mídia A"), agent_shop("Loja Mídia B")
    key = media.store(tenant_id=a.tenant_id, kind="image", mime="image/png", data=PNG)
    with pytest.raises(FileNotFoundError):
        media.read(tenant_id=b.tenant_id, key=key)
    with pytest.raises(FileNotFoundError):
        media.read(tenant_id=a.tenant_id, key=f"{a.tenant_id}/../{b.tenant_id}/x.png")
    assert media.read(tenant_id=a.tenant_id, key=key) == PNG


def test_the_file_is_served_only_to_the_shops_own_signed_in_people(local_jobs):
    from auzap_console.auth_routes import SESSION_COOKIE, auth_app
    from tests.conftest import session_token

    a, b = agent_shop("Loja Rota Mídia A"), agent_shop("Loja Rota Mídia B")
    with FakeProvider("cloud", "tok") as graph:
        graph.media["77"] = (PNG, "image/png")
        _post_cloud(
            _cloud_channel(a, graph),
            cloud_media(message_id="wamid.R", sender="5511988887777", kind="image", media_id="77", mime="image/png"),
        )
        queues.in_process().drain()
    (photo,) = _inbound(a)
    client = TestClient(auth_app())
    mine = client.get(f"/media/{photo.id}", cookies={SESSION_COOKIE: session_token(a.email, a.password)})
    assert mine.status_code == 200 and mine.content == PNG and mine.headers["content-type"] == "image/png"
    assert mine.headers["cache-control"].startswith("private") and mine.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/media/{photo.id}", cookies={SESSION_COOKIE: session_token(b.email, b.password)}).status_code == 404
    assert client.get(f"/media/{photo.id}").status_code == 401


def _conversation_on(shop, provider: str, base_url: str, credentials: dict, external_id: str = "") -> int:
    from auzap_console.agents.chat import receive_text

    with tenant_session(shop.tenant_id) as s:
        channel = create_channel(
            s, actor=shop.actor, name=provider, provider=provider, base_url=base_url, external_id=external_id, credentials=credentials
        ).channel
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone="+5511988887777", text="oi", channel_id=channel.id)
    return conversation_id


def test_the_team_sends_photos_and_files_through_each_provider(local_jobs):
    from auzap_console.services import inbox
    from auzap_console.services.context import ServiceError

    shop = agent_shop("Loja Envia Arquivo")
    with FakeWaha(api_key="k") as waha, FakeProvider("evolution", "e") as evo, FakeProvider("cloud", "tok") as graph:
        on_waha = _conversation_on(shop, "waha", waha.base_url, {"api_key": "k"})
        on_evo = _conversation_on(shop, "evolution", evo.base_url, {"api_key": "e"}, "loja")
        on_cloud = _conversation_on(
            shop, "cloud", graph.base_url, {"access_token": "tok", "app_secret": "s", "verify_token": "v"}, "109876543210987"
        )
        with tenant_session(shop.tenant_id) as s:
            inbox.send_file(
                s, actor=shop.actor, conversation_id=on_waha, data=PNG, mime="image/png", filename="thor.png", caption="Prontinho!"
            )
            inbox.send_file(s, actor=shop.actor, conversation_id=on_evo, data=PDF, mime="application/pdf", filename="recibo.pdf")
            inbox.send_file(
                s, actor=shop.actor, conversation_id=on_cloud, data=PNG, mime="image/png", filename="thor.png", caption="Pronto"
            )
            with pytest.raises(ServiceError, match="Arquivo não enviado"):
                inbox.send_file(s, actor=shop.actor, conversation_id=on_waha, data=b"MZ", mime="application/pdf", filename="virus.pdf")
        local_jobs.drain()
        (photo,) = waha.sent
        (pdf,) = evo.sent
        (cloud_photo,) = graph.sent
    assert photo["path"] == "/api/sendImage" and photo["caption"] == "Prontinho!" and photo["file"]["filename"] == "thor.png"
    assert photo["file"]["mimetype"] == "image/png" and photo["file"]["data"].startswith("iVBOR")
    assert pdf["path"] == "/message/sendMedia/loja" and pdf["mediatype"] == "document" and pdf["fileName"] == "recibo.pdf"
    assert len(graph.uploads) == 1 and cloud_photo["type"] == "image" and cloud_photo["image"]["caption"] == "Pronto"
    assert cloud_photo["image"]["id"].startswith("777")
    with tenant_session(shop.tenant_id) as s:
        sent = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
    assert len(sent) == 3 and all(m.provider_message_id and m.delivery_status == "sent" for m in sent)


def test_media_go_to_an_s3_compatible_bucket_when_one_is_set(monkeypatch):
    """A local S3-compatible server (moto's, real HTTP) stands in for the bucket; boto3 talks to it."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("MEDIA_S3_BUCKET", "auzap-midia")
        monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", endpoint)
        get_settings.cache_clear()
        media.storage.cache_clear()
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="auzap-midia")
        key = media.store(tenant_id=7, kind="image", mime="image/png", data=PNG)
        stored = boto3.client("s3", endpoint_url=endpoint).get_object(Bucket="auzap-midia", Key=key)
        assert stored["Body"].read() == PNG and stored["ContentType"] == "image/png"
        assert media.read(tenant_id=7, key=key) == PNG
        with pytest.raises(FileNotFoundError):
            media.read(tenant_id=7, key="7/image/missing.png")
    finally:
        server.stop()
