"""Training: plans, sessions on the agenda with a trainer, scores per goal and the tutor's summary,
the assistant's tools offline, the segment filter, the dashboard card, the demo plan — and
another shop touching none of it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import Appointment, Customer, Message, Pet, StaffMember
from auzap_console.services import segments
from auzap_console.services.context import NotFound, ServiceError
from auzap_console.testing import make_shop, open_every_day
from auzap_vertical_training import plans, plugin
from auzap_vertical_training.models import Plan, TrainingSession

SP = ZoneInfo("America/Sao_Paulo")
GOALS = ["Sentar", "Ficar"]


def _at(days: int, hour: int = 10) -> datetime:
    return datetime.combine(datetime.now(SP).date() + timedelta(days=days), time(hour), SP)


@pytest.fixture
def trainer_shop(auzap_tenant):
    """The test shop with a training service and a trainer."""
    with tenant_session(auzap_tenant.tenant_id) as s:
        from auzap_console.services import catalog

        catalog.save_service(s, actor=auzap_tenant.actor, name="Adestramento", category="training", price_cents=15000, duration_minutes=60)
        s.add(StaffMember(tenant_id=auzap_tenant.tenant_id, name="Carla", categories=["training"], working_hours={}))
    return auzap_tenant


def _plan(shop, customer, total=2) -> int:
    with tenant_session(shop.tenant_id) as s:
        return plans.create_plan(
            s, actor=shop.actor, customer_id=customer.id, pet_id=customer.pet_id, program="Obediência", sessions_total=total, goals=GOALS
        ).id


def _outbound(shop) -> list[Message]:
    with tenant_session(shop.tenant_id) as s:
        return list(s.exec(select(Message).where(Message.tenant_id == shop.tenant_id, Message.direction == "out")).all())


def test_a_plan_is_validated(trainer_shop, auzap_customer):
    with tenant_session(trainer_shop.tenant_id) as s:
        for kwargs, error in (
            ({"program": "x", "sessions_total": 4, "goals": GOALS}, "nome ao programa"),
            ({"program": "Agility", "sessions_total": 0, "goals": GOALS}, "1 a 60"),
            ({"program": "Agility", "sessions_total": 4, "goals": [" ", ""]}, "1 a 5 objetivos"),
        ):
            with pytest.raises(ServiceError, match=error):
                plans.create_plan(s, actor=trainer_shop.actor, customer_id=auzap_customer.id, pet_id=auzap_customer.pet_id, **kwargs)


def test_sessions_go_on_the_agenda_and_each_completion_tells_the_tutor(trainer_shop, auzap_customer, auzap_whatsapp):
    shop = trainer_shop
    plan_id = _plan(shop, auzap_customer)
    with tenant_session(shop.tenant_id) as s:
        first = plans.schedule(s, actor=shop.actor, plan_id=plan_id, starts_at=_at(1))
        appointment = s.get(Appointment, first.appointment_id)
        assert first.trainer == "Carla" and appointment.starts_at == _at(1)
        second = plans.schedule(s, actor=shop.actor, plan_id=plan_id, starts_at=_at(8))
        with pytest.raises(ServiceError, match="já estão marcadas"):
            plans.schedule(s, actor=shop.actor, plan_id=plan_id, starts_at=_at(15))
    with tenant_session(shop.tenant_id) as s:
        with pytest.raises(ServiceError, match="0 a 10"):
            plans.complete(s, actor=shop.actor, session_id=first.id, scores={"Sentar": 11})
        plans.complete(s, actor=shop.actor, session_id=first.id, scores={"Sentar": 4, "Ficar": 2}, notes="Curioso.")
    summary = _outbound(shop)[-1].body
    assert "Sessão 1 de 2 de Thor" in summary and "Sentar: 4/10" in summary and "Próxima sessão" in summary
    with tenant_session(shop.tenant_id) as s:
        plans.complete(s, actor=shop.actor, session_id=second.id, scores={"Sentar": 7, "Ficar": 2})
        assert s.get(Plan, plan_id).status == "completed"
        assert s.get(Appointment, second.appointment_id).status == "completed"
        progress = plans.progress(s, actor=shop.actor, plan_id=plan_id)
        with pytest.raises(ServiceError, match="já foi concluída"):
            plans.complete(s, actor=shop.actor, session_id=second.id, scores={"Sentar": 9})
    summary = _outbound(shop)[-1].body
    assert "Sentar: 7/10 (+3)" in summary and "Ficar: 2/10 (=)" in summary and "Plano concluído" in summary
    assert progress.goals == {"Sentar": [(1, 4), (2, 7)], "Ficar": [(1, 2), (2, 2)]}


def test_the_assistant_tells_the_progress_and_books_the_next_session_offline(trainer_shop, auzap_customer, auzap_chat):
    plan_id = _plan(trainer_shop, auzap_customer, total=4)
    with tenant_session(trainer_shop.tenant_id) as s:
        done = plans.schedule(s, actor=trainer_shop.actor, plan_id=plan_id, starts_at=_at(1))
        plans.complete(s, actor=trainer_shop.actor, session_id=done.id, scores={"Sentar": 6, "Ficar": 3})
    told = auzap_chat("como está o progresso do Thor no adestramento?")
    assert [c["tool"] for c in told.tool_calls] == ["training_progress"]
    assert "1 de 4 sessões" in told.reply and "Sentar 6/10" in told.reply
    day = _at(3, 14)
    booked = auzap_chat(f"quero marcar a proxima aula de adestramento dia {day:%d/%m} às 14h")
    assert [c["tool"] for c in booked.tool_calls] == ["book_training_session"] and "Carla" in booked.reply
    with tenant_session(trainer_shop.tenant_id) as s:
        upcoming = s.exec(select(TrainingSession).where(TrainingSession.plan_id == plan_id, ~TrainingSession.done)).one()
    assert upcoming.starts_at == day


def test_segment_filter_and_dashboard_card(trainer_shop, auzap_customer):
    plan_id = _plan(trainer_shop, auzap_customer)
    with tenant_session(trainer_shop.tenant_id) as s:
        plans.schedule(s, actor=trainer_shop.actor, plan_id=plan_id, starts_at=_at(0, 17) if datetime.now(SP).hour < 16 else _at(1))
    with tenant_session(trainer_shop.tenant_id) as s:
        assert [n for _, n in segments.preview(s, actor=trainer_shop.actor, criteria={"training_active": "sim"}).sample] == ["Joana Tutora"]
        assert segments.preview(s, actor=trainer_shop.actor, criteria={"training_active": "não"}).count == 0
        with pytest.raises(ServiceError, match="sim"):
            segments.preview(s, actor=trainer_shop.actor, criteria={"training_active": "talvez"})
        card = plugin._training_card(s, trainer_shop.actor)
    assert card.startswith("1 plano ativo")


def test_another_shop_cannot_touch_these_plans(trainer_shop, auzap_customer):
    plan_id = _plan(trainer_shop, auzap_customer)
    with tenant_session(trainer_shop.tenant_id) as s:
        session_id = plans.schedule(s, actor=trainer_shop.actor, plan_id=plan_id, starts_at=_at(2)).id
    other = open_every_day(make_shop("Adestra vizinho"))
    with tenant_session(other.tenant_id) as s:
        for action in (
            lambda: plans.schedule(s, actor=other.actor, plan_id=plan_id, starts_at=_at(3)),
            lambda: plans.complete(s, actor=other.actor, session_id=session_id, scores={"Sentar": 5}),
            lambda: plans.cancel_plan(s, actor=other.actor, plan_id=plan_id),
            lambda: plans.progress(s, actor=other.actor, plan_id=plan_id),
            lambda: plans.create_plan(
                s,
                actor=other.actor,
                customer_id=auzap_customer.id,
                pet_id=auzap_customer.pet_id,
                program="Roubo",
                sessions_total=1,
                goals=["x"],
            ),
        ):
            with pytest.raises(NotFound):
                action()
        assert plans.list_plans(s, actor=other.actor) == []
        assert plugin._training_card(s, other.actor) == "0 planos ativos\n0 sessões na semana"
    with tenant_session(trainer_shop.tenant_id) as s:
        assert s.get(Plan, plan_id).status == "active" and not s.get(TrainingSession, session_id).done


def test_the_demo_shop_has_a_plan(auzap_db):
    from auzap_console.demo import seed_demo

    tenant_id = seed_demo(customers=30)
    with tenant_session(tenant_id) as s:
        (plan,) = s.exec(select(Plan).where(Plan.tenant_id == tenant_id)).all()
        thor = s.exec(select(Pet).join(Customer).where(Pet.tenant_id == tenant_id, Customer.phone == "+5511988887777")).first()
        rows = s.exec(select(TrainingSession).where(TrainingSession.plan_id == plan.id)).all()
    assert plan.pet_id == thor.id and sum(r.done for r in rows) == 3 and any(not r.done and r.appointment_id for r in rows)
