"""Training: the plugin's hooks.

Its migration branch, the assistant's tools (a pet's progress, booking the next session), the
console page, a segment filter, a dashboard card and a demo plan.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from auzap_console.agents.tools import ToolContext
from auzap_console.models import Customer, Tenant
from auzap_console.plugin import hookimpl
from auzap_console.services.context import ServiceError
from auzap_vertical_training import demo, plans
from auzap_vertical_training.models import MAX_SCORE, Plan, TrainingSession

NO_PLAN = {
    "summary": "Não encontrei um plano de adestramento para o seu pet. Quer que alguém da equipe te explique os programas?",
    "has_plan": False,
}


def _plan_for(ctx: ToolContext, pet: str) -> plans.PlanRow | None:
    if ctx.customer_id is None:
        return None
    rows = [r for r in plans.list_plans(ctx.session, actor=ctx.actor, customer_id=ctx.customer_id) if r.plan.status != "cancelled"]
    if pet:
        rows = [r for r in rows if r.pet.lower() == pet.strip().lower()] or rows
    return rows[0] if rows else None


def training_progress(ctx: ToolContext, pet: str = "") -> dict:
    """Conta como está o adestramento do pet: sessões feitas, nota de cada objetivo e a próxima sessão.

    Args:
        pet: Nome do pet; pode ficar vazio se o cliente tiver um só plano.
    """
    row = _plan_for(ctx, pet)
    if row is None:
        return NO_PLAN
    progress = plans.progress(ctx.session, actor=ctx.actor, plan_id=row.plan.id)
    parts = [f"{row.pet} fez {row.done} de {row.plan.sessions_total} sessões de {row.plan.program}."]
    scored = []
    for goal in row.plan.goals:
        latest, first = progress.latest(goal), progress.first(goal)
        if latest is not None:
            gain = f", começou em {first}" if first is not None and first != latest else ""
            scored.append(f"{goal} {latest}/{MAX_SCORE}{gain}")
    if scored:
        parts.append("Objetivos: " + "; ".join(scored) + ".")
    if row.next_at:
        parts.append(f"Próxima sessão: {plans.local_time(ctx.session, ctx.actor, row.next_at):%d/%m às %H:%M}.")
    elif row.plan.status == "active":
        parts.append("A próxima sessão ainda não está marcada; quer marcar?")
    return {"summary": " ".join(parts)}


def book_training_session(ctx: ToolContext, when: datetime, pet: str = "") -> dict:
    """Marca a próxima sessão do plano de adestramento do pet num horário livre de um adestrador.

    Args:
        when: O dia e o horário (ex.: sexta às 10h). Formato AAAA-MM-DDTHH:MM, horário local do pet shop.
        pet: Nome do pet; pode ficar vazio se o cliente tiver um só plano.
    """
    row = _plan_for(ctx, pet)
    if row is None:
        return NO_PLAN
    if when.tzinfo is None:  # the model and the offline engine give the shop's local time
        when = when.replace(tzinfo=ZoneInfo(ctx.session.get(Tenant, ctx.tenant_id).timezone))
    try:
        booked = plans.schedule(ctx.session, actor=ctx.actor, plan_id=row.plan.id, starts_at=when, source="ai", now=ctx.now)
    except ServiceError as exc:
        return {"summary": str(exc), "booked": False}
    trainer = f" com {booked.trainer}" if booked.trainer else ""
    when = plans.local_time(ctx.session, ctx.actor, booked.starts_at)
    return {"summary": f"Marquei a sessão de {row.pet}{trainer} em {when:%d/%m às %H:%M}. 🐶", "booked": True}


@hookimpl
def register_migrations(register):
    """Its tables, in its own Alembic branch."""
    register(branch="training", directory=str(Path(__file__).parent / "versions"))


@hookimpl
def register_tools(register):
    """For the shop's customer assistant (training has no desk persona of its own)."""
    register(
        training_progress,
        label="progresso do adestramento",
        audiences=("customer",),
        examples=["progresso do adestramento", "evolucao no adestramento", "ele esta aprendendo os comandos", "notas do adestramento"],
    )
    register(
        book_training_session,
        writes=True,
        label="sessão de adestramento",
        audiences=("customer",),
        examples=["proxima aula de adestramento", "marcar aula do adestrador", "proxima sessao do plano"],
    )


@hookimpl
def register_pages(register):
    """Plans list and plan detail with sessions and the progress chart."""
    from auzap_vertical_training.page import TrainingState, training_page

    register(
        route="/adestramento",
        title="Adestramento",
        component=training_page,
        icon="graduation-cap",
        role="staff",
        on_load=TrainingState.load,
    )


def _active_plans(stmt, value, tenant_id):
    text = str(value).strip().lower()
    if text not in ("sim", "nao", "não"):
        raise ServiceError("Responda sim (com plano ativo) ou não (sem plano ativo).")
    active = select(Plan.customer_id).where(Plan.tenant_id == tenant_id, Plan.status == "active")
    inside = Customer.id.in_(active)  # type: ignore[union-attr]
    return stmt.where(inside if text == "sim" else ~inside)


@hookimpl
def register_segment_filters(register):
    """Campaigns to customers with (or without) a training plan in progress."""
    register(name="training_active", title="Com plano de adestramento ativo", apply=_active_plans, kind="text", hint="sim ou não")


def _training_card(session, actor) -> str:
    now = datetime.now(ZoneInfo(session.get(Tenant, actor.tenant_id).timezone))
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time(), now.tzinfo)
    active = len(session.exec(select(Plan.id).where(Plan.tenant_id == actor.tenant_id, Plan.status == "active")).all())
    week = len(
        session.exec(
            select(TrainingSession.id).where(
                TrainingSession.tenant_id == actor.tenant_id,
                TrainingSession.starts_at >= monday,
                TrainingSession.starts_at < monday + timedelta(days=7),
            )
        ).all()
    )
    plans_text = "1 plano ativo" if active == 1 else f"{active} planos ativos"
    return f"{plans_text}\n{week} {'sessão' if week == 1 else 'sessões'} na semana"


@hookimpl
def register_dashboard_cards(register):
    """Active plans and this week's sessions."""
    register(name="training_week", title="Adestramento", compute=_training_card, icon="graduation-cap")


@hookimpl
def seed_demo(session, tenant_id, today):
    """A plan in progress for Thor, with three sessions done and the next one on the agenda."""
    demo.seed(session, tenant_id=tenant_id, today=today)
