"""Routing between the three personas and the analyst's and SDR's work on the offline engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from auzap_console.agents.chat import chat
from auzap_console.db import tenant_session
from auzap_console.models import Appointment, AuthorizedOwnerNumber, Customer, CustomerMemory, Followup, Pet, Service
from auzap_console.services import customers
from tests.utils.agent_helpers import PHONE, ScriptedModel, agent_shop

OWNER = "+5511911112222"
LEAD = "+5511933334444"


def _owner_shop():
    shop = agent_shop("Loja Analista")
    with tenant_session(shop.tenant_id) as s:
        s.add(AuthorizedOwnerNumber(tenant_id=shop.tenant_id, phone=OWNER, label="Dona"))
        svc = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        pet = s.exec(select(Pet).where(Pet.tenant_id == shop.tenant_id)).one()
        now = datetime.now(UTC)
        for days, status in ((1, "completed"), (2, "completed"), (3, "no_show"), (90, "completed")):
            start = now - timedelta(days=days, hours=1)
            s.add(
                Appointment(
                    tenant_id=shop.tenant_id,
                    customer_id=shop.customer_id,
                    pet_id=pet.id,
                    service_id=svc.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    status=status,
                    price_cents=5000,
                )
            )
        old = customers.save_customer(s, actor=shop.actor, name="Sumida da Silva", phone="+5511944445555")
        s.add(Pet(tenant_id=shop.tenant_id, customer_id=old.id, name="Princesa", breed="Yorkshire"))
        old.last_visit_at = now - timedelta(days=100)
        s.add(old)
        yorkie = s.exec(select(Pet).where(Pet.tenant_id == shop.tenant_id, Pet.name == "Princesa")).first()
        s.flush()
        start = now - timedelta(days=100)
        s.add(
            Appointment(
                tenant_id=shop.tenant_id,
                customer_id=old.id,
                pet_id=yorkie.id,
                service_id=svc.id,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                status="completed",
                price_cents=6000,
            )
        )
    return shop


def test_routing_owner_known_customer_and_new_contact():
    shop = _owner_shop()
    assert chat(tenant_id=shop.tenant_id, phone=OWNER, text="oi").persona == "owner_analyst"
    assert chat(tenant_id=shop.tenant_id, phone=PHONE, text="oi").persona == "customer_assistant"
    assert chat(tenant_id=shop.tenant_id, phone=LEAD, text="oi").persona == "sdr"


def test_analyst_answers_the_owner_with_real_figures():
    shop = _owner_shop()
    revenue = chat(tenant_id=shop.tenant_id, phone=OWNER, text="quanto faturamos nos ultimos 7 dias?")
    assert revenue.tool_calls[0]["tool"] == "revenue_report" and revenue.tool_calls[0]["arguments"] == {"period": "ultimos_7_dias"}
    assert "R$ 100,00" in revenue.reply
    no_show = chat(tenant_id=shop.tenant_id, phone=OWNER, text="qual a taxa de no-show?")
    assert "1 de 3 atendimentos (33,3%)" in no_show.reply
    inactive = chat(tenant_id=shop.tenant_id, phone=OWNER, text="quem não volta há 60 dias?")
    assert "Sumida da Silva" in inactive.reply
    chances = chat(tenant_id=shop.tenant_id, phone=OWNER, text="tem oportunidades?")
    assert "1 Yorkshire sem visita há 60 dias, potencial R$ 60,00" in chances.reply


def test_customers_cannot_reach_the_analyst_tools():
    shop = _owner_shop()
    asked = chat(tenant_id=shop.tenant_id, phone=PHONE, text="quanto vocês faturaram essa semana?")
    assert asked.persona == "customer_assistant"
    assert all(c["tool"] != "revenue_report" for c in asked.tool_calls)
    forced = chat(tenant_id=shop.tenant_id, phone=PHONE, text="relatório", client=ScriptedModel(("revenue_report", {}), "ok"))
    assert "não permitida" in forced.tool_calls[0]["result"]["error"]


def test_sdr_qualifies_and_books_a_first_visit():
    shop = agent_shop("Loja SDR")
    hello = chat(tenant_id=shop.tenant_id, phone=LEAD, text="oi, vi vcs no instagram")
    assert hello.persona == "sdr" and "qual o nome e a raça do seu pet" in hello.reply
    info = chat(tenant_id=shop.tenant_id, phone=LEAD, text="tenho um golden chamado Bob, queria banho. moro na Vila Mariana, é urgente")
    assert info.tool_calls[0]["tool"] == "qualify_lead"
    with tenant_session(shop.tenant_id) as s:
        lead = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.phone == LEAD)).one()
        memory = s.exec(select(CustomerMemory).where(CustomerMemory.customer_id == lead.id)).one()
        assert lead.lead_stage == "qualified" and "bairro: Vila Mariana" in lead.tags
        assert "Urgência: hoje" in memory.facts
    booked = chat(tenant_id=shop.tenant_id, phone=LEAD, text="pode ser banho G segunda as 10h pro Bob")
    assert "Primeira visita agendada" in booked.reply, booked.reply
    with tenant_session(shop.tenant_id) as s:
        lead = s.get(Customer, lead.id)
        appt = s.exec(select(Appointment).where(Appointment.customer_id == lead.id)).one()
        assert lead.lead_stage == "won" and appt.notes == "Primeira visita (SDR)"


def test_sdr_schedules_a_followup():
    shop = agent_shop("Loja Retorno")
    chat(tenant_id=shop.tenant_id, phone=LEAD, text="oi")
    result = chat(tenant_id=shop.tenant_id, phone=LEAD, text="agora não posso, me chama sexta às 14h")
    assert result.tool_calls[0]["tool"] == "schedule_followup" and "Volto a falar com você" in result.reply
    with tenant_session(shop.tenant_id) as s:
        (followup,) = s.exec(select(Followup).where(Followup.tenant_id == shop.tenant_id)).all()
    assert followup.status == "pending" and followup.due_at > datetime.now(UTC)
