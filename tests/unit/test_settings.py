import pytest

from auzap_console.db import tenant_session
from auzap_console.models import AuditLog
from auzap_console.services import tenants
from auzap_console.services.context import Actor, PermissionDenied, ServiceError
from auzap_console.services.tenants import DEFAULT_BUSINESS_HOURS


def test_update_settings_is_validated_and_audited(shop_factory):
    shop = shop_factory()
    hours = {**DEFAULT_BUSINESS_HOURS, "sun": {"open": "09:00", "close": "12:00"}}
    with tenant_session(shop.tenant_id) as s:
        tenants.update_settings(s, actor=shop.actor, name="Novo Nome", timezone="America/Manaus", business_hours=hours)
    with tenant_session(shop.tenant_id) as s:
        tenant = tenants.get_tenant(s, actor=shop.actor)
        assert (tenant.name, tenant.timezone, tenant.business_hours["sun"]) == (
            "Novo Nome",
            "America/Manaus",
            {"open": "09:00", "close": "12:00"},
        )
        assert s.query(AuditLog).filter(AuditLog.tenant_id == shop.tenant_id, AuditLog.action == "settings.update").count() == 1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"name": "X"}, "nome do pet shop"),
        ({"timezone": "Marte/Olympus"}, "Fuso"),
        ({"business_hours": {"mon": {"open": "18:00", "close": "08:00"}}}, "segunda"),
        ({"business_hours": {"tue": {"open": "8h", "close": "18:00"}}}, "terça"),
    ],
)
def test_bad_settings_are_refused(shop_factory, kw, message):
    shop = shop_factory()
    data = {"name": "Loja", "timezone": "America/Sao_Paulo", "business_hours": DEFAULT_BUSINESS_HOURS, **kw}
    with pytest.raises(ServiceError, match=message), tenant_session(shop.tenant_id) as s:
        tenants.update_settings(s, actor=shop.actor, **data)


def test_staff_cannot_change_settings(shop_factory):
    shop = shop_factory()
    with pytest.raises(PermissionDenied), tenant_session(shop.tenant_id) as s:
        tenants.update_settings(
            s, actor=Actor(tenant_id=shop.tenant_id, role="staff"), name="Loja", timezone="America/Sao_Paulo", business_hours={}
        )


def test_owner_numbers_route_to_the_analyst(shop_factory):
    from auzap_console.agents.chat import chat
    from auzap_console.services.tenants import add_owner_number, owner_numbers, remove_owner_number

    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        row = add_owner_number(s, actor=shop.actor, phone="(11) 8777-6666", label="Celular da dona")
        assert row.phone == "+5511987776666"
        with pytest.raises(ServiceError, match="já está autorizado"):
            add_owner_number(s, actor=shop.actor, phone="11 98777-6666")
        with pytest.raises(PermissionDenied):
            add_owner_number(s, actor=Actor(tenant_id=shop.tenant_id, role="manager"), phone="11 98777-1111")
        assert [n.label for n in owner_numbers(s, actor=shop.actor)] == ["Celular da dona"]
    assert chat(tenant_id=shop.tenant_id, phone="+5511987776666", text="quanto faturamos hoje?").persona == "owner_analyst"
    with tenant_session(shop.tenant_id) as s:
        remove_owner_number(s, actor=shop.actor, number_id=row.id)
        assert owner_numbers(s, actor=shop.actor) == []
