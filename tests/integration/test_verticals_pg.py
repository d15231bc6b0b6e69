"""The daycare and training verticals on PostgreSQL as the app role: their branches migrated with
`auzap db upgrade`, forced row-level security on every table, the capacity lock between two
bookings of one place, and another shop seeing none of the rows."""

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
plans = pytest.importorskip("auzap_vertical_training.plans")
TABLES = ("daycare_stays", "daycare_capacity", "daycare_packages", "daycare_report_cards", "training_plans", "training_sessions")


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


def test_every_vertical_table_forces_row_level_security_and_hides_other_shops():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from auzap_console.models import StaffMember
    from auzap_console.services import catalog
    from auzap_vertical_daycare import desk, packages, report_cards

    a, b = make_shop("Vertical PG A"), make_shop("Vertical PG B")
    customer_id, pet_id = _guest(a, 7)
    with tenant_session(a.tenant_id) as s:
        catalog.save_service(s, actor=a.actor, name="Adestramento", category="training", price_cents=100, duration_minutes=60)
        s.add(StaffMember(tenant_id=a.tenant_id, name="Carla", categories=["training"], working_hours={}))
        packages.sell(s, actor=a.actor, customer_id=customer_id, days=3)
        stay = stays.book(s, actor=a.actor, customer_id=customer_id, pet_id=pet_id, kind="daycare", start=date.today())
        desk.check_in(s, actor=a.actor, stay_id=stay.id)
        report_cards.send(s, actor=a.actor, stay_id=stay.id, day=date.today(), meals="all", mood="happy")
        plan = plans.create_plan(
            s, actor=a.actor, customer_id=customer_id, pet_id=pet_id, program="Obediência", sessions_total=2, goals=["Sentar"]
        )
        from auzap_console.services.tenants import get_tenant

        when = datetime.combine(date.today() + timedelta(days=2), time(10), ZoneInfo(get_tenant(s, actor=a.actor).timezone))
        plans.schedule(s, actor=a.actor, plan_id=plan.id, starts_at=when)
    with tenant_session(a.tenant_id) as s:
        seen_a = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
    with tenant_session(b.tenant_id) as s:
        seen_b = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
        forced = dict(
            s.execute(text("SELECT relname, relforcerowsecurity FROM pg_class WHERE relname = ANY(:t)"), {"t": list(TABLES)}).all()
        )
        with pytest.raises(Exception), s.begin_nested():  # noqa: B017 — RLS refuses a row for another shop
            s.execute(
                text(
                    "INSERT INTO training_plans (tenant_id, customer_id, pet_id, program, sessions_total, goals, status, created_at) "
                    "VALUES (:t, :c, :p, 'x', 1, '[]', 'active', now())"
                ),
                {"t": a.tenant_id, "c": customer_id, "p": pet_id},
            )
    assert all(seen_a[t] >= 1 for t in TABLES if t != "daycare_capacity"), seen_a
    assert set(seen_b.values()) == {0}, seen_b
    assert forced == dict.fromkeys(TABLES, True)
