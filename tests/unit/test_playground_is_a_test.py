"""Playground chats are tests: flagged, out of the real inbox and the dashboard's KPIs, shown
under their own 'Testes' filter; another tenant's tests never show."""

from __future__ import annotations

import pytest

from auzap_console.db import tenant_session
from auzap_console.pages.playground import run_playground_turn
from auzap_console.services import dashboard, inbox
from tests.utils.agent_helpers import PHONE, agent_shop

pytestmark = pytest.mark.usefixtures("local_jobs")


def test_playground_chats_stay_out_of_the_inbox_and_kpis():
    from auzap_console.agents.chat import chat

    shop, other = agent_shop("Loja Teste Flag"), agent_shop("Loja Outra Flag")
    reply = run_playground_turn(shop.tenant_id, shop.owner_id, "customer_assistant", "quanto custa o banho?")
    assert "Banho P" in reply.text
    assert reply.tools and "list_services" not in reply.tools and "query=" not in reply.tools  # the owner's words
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi")  # a real customer
    run_playground_turn(other.tenant_id, other.owner_id, "customer_assistant", "oi")
    with tenant_session(shop.tenant_id) as s:
        real = inbox.list_conversations(s, actor=shop.actor, status="all")
        tests = inbox.list_conversations(s, actor=shop.actor, status="test")
        kpis = dashboard.figures(s, actor=shop.actor)
    assert [c.is_test for c, _, _ in real.rows] == [False]
    assert [c.is_test for c, _, _ in tests.rows] == [True] and tests.rows[0][0].tenant_id == shop.tenant_id
    assert kpis.open_conversations == 1


def test_the_owner_testing_an_agent_is_told_why_the_model_did_not_answer(monkeypatch):
    """A wrong key or an unreachable endpoint: the customer's apology, and under it the reason for the owner."""
    from auzap_console.services.agents import save_model_settings
    from auzap_console.settings import get_settings
    from tests.fakes.openai_server import FakeOpenAI

    monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
    get_settings.cache_clear()
    shop = agent_shop("Loja Chave Errada")
    with FakeOpenAI() as fake:
        with tenant_session(shop.tenant_id) as s:
            save_model_settings(s, actor=shop.actor, api_key="sk-wrong", base_url=fake.base_url, model="gpt-4o-mini")
        refused = run_playground_turn(shop.tenant_id, shop.owner_id, "customer_assistant", "oi")
    with tenant_session(shop.tenant_id) as s:
        save_model_settings(s, actor=shop.actor, api_key="sk-test", base_url="http://127.0.0.1:9/v1", model="gpt-4o-mini")
    unreachable = run_playground_turn(shop.tenant_id, shop.owner_id, "customer_assistant", "oi de novo")
    get_settings.cache_clear()
    assert "equipe" in refused.text and "chave da API foi recusada" in refused.model_failed
    assert "não foi possível conectar" in unreachable.model_failed
    keyless = agent_shop("Loja Sem Chave")
    offline = run_playground_turn(keyless.tenant_id, keyless.owner_id, "customer_assistant", "oi")
    assert offline.model_failed == ""


def test_the_tools_box_shows_dates_as_the_owner_writes_them():
    from auzap_console.services.playground import _value_words

    assert [_value_words(v) for v in ("2026-12-07", "2026-12-07T14:00", "banho", 3)] == ["07/12", "07/12 14:00", "banho", "3"]
