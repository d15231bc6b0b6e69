"""One test per hook (a meta-test below makes sure none is missing)."""

from __future__ import annotations

import inspect
import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq.cron import CronScheduler
from sqlmodel import select

from auzap_console.agents.chat import chat, receive_text
from auzap_console.agents.runtime import run_turn
from auzap_console.db import tenant_session
from auzap_console.jobs.schedules import LocalCron, register_on
from auzap_console.models import Conversation, Customer, Message, Pet
from auzap_console.pages.dashboard import DashboardState
from auzap_console.pages.plugins import PluginsState
from auzap_console.plugin import hookimpl, hookspecs, manager
from auzap_console.plugin.manager import PluginError
from auzap_console.plugin.types import Persona
from auzap_console.services import customers
from auzap_console.services import plugins as plugin_service
from tests.conftest import session_token
from tests.utils.agent_helpers import PHONE, ScriptedModel, agent_shop
from tests.utils.reflex_harness import Browser


@pytest.fixture
def plugin():
    """Register a throwaway plugin namespace; unregistered after the test."""
    registered = []

    def add(name: str, **hooks):
        ns = types.ModuleType(f"test_plugin_{name}")  # a plugin is a module (or any hashable object)
        for hook, function in hooks.items():
            setattr(ns, hook, hookimpl(function))
        manager.register_plugin(ns, name=name)
        registered.append(name)
        return ns

    yield add
    for name in registered:
        manager.unregister_plugin(name)


RAN: list[str] = []


def _tick() -> None:
    RAN.append("tick")


def _tool(ctx, size: str = "P") -> dict:
    """Diz o tamanho.

    Args:
        size: Porte.
    """
    return {"summary": f"porte {size}"}


def test_hook_register_personas(plugin):
    plugin("p1", register_personas=lambda register: register(Persona(name="groomer", title="Tosador", instructions="x")))
    assert manager.personas()["groomer"].title == "Tosador"
    with pytest.raises(PluginError, match="already provided"):
        plugin("p2", register_personas=lambda register: register(name="groomer", title="Outro", instructions="y"))
    with pytest.raises(PluginError, match="invalid persona name"):
        plugin("p3", register_personas=lambda register: register(name="Bad Name", title="x", instructions="y"))
    assert "p2" not in dict(manager.get_plugin_manager().list_name_plugin())


def test_hook_register_tools(plugin):
    plugin("t1", register_tools=lambda register: register(_tool, personas=["customer_assistant"], name="pet_size"))
    spec = manager.tools()["pet_size"]
    assert spec.description == "Diz o tamanho."
    assert spec.parameters["properties"]["size"] == {"type": "string", "description": "Porte."}

    def no_doc(ctx, x: int):
        return {}

    with pytest.raises(PluginError, match="docstring"):
        plugin("t2", register_tools=lambda register: register(no_doc, personas=["customer_assistant"]))


def test_hook_register_pages(plugin):
    plugin("pg", register_pages=lambda register: register(route="/creche", title="Creche", component=lambda: None, icon="dog"))
    assert manager.pages()["/creche"].title == "Creche"


def test_hook_register_schedules(plugin):
    plugin("s1", register_schedules=lambda register: register(name="resumo", cron="0 18 * * *", function=f"{__name__}:_tick"))
    assert manager.schedules()["resumo"].queue == "low"
    with pytest.raises(PluginError, match="cron"):
        plugin("s2", register_schedules=lambda register: register(name="ruim", cron="todo dia", function=f"{__name__}:_tick"))
    with pytest.raises(PluginError, match="cannot import"):
        plugin("s4", register_schedules=lambda register: register(name="sumiu", cron="0 18 * * *", function="pkg.jobs:daily"))
    # The consumer: local mode times schedules itself, `auzap worker` hands them to RQ's cron.
    plugin("s3", register_schedules=lambda register: register(name="conta", cron="*/5 * * * *", function=f"{__name__}:_tick"))
    start = datetime(2026, 11, 23, 10, 1, tzinfo=UTC)
    cron = LocalCron(start, {"conta": manager.schedules()["conta"]})  # the core's own schedules are left out here
    assert set(LocalCron(start).specs) >= {"conta", "prune-login-attempts", "send-reminders"}
    assert cron.run_due(start) == [] and RAN == []
    assert cron.run_due(start + timedelta(minutes=4)) == ["conta"] and RAN == ["tick"]
    assert cron.run_due(start + timedelta(minutes=4, seconds=20)) == []  # once per due time
    scheduler = CronScheduler(connection=Redis())
    registered = register_on(scheduler)
    assert {"prune-login-attempts", "send-reminders", "conta"} <= set(registered)  # the core's housekeeping is a plugin schedule too
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert (jobs["conta"].cron, jobs["conta"].queue_name, jobs["conta"].func) == ("*/5 * * * *", "low", _tick)
    assert jobs["prune-login-attempts"].func.__name__ == "prune_login_attempts_job"


def test_hook_register_channel_providers(plugin):
    plugin("c1", register_channel_providers=lambda register: register(name="fakezap", title="FakeZap", factory=dict))
    assert manager.channel_providers()["fakezap"].factory is dict


def test_hook_register_migrations(plugin, tmp_path):
    plugin("m1", register_migrations=lambda register: register(branch="demo_branch", directory=str(tmp_path)))
    from auzap_console.migrate import version_locations

    assert str(tmp_path) in version_locations()


def test_hook_register_segment_filters():
    shop = agent_shop()
    spec = manager.segment_filters()["species"]
    with tenant_session(shop.tenant_id) as s:
        s.add(Pet(tenant_id=shop.tenant_id, customer_id=shop.customer_id, name="Mia", species="cat"))
        stmt = spec.apply(select(Customer).where(Customer.tenant_id == shop.tenant_id), "cat", shop.tenant_id)
        assert [c.id for c in s.exec(stmt)] == [shop.customer_id]
        stmt = manager.segment_filters()["species"].apply(
            select(Customer).where(Customer.tenant_id == shop.tenant_id), "bird", shop.tenant_id
        )
        assert s.exec(stmt).all() == []


def test_hook_register_dashboard_cards(plugin):
    plugin("d1", register_dashboard_cards=lambda register: register(name="ocupacao", title="Ocupação", compute=lambda s, a: "80%"))
    card = manager.dashboard_cards()["ocupacao"]
    assert card.compute(None, None) == "80%"
    assert "ocupacao" not in manager.dashboard_cards(disabled=["d1"])


def _customers_of(session, actor) -> str:
    return str(len(session.exec(select(Customer).where(Customer.tenant_id == actor.tenant_id)).all()))


def test_dashboard_shows_plugin_cards_for_the_shop_only(plugin):
    plugin(
        "d2",
        register_dashboard_cards=lambda register: (
            register(name="clientes_plugin", title="Clientes (plugin)", compute=_customers_of, icon="users"),
            register(name="quebrado", title="Quebrado", compute=lambda session, actor: 1 / 0),
        ),
    )
    a, b = agent_shop("Loja Card A"), agent_shop("Loja Card B")
    with tenant_session(b.tenant_id) as s:
        customers.save_customer(s, actor=b.actor, name="Segunda Cliente", phone="11 97777-6666")
    tab = Browser(session_token(a.email, a.password))
    tab.call(DashboardState.load)
    cards = {c.name: c for c in tab.state(DashboardState).plugin_cards}
    assert (cards["clientes_plugin"].value, cards["clientes_plugin"].icon) == ("1", "users")  # A's one customer, not B's two
    assert cards["quebrado"].value == "—" and tab.state(DashboardState).today_count == 0  # a broken card does not break the page
    with tenant_session(a.tenant_id) as s:
        plugin_service.set_enabled(s, actor=a.actor, plugin="d2", enabled=False)
    tab.call(DashboardState.load)
    assert not {"clientes_plugin", "quebrado"} & {c.name for c in tab.state(DashboardState).plugin_cards}


def test_hook_register_settings(plugin):
    plugin(
        "tips",
        register_settings=lambda register: (
            register(name="assinatura", label="Assinatura das dicas", default="Equipe Patas"),
            register(name="por_dia", label="Dicas por dia", kind="number", default=3, help="Quantas dicas por cliente."),
            register(name="emojis", label="Usar emojis", kind="bool", default=True),
            register(name="tom", label="Tom", kind="choice", choices=("leve", "formal"), default="leve"),
        ),
    )
    with pytest.raises(PluginError, match="choices"):
        plugin("bad_settings", register_settings=lambda register: register(name="x_y", label="X", kind="choice"))
    a, b = agent_shop("Loja Config A"), agent_shop("Loja Config B")
    tab = Browser(session_token(a.email, a.password))
    tab.call(PluginsState.load)
    state = tab.state(PluginsState)
    (row,) = [r for r in state.rows if r.name == "tips"]
    assert [(f.name, f.kind, f.value, f.checked) for f in row.settings] == [
        ("assinatura", "text", "Equipe Patas", False),
        ("por_dia", "number", "3", False),
        ("emojis", "bool", "", True),
        ("tom", "choice", "leve", False),
    ]
    bad = tab.call(PluginsState.save_settings, {"plugin": "tips", "assinatura": "Rita", "por_dia": "muitas", "tom": "leve"})
    assert state.form_error == "Dicas por dia: digite um número inteiro." and state.error_plugin == "tips" and "por_dia" in repr(bad)
    tab.call(PluginsState.save_settings, {"plugin": "tips", "assinatura": "Rita", "por_dia": "5", "tom": "formal"})  # box unticked
    with tenant_session(a.tenant_id) as s:
        assert plugin_service.settings_for(s, actor=a.actor, plugin="tips") == {
            "assinatura": "Rita",
            "por_dia": 5,
            "emojis": False,
            "tom": "formal",
        }
    with tenant_session(b.tenant_id) as s:  # another shop keeps the defaults
        assert plugin_service.settings_for(s, actor=b.actor, plugin="tips")["assinatura"] == "Equipe Patas"
    staff = Browser(session_token(*_staff_login(a)))
    staff.call(PluginsState.save_settings, {"plugin": "tips", "assinatura": "Intruso", "por_dia": "1", "tom": "leve"})
    with tenant_session(a.tenant_id) as s:
        assert plugin_service.settings_for(s, actor=a.actor, plugin="tips")["assinatura"] == "Rita"  # owners only


def _staff_login(shop) -> tuple[str, str]:
    from auzap_console.services import team

    email = f"gerente-{shop.tenant_id}@example.com"
    with tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name="Gerente", email=email, role="manager", password="Rabanete-Azul-77")
    return email, "Rabanete-Azul-77"


def test_hook_prompt_context(plugin):
    plugin("ctx", prompt_context=lambda tenant_id, persona: f"Hospedagem em andamento ({persona}).")
    shop = agent_shop()
    model = ScriptedModel("oi!")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=model)
    assert "Hospedagem em andamento (customer_assistant)." in model.seen[0][0]["content"]


def test_hook_message_received(plugin):
    seen = []
    plugin("mr", message_received=lambda tenant_id, message_id, text: seen.append((tenant_id, message_id, text)))
    plugin("broken", message_received=lambda text: 1 / 0)  # a failing plugin does not break the pipeline
    shop = agent_shop()
    _, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="olá")
    assert seen == [(shop.tenant_id, message_id, "olá")]


def test_hook_select_persona(plugin):
    plugin(
        "router",
        select_persona=lambda phone, default: "groomer" if phone.endswith("7777") else None,
        register_personas=lambda register: register(name="groomer", title="Tosador", instructions="Só tosa."),
    )
    shop = agent_shop()
    assert chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi", client=ScriptedModel("oi")).persona == "groomer"
    assert chat(tenant_id=shop.tenant_id, phone="+5511955554444", text="oi", client=ScriptedModel("oi")).persona == "sdr"


def test_a_plugin_claims_a_message_in_an_open_conversation(plugin):
    seen = []

    def claim(text, conversation_persona, session, customer_id):
        seen.append((conversation_persona, session.get(Customer, customer_id).name))  # reads through the ingest transaction
        return "vet" if "vacina" in text else None

    plugin(
        "vet_router",
        select_persona=claim,
        register_personas=lambda register: register(name="vet", title="Triagem veterinária", instructions="Triagem.", audience="customer"),
    )
    shop = agent_shop("Loja Triagem")
    first = chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi", client=ScriptedModel("Olá!"))
    assert first.persona == "customer_assistant"
    second = chat(tenant_id=shop.tenant_id, phone=PHONE, text="a vacina do Thor atrasou", client=ScriptedModel("Vamos ver."))
    assert second.persona == "vet"
    assert seen == [(None, "Joana Tutora"), ("customer_assistant", "Joana Tutora")]
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id).order_by(Message.id)).all()
        conversation = s.get(Conversation, rows[0].conversation_id)
    (note,) = [m for m in rows if m.direction == "note"]
    assert note.body == "Conversa passou de Assistente de clientes para Triagem veterinária: um plugin assumiu a mensagem."
    assert conversation.persona == "vet" and note.provider_message_id is None and note.processing == ""


def test_switching_a_plugin_off_moves_its_open_conversations(plugin):
    plugin(
        "groomer_plugin",
        select_persona=lambda conversation_persona: "groomer" if conversation_persona is None else None,
        register_personas=lambda register: register(name="groomer", title="Tosador", instructions="Só tosa.", audience="customer"),
    )
    a, b = agent_shop("Loja Desliga A"), agent_shop("Loja Desliga B")
    for shop in (a, b):
        assert chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi", client=ScriptedModel("Oi!")).persona == "groomer"
    with tenant_session(a.tenant_id) as s:
        plugin_service.set_enabled(s, actor=a.actor, plugin="groomer_plugin", enabled=False)
    with tenant_session(a.tenant_id) as s:
        conversation = s.exec(select(Conversation).where(Conversation.tenant_id == a.tenant_id)).one()
        notes = s.exec(select(Message.body).where(Message.conversation_id == conversation.id, Message.direction == "note")).all()
    assert conversation.persona == "customer_assistant" and "o plugin da persona anterior foi desligado" in notes[0]
    reply = chat(tenant_id=a.tenant_id, phone=PHONE, text="quanto custa o banho?")
    assert reply.persona == "customer_assistant" and "Banho P" in reply.reply  # answered, not orphaned
    with tenant_session(b.tenant_id) as s:  # the other shop keeps its plugin and its conversation
        assert s.exec(select(Conversation.persona).where(Conversation.tenant_id == b.tenant_id)).one() == "groomer"


def test_every_hook_has_a_test():
    names = {n for n, _ in inspect.getmembers(sys.modules[__name__], inspect.isfunction) if n.startswith("test_hook_")}
    assert {f"test_hook_{h}" for h in hookspecs.HOOK_NAMES} <= names
    declared = {n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "auzap_spec")}
    assert declared == set(hookspecs.HOOK_NAMES)


def test_hook_seed_demo(plugin, tmp_path, sqlite_url):
    from auzap_console.demo import seed_demo
    from auzap_console.migrate import upgrade_database
    from tests.conftest import _activate

    seen = []

    def add_rows(session, tenant_id, today):
        joana = session.exec(select(Customer).where(Customer.tenant_id == tenant_id, Customer.phone == "+5511988887777")).one()
        joana.tags = [*joana.tags, "hospede"]
        session.add(joana)
        seen.append(today)

    plugin("demo_rows", seed_demo=add_rows)
    plugin("demo_broken", seed_demo=lambda session: 1 / 0)  # a failing plugin leaves the demo usable
    url = f"sqlite:///{tmp_path / 'demo-hook.db'}"
    _activate(url)
    try:
        upgrade_database(url)
        tenant_id = seed_demo(customers=5, today=datetime(2026, 11, 18).date())
        with tenant_session(tenant_id) as s:
            joana = s.exec(select(Customer).where(Customer.tenant_id == tenant_id, Customer.phone == "+5511988887777")).one()
        assert "hospede" in joana.tags and seen == [datetime(2026, 11, 18).date()]
    finally:
        _activate(sqlite_url)


def test_hook_booking_refusal(plugin, auzap_tenant):
    from zoneinfo import ZoneInfo

    from auzap_console.services import booking, catalog
    from auzap_console.services.context import ServiceError

    shop, asked = auzap_tenant, []
    day = datetime.now(UTC).date() + timedelta(days=3)

    def no_grooming_that_day(category, starts_at, final, pet_id):
        asked.append((category, final, pet_id))
        if category == "grooming" and starts_at.astimezone(ZoneInfo("America/Sao_Paulo")).date() == day:
            return "A tosadora está de folga nesse dia."
        return None

    plugin("folga", booking_refusal=no_grooming_that_day)
    plugin("broken", booking_refusal=lambda category: 1 / 0)  # logged and ignored: bookings go on
    at = datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=ZoneInfo("America/Sao_Paulo"))
    with tenant_session(shop.tenant_id) as s:
        by_name = {svc.name: svc for svc in catalog.list_services(s, actor=shop.actor)}
        joana = customers.save_customer(s, actor=shop.actor, name="Joana Tutora", phone=PHONE)
        thor = customers.save_pet(s, actor=shop.actor, customer_id=joana.id, name="Thor", size="P")
        tosa, banho = by_name["Tosa completa"].id, by_name["Banho P"].id
        assert booking.available_slots(s, actor=shop.actor, service_id=tosa, day=day) == []
        assert booking.available_slots(s, actor=shop.actor, service_id=tosa, day=day + timedelta(days=1))
        with pytest.raises(ServiceError, match="A tosadora está de folga"):
            booking.book(s, actor=shop.actor, customer_id=joana.id, pet_id=thor.id, service_id=tosa, starts_at=at)
        booking.book(s, actor=shop.actor, customer_id=joana.id, pet_id=thor.id, service_id=banho, starts_at=at)
        assert ("grooming", True, thor.id) in asked and ("bath", True, thor.id) in asked and ("grooming", False, None) in asked
    with tenant_session(shop.tenant_id) as s:  # a shop that switched the plugin off is not asked
        plugin_service.set_enabled(s, actor=shop.actor, plugin="folga", enabled=False)
    with tenant_session(shop.tenant_id) as s:
        assert booking.available_slots(s, actor=shop.actor, service_id=tosa, day=day)
