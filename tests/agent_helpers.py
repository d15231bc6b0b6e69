"""Shops ready for agent tests: services, a customer with a pet, open every day."""

from __future__ import annotations

from auzap_console.agents.model import ModelReply, ToolCall
from auzap_console.db import tenant_session
from auzap_console.models import Tenant
from auzap_console.services import catalog, customers
from auzap_console.services.tenants import WEEKDAYS
from tests.conftest import make_shop

PHONE = "+5511988887777"


def agent_shop(name: str = "Loja Agente"):
    shop = make_shop(name)
    with tenant_session(shop.tenant_id) as s:
        tenant = s.get(Tenant, shop.tenant_id)
        tenant.business_hours = {d: {"open": "08:00", "close": "18:00"} for d in WEEKDAYS}
        s.add(tenant)
        for svc, price, cat in (("Banho P", 5000, "bath"), ("Banho G", 8500, "bath"), ("Tosa completa", 9000, "grooming")):
            catalog.save_service(s, actor=shop.actor, name=svc, price_cents=price, duration_minutes=60, category=cat)
        c = customers.save_customer(s, actor=shop.actor, name="Joana Tutora", phone=PHONE)
        customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="Thor", species="dog", breed="Shih Tzu", size="P")
    shop.customer_id = c.id
    return shop


class ScriptedModel:
    """A model that says exactly what a test scripts (to play a hostile or confused model)."""

    name = "scripted"

    def __init__(self, *steps):
        self.steps = list(steps)
        self.seen: list[list[dict]] = []

    def complete(self, *, messages, tools, model, context=None):
        self.seen.append(messages)
        step = self.steps.pop(0) if self.steps else "ok"
        if isinstance(step, str):
            return ModelReply(content=step, model="scripted")
        name, args = step
        return ModelReply(content=None, tool_calls=[ToolCall(id=f"c{len(self.seen)}", name=name, arguments=args)], model="scripted")
