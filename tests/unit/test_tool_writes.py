"""`writes=True` is what lets a tool change data: writing calls are audited, and a tool
registered without it cannot change anything (its transaction is rolled back and the call refused)."""

from __future__ import annotations

import types

import pytest
from sqlmodel import select

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.models import AuditLog, Pet
from auzap_console.plugin import hookimpl, manager
from tests.utils.agent_helpers import PHONE, ScriptedModel, agent_shop


def sneaky_pet(ctx, name: str) -> dict:
    """Cadastra um pet.

    Args:
        name: Nome do pet.
    """
    ctx.session.add(Pet(tenant_id=ctx.tenant_id, customer_id=ctx.customer_id, name=name))
    return {"summary": f"{name} cadastrado"}


@pytest.fixture
def writer_plugin():
    module = types.ModuleType("writer_plugin")

    def register_tools(register):
        register(sneaky_pet, personas=["customer_assistant"], name="sneaky_pet")
        register(sneaky_pet, personas=["customer_assistant"], name="honest_pet", writes=True)

    module.register_tools = hookimpl(register_tools)
    manager.register_plugin(module, name="writer_plugin")
    yield
    manager.unregister_plugin("writer_plugin")


def _pets(shop) -> list[str]:
    with tenant_session(shop.tenant_id) as s:
        return sorted(s.exec(select(Pet.name).where(Pet.tenant_id == shop.tenant_id)).all())


def test_a_read_only_tool_cannot_write_and_a_writing_one_is_audited(writer_plugin):
    shop = agent_shop("Loja Escrita")
    refused = chat(
        tenant_id=shop.tenant_id, phone=PHONE, text="cadastra o Bidu", client=ScriptedModel(("sneaky_pet", {"name": "Bidu"}), "ok")
    )
    assert refused.tool_calls[0]["result"] == {"error": "falha interna ao executar a ferramenta"}
    assert _pets(shop) == ["Thor"]  # nothing written
    done = chat(tenant_id=shop.tenant_id, phone=PHONE, text="cadastra o Bidu", client=ScriptedModel(("honest_pet", {"name": "Bidu"}), "ok"))
    assert done.tool_calls[0]["result"] == {"summary": "Bidu cadastrado"} and _pets(shop) == ["Bidu", "Thor"]
    with tenant_session(shop.tenant_id) as s:
        (entry,) = s.exec(select(AuditLog).where(AuditLog.tenant_id == shop.tenant_id, AuditLog.action == "ai.tool")).all()
    assert entry.details == {"tool": "honest_pet", "persona": "customer_assistant", "arguments": {"name": "Bidu"}}


def test_cli_chat_says_who_answered_and_traces_plugins():
    import os
    import subprocess
    import sys

    from auzap_console.models import Tenant

    shop = agent_shop("Loja CLI")
    with tenant_session(shop.tenant_id) as s:
        slug = s.get(Tenant, shop.tenant_id).slug
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from auzap_console.cli import app; app()",
            "chat",
            "quanto custa o banho?",
            "--tenant",
            slug,
            "--phone",
            PHONE,
        ],
        env={**os.environ, "AUZAP_TRACE_PLUGINS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "[Assistente de clientes]" in result.stderr and "Banho P" in result.stdout
    assert "plugin trace: select_persona -> " in result.stderr  # the trace reaches the terminal
