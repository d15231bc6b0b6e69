"""A new contact's first message is always answered, exactly once, through the real local
pipeline (signed WAHA webhook → store → in-process job → agent turn → local WAHA server);
a turn that fails for good hands the conversation to a person with an apology."""

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
from auzap_console.models import Conversation, Customer, CustomerMemory, Message
from auzap_console.services.channels import create_channel
from auzap_console.services.conversations import FAILURE_APOLOGY
from tests.fakes.waha_server import FakeWaha, waha_message
from tests.utils.agent_helpers import agent_shop

FIRST_MESSAGES = [
    "quero agendar um banho",
    "Oi! Vcs fazem tosa? Tenho um shih tzu chamado Bolinha",
    "boa tarde, qto custa o banho pra cachorro grande?",
    "oi tudo bem? queria saber o horário de vcs",
    "Olá, meu gato Mingau precisa de banho, vcs atendem gato?",
    "bom dia!! tem vaga amanhã de manhã?",
    "Moro no bairro Pinheiros, vcs buscam o pet em casa?",
    "quero marcar banho e tosa pra minha labradora Luna sábado",
    "👋🐶",
    "oi",
    "preciso de um banho urgente hoje, é pro Thor, poodle",
    "quanto fica a creche por dia?",
]


pytestmark = pytest.mark.usefixtures("local_jobs")


@pytest.fixture
def waha():
    with FakeWaha(api_key="segredo-waha") as server:
        yield server


def _setup(waha, name):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        new = create_channel(
            s, actor=shop.actor, name="WhatsApp", provider="waha", base_url=waha.base_url, credentials={"api_key": "segredo-waha"}
        )
    return shop, new.channel, new.webhook_path


def _post(client, path, channel, payload):
    body = json.dumps(payload).encode()
    sig = hmac.new(channel.webhook_secret.encode(), body, hashlib.sha512).hexdigest()
    return client.post(path, content=body, headers={"Content-Type": "application/json", "X-Webhook-Hmac": sig})


def test_every_first_message_of_a_new_number_gets_exactly_one_reply(waha):
    shop, channel, path = _setup(waha, "Loja Primeiro Contato")
    client = TestClient(webhook_app())
    senders = []
    for i, text in enumerate(FIRST_MESSAGES):
        sender = f"55119{70000000 + i:08d}@c.us"
        senders.append(sender)
        response = _post(client, path, channel, waha_message(message_id=f"false_{sender}_FIRST{i:04d}", sender=sender, text=text))
        assert response.status_code == 200 and response.json()["stored"] == 1
    queues.in_process().drain()
    by_chat: dict[str, list[str]] = {}
    for sent in waha.sent:
        by_chat.setdefault(sent["chatId"], []).append(sent["text"])
    for sender, text in zip(senders, FIRST_MESSAGES, strict=True):
        replies = by_chat.get(sender, [])
        assert len(replies) == 1, f"{text!r} got {len(replies)} replies"
        assert replies[0] != FAILURE_APOLOGY, f"{text!r} failed: {replies[0]}"
    with tenant_session(shop.tenant_id) as s:
        inbound = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "in")).all()
        assert {m.processing for m in inbound} == {"done"}
        leads = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.lead_stage != "won")).all()
        assert len(leads) == len(FIRST_MESSAGES)
        # The lead qualification and the running summary share one memory row per customer.
        memories = s.exec(select(CustomerMemory).where(CustomerMemory.tenant_id == shop.tenant_id)).all()
        assert len({m.customer_id for m in memories}) == len(memories) >= len(FIRST_MESSAGES)
        assert any(m.facts for m in memories) and all(m.summary for m in memories)


def test_a_turn_that_fails_for_good_hands_off_with_one_apology(waha, monkeypatch):
    shop, channel, path = _setup(waha, "Loja Falha")
    calls = []

    def broken_turn(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("modelo fora do ar")

    monkeypatch.setattr("auzap_console.jobs.agent.run_turn", broken_turn)
    client = TestClient(webhook_app())
    sender = "5511977776666@c.us"
    assert _post(client, path, channel, waha_message(message_id="false_x_FAIL1", sender=sender, text="oi, quero banho")).status_code == 200
    queues.in_process().drain()
    assert len(calls) == 3  # the first attempt and two retries
    assert [s["text"] for s in waha.sent] == [FAILURE_APOLOGY]
    with tenant_session(shop.tenant_id) as s:
        conversation = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
        assert conversation.waiting_human and conversation.ai_paused
        inbound = s.exec(select(Message).where(Message.conversation_id == conversation.id, Message.direction == "in")).one()
        assert inbound.processing == "failed" and "modelo fora do ar" in inbound.error
    # A provider retry of the same delivery is a duplicate: no second apology, no new turn.
    again = _post(client, path, channel, waha_message(message_id="false_x_FAIL1", sender=sender, text="oi, quero banho"))
    assert again.json()["duplicates"] == 1
    queues.in_process().drain()
    assert len(waha.sent) == 1 and len(calls) == 3


def test_summary_and_qualification_in_one_turn_share_the_memory_row():
    """The root of the first-message bug: a tool and the runtime both writing memory in one turn."""
    from auzap_console.agents.chat import chat
    from tests.utils.agent_helpers import ScriptedModel

    shop = agent_shop("Loja Memória")
    model = ScriptedModel(("qualify_lead", {"pet_name": "Bolinha", "service_interest": "banho", "neighbourhood": "Moema"}), "Anotado!")
    with tenant_session(shop.tenant_id) as s:  # the new contact is routed to the SDR
        assert s.exec(select(CustomerMemory).where(CustomerMemory.tenant_id == shop.tenant_id)).all() == []
    result = chat(tenant_id=shop.tenant_id, phone="+5511966665555", text="quero agendar um banho", client=model)
    assert result.reply == "Anotado!" and result.persona == "sdr"
    assert result.tool_calls[0]["result"].get("ok") is True
    with tenant_session(shop.tenant_id) as s:
        (memory,) = s.exec(select(CustomerMemory).where(CustomerMemory.tenant_id == shop.tenant_id)).all()
        assert "Procura banho" in memory.facts and "quero agendar um banho" in memory.summary
