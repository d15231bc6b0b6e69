"""Campaigns, automations and the daily summary on PostgreSQL as the app role (RLS on): the
cron jobs find every shop's work through their SECURITY DEFINER listings (no tenant given), each
shop's rows stay invisible to another even by raw SQL, the win-back never offers a day more than
it holds, and the summary goes once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.jobs import campaigns as campaign_jobs
from auzap_console.jobs.automations import run_automations
from auzap_console.jobs.owner_summary import send_summaries
from auzap_console.models import Service, Tenant
from auzap_console.services import automations, booking, campaigns, customers, segments, tenants
from auzap_console.services.channels import create_channel
from auzap_console.services.tenants import WEEKDAYS, tenant_ids
from tests.utils.agent_helpers import agent_shop, visit

SP = ZoneInfo("America/Sao_Paulo")


def _local(hour: int, days: int = 0) -> datetime:
    day = datetime.now(SP).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=SP).astimezone(UTC)


def _shop(name: str, sumidos: int):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        s.get(Tenant, shop.tenant_id).business_hours = {d: {"open": "09:00", "close": "11:00"} for d in WEEKDAYS}
        shop.channel_id = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel.id
        tenants.add_owner_number(s, actor=shop.actor, phone="+5511977770000", label="Dono")
        bath = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        shop.bath_id = bath.id
        long_ago = datetime.now(UTC) - timedelta(days=90)
        for i in range(sumidos):
            c = customers.save_customer(s, actor=shop.actor, name=f"Sumida {i:02d}", phone=f"+55119500{shop.tenant_id:02d}{i:03d}")
            customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Luna {i}", species="dog", breed="Poodle")
            visit(s, shop, customer_id=c.id, service_id=bath.id, at=long_ago, price_cents=5000)
        automations.save_setting(s, actor=shop.actor, kind="winback", enabled=True, params={"days": 60})
        segment = segments.save_segment(s, actor=shop.actor, name="Sumidas", criteria={"inactive_days": 60})
        shop.campaign_id = campaigns.save_draft(
            s, actor=shop.actor, name="Volta", template="Oi {nome}", segment_id=segment.id, channel_id=shop.channel_id
        ).id
    return shop


def test_cron_jobs_find_every_shop_and_rows_stay_in_their_shop():
    a, b = _shop("Loja Marketing PG A", 12), _shop("Loja Marketing PG B", 2)
    assert {a.tenant_id, b.tenant_id} <= set(tenant_ids())
    at = _local(12, days=1)
    for shop in (a, b):
        with tenant_session(shop.tenant_id) as s:
            campaigns.schedule(s, actor=shop.actor, campaign_id=shop.campaign_id, at=at, now=at - timedelta(minutes=1))
    due = campaign_jobs.due(at)  # every shop, through auzap_campaigns_due
    assert {(a.tenant_id, a.campaign_id), (b.tenant_id, b.campaign_id)} <= set(due)
    with tenant_session(b.tenant_id) as s:
        assert s.execute(text("SELECT count(*) FROM campaigns")).scalar() == 1
        assert s.execute(text("SELECT count(*) FROM campaign_recipients")).scalar() == 3  # B's two + Joana
        assert s.execute(text(f"SELECT count(*) FROM campaign_recipients WHERE campaign_id = {a.campaign_id}")).scalar() == 0

    counts = send_summaries(_local(18, days=1))  # every shop, through auzap_tenant_ids
    assert counts.get("sent", 0) >= 2
    assert send_summaries(_local(19, days=1), only_tenant=a.tenant_id) == {"already sent": 1}
    with tenant_session(a.tenant_id) as s:
        assert s.execute(text("SELECT count(*) FROM insights WHERE kind = 'summary'")).scalar() == 1


def test_the_winback_never_offers_a_day_more_than_it_holds_on_postgresql():
    shop = _shop("Loja Volta PG", 12)
    now = _local(10, days=1)
    with tenant_session(shop.tenant_id) as s:
        planned = automations.plan(s, actor=shop.actor, kind="winback", now=now)
    assert len(planned) == 7  # open 09:00–11:00: room for one 60-minute bath customer (09:00 or 10:00) a day, 7 days
    with tenant_session(shop.tenant_id) as s:  # all of them say yes to either time: it all fits
        for p in planned:
            for start in p.offers:
                booking.book(s, actor=shop.actor, customer_id=p.customer_id, service_id=shop.bath_id, starts_at=start)
    assert run_automations(now, only_tenant=shop.tenant_id) == {}  # every day is full now: nobody else is invited
