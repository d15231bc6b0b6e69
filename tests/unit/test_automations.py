"""Automations: the win-back offers only free times, each to one customer, so if everyone says yes
no day overfills; a day's run adds each customer once and the campaign sender delivers it; the
week's preview of each automation; opted-out customers never; another shop never."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.jobs import queues
from auzap_console.jobs.automations import run_automations
from auzap_console.jobs.campaigns import send_due_campaigns
from auzap_console.models import Appointment, Campaign, CampaignRecipient, Customer, Message, Service, Tenant
from auzap_console.services import automations, booking, customers, reminders
from auzap_console.services.channels import create_channel
from auzap_console.services.context import ServiceError
from auzap_console.services.tenants import WEEKDAYS
from tests.utils.agent_helpers import agent_shop, visit

SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def _short_minutes(monkeypatch):
    from auzap_console.settings import get_settings

    monkeypatch.setenv("CAMPAIGN_SPREAD_MS", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def _local(hour: int, days: int = 0) -> datetime:
    day = datetime.now(SP).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=SP).astimezone(UTC)


def _shop(name: str, sumidos: int = 20):
    """Open 09:00–12:00 every day (5 start times for a 60-minute bath); `sumidos` customers last seen 90 days ago."""
    shop = agent_shop(name)
    with tenant_session(shop.tenant_id) as s:
        s.get(Tenant, shop.tenant_id).business_hours = {d: {"open": "09:00", "close": "12:00"} for d in WEEKDAYS}
        shop.channel_id = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel.id
        reminders.save_settings(s, actor=shop.actor, enabled=True, offsets_hours=[24], quiet_start="22:00", quiet_end="07:00")
        bath = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id, Service.name == "Banho P")).one()
        shop.bath_id = bath.id
        long_ago = datetime.now(UTC) - timedelta(days=90)
        for i in range(sumidos):
            c = customers.save_customer(
                s, actor=shop.actor, name=f"Sumido {i:02d} Lima", phone=f"+55119400000{i:02d}", marketing_opt_out=i == 0
            )
            pet = customers.save_pet(
                s, actor=shop.actor, customer_id=c.id, name=f"Toby {i}", species="dog", birth_date=date(2020, 1, 1) if i == 1 else None
            )
            visit(s, shop, customer_id=c.id, service_id=bath.id, at=long_ago, pet_id=pet.id, price_cents=5000)
        automations.save_setting(s, actor=shop.actor, kind="winback", enabled=True, params={"days": 60})
    return shop


def test_the_winback_offers_only_free_times_each_to_one_customer_and_no_day_overfills():
    shop = _shop("Loja Volta Capacidade")
    now = _local(10)
    with tenant_session(shop.tenant_id) as s:
        # a booking already takes 09:00 tomorrow
        booking.book(s, actor=shop.actor, customer_id=shop.customer_id, service_id=shop.bath_id, starts_at=_local(9, days=1))
        planned = automations.plan(s, actor=shop.actor, kind="winback", now=now)
    assert 0 < len(planned) < 19  # 19 reachable (one opted out), but 7 days × 2 customers is all there is room for
    per_day = Counter(p.offers[0].astimezone(SP).date() for p in planned)
    tomorrow = (now + timedelta(days=1)).astimezone(SP).date()
    assert per_day[tomorrow] == 1 and max(per_day.values()) == 2  # 10:00–11:00 free tomorrow; 09:00/10:00 and 11:00 other days
    offered = [x for p in planned for x in p.offers]
    assert len(offered) == len(set(offered))  # no time offered twice
    assert "Ainda temos horário para banho P na" in planned[0].text
    with tenant_session(shop.tenant_id) as s:  # everyone says yes to their first time: every booking fits
        for p in planned:
            booking.book(s, actor=shop.actor, customer_id=p.customer_id, service_id=shop.bath_id, starts_at=p.offers[0])
        for p in planned:  # and the second times too (another pet) — still nothing over capacity
            if len(p.offers) > 1:
                booking.book(s, actor=shop.actor, customer_id=p.customer_id, service_id=shop.bath_id, starts_at=p.offers[1])


def test_a_days_run_adds_each_customer_once_and_the_sender_delivers_it():
    shop = _shop("Loja Volta Envio", sumidos=4)
    assert run_automations(_local(9), only_tenant=shop.tenant_id) == {}  # before 10:00
    first = run_automations(_local(10), only_tenant=shop.tenant_id)
    assert first == {"winback": 3}  # 4 minus the opted-out one
    assert run_automations(_local(11), only_tenant=shop.tenant_id) == {}  # an hour later: nobody new
    send_due_campaigns(_local(11), only_tenant=shop.tenant_id)
    queues.in_process().drain()
    with tenant_session(shop.tenant_id) as s:
        (campaign,) = s.exec(select(Campaign).where(Campaign.tenant_id == shop.tenant_id)).all()
        assert campaign.origin == "automation:winback" and "Recuperação" in campaign.name
        sent = s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all()
        assert len(sent) == 3 and all("quer que eu reserve" in m.body for m in sent)
        assert automations.sent_lately(s, actor=shop.actor, kind="winback", now=_local(12)).count == 3
        automations.save_setting(s, actor=shop.actor, kind="winback", enabled=False)
        with pytest.raises(ServiceError):
            automations.save_setting(s, actor=shop.actor, kind="winback", enabled=True, params={"days": 3})


def test_the_weeks_preview_of_followup_birthday_and_rhythm():
    shop = _shop("Loja Automações Prévia", sumidos=3)
    now = _local(10)
    with tenant_session(shop.tenant_id) as s:
        pet = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.name == "Sumido 01 Lima")).one()
        from auzap_console.models import Pet

        toby = s.exec(select(Pet).where(Pet.customer_id == pet.id)).one()
        toby.birth_date = (now + timedelta(days=3)).astimezone(SP).date().replace(year=2021)
        bath = s.get(Service, shop.bath_id)
        regular = s.exec(select(Customer).where(Customer.tenant_id == shop.tenant_id, Customer.name == "Sumido 02 Lima")).one()
        visits = [(shop.customer_id, 1)] + [(regular.id, d) for d in (30, 20, 10)]  # Joana came yesterday; the regular every 10 days
        for customer_id, days_ago in visits:
            at = now - timedelta(days=days_ago)
            s.add(
                Appointment(
                    tenant_id=shop.tenant_id,
                    customer_id=customer_id,
                    service_id=bath.id,
                    starts_at=at,
                    ends_at=at + timedelta(hours=1),
                    status="completed",
                    price_cents=5000,
                )
            )
        birthday = automations.plan(s, actor=shop.actor, kind="birthday", now=now, days=7)
        followup = automations.plan(s, actor=shop.actor, kind="followup", now=now, days=7)
        rhythm = automations.plan(s, actor=shop.actor, kind="rhythm", now=now, days=7)
    assert [p.customer for p in birthday] == ["Sumido 01 Lima"] and "5 anos" in birthday[0].text
    assert [p.customer for p in rhythm] == ["Sumido 02 Lima"] and "a cada 10 dias" in rhythm[0].text
    assert [p.customer for p in followup] == ["Joana Tutora"] and "de ontem (banho P)" in followup[0].text


def test_another_shop_is_never_planned_with_this_ones_customers():
    a, b = _shop("Loja Volta A", sumidos=3), _shop("Loja Volta B", sumidos=0)
    with tenant_session(b.tenant_id) as s:
        assert automations.plan(s, actor=b.actor, kind="winback", now=_local(10), days=7) == []
    assert run_automations(_local(10), only_tenant=b.tenant_id) == {}
    with tenant_session(b.tenant_id) as s:
        assert s.exec(select(CampaignRecipient).where(CampaignRecipient.tenant_id == b.tenant_id)).all() == []
    assert run_automations(_local(10), only_tenant=a.tenant_id) == {"winback": 2}


def test_the_page_previews_the_week_and_saves_the_switches():
    from auzap_console.pages.automations import AutomationsState
    from tests.conftest import session_token
    from tests.utils.reflex_harness import Browser

    shop = _shop("Loja Automações Página", sumidos=3)
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(AutomationsState)
    tab.call(AutomationsState.load)
    cards = {c.kind: c for c in state.cards}
    assert list(cards) == list(automations.KINDS) and cards["winback"].enabled and cards["winback"].week_count == 2
    assert "quer que eu reserve" in cards["winback"].week[0].text and not cards["birthday"].enabled
    tab.call(AutomationsState.save, {"kind": "winback", "days": "5"})
    assert "entre 15 e 365" in state.form_error and state.error_kind == "winback"
    tab.call(AutomationsState.toggle, "birthday", True)
    assert {c.kind: c.enabled for c in state.cards}["birthday"]
    tab.call(AutomationsState.save, {"kind": "winback", "days": "45"})
    assert {c.kind: (c.enabled, c.days) for c in state.cards}["winback"] == (True, "45") and state.form_error == ""

    other = _shop("Loja Automações Página B", sumidos=0)
    tab_b = Browser(session_token(other.email, other.password))
    tab_b.call(AutomationsState.load)
    assert all(c.week_count == 0 for c in tab_b.state(AutomationsState).cards)
    tab_b.call(AutomationsState.save, {"kind": "winback", "days": "90"})
    tab_b.call(AutomationsState.toggle, "winback", False)
    with tenant_session(shop.tenant_id) as s:
        assert automations.settings_of(s.get(Tenant, shop.tenant_id))["winback"] == {"enabled": True, "days": 45}


def test_the_vaccine_reminder_goes_a_week_before_the_next_dose():
    from auzap_console.models import Pet

    shop = _shop("Loja Vacina", sumidos=2)
    now = _local(10)
    due = (now + timedelta(days=9)).astimezone(SP).date()
    with tenant_session(shop.tenant_id) as s:
        pet = s.exec(select(Pet).where(Pet.customer_id == shop.customer_id)).one()
        pet.vaccinations = [
            {"id": "a1", "name": "V10", "given_on": "2025-01-10", "next_due": "2026-01-10"},  # an older dose of the same vaccine
            {"id": "b2", "name": "V10", "given_on": (due.replace(year=due.year - 1)).isoformat(), "next_due": due.isoformat()},
        ]
        planned = automations.plan(s, actor=shop.actor, kind="vaccine_due", now=now, days=7)
        today_only = automations.plan(s, actor=shop.actor, kind="vaccine_due", now=now)
    assert [(p.customer, p.day) for p in planned] == [("Joana Tutora", due - timedelta(days=7))]
    assert f"vence em {due:%d/%m}" in planned[0].text and today_only == []


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Banho M", "banho M"),
        ("Creche (diária)", "creche"),
        ("Hotel (pernoite)", "hotel"),
        ("Tosa completa", "tosa completa"),
        ("SPA", "SPA"),
        ("Tosa Higiênica", "tosa higiênica"),
        ("Banho E Tosa", "banho e tosa"),
        ("Banho GG", "banho GG"),
    ],
)
def test_a_service_name_reads_right_inside_a_message(name, said):
    from auzap_console.text import in_sentence

    assert in_sentence(name) == said
