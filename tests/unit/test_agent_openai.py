"""The real `openai` SDK path, against a local server speaking the chat-completions protocol."""

from __future__ import annotations

from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.agents.model import OpenAIModel
from auzap_console.agents.runtime import run_turn
from auzap_console.db import tenant_session
from auzap_console.models import AIInteraction, Appointment, UsageDaily
from tests.fakes.openai_server import FakeOpenAI
from tests.utils.agent_helpers import PHONE, agent_shop


def _turn(shop, client, text):
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text=text)
    return run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=client)


def test_sdk_tool_loop_books_and_records_tokens():
    shop = agent_shop()
    with FakeOpenAI() as fake:
        fake.reply_tool("book_appointment", {"service": "banho", "when": "2031-03-03T10:00", "pet": "Thor"})
        fake.reply_text("Prontinho, Joana! Banho do Thor marcado para segunda, 03/03 às 10h. 🐶")
        client = OpenAIModel(api_key="sk-test", base_url=fake.base_url, timeout=5, max_retries=0)
        result = _turn(shop, client, "marca um banho pro Thor dia 03/03/2031 às 10h")
        first, second = fake.requests

    assert result.engine == "openai" and result.reply.startswith("Prontinho")
    tool_names = {t["function"]["name"] for t in first["tools"]}
    assert "book_appointment" in tool_names and "list_services" in tool_names
    assert first["messages"][0]["role"] == "system" and "Pet shop: Loja Agente" in first["messages"][0]["content"]
    assert first["messages"][-1] == {"role": "user", "content": "marca um banho pro Thor dia 03/03/2031 às 10h"}
    tool_result = second["messages"][-1]
    assert tool_result["role"] == "tool" and "Agendado" in tool_result["content"]
    assert second["messages"][-2]["tool_calls"][0]["function"]["name"] == "book_appointment"
    with tenant_session(shop.tenant_id) as s:
        (appt,) = s.exec(select(Appointment).where(Appointment.tenant_id == shop.tenant_id)).all()
        usage = s.exec(select(UsageDaily).where(UsageDaily.tenant_id == shop.tenant_id)).one()
        models = s.exec(select(AIInteraction.model).where(AIInteraction.kind == "model", AIInteraction.tenant_id == shop.tenant_id)).all()
    assert appt.source == "ai" and appt.customer_id == shop.customer_id
    assert (usage.tokens_in, usage.tokens_out) == (150 + 120, 20 + 30)
    assert usage.cost_micro_usd == round(270 * 0.15 + 50 * 0.60)
    assert set(models) == {"gpt-4o-mini"}


def test_sdk_retries_then_gives_a_safe_reply_when_the_server_fails():
    shop = agent_shop()
    with FakeOpenAI() as fake:
        fake.fail_next = 1
        fake.reply_text("Olá! Como posso ajudar?")
        ok = _turn(shop, OpenAIModel(api_key="sk-test", base_url=fake.base_url, timeout=5, max_retries=1), "oi")
        assert ok.reply == "Olá! Como posso ajudar?" and len(fake.requests) == 2
        fake.fail_next = 5
        down = _turn(shop, OpenAIModel(api_key="sk-test", base_url=fake.base_url, timeout=5, max_retries=0), "oi de novo")
    assert "equipe" in down.reply
    with tenant_session(shop.tenant_id) as s:
        errors = s.exec(select(AIInteraction.result).where(AIInteraction.tenant_id == shop.tenant_id, AIInteraction.kind == "model")).all()
    assert any("error" in r for r in errors)


def test_wrong_key_is_an_error_not_a_crash():
    shop = agent_shop()
    with FakeOpenAI() as fake:
        result = _turn(shop, OpenAIModel(api_key="sk-wrong", base_url=fake.base_url, timeout=5, max_retries=0), "oi")
    assert result.message_id and "equipe" in result.reply


def test_default_client_is_offline_without_a_key(monkeypatch):
    from auzap_console.agents.clients import default_client
    from auzap_console.settings import get_settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    assert default_client().name == "offline"
    assert default_client(api_key="sk-tenant", base_url="http://127.0.0.1:9/v1").name == "openai"


def test_tenant_key_is_encrypted_and_used_by_the_runtime():
    from auzap_console.models import Tenant
    from auzap_console.services.agents import save_model_settings

    shop = agent_shop("Loja Chave Própria")
    with FakeOpenAI() as fake:
        fake.reply_text("Olá pelo modelo da loja!")
        with tenant_session(shop.tenant_id) as s:
            save_model_settings(s, actor=shop.actor, api_key="sk-test", base_url=fake.base_url, model="llama3.1")
        with tenant_session(shop.tenant_id) as s:
            stored = s.get(Tenant, shop.tenant_id).settings
        assert "sk-test" not in str(stored) and stored["openai_model"] == "llama3.1"
        conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
        result = run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id)
        assert result.engine == "openai" and result.reply == "Olá pelo modelo da loja!"
        assert fake.requests[0]["model"] == "llama3.1"
        with tenant_session(shop.tenant_id) as s:
            save_model_settings(s, actor=shop.actor, api_key=None, base_url=fake.base_url, model="")  # key kept
            save_model_settings(s, actor=shop.actor, api_key="", base_url="", model="")  # key removed
        conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi de novo")
        assert run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id).engine == "offline"
