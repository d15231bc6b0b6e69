"""Every free-text field has a length limit the services enforce with a clear message (not a
database error); the forms carry the same limit (checked in tests/e2e/test_readme_run.py)."""

from __future__ import annotations

import pytest

from auzap_console.db import tenant_session
from auzap_console.services import catalog, customers, knowledge, team, tenants
from auzap_console.services.context import ServiceError
from tests.conftest import make_shop

LONG = "x" * 5000


@pytest.mark.parametrize(
    ("call", "label"),
    [
        (lambda s, a: customers.save_customer(s, actor=a, name="N" * 121, phone="+5511987650001"), "Nome"),
        (lambda s, a: customers.save_customer(s, actor=a, name="Ana", phone="+5511987650002", notes=LONG), "Observações"),
        (lambda s, a: customers.save_customer(s, actor=a, name="Ana", phone="+5511987650003", tags=["t" * 41]), "Etiquetas"),
        (lambda s, a: catalog.save_service(s, actor=a, name="S" * 121, price_cents=1, duration_minutes=30, category="bath"), "Nome"),
        (lambda s, a: team.add_user(s, actor=a, name="P" * 121, email="p@example.com", role="staff", password="Rabanete-Azul-77"), "Nome"),
        (lambda s, a: knowledge.save_article(s, actor=a, title="T" * 161, body="corpo do artigo"), "Título"),
        (lambda s, a: tenants.update_settings(s, actor=a, name="L" * 121, timezone="America/Sao_Paulo", business_hours={}), "Nome"),
    ],
)
def test_too_long_is_a_clear_error(call, label):
    shop = make_shop("Loja Limites")
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError, match=f"“{label}.*” pode ter até"):
        call(s, shop.actor)


def test_pet_fields_are_bounded():
    shop = make_shop("Loja Pets Longos")
    with tenant_session(shop.tenant_id) as s:
        c = customers.save_customer(s, actor=shop.actor, name="Ana", phone="+5511987650009")
        with pytest.raises(ServiceError, match="Nome do pet"):
            customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="P" * 81)
        with pytest.raises(ServiceError, match="Raça"):
            customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="Rex", breed="B" * 81)
        assert customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="R" * 80).name == "R" * 80
