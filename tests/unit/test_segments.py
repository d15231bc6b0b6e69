"""Segments: filters (core and plugins') compiled to one SQL query with a live count and a sample;
opted-out customers always out; bad criteria refused; saved for reuse; another shop's customers
never counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from auzap_console.db import get_engine, tenant_session
from auzap_console.models import Appointment, Customer, Service
from auzap_console.services import customers, segments
from auzap_console.services.context import PermissionDenied, ServiceError
from tests.conftest import make_shop
from tests.utils.agent_helpers import open_every_day


def _shop():
    shop = open_every_day(make_shop("Loja Segmentos"), (("Banho P", 5000, "bath", 60),))
    with tenant_session(shop.tenant_id) as s:
        bath = s.exec(select(Service).where(Service.tenant_id == shop.tenant_id)).first()
        people = {}
        for name, phone, species, size, birth, tags, vip, opted_out in (
            ("Ana Gato", "+5511910000001", "cat", "", date(2020, 5, 3), ["instagram"], False, False),
            ("Bia Poodle", "+5511910000002", "dog", "P", date(2019, 11, 20), ["banho mensal"], True, False),
            ("Caio Labrador", "+5511910000003", "dog", "G", date(2021, 11, 2), [], False, False),
            ("Duda Saiu", "+5511910000004", "dog", "P", date(2018, 1, 1), ["banho mensal"], True, True),
        ):
            c = customers.save_customer(s, actor=shop.actor, name=name, phone=phone, tags=tags, vip=vip, marketing_opt_out=opted_out)
            customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Pet {name}", species=species, size=size, birth_date=birth)
            people[name] = c.id
        recent = datetime.now(UTC) - timedelta(days=10)
        s.add(
            Appointment(
                tenant_id=shop.tenant_id,
                customer_id=people["Bia Poodle"],
                service_id=bath.id,
                starts_at=recent,
                ends_at=recent + timedelta(hours=1),
                status="completed",
                price_cents=bath.price_cents,
            )
        )
        s.get(Customer, people["Bia Poodle"]).last_visit_at = recent
        s.get(Customer, people["Caio Labrador"]).last_visit_at = datetime.now(UTC) - timedelta(days=120)
    shop.people, shop.bath = people, bath.id
    return shop


def _names(shop, criteria: dict) -> tuple[int, list[str]]:
    with tenant_session(shop.tenant_id) as s:
        found = segments.preview(s, actor=shop.actor, criteria=criteria, sample=10)
    return found.count, [name for _, name in found.sample]


def test_filters_combine_and_opted_out_customers_are_always_left_out():
    shop = _shop()
    assert _names(shop, {}) == (3, ["Ana Gato", "Bia Poodle", "Caio Labrador"])  # Duda opted out
    assert _names(shop, {"species": "dog"}) == (2, ["Bia Poodle", "Caio Labrador"])
    assert _names(shop, {"species": "dog", "size": "P"}) == (1, ["Bia Poodle"])
    assert _names(shop, {"vip": True}) == (1, ["Bia Poodle"])
    assert _names(shop, {"tag": "Banho Mensal"}) == (1, ["Bia Poodle"])
    assert _names(shop, {"birthday_month": 11}) == (2, ["Bia Poodle", "Caio Labrador"])
    assert _names(shop, {"service_used": {"service_id": shop.bath, "days": 30}}) == (1, ["Bia Poodle"])
    assert _names(shop, {"service_not_used": {"service_id": shop.bath, "days": 30}})[0] == 2
    assert _names(shop, {"service_used": {"service_id": None, "days": 30}}) == (1, ["Bia Poodle"])  # any service
    assert _names(shop, {"service_not_used": {"service_id": "any", "days": 30}}) == (2, ["Ana Gato", "Caio Labrador"])
    assert _names(shop, {"service_used": {"service_id": None, "days": 5}}) == (0, [])
    assert _names(shop, {"inactive_days": 90}) == (2, ["Ana Gato", "Caio Labrador"])  # never came, or 120 days ago


def test_counting_is_two_queries_whatever_the_number_of_customers():
    shop = _shop()
    with tenant_session(shop.tenant_id) as s:
        for n in range(150):
            customers.save_customer(s, actor=shop.actor, name=f"Cliente {n:03d}", phone=f"+55119200{n:05d}")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if "customers" in statement:
            statements.append(statement)

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        found = _names(shop, {"inactive_days": 30})
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
    assert found[0] == 152 and len(statements) == 2


def test_bad_criteria_are_refused_and_segments_are_saved_for_managers_only():
    shop = _shop()
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="Filtro desconhecido: cor"):
            segments.preview(s, actor=shop.actor, criteria={"cor": "azul"})
        with pytest.raises(ServiceError, match="Porte do pet"):
            segments.preview(s, actor=shop.actor, criteria={"size": "XXL"})
        saved = segments.save_segment(s, actor=shop.actor, name="Poodles VIP", criteria={"vip": True, "species": "dog"})
        with pytest.raises(ServiceError, match="Já existe"):
            segments.save_segment(s, actor=shop.actor, name="Poodles VIP", criteria={})
        with pytest.raises(PermissionDenied):
            segments.preview(s, actor=shop.actor.__class__(tenant_id=shop.tenant_id, role="staff"), criteria={})
        assert [x.name for x in segments.list_segments(s, actor=shop.actor)] == ["Poodles VIP"] and saved.criteria["vip"] is True
        assert {"vip", "tag", "species", "inactive_days"} <= set(segments.available(s, actor=shop.actor))


def test_another_shop_never_counts_these_customers():
    _shop()
    other = make_shop("Loja Segmentos Outra")
    with tenant_session(other.tenant_id) as s:
        assert segments.preview(s, actor=other.actor, criteria={"species": "dog"}).count == 0
        assert segments.list_segments(s, actor=other.actor) == []


def test_the_builder_page_counts_as_filters_change_and_saves():
    from auzap_console.pages.segments import SegmentsState
    from tests.conftest import session_token
    from tests.utils.reflex_harness import Browser

    shop = _shop()
    tab = Browser(session_token(shop.email, shop.password))
    tab.call(SegmentsState.load)
    state = tab.state(SegmentsState)
    assert state.reach == 3
    tab.call(SegmentsState.change, "species", "dog")
    tab.call(SegmentsState.change, "vip", True)
    assert (state.reach, state.sample) == (1, ["Bia Poodle"])
    tab.call(SegmentsState.change, "vip", False)
    tab.call(SegmentsState.change, "service", "any")  # "Qualquer serviço · não fizeram · 90 dias"
    assert (state.reach, state.sample) == (1, ["Caio Labrador"])
    tab.call(SegmentsState.change, "service", "off")
    assert state.reach == 2
    tab.call(SegmentsState.change, "inactive_days", "-5")
    assert "Dias" in state.form_error and state.reach == 2  # said, and the filter is off
    tab.call(SegmentsState.change, "inactive_days", "")
    assert state.form_error == ""
    tab.call(SegmentsState.change, "vip", True)
    tab.call(SegmentsState.change, "service", str(shop.bath))
    tab.call(SegmentsState.change, "service_mode", "used")
    tab.call(SegmentsState.change, "service_days", "30")
    assert state.reach == 1
    tab.call(SegmentsState.save, {"segment-name": ""})
    assert "Dê um nome" in state.form_error
    tab.call(SegmentsState.save, {"segment-name": "VIPs do banho"})
    assert [(row.name, row.reach) for row in state.saved] == [("VIPs do banho", "1 cliente")]
