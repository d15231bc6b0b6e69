"""Segments on PostgreSQL as the app role (RLS on): the same filters compile and count there."""

from __future__ import annotations

from datetime import date

from auzap_console.db import tenant_session
from auzap_console.services import customers, segments
from tests.conftest import make_shop


def test_segment_filters_on_postgresql():
    shop = make_shop("Loja Segmentos PG")
    other = make_shop("Loja Segmentos PG Outra")
    with tenant_session(shop.tenant_id) as s:
        c = customers.save_customer(s, actor=shop.actor, name="Júlia Ração", phone="+5511930000001", tags=["ração premium"])
        customers.save_pet(s, actor=shop.actor, customer_id=c.id, name="Nina", species="dog", size="M", birth_date=date(2020, 3, 9))
    with tenant_session(shop.tenant_id) as s:
        found = segments.preview(s, actor=shop.actor, criteria={"tag": "Ração Premium", "birthday_month": 3, "species": "dog"})
        segments.save_segment(s, actor=shop.actor, name="Aniversariantes de março", criteria={"birthday_month": 3})
    assert (found.count, [name for _, name in found.sample]) == (1, ["Júlia Ração"])
    with tenant_session(other.tenant_id) as s:
        assert segments.preview(s, actor=other.actor, criteria={"tag": "ração premium"}).count == 0
        assert segments.list_segments(s, actor=other.actor) == []
