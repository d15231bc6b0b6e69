"""The offline engine is driven by what plugins declare: a third-party persona's examples make
its tool reachable without a model, and a persona that declares nothing gets a safe reply and a
hand-off — never another persona's menu."""

from __future__ import annotations

import types

import pytest
from sqlmodel import select

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.models import Conversation
from auzap_console.plugin import hookimpl, manager
from auzap_console.plugin.types import Persona
from tests.utils.agent_helpers import PHONE, agent_shop


def next_vaccine(ctx, pet: str) -> dict:
    """Diz quando é a próxima vacina do pet.

    Args:
        pet: O nome do pet.
    """
    return {"summary": f"A próxima vacina d{'o'} {pet} é a V10, em março."}


@pytest.fixture
def triage_plugin():
    """A vet-triage persona that answers every customer, with one tool (examples optional)."""
    names = []

    def add(*, examples: list[str], help_text: str = ""):
        ns = types.ModuleType("vet_triage_plugin")
        ns.register_personas = hookimpl(
            lambda register: register(
                Persona(name="vet_triage", title="Triagem", instructions="Triagem.", audience="customer", offline_help=help_text)
            )
        )
        ns.register_tools = hookimpl(lambda register: register(next_vaccine, personas=["vet_triage"], examples=examples))
        ns.select_persona = hookimpl(lambda tenant_id, customer_id, phone, default: "vet_triage")
        manager.register_plugin(ns, name="vet_triage_plugin")
        names.append("vet_triage_plugin")

    yield add
    for name in names:
        manager.unregister_plugin(name)


def test_declared_examples_reach_a_plugin_tool_offline(triage_plugin):
    triage_plugin(examples=["quando e a vacina do thor", "proxima vacina", "qual vacina falta"])
    shop = agent_shop("Loja Triagem")
    result = chat(tenant_id=shop.tenant_id, phone=PHONE, text="qdo é a proxima vacina do Thor??")
    assert result.persona == "vet_triage"
    assert [c["tool"] for c in result.tool_calls] == ["next_vaccine"]
    assert result.tool_calls[0]["arguments"] == {"pet": "Thor"} and "V10" in result.reply


def test_missing_slot_is_asked_with_the_parameter_description(triage_plugin):
    triage_plugin(examples=["quando e a vacina", "proxima vacina"])
    shop = agent_shop("Loja Triagem 2")
    ask = chat(tenant_id=shop.tenant_id, phone="+5511955554444", text="quando é a próxima vacina?")
    assert "o nome do pet" in ask.reply and not ask.tool_calls
    with tenant_session(shop.tenant_id) as s:
        conv = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
        assert conv.agent_state["frame"]["tool"] == "next_vaccine"


def test_a_persona_without_examples_hands_off_safely(triage_plugin):
    triage_plugin(examples=[])
    shop = agent_shop("Loja Triagem 3")
    result = chat(tenant_id=shop.tenant_id, phone=PHONE, text="meu cachorro ta vomitando o que eu faço")
    assert "banho" not in result.reply.lower() and "equipe" in result.reply
    assert [c["tool"] for c in result.tool_calls] == ["handoff_to_human"]
    with tenant_session(shop.tenant_id) as s:
        conv = s.exec(select(Conversation).where(Conversation.tenant_id == shop.tenant_id)).one()
        assert conv.waiting_human and conv.ai_paused
