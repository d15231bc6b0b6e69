"""The dashboard's period report matches the data: revenue by day, bookings by source with 7-day
campaign attribution, conversations solved by the AI, no-show rate, AI cost, the campaign funnel;
another shop's data never shows; staff cannot read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Appointment, Campaign, CampaignRecipient, Conversation, Message, Service, UsageDaily
from auzap_console.services import performance
from auzap_console.services.context import Actor, PermissionDenied
from tests.utils.agent_helpers import agent_shop

SP = ZoneInfo("America/Sao_Paulo")


def _noon(days_ago: int) -> datetime:
    day = datetime.now(SP).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, tzinfo=SP).astimezone(UTC)


def _shop(name: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        bath = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        groom = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Tosa completa")).one()
        cid = shop.customer_id

        def appt(days_ago, service, status, source, created_days_ago):
            start = _noon(days_ago)
            s.add(
                Appointment(
                    tenant_id=shop.tenant_id,
                    customer_id=cid,
                    service_id=service.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    status=status,
                    price_cents=service.price_cents,
                    source=source,
                    created_at=_noon(created_days_ago),
                )
            )

        appt(5, bath, "completed", "ai", 6)  # R$ 50
        appt(2, groom, "completed", "staff", 10)  # R$ 90
        appt(1, bath, "no_show", "ai", 8)
        campaign = Campaign(tenant_id=shop.tenant_id, name="Volta", status="finished")
        s.add(campaign)
        s.flush()
        message = Message(
            tenant_id=shop.tenant_id,
            conversation_id=_chat(s, shop, False, 20),
            direction="out",
            sender="system",
            body="Oi",
            delivery_status="read",
        )
        s.add(message)
        s.flush()
        s.add(
            CampaignRecipient(
                tenant_id=shop.tenant_id,
                campaign_id=campaign.id,
                customer_id=cid,
                status="sent",
                message_id=message.id,
                sent_at=_noon(4),
                attribution_until=_noon(4) + timedelta(days=7),
                replied_at=_noon(4) + timedelta(hours=1),
            )
        )
        appt(-2, groom, "confirmed", "ai", 3)  # booked 1 day after the campaign message: counts for the campaign
        for handed, days_ago in ((False, 0), (False, 1), (True, 1)):
            _chat(s, shop, handed, days_ago)
        for persona, tokens, cost in (("customer_assistant", 1000, 2_000_000), ("sdr", 500, 1_000_000)):
            s.add(
                UsageDaily(
                    tenant_id=shop.tenant_id, day=date.today() - timedelta(days=1), persona=persona, tokens_in=tokens, cost_micro_usd=cost
                )
            )
    return shop


def _chat(s, shop, handed: bool, days_ago: int) -> int:
    chat = Conversation(tenant_id=shop.tenant_id, customer_id=shop.customer_id, waiting_human=handed, status="closed")
    s.add(chat)
    s.flush()
    s.add(
        Message(tenant_id=shop.tenant_id, conversation_id=chat.id, direction="in", sender="customer", body="oi", created_at=_noon(days_ago))
    )
    return chat.id


def test_the_period_report_matches_the_data():
    shop = _shop("Loja Desempenho")
    with tenant_session(shop.tenant_id) as s:
        r = performance.report(s, actor=shop.actor, period="ultimos_7_dias")
    assert r.revenue_cents == 14000 and r.show_revenue
    by_day = {row["dia"]: row["receita"] for row in r.revenue_by_day}
    assert len(r.revenue_by_day) == 7 and by_day[_noon(5).astimezone(SP).strftime("%d/%m")] == 50.0
    assert by_day[_noon(2).astimezone(SP).strftime("%d/%m")] == 90.0
    assert (r.no_shows, r.due, f"{r.no_show_rate:.2f}") == (1, 3, "0.33")
    assert r.bookings == 2  # made in the window: the no-show (8 days ago) and the completed grooming (10 days ago) are older
    assert {row["origem"]: row["agendamentos"] for row in r.bookings_by_source} == {"IA": 1, "Equipe": 0, "Campanha": 1}
    assert (r.conversations, r.solved_by_ai) == (3, 2)
    assert sum(row["ia"] for row in r.conversations_by_day) == 2 and sum(row["equipe"] for row in r.conversations_by_day) == 1
    assert r.tokens == 1500 and r.cost_cents > 0
    assert [row["persona"] for row in r.cost_by_persona] == ["Assistente de clientes", "Vendas (novos contatos)"]
    assert [row["clientes"] for row in r.funnel] == [1, 1, 1, 1]
    assert r.campaign_revenue_cents == 9000


def test_another_shop_sees_nothing_and_staff_cannot_read_it():
    a, b = _shop("Loja Desempenho A"), agent_shop("Loja Desempenho B")
    with tenant_session(b.tenant_id) as s:
        r = performance.report(s, actor=b.actor, period="ultimos_30_dias")
        assert (r.revenue_cents, r.bookings, r.conversations, r.tokens, r.funnel[0]["clientes"]) == (0, 0, 0, 0, 0)
        with pytest.raises(PermissionDenied):
            performance.report(s, actor=Actor(tenant_id=b.tenant_id, role="staff"), period="mes")
    with tenant_session(a.tenant_id) as s:
        assert performance.report(s, actor=a.actor, period="ultimos_30_dias").revenue_cents == 14000


def test_the_period_cards_name_the_period_as_the_select_does():
    from auzap_console.pages.dashboard_period import PeriodState
    from tests.conftest import session_token
    from tests.utils.reflex_harness import Browser

    shop = agent_shop("Loja Período")
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(PeriodState.load)
    tab.call(PeriodState.set_period, "mes_passado")
    assert tab.state(PeriodState).label == "Mês passado"  # it said "o mês passado", a phrase for the analyst's sentences
    assert tab.state(PeriodState).campaigns_sent is False  # no campaign: a sentence instead of an empty funnel
    sent = _shop("Loja Período Campanha")  # its campaign message was read and answered 4 days ago
    with_campaign = Browser(session_token(sent.email, sent.password))
    with_campaign.call(PeriodState.load)
    assert with_campaign.state(PeriodState).campaigns_sent is True


def test_each_figure_lands_on_the_shops_day_near_midnight():
    """Bucketed in SQL against the shop's midnights: 23:30 in São Paulo is 02:30 UTC the next day."""
    shop = agent_shop("Loja Meia-noite")
    day = datetime.now(SP).date() - timedelta(days=3)
    late, early = (datetime.combine(day, t, tzinfo=SP).astimezone(UTC) for t in (time(23, 30), time(0, 15)))
    with tenant_session(shop.tenant_id) as s:
        bath = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        for at in (late, early):
            s.add(
                Appointment(
                    tenant_id=shop.tenant_id,
                    customer_id=shop.customer_id,
                    service_id=bath.id,
                    starts_at=at,
                    ends_at=at + timedelta(minutes=30),
                    status="completed",
                    price_cents=bath.price_cents,
                    source="staff",
                )
            )
            chat = Conversation(tenant_id=shop.tenant_id, customer_id=shop.customer_id, status="closed")
            s.add(chat)
            s.flush()
            s.add(Message(tenant_id=shop.tenant_id, conversation_id=chat.id, direction="in", sender="customer", body="oi", created_at=at))
    with tenant_session(shop.tenant_id) as s:
        r = performance.report(s, actor=shop.actor, period="ultimos_7_dias")
    label = day.strftime("%d/%m")
    assert {row["dia"]: row["receita"] for row in r.revenue_by_day if row["receita"]} == {label: 2 * bath.price_cents / 100}
    assert {row["dia"]: row["ia"] for row in r.conversations_by_day if row["ia"]} == {label: 2}
