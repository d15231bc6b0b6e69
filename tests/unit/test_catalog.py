from datetime import timedelta

import pytest

from auzap_console.db import tenant_session
from auzap_console.db_types import utcnow
from auzap_console.models import Appointment, AuditLog
from auzap_console.services import catalog, customers
from auzap_console.services.context import Actor, PermissionDenied, ServiceError


def _service(shop, actor=None, **kw):
    data = {"name": "Banho P", "price_cents": 5000, "duration_minutes": 60, "category": "bath", **kw}
    with tenant_session(shop.tenant_id) as s:
        return catalog.save_service(s, actor=actor or shop.actor, **data)


def test_create_update_and_audit(shop_factory):
    shop = shop_factory()
    svc = _service(shop)
    _service(shop, service_id=svc.id, name="Banho P", price_cents=5500, duration_minutes=60, category="bath", active=False)
    with tenant_session(shop.tenant_id) as s:
        (only,) = catalog.list_services(s, actor=shop.actor)
        assert (only.price_cents, only.active) == (5500, False)
        assert catalog.list_services(s, actor=shop.actor, active_only=True) == []
        actions = [a.action for a in s.query(AuditLog).filter(AuditLog.tenant_id == shop.tenant_id)]
    assert actions.count("service.create") == 1 and actions.count("service.update") == 1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"name": ""}, "nome do serviço"),
        ({"price_cents": -1}, "Preço"),
        ({"duration_minutes": 2}, "Duração"),
        ({"category": "spa"}, "Categoria"),
        ({"capacity": 0}, "Capacidade"),
    ],
)
def test_validation(shop_factory, kw, message):
    with pytest.raises(ServiceError, match=message):
        _service(shop_factory(), **kw)


def test_unique_name_per_tenant(shop_factory):
    shop, other = shop_factory(), shop_factory()
    _service(shop)
    _service(other)  # another shop may use the same name
    with pytest.raises(ServiceError, match="Já existe um serviço"):
        _service(shop)


def test_staff_cannot_change_prices(shop_factory):
    shop = shop_factory()
    with pytest.raises(PermissionDenied):
        _service(shop, actor=Actor(tenant_id=shop.tenant_id, role="staff"))


def test_booked_service_cannot_be_deleted(shop_factory):
    shop = shop_factory()
    svc = _service(shop)
    with tenant_session(shop.tenant_id) as s:
        c = customers.save_customer(s, actor=shop.actor, name="Ana", phone="11 91234-5678")
        now = utcnow()
        s.add(Appointment(tenant_id=shop.tenant_id, customer_id=c.id, service_id=svc.id, starts_at=now, ends_at=now + timedelta(hours=1)))
    with pytest.raises(ServiceError, match="desative"), tenant_session(shop.tenant_id) as s:
        catalog.delete_service(s, actor=shop.actor, service_id=svc.id)
    unused = _service(shop, name="Tosa")
    with tenant_session(shop.tenant_id) as s:
        catalog.delete_service(s, actor=shop.actor, service_id=unused.id)
        assert [x.name for x in catalog.list_services(s, actor=shop.actor)] == ["Banho P"]
