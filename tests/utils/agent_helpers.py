"""Shops ready for agent tests: services, a customer with a pet, open every day."""

from __future__ import annotations

from auzap_console.db import tenant_session
from auzap_console.services import customers
from auzap_console.testing import ScriptedModel, open_every_day  # noqa: F401  (re-exported for the suite)
from tests.conftest import make_shop

PHONE = "+5511988887777"


AGENT_SERVICES = (("Banho P", 5000, "bath", 60), ("Banho G", 8500, "bath", 60), ("Tosa completa", 9000, "grooming", 60))


def agent_shop(name: str = "Loja Agente"):
    """A shop open every day (public `auzap_console.testing` helpers) with Joana and her Thor."""
    shop = open_every_day(make_shop(name), AGENT_SERVICES)
    with tenant_session(shop.tenant_id) as s:
        c = customers.save_customer(s, actor=shop.actor, name="Joana Tutora", phone=PHONE)
        customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="Thor", species="dog", breed="Shih Tzu", size="P")
    shop.customer_id = c.id
    return shop


def visit(
    session, shop, *, customer_id: int, service_id: int, at, pet_id: int | None = None, status: str = "completed", price_cents: int = 5000
):
    """An appointment of one hour at `at` (a past visit by default; a completed one also sets the customer's last visit)."""
    from datetime import timedelta

    from auzap_console.models import Appointment, Customer

    session.add(
        Appointment(
            tenant_id=shop.tenant_id,
            customer_id=customer_id,
            pet_id=pet_id,
            service_id=service_id,
            starts_at=at,
            ends_at=at + timedelta(hours=1),
            status=status,
            price_cents=price_cents,
        )
    )
    customer = session.get(Customer, customer_id)
    if status == "completed" and (customer.last_visit_at is None or customer.last_visit_at < at):
        customer.last_visit_at = at
