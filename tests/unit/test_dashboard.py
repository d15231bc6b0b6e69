from datetime import UTC, date, datetime, timedelta

from auzap_console.db import tenant_session
from auzap_console.models import Appointment, Conversation
from auzap_console.services import catalog, customers, dashboard

# Wednesday 2026-11-18 13:00 in São Paulo (UTC-3).
NOW = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)


def _book(s, shop, customer, service, when, status, price):
    s.add(
        Appointment(
            tenant_id=shop.tenant_id,
            customer_id=customer.id,
            service_id=service.id,
            starts_at=when,
            ends_at=when + timedelta(hours=1),
            status=status,
            price_cents=price,
        )
    )


def test_figures_follow_the_tenant_time_zone(shop_factory):
    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        c1 = customers.save_customer(s, actor=shop.actor, name="Ana", phone="11 91111-0001")
        c2 = customers.save_customer(s, actor=shop.actor, name="Bia", phone="11 91111-0002")
        customers.save_customer(s, actor=shop.actor, name="Caio", phone="11 91111-0003")
        svc = catalog.save_service(s, actor=shop.actor, name="Banho", price_cents=5000, duration_minutes=60, category="bath")
        _book(s, shop, c1, svc, datetime(2026, 11, 18, 12, 0, tzinfo=UTC), "completed", 5000)  # today 09:00 local
        _book(s, shop, c2, svc, datetime(2026, 11, 19, 2, 30, tzinfo=UTC), "confirmed", 5000)  # today 23:30 local
        _book(s, shop, c1, svc, datetime(2026, 11, 16, 13, 0, tzinfo=UTC), "completed", 7000)  # Monday
        _book(s, shop, c1, svc, datetime(2026, 11, 16, 2, 0, tzinfo=UTC), "completed", 1100)  # Sunday 23:00 local: last week
        _book(s, shop, c2, svc, datetime(2026, 11, 3, 13, 0, tzinfo=UTC), "completed", 9000)  # this month
        _book(s, shop, c2, svc, datetime(2026, 11, 4, 13, 0, tzinfo=UTC), "cancelled", 9000)  # not revenue
        _book(s, shop, c2, svc, datetime(2026, 10, 30, 13, 0, tzinfo=UTC), "completed", 4000)  # last month
        s.add(Conversation(tenant_id=shop.tenant_id, customer_id=c1.id, status="open"))
        s.add(Conversation(tenant_id=shop.tenant_id, customer_id=c2.id, status="closed"))
    with tenant_session(shop.tenant_id) as s:
        f = dashboard.figures(s, actor=shop.actor, now=NOW)
    assert f.today_count == 2
    assert [(a.time, a.customer, a.status) for a in f.today] == [("09:00", "Ana", "completed"), ("23:30", "Bia", "confirmed")]
    assert f.revenue_week_cents == 5000 + 7000
    assert f.revenue_month_cents == 5000 + 7000 + 1100 + 9000
    assert (f.week_start, f.month_start) == (date(2026, 11, 16), date(2026, 11, 1))  # shown as "desde 16/11", "desde 01/11"
    assert f.active_customers == 2 and f.total_customers == 3
    assert f.open_conversations == 1
    assert len(f.revenue_by_week) == 8 and f.revenue_by_week[-1]["receita"] == 120.0
    assert [w["receita"] for w in f.revenue_by_week[-3:-1]] == [90.0, 11.0]  # weeks of 02/11 and 09/11 (Sunday 23:00 local)


def test_empty_shop_has_zero_figures(shop_factory):
    shop = shop_factory()
    with tenant_session(shop.tenant_id) as s:
        f = dashboard.figures(s, actor=shop.actor, now=NOW)
    assert (f.today_count, f.revenue_week_cents, f.revenue_month_cents, f.active_customers, f.open_conversations) == (0, 0, 0, 0, 0)
