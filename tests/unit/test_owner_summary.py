"""The owner's daily summary: sent once at the shop's time (clock injected) to the owner numbers,
with the day's figures and one opportunity; "cria a campanha" creates a draft that sends nothing;
another shop is never summarised with this one's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.jobs.owner_summary import send_summaries
from auzap_console.models import Appointment, Campaign, CampaignRecipient, Customer, Insight, Message, Pet, Service
from auzap_console.services import customers, owner_summary, tenants
from auzap_console.services.channels import create_channel
from tests.utils.agent_helpers import agent_shop, visit

SP = ZoneInfo("America/Sao_Paulo")
OWNER = "+5511977776666"


def _at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    day = datetime.now(SP).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SP).astimezone(UTC)


def _shop(name: str):
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        shop.channel_id = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel.id
        tenants.add_owner_number(s, actor=shop.actor, phone=OWNER, label="Dona")
        bath = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        long_ago = datetime.now(UTC) - timedelta(days=90)
        for i in range(3):  # three Yorkshire tutors who stopped coming
            c = customers.save_customer(s, actor=shop.actor, name=f"Tutora York {i}", phone=f"+55119300000{i:02d}")
            pet = customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Mel {i}", species="dog", breed="Yorkshire", size="P")
            visit(s, shop, customer_id=c.id, service_id=bath.id, at=long_ago, pet_id=pet.id, price_cents=4500)
        thor = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).one()
        for hour, status in ((10, "completed"), (11, "no_show")):  # today
            s.add(
                Appointment(
                    tenant_id=shop.tenant_id,
                    customer_id=shop.customer_id,
                    pet_id=thor.id,
                    service_id=bath.id,
                    starts_at=_at(hour),
                    ends_at=_at(hour) + timedelta(hours=1),
                    status=status,
                    price_cents=5000,
                )
            )
        s.add(
            Appointment(
                tenant_id=shop.tenant_id,
                customer_id=shop.customer_id,
                pet_id=thor.id,
                service_id=bath.id,
                starts_at=_at(9, days=1),
                ends_at=_at(10, days=1),
                status="confirmed",
                price_cents=5000,
            )
        )
    return shop


def _summaries(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out").order_by(Message.id))
        return [m for m in rows if (m.meta or {}).get("kind") == "owner_summary"]


def test_the_summary_goes_once_at_the_shops_time_with_the_days_figures_and_an_opportunity():
    shop = _shop("Loja Resumo")
    assert send_summaries(_at(17, 59), only_tenant=shop.tenant_id) == {"not yet": 1}
    assert send_summaries(_at(18, 0), only_tenant=shop.tenant_id) == {"sent": 1}
    assert send_summaries(_at(18, 1), only_tenant=shop.tenant_id) == {"already sent": 1}
    assert send_summaries(_at(23, 30), only_tenant=shop.tenant_id) == {"already sent": 1}
    queues.in_process().drain()
    (summary,) = _summaries(shop)
    assert "1 atendimentos concluídos, R$ 50,00 de receita, 1 faltas" in summary.body
    assert "Amanhã: 1 horário (09:00 Thor)" in summary.body
    assert "3 tutores de Yorkshire não voltam há 60 dias, potencial R$ 135,00" in summary.body
    with tenant_session(shop.tenant_id) as s:
        owner = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.phone == OWNER)).one()
        assert s.get(Message, summary.id).delivery_status == "delivered"
        assert summary.conversation_id and owner.id
        owner_summary.save_settings(s, actor=shop.actor, enabled=True, at="19:30")
    assert send_summaries(_at(19, 0, days=1), only_tenant=shop.tenant_id) == {"not yet": 1}  # tomorrow, the new time
    assert send_summaries(_at(19, 30, days=1), only_tenant=shop.tenant_id) == {"sent": 1}


def test_cria_a_campanha_makes_a_draft_that_sends_nothing():
    shop = _shop("Loja Resumo Campanha")
    send_summaries(_at(18, 0), only_tenant=shop.tenant_id)
    queues.in_process().drain()
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=OWNER, text="Cria a campanha!", channel_id=shop.channel_id)
    answer_conversation(shop.tenant_id, conversation_id)
    queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        reply = s.exec(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc())).first()
        assert "rascunho da campanha para 3 clientes" in reply.body
        (campaign,) = s.exec(select(Campaign).where(Campaign.tenant_id == shop.tenant_id)).all()
        assert (campaign.status, campaign.origin) == ("draft", "analyst")
        assert s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id)).all() == []
        insight = s.exec(select(Insight).where(Insight.tenant_id == shop.tenant_id, Insight.kind == "opportunity")).one()
        assert insight.campaign_id == campaign.id
        assert [i.title for i in owner_summary.recent_insights(s, actor=shop.actor)] == [insight.title]


def test_another_shop_gets_nothing_of_this_one():
    a, b = _shop("Loja Resumo A"), agent_shop("Loja Resumo B")
    send_summaries(_at(18, 0), only_tenant=a.tenant_id)
    assert send_summaries(_at(18, 0), only_tenant=b.tenant_id) == {"nobody to tell": 1}
    with tenant_session(b.tenant_id) as s:
        assert s.exec(select(Insight).where(Insight.tenant_id == b.tenant_id)).all() == []
        assert owner_summary.recent_insights(s, actor=b.actor) == []
