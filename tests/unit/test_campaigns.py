"""Campaigns: templates with variables and variants (unknown variables refused), recipients planned
once, sent at the configured rate (clock injected), never in quiet hours nor to opted-out customers,
followed to delivery, reply and booking; "SAIR" opts out with a confirmation; another shop's
campaigns can be neither seen nor changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.agents.chat import receive_text
from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.agent import answer_conversation
from auzap_console.jobs.campaigns import send_due_campaigns
from auzap_console.models import Campaign, CampaignRecipient, Customer, Message, Pet, Service
from auzap_console.services import booking, campaign_text, campaigns, customers, reminders, segments
from auzap_console.services.channels import create_channel
from auzap_console.services.context import NotFound, PermissionDenied, ServiceError
from auzap_console.services.opt_out import is_opt_out
from tests.utils.agent_helpers import PHONE, agent_shop

SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def _short_minutes(monkeypatch):
    """A minute's sends spread over 0.6 s instead of 60 (the pacing itself is the integration test's and the benchmark's)."""
    from auzap_console.settings import get_settings

    monkeypatch.setenv("CAMPAIGN_SPREAD_MS", "600")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def _noon(days: int = 1) -> datetime:
    """Midday in São Paulo (outside the quiet hours), `days` from today."""
    day = datetime.now(SP).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 12, tzinfo=SP).astimezone(UTC)


def _shop(name: str, extra: int = 4):
    """Joana (Thor) plus `extra` dog tutors, the last one opted out; a simulator channel; a 'dogs' segment."""
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        shop.channel_id = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel.id
        for i in range(extra):
            c = customers.save_customer(
                s, actor=shop.actor, name=f"Tutor {i} Silva", phone=f"+55119100000{i:02d}", marketing_opt_out=i == extra - 1
            )
            customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Rex {i}", species="dog", size="M")
        shop.segment_id = segments.save_segment(s, actor=shop.actor, name="Cães", criteria={"species": "dog"}).id
    return shop


def _draft(shop, template: str = "{Oi|Olá} {nome}, o {pet} está com saudade!", rate: int = 600) -> int:
    with tenant_session(shop.tenant_id) as s:
        return campaigns.save_draft(
            s,
            actor=shop.actor,
            name="Volta",
            template=template,
            segment_id=shop.segment_id,
            channel_id=shop.channel_id,
            rate_per_minute=rate,
        ).id


def _start(shop, campaign_id: int, at: datetime) -> int:
    with tenant_session(shop.tenant_id) as s:
        return campaigns.schedule(s, actor=shop.actor, campaign_id=campaign_id, at=at, now=at - timedelta(minutes=1))


def _progress(shop, campaign_id: int) -> campaigns.Progress:
    with tenant_session(shop.tenant_id) as s:
        return campaigns.progress(s, actor=shop.actor, campaign_id=campaign_id)


def _campaign_messages(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out").order_by(Message.id))
        return [m for m in rows if (m.meta or {}).get("kind") == "campaign"]


def test_templates_fill_variables_pick_variants_per_customer_and_refuse_unknown_names():
    text = "{Oi|Olá|E aí} {nome}! {Faz {dias_sem_vir} dias|Já são {dias_sem_vir} dias} sem o {pet}."
    assert campaign_text.validate(text) == text
    values = {"nome": "Ana", "dias_sem_vir": "40", "pet": "Thor"}
    first = campaign_text.render(text, values, seed="1:7")
    assert first == campaign_text.render(text, values, seed="1:7")  # the same customer always gets the same text
    assert "{" not in first and "Ana" in first and "40 dias" in first and first.endswith("sem o Thor.")
    variants = {campaign_text.render(text, values, seed=f"1:{n}").split(" ")[0] for n in range(40)}
    assert variants == {"Oi", "Olá", "E"}
    with pytest.raises(ServiceError, match=r"\{telefone\}"):
        campaign_text.validate("Oi {nome}, seu {telefone}")
    with pytest.raises(ServiceError, match="chave"):
        campaign_text.validate("Oi {nome")
    with pytest.raises(ServiceError):
        campaign_text.validate("   ")


def test_the_preview_shows_real_recipients_and_a_draft_is_checked():
    shop = _shop("Loja Campanha Prévia")
    with tenant_session(shop.tenant_id) as s:
        shown = campaigns.preview(
            s,
            actor=shop.actor,
            template="Oi {nome}, o {pet} sente falta da {loja}!",
            segment_id=shop.segment_id,
            channel_id=shop.channel_id,
        )
        assert shown[0][0] == "Joana Tutora" and shown[0][1].startswith("Oi Joana, o Thor sente falta da Loja Campanha Prévia")
        assert len(shown) == 3
        with pytest.raises(ServiceError, match="ritmo"):
            campaigns.save_draft(
                s, actor=shop.actor, name="X1", template="Oi", segment_id=shop.segment_id, channel_id=shop.channel_id, rate_per_minute=0
            )
        with pytest.raises(ServiceError, match="modelo"):
            campaigns.save_draft(
                s,
                actor=shop.actor,
                name="X2",
                template="Oi",
                segment_id=shop.segment_id,
                channel_id=shop.channel_id,
                cloud_template={"name": "volta", "params": ["nome", "cpf"]},
            )


def test_recipients_are_planned_once_and_sent_at_the_configured_rate():
    shop = _shop("Loja Campanha Ritmo", extra=6)  # Joana + 6 tutors, one opted out: 6 recipients
    campaign_id = _draft(shop, rate=2)
    at = _noon()
    assert _start(shop, campaign_id, at) == 6
    with tenant_session(shop.tenant_id) as s, pytest.raises(ServiceError):
        campaigns.schedule(s, actor=shop.actor, campaign_id=campaign_id, at=at, now=at - timedelta(minutes=1))  # never planned twice
    assert send_due_campaigns(at - timedelta(seconds=30), only_tenant=shop.tenant_id) == {}  # not its time yet
    per_minute = []
    for minute in range(4):
        counts = send_due_campaigns(at + timedelta(minutes=minute), only_tenant=shop.tenant_id)
        per_minute.append(counts.get("sent", 0))
    queues.in_process().drain(timeout=90)
    assert per_minute == [2, 2, 2, 0]
    assert len({m.conversation_id for m in _campaign_messages(shop)}) == 6
    send_due_campaigns(at + timedelta(minutes=5), only_tenant=shop.tenant_id)  # nobody left: finished
    with tenant_session(shop.tenant_id) as s:
        campaign = s.get(Campaign, campaign_id)
        assert campaign.status == "finished"
        opted = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.marketing_opt_out)).one()
        assert s.exec(select(CampaignRecipient).where(CampaignRecipient.customer_id == opted.id)).first() is None
    progress = _progress(shop, campaign_id)
    assert progress.total == 6 and progress.counts["delivered"] == 6 and progress.percent == 100


def test_nothing_goes_in_quiet_hours_and_a_customer_opted_out_after_planning_is_skipped():
    shop = _shop("Loja Campanha Silêncio")
    campaign_id = _draft(shop)
    day = datetime.now(SP).date() + timedelta(days=1)
    night = datetime(day.year, day.month, day.day, 22, 30, tzinfo=SP).astimezone(UTC)
    _start(shop, campaign_id, night)
    with tenant_session(shop.tenant_id) as s:
        joana = s.get(Customer, shop.customer_id)
        joana.marketing_opt_out = True
    assert send_due_campaigns(night, only_tenant=shop.tenant_id) == {}
    morning = datetime(day.year, day.month, day.day, 8, 30, tzinfo=SP).astimezone(UTC) + timedelta(days=1)
    counts = send_due_campaigns(morning, only_tenant=shop.tenant_id)
    queues.in_process().drain(timeout=90)
    assert counts == {"sent": 3, "skipped": 1}
    with tenant_session(shop.tenant_id) as s:
        rows, total = campaigns.recipients(s, actor=shop.actor, campaign_id=campaign_id, status="skipped")
    assert total == 1 and rows[0].name == "Joana Tutora" and "não receber" in rows[0].detail


def test_pause_resume_and_cancel():
    shop = _shop("Loja Campanha Pausa")
    campaign_id = _draft(shop, rate=1)
    at = _noon()
    _start(shop, campaign_id, at)
    assert send_due_campaigns(at, only_tenant=shop.tenant_id) == {"sent": 1}
    with tenant_session(shop.tenant_id) as s:
        campaigns.control(s, actor=shop.actor, campaign_id=campaign_id, action="pause")
    assert send_due_campaigns(at + timedelta(minutes=1), only_tenant=shop.tenant_id) == {}
    with tenant_session(shop.tenant_id) as s:
        campaigns.control(s, actor=shop.actor, campaign_id=campaign_id, action="resume")
    assert send_due_campaigns(at + timedelta(minutes=2), only_tenant=shop.tenant_id) == {"sent": 1}
    with tenant_session(shop.tenant_id) as s:
        campaigns.control(s, actor=shop.actor, campaign_id=campaign_id, action="cancel")
        with pytest.raises(ServiceError, match="cancelada"):
            campaigns.control(s, actor=shop.actor, campaign_id=campaign_id, action="resume")
    assert send_due_campaigns(at + timedelta(minutes=3), only_tenant=shop.tenant_id) == {}
    queues.in_process().drain(timeout=90)
    progress = _progress(shop, campaign_id)
    assert progress.counts["skipped"] == 2 and progress.reached("sent") == 2


def test_replies_and_bookings_after_the_message_count_for_the_campaign_and_the_agent_knows_it():
    shop = _shop("Loja Campanha Funil")
    campaign_id = _draft(shop, template="Oi {nome}, que tal um banho para o {pet} esta semana?")
    with tenant_session(shop.tenant_id) as s:  # no quiet hours: this test sends at the real time of day
        reminders.save_settings(s, actor=shop.actor, enabled=True, offsets_hours=[24], quiet_start="00:00", quiet_end="00:00")
        campaigns.schedule(s, actor=shop.actor, campaign_id=campaign_id)  # now
    send_due_campaigns(datetime.now(UTC), only_tenant=shop.tenant_id)
    queues.in_process().drain(timeout=90)
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quero sim, tem horário?", channel_id=shop.channel_id)
    from auzap_console.plugin import manager

    context = manager.prompt_context(tenant_id=shop.tenant_id, customer_id=shop.customer_id, persona="customer_assistant", disabled=[])
    assert "campanha “Volta”" in context[0] and "banho para o Thor" in context[0]
    with tenant_session(shop.tenant_id) as s:
        service = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        pet = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).one()
        booking.book(s, actor=shop.actor, customer_id=shop.customer_id, service_id=service.id, starts_at=_noon(3), pet_id=pet.id)
    progress = _progress(shop, campaign_id)
    assert progress.counts["booked"] == 1 and progress.reached("replied") == 1 and progress.revenue_cents == 5000
    with tenant_session(shop.tenant_id) as s:
        rows, _ = campaigns.recipients(s, actor=shop.actor, campaign_id=campaign_id, status="booked")
    assert [r.name for r in rows] == ["Joana Tutora"]
    assert conversation_id in {m.conversation_id for m in _campaign_messages(shop)}  # the reply continues the campaign's thread


@pytest.mark.parametrize(
    "text", ["SAIR", "Parar", "pare!", "Não quero mais", "nao quero mais receber mensagens", "me tira da lista por favor"]
)
def test_opt_out_words(text):
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text", ["não quero mais o horário de amanhã", "vou sair mais cedo", "quero agendar", "parar de coçar, como faço?"]
)
def test_not_opt_out(text):
    assert not is_opt_out(text)


def test_sair_opts_out_with_a_confirmation_and_later_campaigns_skip_the_customer():
    shop = _shop("Loja Campanha Sair")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="SAIR", channel_id=shop.channel_id)
    answer_conversation(shop.tenant_id, conversation_id)
    queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Customer, shop.customer_id).marketing_opt_out
        last = s.exec(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc())).first()
        assert "não vai mais receber" in last.body
    campaign_id = _draft(shop)
    at = _noon()
    assert _start(shop, campaign_id, at) == 3  # Joana is no longer in the segment
    with tenant_session(shop.tenant_id) as s:
        assert segments.preview(s, actor=shop.actor, criteria={"species": "dog"}).count == 3


def test_another_shop_can_neither_see_nor_change_nor_use_a_campaign():
    a, b = _shop("Loja Campanha A", extra=1), _shop("Loja Campanha B", extra=1)
    campaign_id = _draft(a)
    with tenant_session(b.tenant_id) as s:
        assert campaigns.list_campaigns(s, actor=b.actor) == []
        for call in (
            lambda: campaigns.progress(s, actor=b.actor, campaign_id=campaign_id),
            lambda: campaigns.recipients(s, actor=b.actor, campaign_id=campaign_id),
            lambda: campaigns.control(s, actor=b.actor, campaign_id=campaign_id, action="cancel"),
            lambda: campaigns.schedule(s, actor=b.actor, campaign_id=campaign_id),
            lambda: campaigns.delete_draft(s, actor=b.actor, campaign_id=campaign_id),
            lambda: campaigns.save_draft(
                s, actor=b.actor, name="Roubo", template="Oi", segment_id=a.segment_id, channel_id=b.channel_id, campaign_id=None
            ),
            lambda: campaigns.save_draft(
                s, actor=b.actor, name="Roubo", template="Oi", segment_id=b.segment_id, channel_id=a.channel_id, campaign_id=None
            ),
        ):
            with pytest.raises((NotFound, ServiceError)):
                call()
    at = _noon()
    _start(a, campaign_id, at)
    assert send_due_campaigns(at, only_tenant=b.tenant_id) == {}  # B's run touches nothing of A's
    with tenant_session(a.tenant_id) as s:
        assert s.get(Campaign, campaign_id).status == "scheduled"
    send_due_campaigns(at, only_tenant=a.tenant_id)
    queues.in_process().drain(timeout=90)
    with tenant_session(b.tenant_id) as s:
        assert s.exec(select(Message).where(Message.tenant_id == b.tenant_id, Message.direction == "out")).all() == []


def test_staff_cannot_run_campaigns():
    shop = _shop("Loja Campanha Equipe", extra=1)
    from auzap_console.services.context import Actor

    staff = Actor(tenant_id=shop.tenant_id, user_id=None, role="staff")
    with tenant_session(shop.tenant_id) as s, pytest.raises(PermissionDenied):
        campaigns.save_draft(s, actor=staff, name="X", template="Oi", segment_id=shop.segment_id, channel_id=shop.channel_id)


def test_replies_go_to_the_sdr_for_leads_and_the_assistant_for_customers():
    shop = _shop("Loja Campanha Personas", extra=2)
    with tenant_session(shop.tenant_id) as s:
        lead = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.name == "Tutor 0 Silva")).one()
        lead.lead_stage = "new"
    campaign_id = _draft(shop)
    at = _noon()
    _start(shop, campaign_id, at)
    send_due_campaigns(at, only_tenant=shop.tenant_id)
    queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        from auzap_console.models import Conversation

        personas = {
            c.customer_id: c.persona
            for c in s.exec(
                select(Conversation).where(Conversation.tenant_id == shop.tenant_id, Conversation.channel_id == shop.channel_id)
            )
        }
    assert personas[lead.id] == "sdr" and personas[shop.customer_id] == "customer_assistant"


def test_on_the_cloud_api_outside_the_window_the_approved_template_goes_or_the_reason_is_kept():
    from tests.fakes.provider_server import FakeProvider

    shop = _shop("Loja Campanha Cloud", extra=2)  # Joana wrote (window open) later; the two tutors never did
    with FakeProvider("cloud", "tok") as graph:
        with tenant_session(shop.tenant_id) as s:
            cloud = create_channel(
                s,
                actor=shop.actor,
                name="Cloud",
                provider="cloud",
                base_url=graph.base_url,
                external_id="109876543210987",
                credentials={"access_token": "tok", "app_secret": "app-secret", "verify_token": "v"},
            ).channel
            plain = campaigns.save_draft(
                s,
                actor=shop.actor,
                name="Sem modelo",
                template="Oi {nome}",
                segment_id=shop.segment_id,
                channel_id=cloud.id,
                rate_per_minute=600,
            ).id
            with_template = campaigns.save_draft(
                s,
                actor=shop.actor,
                name="Com modelo",
                template="Oi {nome}, o {pet} sente saudade",
                segment_id=shop.segment_id,
                channel_id=cloud.id,
                rate_per_minute=600,
                cloud_template={"name": "volta_cliente", "language": "pt_BR", "params": ["nome", "pet"]},
            ).id
        receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi", channel_id=cloud.id)  # Joana's window is open
        queues.in_process().drain()
        graph.sent.clear()
        at = datetime.now(UTC) + timedelta(minutes=1)
        with tenant_session(shop.tenant_id) as s:
            reminders.save_settings(s, actor=shop.actor, enabled=True, offsets_hours=[24], quiet_start="00:00", quiet_end="00:00")
        for campaign_id in (plain, with_template):
            _start(shop, campaign_id, at)
        send_due_campaigns(at, only_tenant=shop.tenant_id)
        queues.in_process().drain()
        sent = list(graph.sent)
    with tenant_session(shop.tenant_id) as s:
        skipped, _ = campaigns.recipients(s, actor=shop.actor, campaign_id=plain, status="skipped")
    assert sorted(r.name for r in skipped) == ["Tutor 0 Silva"] and "24 h" in skipped[0].detail
    templates = [m for m in sent if m.get("type") == "template"]
    texts = [m for m in sent if m.get("type") == "text"]
    assert len(texts) == 2  # Joana, in her open window, gets the free text of both campaigns
    assert len(templates) == 1 and templates[0]["template"]["name"] == "volta_cliente"
    assert [p["text"] for p in templates[0]["template"]["components"][0]["parameters"]] == ["Tutor", "Rex 0"]
