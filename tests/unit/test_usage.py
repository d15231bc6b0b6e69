"""AI usage in the shop's own days, its cost in R$ at the owner's rate, the monthly budget that pauses
the AI, and revenue hidden from staff unless the owner allows it (isolation: tests/isolation_cases.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from auzap_console.agents.chat import chat, receive_text
from auzap_console.agents.runtime import run_turn
from auzap_console.db import tenant_session
from auzap_console.models import AuthorizedOwnerNumber, Conversation, Message, UsageDaily
from auzap_console.pages.dashboard import DashboardState
from auzap_console.pages.inbox import InboxState
from auzap_console.pages.settings import SettingsState
from auzap_console.pages.usage import UsageState
from auzap_console.services import team, tenants, usage
from auzap_console.services.context import ServiceError
from auzap_console.services.tenants import DEFAULT_BUSINESS_HOURS
from tests.conftest import make_shop, session_token
from tests.utils.agent_helpers import PHONE, ScriptedModel, agent_shop
from tests.utils.reflex_harness import Browser

BEFORE_MIDNIGHT = datetime(2026, 11, 19, 2, 30, tzinfo=UTC)  # 18/11 23:30 in São Paulo (UTC-3)
AFTER_MIDNIGHT = datetime(2026, 11, 19, 3, 30, tzinfo=UTC)  # 19/11 00:30 in São Paulo
OWNER = "+5511911112222"
MONTH_TURN = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # still 30/11 23:00 in São Paulo


def _days(shop) -> dict[date, int]:
    with tenant_session(shop.tenant_id) as s:
        rows = s.exec(select(UsageDaily).where(UsageDaily.tenant_id == shop.tenant_id)).all()
    return {r.day: r.messages_in for r in rows}


def _add(shop, now, **counts):
    with tenant_session(shop.tenant_id) as s:
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", now=now, **counts)


def _staff(shop, role="staff"):
    email, password = f"{role}-{uuid.uuid4().hex[:6]}@example.com", "Rabanete-Azul-77"
    with tenant_session(shop.tenant_id) as s:
        team.add_user(s, actor=shop.actor, name=f"Pessoa {role}", email=email, role=role, password=password)
    return Browser(session_token(email, password))


def _money_settings(shop, rate="5,00", budget=""):
    with tenant_session(shop.tenant_id) as s:
        usage.update_money_settings(s, actor=shop.actor, rate_text=rate, budget_text=budget)


def test_usage_is_counted_on_the_shops_local_day_around_midnight():
    shop = make_shop("Loja Meia-noite")
    _add(shop, BEFORE_MIDNIGHT, messages_in=1)
    _add(shop, AFTER_MIDNIGHT, messages_in=2)
    assert _days(shop) == {date(2026, 11, 18): 1, date(2026, 11, 19): 2}  # UTC would put both on the 19th


def test_counting_a_message_does_not_read_the_tenant_each_time():
    from sqlalchemy import event

    from auzap_console.db import get_engine

    shop = make_shop("Loja Cache")
    _add(shop, AFTER_MIDNIGHT, messages_in=1)  # reads the time zone once
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        _add(shop, AFTER_MIDNIGHT, messages_in=1)
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    assert statements and not [q for q in statements if "FROM tenants" in q]


def test_a_new_time_zone_counts_new_local_days_at_once():
    shop = make_shop("Loja Manaus")
    _add(shop, AFTER_MIDNIGHT, messages_in=1)  # primes the cache with São Paulo
    with tenant_session(shop.tenant_id) as s:
        tenants.update_settings(s, actor=shop.actor, name="Loja Manaus", timezone="America/Manaus", business_hours=DEFAULT_BUSINESS_HOURS)
    _add(shop, AFTER_MIDNIGHT, messages_in=5)  # 23:30 on the 18th in Manaus (UTC-4)
    assert _days(shop) == {date(2026, 11, 19): 1, date(2026, 11, 18): 5}


def test_cost_is_shown_in_reais_at_the_owners_rate():
    assert usage.cost_cents(1_000_000, Decimal("5.50")) == 550  # US$ 1.00
    assert usage.cost_cents(1_234, Decimal("5.50")) == 1  # 0,68 centavo rounds up
    assert usage.exchange_rate({}) == usage.DEFAULT_RATE
    shop = make_shop("Loja Cotação")
    _money_settings(shop, rate="5,25")
    with tenant_session(shop.tenant_id) as s:
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", tokens_in=900, cost_micro_usd=600_000, now=MONTH_TURN)
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="owner_analyst", tokens_out=100, cost_micro_usd=400_000, now=MONTH_TURN)
        usage.add_usage(
            s, tenant_id=shop.tenant_id, persona="owner_analyst", cost_micro_usd=9_000_000, now=datetime(2026, 10, 31, 12, tzinfo=UTC)
        )
        report = usage.month_usage(s, actor=shop.actor, now=MONTH_TURN)
    assert report.month == date(2026, 11, 1) and report.rate == Decimal("5.25")
    assert [(p.persona, p.cost_cents) for p in report.personas] == [("customer_assistant", 315), ("owner_analyst", 210)]
    assert report.total.cost_cents == 525 and report.total.tokens == 1000 and [d.day for d in report.days] == [date(2026, 11, 30)] * 2


@pytest.mark.parametrize("text", ["abc", "0", "-1", "500"])
def test_a_nonsense_rate_is_refused(text):
    shop = make_shop("Loja Cotação Ruim")
    with pytest.raises(ServiceError):
        _money_settings(shop, rate=text)


def test_usage_page_handlers_show_the_month_in_reais_and_only_owners_change_money():
    shop = make_shop("Loja Página Uso")
    owner = Browser(session_token(shop.email, shop.password))
    state = owner.state(UsageState)
    owner.call(UsageState.load)
    assert state.loaded and state.personas == [] and state.cost == "R$ 0,00" and state.rate_value == "5,50"
    owner.call(UsageState.save, {"rate": "5,00", "budget": "150,00"})
    assert state.form_error == "" and state.budget == "R$ 150,00" and state.budget_value == "150,00"
    with tenant_session(shop.tenant_id) as s:
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", messages_in=3, tokens_in=500, cost_micro_usd=2_000_000)
    owner.call(UsageState.load)
    assert state.cost == "R$ 10,00" and state.budget == "R$ 150,00" and state.budget_hint == "6% usado" and state.notice == ""
    assert state.personas[0].received == "3" and state.personas[0].cost == "R$ 10,00" and len(state.days) == 1

    manager = _staff(shop, "manager")
    manager.call(UsageState.load)
    assert manager.state(UsageState).cost == "R$ 10,00"
    manager.call(UsageState.save, {"rate": "1,00", "budget": ""})
    assert "permissão" in manager.state(UsageState).form_error
    staff = _staff(shop)
    staff.call(UsageState.load)
    assert not staff.state(UsageState).loaded and staff.state(UsageState).cost == ""
    with tenant_session(shop.tenant_id) as s:
        assert usage.exchange_rate(tenants.get_tenant(s, actor=shop.actor).settings) == Decimal("5.00")


def test_budget_reached_pauses_the_ai_and_hands_the_message_to_the_team():
    shop = agent_shop("Loja Limite")
    _money_settings(shop, rate="5,00", budget="1,00")
    model = ScriptedModel("Oi! Posso ajudar?")
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="oi")
    assert run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=model).message_id  # under budget: answers
    with tenant_session(shop.tenant_id) as s:
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", cost_micro_usd=200_000)  # US$ 0,20 = R$ 1,00
        assert usage.budget_exhausted(s, shop.tenant_id)
    calls = len(model.seen)
    conversation_id, message_id = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="quanto custa o banho?")
    result = run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=model)
    assert result.skipped == "budget" and result.message_id is None and len(model.seen) == calls  # no model call
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Conversation, conversation_id).waiting_human
        assert s.get(Message, message_id).processing == "done"  # handed over, not retried forever

    owner = Browser(session_token(shop.email, shop.password))
    for handler, cls, attr in (
        (DashboardState.load, DashboardState, "budget_notice"),
        (UsageState.load, UsageState, "notice"),
        (InboxState.load, InboxState, "budget_notice"),
    ):
        owner.call(handler)
        assert "R$ 1,00" in getattr(owner.state(cls), attr), handler

    owner.call(UsageState.save, {"rate": "5,00", "budget": ""})  # no limit: the AI answers again
    conversation_id, _ = receive_text(tenant_id=shop.tenant_id, phone=PHONE, text="e a tosa?")
    assert run_turn(tenant_id=shop.tenant_id, conversation_id=conversation_id, client=model).message_id


def test_staff_see_revenue_only_when_the_owner_allows_it():
    shop = make_shop("Loja Receita")
    staff = _staff(shop)
    dash = staff.state(DashboardState)
    staff.call(DashboardState.load)
    assert dash.loaded and not dash.show_revenue
    assert dash.revenue_week == dash.revenue_month == "" and dash.revenue_by_week == []  # not hidden: never sent

    staff.call(SettingsState.set_staff_revenue, True)  # staff cannot allow themselves
    staff.call(DashboardState.load)
    assert not dash.show_revenue

    owner = Browser(session_token(shop.email, shop.password))
    owner.call(SettingsState.load)
    assert owner.state(SettingsState).staff_revenue is False
    owner.call(DashboardState.load)
    assert owner.state(DashboardState).show_revenue and owner.state(DashboardState).revenue_week == "R$ 0,00"
    owner.call(SettingsState.set_staff_revenue, True)
    staff.call(DashboardState.load)
    assert dash.show_revenue and dash.revenue_month == "R$ 0,00" and len(dash.revenue_by_week) == 8

    owner.call(SettingsState.set_staff_revenue, False)
    staff.call(DashboardState.load)
    assert not dash.show_revenue and dash.revenue_by_week == []


def test_the_owner_analyst_speaks_of_the_ai_cost_in_reais():
    shop = agent_shop("Loja Analista Custo")
    with tenant_session(shop.tenant_id) as s:
        s.add(AuthorizedOwnerNumber(tenant_id=shop.tenant_id, phone=OWNER, label="Dona"))
        usage.add_usage(s, tenant_id=shop.tenant_id, persona="customer_assistant", messages_in=4, cost_micro_usd=1_000_000)
    _money_settings(shop, rate="5,50")
    answer = chat(tenant_id=shop.tenant_id, phone=OWNER, text="quanto gastamos com a IA este mês?")
    assert answer.tool_calls[0]["tool"] == "ai_usage" and "R$ 5,50" in answer.reply and "US$" not in answer.reply
