"""`auzap eval` offline and against an OpenAI-compatible endpoint, and the open frame handed to a
real model as structured context (not prompt text)."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from auzap_console.agents.chat import receive_text
from auzap_console.agents.model import OpenAIModel
from auzap_console.agents.runtime import run_turn
from auzap_console.cli import app
from tests.fakes.openai_server import FakeOpenAI
from tests.utils.agent_helpers import PHONE, agent_shop


@pytest.fixture
def own_env(monkeypatch):
    """`auzap eval` points the process at a throwaway database: restore ours afterwards."""
    for key in ("DATABASE_URL", "OPENAI_MODEL"):
        monkeypatch.setenv(key, os.environ.get(key, ""))
    yield
    from auzap_console.db import reset_engine
    from auzap_console.settings import get_settings

    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engine()


def test_eval_offline_prints_rates_per_category(own_env):
    result = CliRunner().invoke(app, ["eval", "--category", "gap5"])
    assert result.exit_code == 0, result.output
    assert "gap5_terse" in result.output and "9/9" in result.output


def test_eval_against_a_chat_completions_server(own_env):
    with FakeOpenAI() as fake:
        for _ in range(4):
            fake.reply_tool("opening_hours", {})
            fake.reply_text("Abrimos de segunda a sábado. Sábado: 08:00 às 18:00. Domingo: fechado.")
        result = CliRunner().invoke(
            app, ["eval", "--category", "hours", "--model", "modelo-teste", "--base-url", fake.base_url, "--api-key", "sk-test"]
        )
        models = {r["model"] for r in fake.requests}
    assert result.exit_code == 0, result.output
    assert "hours" in result.output and "4/4" in result.output
    assert models == {"modelo-teste"}


def test_open_offer_reaches_the_model_as_structured_context():
    shop = agent_shop("Loja Contexto")
    with FakeOpenAI() as fake:
        fake.reply_tool("check_availability", {"service": "banho", "day": "2031-03-04"})
        fake.reply_text("Tenho 08:00, 08:30… Qual prefere?")
        fake.reply_text("ok")
        client = OpenAIModel(api_key="sk-test", base_url=fake.base_url, timeout=5, max_retries=0)
        for text in ("tem horario pra banho 04/03/2031?", "o primeiro"):
            conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text=text)
            run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=client)
        last = fake.requests[-1]["messages"]
    assert "Regras de segurança" in last[0]["content"] and "PENDENTE" not in last[0]["content"]
    note = last[1]
    assert note["role"] == "system" and note["content"].startswith("Estado da conversa")
    state = json.loads(note["content"].split(": ", 1)[1])
    offer = state["offer"]
    assert offer["tool"] == "book_appointment" and offer["slot"] == "when"
    assert offer["options"][0] == {"label": "08:00", "value": "2031-03-04T08:00"}
