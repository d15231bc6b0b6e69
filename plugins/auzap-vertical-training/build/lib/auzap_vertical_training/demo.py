"""The demo plan, added by the `seed_demo` hook so the training page is not empty on first run.

Thor (Joana's Shih Tzu) is halfway through basic obedience: three sessions done with rising scores,
the next one on the agenda with the shop's trainer.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.models import Customer, Pet, Tenant
from auzap_console.services.context import Actor, ServiceError
from auzap_vertical_training import plans
from auzap_vertical_training.models import Plan, TrainingSession

log = logging.getLogger("auzap.training")
JOANA = "+5511988887777"
SCORES = (
    {"Sentar": 4, "Ficar": 2, "Andar junto": 1},
    {"Sentar": 6, "Ficar": 4, "Andar junto": 3},
    {"Sentar": 8, "Ficar": 5, "Andar junto": 4},
)
NOTES = ("Primeiro contato; muito curioso.", "Já senta com o comando de voz.", "Ficou 20 segundos parado com distração.")


def seed(session: Session, *, tenant_id: int, today: date) -> None:
    """Thor's plan (nothing when the demo has no Joana)."""
    found = session.exec(
        select(Pet, Customer).join(Customer, Customer.id == Pet.customer_id).where(Pet.tenant_id == tenant_id, Customer.phone == JOANA)
    ).first()
    if found is None:
        return
    thor, joana = found
    zone = ZoneInfo(session.get(Tenant, tenant_id).timezone)
    plan = Plan(
        tenant_id=tenant_id,
        customer_id=joana.id,
        pet_id=thor.id,
        program="Obediência básica",
        sessions_total=8,
        goals=["Sentar", "Ficar", "Andar junto"],
    )
    session.add(plan)
    session.flush()
    for weeks_ago, (scores, notes) in zip((3, 2, 1), zip(SCORES, NOTES, strict=True), strict=True):
        at = datetime.combine(today - timedelta(weeks=weeks_ago), time(15), zone)
        session.add(
            TrainingSession(
                tenant_id=tenant_id,
                plan_id=plan.id,
                starts_at=at,
                trainer="Carla Mendes",
                done=True,
                done_at=at + timedelta(hours=1),
                notes=notes,
                scores=scores,
            )
        )
    session.flush()
    actor = Actor(tenant_id=tenant_id, role="owner")
    for days in range(2, 9):  # the next session on the first day the trainer is free at 16:00
        try:
            with session.begin_nested():
                at = datetime.combine(today + timedelta(days=days), time(16), zone)
                plans.schedule(session, actor=actor, plan_id=plan.id, starts_at=at, now=datetime.combine(today, time(8), zone))
            return
        except ServiceError:
            continue
    log.info("demo training: no free time for the next session")
