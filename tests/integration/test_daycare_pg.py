"""The daycare vertical on PostgreSQL as the app role: its branch migrated with `auzap db upgrade`,
forced row-level security on its tables, and the capacity lock between two bookings of one place."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from auzap_console.db import tenant_session
from auzap_console.models import Pet
from auzap_console.services import customers
from auzap_console.services.context import ServiceError
from tests.conftest import make_shop

stays = pytest.importorskip("auzap_vertical_daycare.stays")


def _guest(shop, n: int) -> tuple[int, int]:
    with tenant_session(shop.tenant_id) as s:
        c = customers.save_customer(s, actor=shop.actor, name=f"Hóspede PG {n}", phone=f"+5511962{shop.tenant_id:03d}{n:03d}")
        pet = customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Nina {n}", species="dog")
        s.get(Pet, pet.id).vaccinations = [
            {"id": f"v{i}", "name": v, "given_on": "2026-01-01", "next_due": "2030-01-01"} for i, v in enumerate(("V10", "Antirrábica"))
        ]
    return c.id, pet.id


def test_stays_are_confined_to_their_shop_and_the_last_place_goes_once():
    a, b = make_shop("Creche PG A"), make_shop("Creche PG B")
    day = date.today() + timedelta(days=4)
    first, second = _guest(a, 1), _guest(a, 2)
    with tenant_session(a.tenant_id) as s:
        stays.set_places(s, actor=a.actor, kind="daycare", value=1)
        stays.book(s, actor=a.actor, customer_id=first[0], pet_id=first[1], kind="daycare", start=day)
    with tenant_session(a.tenant_id) as s, pytest.raises(ServiceError, match="Não há vaga"):
        stays.book(s, actor=a.actor, customer_id=second[0], pet_id=second[1], kind="daycare", start=day)
    with tenant_session(b.tenant_id) as s:
        for table in ("daycare_stays", "daycare_capacity"):
            assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0  # RLS: A's rows are invisible
        forced = (
            s.execute(text("SELECT relforcerowsecurity FROM pg_class WHERE relname IN ('daycare_stays', 'daycare_capacity')"))
            .scalars()
            .all()
        )
    assert forced == [True, True]
