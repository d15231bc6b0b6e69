"""The console speaks the owner's language: seconds instead of milliseconds, plugin titles
instead of package names, tool descriptions instead of function names."""

from __future__ import annotations

from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.pages.agents import AgentsState
from auzap_console.pages.plugins import PluginsState
from auzap_console.services.agents import get_config
from tests.conftest import make_shop, session_token
from tests.utils.reflex_harness import Browser


def test_typing_delay_is_typed_in_seconds():
    shop = make_shop("Loja Segundos")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(AgentsState.load)
    assert all(r.checked for r in tab.state(AgentsState).tool_rows)  # no list chosen yet: every tool is on
    form = {"persona": "customer_assistant", "enabled": "on", "typing": "1,5", "display_name": "Mel", "tool__list_services": "on"}
    tab.call(AgentsState.save, form)
    with tenant_session(shop.tenant_id) as s:
        assert get_config(s, actor=shop.actor, persona="customer_assistant").typing_delay_ms == 1500
    state = tab.state(AgentsState)
    assert next(r for r in state.rows if r.name == "customer_assistant").typing == "1,5"
    tab.call(AgentsState.save, {**form, "typing": "um segundo"})
    assert state.form_error == t("err.typing_delay")
    tab.call(AgentsState.save, {k: v for k, v in form.items() if not k.startswith("tool__")})
    assert state.form_error == t("err.tools_none")  # nothing ticked is said, not read as "everything"
    tools = [r for r in state.tool_rows if r.persona == "customer_assistant"]
    assert tools and all(" " in r.description for r in tools)  # sentences, not function names
    assert all("_" not in r.label and r.label[0].isupper() for r in tools)  # the owner's words
    assert [r.name for r in tools if r.checked] == ["list_services"]  # what was ticked


def test_plugins_show_titles_and_plural_counts():
    shop = make_shop("Loja Títulos")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(PluginsState.load)
    rows = {r.name: r for r in tab.state(PluginsState).rows}
    assert rows["customer_assistant"].title == "Assistente de clientes"
    assert rows["common_tools"].title == "Ferramentas comuns dos agentes"
    assert rows["waha"].title == "WAHA (WhatsApp HTTP API)" and rows["waha"].summary == "1 canal"
    assert "ferramentas" in rows["customer_assistant"].summary and "ferramentass" not in rows["customer_assistant"].summary


def test_a_plugin_is_called_by_its_page_title_before_its_persona_or_its_package_name():
    from types import SimpleNamespace as NS

    from auzap_console.pages.plugins import _plugin_title

    page, persona = NS(kind="page", item=NS(title="Adestramento")), NS(kind="persona", item=NS(title="Hotel e hospedagem"))
    assert _plugin_title(NS(name="training", contributions=[persona, page])) == "Adestramento"
    assert _plugin_title(NS(name="daycare", contributions=[persona])) == "Hotel e hospedagem"
    assert _plugin_title(NS(name="extra", contributions=[])) == "extra"


def test_inbox_says_what_the_ai_used_in_plain_words():
    from auzap_console.agents.chat import chat
    from auzap_console.pages.inbox import InboxState
    from tests.utils.agent_helpers import PHONE, agent_shop

    shop = agent_shop("Loja Chip")
    chat(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(InboxState.load)
    state = tab.state(InboxState)
    tab.call(InboxState.open, state.rows[0].id)
    chips = [m.tools for m in state.messages if m.tools]
    assert chips == ["IA usou: tabela de preços"]


def test_a_persona_save_marks_only_that_persona_busy_even_when_reflex_passes_the_form_by_name():
    import asyncio

    shop = make_shop("Loja Ocupada")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(AgentsState.load)
    state = tab.state(AgentsState)
    form = {"persona": "sdr", "enabled": "on", "typing": "1", "tool__list_services": "on"}
    seen = []

    async def drive():
        async for _ in AgentsState.save.fn(state, form=form):  # Reflex passes the form data by name
            seen.append(state.saving_persona)

    asyncio.run(drive())
    assert seen == ["sdr", ""]
