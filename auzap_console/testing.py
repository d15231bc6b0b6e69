"""pytest fixtures for plugin authors.

Add to your plugin's `conftest.py`::

    pytest_plugins = ["auzap_console.testing"]

Then ask for `auzap_tenant`, `auzap_customer`, `auzap_conversation` or `auzap_chat`:
a migrated throwaway SQLite database, a shop open every day with the usual services, a
customer with a pet, and a helper that runs one agent turn offline (or with your model).
`ScriptedModel` plays a model that calls your tool. `make_shop()` and `open_every_day()`
build more shops (e.g. a second one for an isolation
test). The console's own test suite uses these same helpers.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from auzap_console.agents.model import ModelClient, ModelReply, ToolCall
from auzap_console.agents.runtime import TurnResult


class ScriptedModel:
    """A model that says exactly what a test scripts: each step is a reply text or a `(tool, arguments)` call.

    `auzap_chat("quando é a vacina do Thor?", client=ScriptedModel(("next_vaccine", {"pet": "Thor"}), "V10 em março"))`
    plays a model that first calls the tool, then answers. `seen` keeps the messages it was sent.
    """

    name = "scripted"

    def __init__(self, *steps):
        self.steps = list(steps)
        self.seen: list[list[dict]] = []

    def complete(self, *, messages, tools, model, context=None):
        """The next scripted step (then "ok" for ever)."""
        self.seen.append(messages)
        step = self.steps.pop(0) if self.steps else "ok"
        if isinstance(step, str):
            return ModelReply(content=step, model="scripted")
        name, args = step
        return ModelReply(content=None, tool_calls=[ToolCall(id=f"c{len(self.seen)}", name=name, arguments=args)], model="scripted")


DEFAULT_SERVICES = (
    ("Banho P", 5000, "bath", 60),
    ("Banho M", 6500, "bath", 75),
    ("Tosa completa", 9000, "grooming", 120),
    ("Creche", 7000, "daycare", 600),
)


@dataclass
class TestShop:
    """A tenant made for a test."""

    __test__ = False  # not a test class

    tenant_id: int
    owner_id: int
    email: str
    password: str

    @property
    def actor(self):
        """The owner, as a service-layer actor."""
        from auzap_console.services.context import Actor

        return Actor(tenant_id=self.tenant_id, user_id=self.owner_id, role="owner")


@dataclass
class TestCustomer:
    """A customer (with one pet, Thor) of the test shop."""

    __test__ = False

    id: int
    phone: str
    pet_id: int


def _point_at(url: str) -> None:
    from auzap_console.db import reset_engine
    from auzap_console.plugin import manager
    from auzap_console.settings import get_settings

    get_settings.cache_clear()
    reset_engine()
    manager.reset()


@pytest.fixture
def auzap_db(tmp_path, monkeypatch) -> str:
    """A migrated SQLite database for one test (plugin migrations included).

    Jobs run on the in-process queue, retried without waiting, and are drained before the
    database goes away (a send that cannot succeed does not keep pytest waiting).
    """
    from auzap_console.jobs import queues
    from auzap_console.migrate import upgrade_database

    url = f"sqlite:///{tmp_path / 'auzap-plugin-test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_ADMIN_URL", "")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("JOB_RETRY_INTERVALS", "0,0")
    _point_at(url)
    upgrade_database(url)
    yield url
    with contextlib.suppress(TimeoutError):
        queues.in_process().drain(timeout=30)
    monkeypatch.undo()
    _point_at("")


def make_shop(name: str = "Pet Shop de Teste") -> TestShop:
    """Sign up a new shop (unique name, e-mail and slug) in the current database; returns its owner's login."""
    from auzap_console.db import tenant_session
    from auzap_console.services import auth

    suffix = uuid.uuid4().hex[:8]
    email, password = f"dono-{suffix}@example.com", "senha-de-teste-1"
    with tenant_session(None) as session:
        tenant, owner = auth.signup(session, shop_name=f"{name} {suffix}", owner_name="Dona Teste", email=email, password=password)
    return TestShop(tenant.id, owner.id, email, password)


def open_every_day(shop: TestShop, services: tuple[tuple[str, int, str, int], ...] = DEFAULT_SERVICES) -> TestShop:
    """Open the shop 08:00-18:00 every day and add services (name, price in cents, category, minutes)."""
    from auzap_console.db import tenant_session
    from auzap_console.models import Tenant
    from auzap_console.services import catalog
    from auzap_console.services.tenants import WEEKDAYS

    with tenant_session(shop.tenant_id) as session:
        row = session.get(Tenant, shop.tenant_id)
        row.business_hours = {d: {"open": "08:00", "close": "18:00"} for d in WEEKDAYS}
        session.add(row)
        for name, cents, category, minutes in services:
            catalog.save_service(session, actor=shop.actor, name=name, price_cents=cents, duration_minutes=minutes, category=category)
    return shop


@pytest.fixture
def auzap_tenant(auzap_db) -> TestShop:
    """A pet shop open every day 08:00-18:00 with Banho P/M, Tosa completa and Creche."""
    return open_every_day(make_shop())


@pytest.fixture
def auzap_customer(auzap_tenant) -> TestCustomer:
    """Joana, with her Shih Tzu Thor (porte P)."""
    from auzap_console.db import tenant_session
    from auzap_console.services import customers

    with tenant_session(auzap_tenant.tenant_id) as session:
        c = customers.save_customer(session, actor=auzap_tenant.actor, name="Joana Tutora", phone="+5511988887777")
        pet = customers.save_pet(session, actor=auzap_tenant.actor, customer_id=c.id, name="Thor", breed="Shih Tzu", size="P")
    return TestCustomer(c.id, c.phone, pet.id)


@pytest.fixture
def auzap_chat(auzap_tenant, auzap_customer) -> Callable[..., TurnResult]:
    """`auzap_chat("quanto tá o banho?")` runs one agent turn as the test customer."""
    from auzap_console.agents.chat import chat

    def run(text: str, *, phone: str | None = None, client: ModelClient | None = None) -> TurnResult:
        return chat(tenant_id=auzap_tenant.tenant_id, phone=phone or auzap_customer.phone, text=text, client=client)

    return run


@pytest.fixture
def auzap_conversation(auzap_tenant, auzap_customer) -> int:
    """The id of an open conversation of the test customer (with one inbound 'oi')."""
    from auzap_console.agents.chat import receive_text

    conversation_id, _ = receive_text(tenant_id=auzap_tenant.tenant_id, phone=auzap_customer.phone, text="oi")
    return conversation_id


@pytest.fixture
def auzap_whatsapp(auzap_tenant, auzap_customer) -> int:
    """The test customer's WhatsApp conversation on a simulated channel (messages the shop sends go there).

    Returns the conversation id; `auzap_console.models.Message` rows with `direction == "out"` are what was sent.
    """
    from auzap_console.agents.chat import receive_text
    from auzap_console.db import tenant_session
    from auzap_console.services.channels import create_channel

    with tenant_session(auzap_tenant.tenant_id) as session:
        channel = create_channel(session, actor=auzap_tenant.actor, name="WhatsApp de teste", provider="simulator").channel
        channel_id = channel.id
    conversation_id, _ = receive_text(tenant_id=auzap_tenant.tenant_id, phone=auzap_customer.phone, text="oi", channel_id=channel_id)
    return conversation_id
