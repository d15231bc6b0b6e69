"""Property-based fuzzing of every provider's parser and of the webhook endpoint: random JSON,
valid payloads with fields replaced by wrong types, NUL bytes, lone surrogates, huge and deeply
nested bodies, bad signatures. The answer is always a 4xx or an ignored event, never a 5xx,
never a half-written row."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from starlette.testclient import TestClient

from auzap_console.channels.types import ChannelRef, InboundMessage, InvalidPayload
from auzap_console.channels.webhooks import MAX_BODY, parse_delivery, webhook_app
from auzap_console.db import tenant_session
from auzap_console.default_plugins.cloud import CloudApiProvider
from auzap_console.default_plugins.evolution import EvolutionProvider
from auzap_console.default_plugins.simulator import SimulatorProvider
from auzap_console.default_plugins.waha import WahaProvider
from auzap_console.jobs import queues
from auzap_console.models import Conversation, Customer, Message
from auzap_console.services.channels import create_channel
from auzap_console.settings import get_settings
from tests.conftest import make_shop
from tests.fakes.provider_server import cloud_status, cloud_text, evolution_upsert
from tests.fakes.waha_server import waha_message

SAMPLES = {
    "waha": [
        waha_message(message_id="false_5511988887777@c.us_AAA", sender="5511988887777@c.us", text="oi"),
        {"event": "message.ack", "session": "default", "payload": {"id": "true_x_1", "fromMe": True, "ack": 3}},
        {"event": "session.status", "session": "default", "payload": {"status": "WORKING"}},
    ],
    "cloud": [
        cloud_text(message_id="wamid.A", sender="5511988887777", text="oi"),
        cloud_status(message_id="wamid.B", status="read"),
    ],
    "evolution": [evolution_upsert(message_id="EVO1", jid="5511988887777@s.whatsapp.net", text="oi")],
    "simulator": [{"id": "sim-1", "from": "+5511988887777", "text": "oi", "name": "Ana"}],
}
PROVIDERS = {"waha": WahaProvider(), "cloud": CloudApiProvider(), "evolution": EvolutionProvider(), "simulator": SimulatorProvider()}
REF = {name: ChannelRef(1, 1, name, "http://127.0.0.1:9", "", "segredo", {}) for name in PROVIDERS}

nasty_text = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40) | st.sampled_from(
    ["\x00", "oi\x00tchau", "\ud800", "a" * 500, "😀" * 50, "", " ", "\n\t"]
)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4), max_leaves=20
)


def _paths(value, prefix=()):
    """Every path to a node of a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _replace(doc, path, new):
    doc = copy.deepcopy(doc)
    if not path:
        return new
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return doc


@st.composite
def mutated(draw, provider: str):
    """A real payload of `provider` with one node replaced by random JSON."""
    sample = draw(st.sampled_from(SAMPLES[provider]))
    paths = [p for p in _paths(sample) if p]  # the root stays an object (the endpoint checks that itself)
    return _replace(sample, draw(st.sampled_from(paths)), draw(json_values))


def _parse_is_safe(provider: str, payload) -> None:
    try:
        events = parse_delivery(PROVIDERS[provider], REF[provider], payload)
    except InvalidPayload:
        return
    for event in events:
        if isinstance(event, InboundMessage):
            for text in (event.text, event.sender_name, event.message_id, event.phone, event.sender_id):
                assert "\x00" not in text
                text.encode("utf-8")  # no lone surrogates
            assert len(event.sender_name) <= 120 and len(event.message_id) <= 160


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parsers_never_crash_on_mutated_payloads(provider, data):
    _parse_is_safe(provider, data.draw(mutated(provider)))


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@settings(max_examples=100, deadline=None)
@given(payload=st.dictionaries(nasty_text, json_values, max_size=6))
def test_parsers_never_crash_on_random_objects(provider, payload):
    _parse_is_safe(provider, payload)


# The endpoint, on the real local pipeline (SQLite, in-process jobs).


@pytest.fixture(scope="module")
def waha_channel(sqlite_url):
    shop = make_shop("Loja Fuzz")
    with tenant_session(shop.tenant_id) as s:
        new = create_channel(s, actor=shop.actor, name="Zap", provider="waha", base_url="http://127.0.0.1:9", credentials={"api_key": "k"})
        return shop, new.channel.webhook_secret, new.webhook_path


@pytest.fixture(autouse=True)
def no_agent(monkeypatch):
    """The agent turn is not under test here: stored messages only need to be stored."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    monkeypatch.setattr("auzap_console.jobs.agent.enqueue_answer", lambda *a: "skipped")
    monkeypatch.setattr("auzap_console.jobs.inbound.answer_message", lambda *a: {"skipped": "not under test"})
    yield
    get_settings.cache_clear()


def _signed(secret: str, body: bytes) -> dict:
    return {"X-Webhook-Hmac": hmac.new(secret.encode(), body, hashlib.sha512).hexdigest(), "Content-Type": "application/json"}


def _assert_rows_whole(shop) -> None:
    with tenant_session(shop.tenant_id) as s:
        for m in s.exec(select(Message).where(Message.tenant_id == shop.tenant_id)):
            assert s.get(Conversation, m.conversation_id) is not None and "\x00" not in m.body
        for c in s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id)):
            assert c.phone.startswith("+") and 0 < len(c.name) <= 120


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_endpoint_answers_4xx_or_200_never_5xx(waha_channel, data):
    shop, secret, path = waha_channel
    payload = data.draw(mutated("waha") | st.dictionaries(nasty_text, json_values, max_size=4))
    body = json.dumps(payload).encode()
    response = TestClient(webhook_app()).post(path, content=body, headers=_signed(secret, body))
    assert response.status_code in (200, 400), response.text
    _assert_rows_whole(shop)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(signature=st.text(max_size=200) | st.binary(max_size=64).map(lambda b: b.decode("latin-1")))
def test_bad_signatures_are_401_whatever_their_characters(waha_channel, signature):
    _shop, _secret, path = waha_channel
    body = json.dumps(SAMPLES["waha"][0]).encode()
    raw_headers = [(b"x-webhook-hmac", signature.encode("latin-1", "replace")), (b"content-type", b"application/json")]
    response = TestClient(webhook_app()).post(path, content=body, headers=raw_headers)
    assert response.status_code == 401


def test_nul_bytes_surrogates_and_long_names_are_stored_clean(waha_channel):
    shop, secret, path = waha_channel
    payload = waha_message(message_id="false_5511911112222@c.us_NUL", sender="5511911112222@c.us", text="oi\x00 tudo \ud800bem")
    payload["payload"]["_data"] = {"notifyName": "N" * 400 + "\x00"}
    body = json.dumps(payload).encode()
    response = TestClient(webhook_app()).post(path, content=body, headers=_signed(secret, body))
    assert response.status_code == 200 and response.json()["stored"] == 1
    queues.in_process().drain()  # the event's job stores the message
    with tenant_session(shop.tenant_id) as s:
        message = s.exec(select(Message).where(Message.provider_message_id == "false_5511911112222@c.us_NUL")).one()
        assert message.body == "oi tudo ?bem"
    _assert_rows_whole(shop)


def test_deeply_nested_json_is_400(waha_channel):
    _shop, secret, path = waha_channel
    body = b'{"event": "message", "payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert len(body) < MAX_BODY
    response = TestClient(webhook_app()).post(path, content=body, headers=_signed(secret, body))
    assert response.status_code == 400


def test_chunked_body_is_cut_off_at_the_limit(waha_channel):
    """No Content-Length (chunked): the body is streamed and reading stops just past MAX_BODY."""
    _shop, _secret, path = waha_channel
    pulled, sent = [], []

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b" " * 65536, "more_body": len(pulled) < 16_000}  # 1 GiB offered

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "root_path": "", "scheme": "http",
        "query_string": b"", "headers": [(b"x-webhook-hmac", b"0" * 128), (b"transfer-encoding", b"chunked")],
        "http_version": "1.1", "server": ("test", 80), "client": ("127.0.0.1", 5000),
    }  # fmt: skip
    asyncio.run(webhook_app()(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(pulled) <= MAX_BODY // 65536 + 1


def test_unknown_key_is_404_before_the_body_is_read():
    read = []

    def chunks():
        read.append(1)
        yield b"{}"

    response = TestClient(webhook_app()).post("/webhooks/nao-existe", content=chunks())
    assert response.status_code == 404 and read == []
