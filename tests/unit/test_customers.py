from datetime import date, timedelta

import pytest

from auzap_console.db import tenant_session
from auzap_console.models import Pet
from auzap_console.services import customers
from auzap_console.services.context import Actor, PermissionDenied, ServiceError


def _customer(shop, name="João Silva", phone="(11) 98765-4321", **kw):
    with tenant_session(shop.tenant_id) as s:
        return customers.save_customer(s, actor=shop.actor, name=name, phone=phone, **kw)


def test_create_normalizes_phone_and_tags(shop_factory):
    shop = shop_factory()
    c = _customer(shop, tags=["vip ", "", "banho mensal", "vip"], email="JOAO@Example.com")
    assert c.phone == "+5511987654321"
    assert c.tags == ["banho mensal", "vip"]
    assert c.email == "joao@example.com"


def test_same_phone_without_ninth_digit_is_the_same_customer(shop_factory):
    shop = shop_factory()
    c = _customer(shop)
    with tenant_session(shop.tenant_id) as s:
        assert customers.find_by_phone(s, actor=shop.actor, phone="551187654321@c.us").id == c.id
    with pytest.raises(ServiceError, match="Já existe um cliente com este telefone"):
        _customer(shop, name="Outro", phone="11 8765-4321")


@pytest.mark.parametrize(
    ("kw", "message"), [({"name": "J"}, "nome do cliente"), ({"phone": "123"}, "Telefone inválido"), ({"email": "x@"}, "e-mail válido")]
)
def test_customer_validation(shop_factory, kw, message):
    with pytest.raises(ServiceError, match=message):
        _customer(shop_factory(), **kw)


def test_search_and_pagination(shop_factory):
    shop = shop_factory()
    for i in range(45):
        _customer(shop, name=f"Cliente {i:02d}", phone=f"11 9{7000 + i:04d}-{1000 + i:04d}")
    rex = _customer(shop, name="Maria Rex", phone="21 99999-1111")
    with tenant_session(shop.tenant_id) as s:
        customers.save_pet(s, actor=shop.actor, customer_id=rex.id, name="Bolinha")
        first = customers.list_customers(s, actor=shop.actor, page=1, per_page=20)
        last = customers.list_customers(s, actor=shop.actor, page=3, per_page=20)
        by_pet = customers.list_customers(s, actor=shop.actor, search="bolin")
        by_phone = customers.list_customers(s, actor=shop.actor, search="99999")
        by_name = customers.list_customers(s, actor=shop.actor, search="cliente 1")
    assert first.total == 46 and first.pages == 3 and len(first.rows) == 20
    assert len(last.rows) == 6
    assert {c.id for c, _ in first.rows}.isdisjoint({c.id for c, _ in last.rows})
    assert [(c.name, pets) for c, pets in by_pet.rows] == [("Maria Rex", ["Bolinha"])]
    assert [c.name for c, _ in by_phone.rows] == ["Maria Rex"]
    assert by_name.total == 10


def test_search_wildcards_are_literal(shop_factory):
    shop = shop_factory()
    _customer(shop, name="Ana 100% Tosa", phone="11 97000-1000")
    _customer(shop, name="Bia_Banho", phone="11 97000-1001")
    _customer(shop, name="Carla", phone="11 97000-1002")
    with tenant_session(shop.tenant_id) as s:
        found = {term: [c.name for c, _ in customers.list_customers(s, actor=shop.actor, search=term).rows] for term in ("%", "_", "a_b")}
    assert found == {"%": ["Ana 100% Tosa"], "_": ["Bia_Banho"], "a_b": ["Bia_Banho"]}


def test_pets_crud_and_validation(shop_factory):
    shop = shop_factory()
    c = _customer(shop)
    with tenant_session(shop.tenant_id) as s:
        pet = customers.save_pet(
            s,
            actor=shop.actor,
            customer_id=c.id,
            name="Thor",
            species="dog",
            breed="Shih Tzu",
            size="P",
            weight_grams=6500,
            birth_date=date(2020, 5, 1),
        )
        customers.save_pet(s, actor=shop.actor, customer_id=c.id, pet_id=pet.id, name="Thor", species="dog", size="M")
        assert [p.size for p in customers.list_pets(s, actor=shop.actor, customer_id=c.id)] == ["M"]
        for kw, message in [
            ({"name": ""}, "nome do pet"),
            ({"species": "dragão"}, "Espécie"),
            ({"birth_date": date.today() + timedelta(days=1)}, "futuro"),
            ({"weight_grams": 0}, "Peso"),
        ]:
            with pytest.raises(ServiceError, match=message):
                customers.save_pet(s, actor=shop.actor, customer_id=c.id, **{"name": "Mel", **kw})
        customers.delete_pet(s, actor=shop.actor, pet_id=pet.id)
        assert customers.list_pets(s, actor=shop.actor, customer_id=c.id) == []


def test_delete_customer_takes_pets_along_and_needs_manager(shop_factory):
    shop = shop_factory()
    c = _customer(shop)
    with tenant_session(shop.tenant_id) as s:
        customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="Thor")
    staff = Actor(tenant_id=shop.tenant_id, user_id=None, role="staff")
    with pytest.raises(PermissionDenied), tenant_session(shop.tenant_id) as s:
        customers.delete_customer(s, actor=staff, customer_id=c.id)
    with tenant_session(shop.tenant_id) as s:
        customers.delete_customer(s, actor=shop.actor, customer_id=c.id)
    with tenant_session(shop.tenant_id) as s:
        assert customers.list_customers(s, actor=shop.actor).total == 0
        assert s.get(Pet, 1) is None or s.get(Pet, 1).customer_id != c.id


def test_a_deleted_customer_does_not_come_back_through_the_outbox_sweep(shop_factory):
    """Their raw webhook events go with them: left without a message they looked unhandled, and the
    sweep stored them again (customer, conversation, message) and answered."""
    from sqlmodel import func, select

    from auzap_console.jobs import outbox
    from auzap_console.models import Customer, InboundEvent
    from auzap_console.services.channels import create_channel
    from auzap_console.services.inbound import receive_message

    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        channel_id = create_channel(s, actor=shop.actor, name="WhatsApp", provider="simulator").channel.id
    got = receive_message(tenant_id=shop.tenant_id, text="oi", channel_id=channel_id, provider_message_id="lgpd-1", phone="+5511987650001")
    with tenant_session(shop.tenant_id) as s:
        event = InboundEvent(
            tenant_id=shop.tenant_id, channel_id=channel_id, provider_message_id="lgpd-1", payload={"phone": "+5511987650001", "text": "oi"}
        )
        s.add(event)
        event.message_id = got.message_id
        customer_id = s.exec(select(Customer.id).where(Customer.tenant_id == shop.tenant_id)).one()
    with tenant_session(shop.tenant_id) as s:
        customers.delete_customer(s, actor=shop.actor, customer_id=customer_id)
    assert [e for e in outbox.due_events(min_age_seconds=0) if e[0] == shop.tenant_id] == []  # what the sweep would take up
    with tenant_session(shop.tenant_id) as s:
        assert s.exec(select(func.count()).select_from(InboundEvent).where(InboundEvent.tenant_id == shop.tenant_id)).one() == 0
        assert s.exec(select(func.count()).select_from(Customer).where(Customer.tenant_id == shop.tenant_id)).one() == 0
