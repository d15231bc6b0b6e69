"""Training plans: create a plan, put its sessions on the agenda, score each session, tell the tutor.

Sessions are booked through the core's booking service on the shop's training service (category
"training"), so they take a trainer's lane on the agenda like any appointment; after every
completed session the tutor gets the scores per goal on WhatsApp. Every function takes the
caller's `Actor` and filters by its shop; changes are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.models import Appointment, Customer, Pet, Service, StaffMember, Tenant
from auzap_console.services import audit, booking, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.notifications import tell_tutor, tutor_conversation
from auzap_vertical_training.models import MAX_SCORE, Plan, TrainingSession

MAX_SESSIONS = 60
MAX_GOALS = 5
STATUS_WORDS = {"active": "Em andamento", "completed": "Concluído", "cancelled": "Cancelado"}


def training_service(session: Session, *, actor: Actor) -> Service:
    """The shop's training service (the first active one of category "training")."""
    service = session.exec(
        select(Service).where(Service.tenant_id == actor.tenant_id, Service.category == "training", Service.active).order_by(Service.id)  # type: ignore[arg-type]
    ).first()
    if service is None:
        raise ServiceError("Cadastre um serviço de adestramento (categoria Adestramento) em Serviços para agendar sessões.")
    return service


def create_plan(
    session: Session, *, actor: Actor, customer_id: int, pet_id: int, program: str, sessions_total: int, goals: list[str]
) -> Plan:
    """Start a plan for a customer's pet (staff and up)."""
    actor.require("staff")
    pet = get_scoped(session, Pet, pet_id, actor)
    if pet.customer_id != customer_id:
        raise ServiceError("Esse pet não é deste cliente.")
    program = limits.bounded(program, 80, "Programa", field="program")
    if len(program) < 3:
        raise ServiceError("Dê um nome ao programa (ex.: Obediência básica).", field="program")
    if not 1 <= int(sessions_total) <= MAX_SESSIONS:
        raise ServiceError(f"Um plano tem de 1 a {MAX_SESSIONS} sessões.", field="sessions")
    names = list(dict.fromkeys(g.strip()[:40] for g in goals if g.strip()))
    if not 1 <= len(names) <= MAX_GOALS:
        raise ServiceError(f"Informe de 1 a {MAX_GOALS} objetivos, separados por vírgula.", field="goals")
    plan = Plan(
        tenant_id=actor.tenant_id, customer_id=customer_id, pet_id=pet.id, program=program, sessions_total=int(sessions_total), goals=names
    )
    session.add(plan)
    session.flush()
    audit.record(session, actor=actor, action="training.plan", entity="training_plan", entity_id=plan.id, details={"program": program})
    return plan


def _plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    actor.require("staff")
    return get_scoped(session, Plan, plan_id, actor)


def schedule(
    session: Session, *, actor: Actor, plan_id: int, starts_at: datetime, source: str = "staff", now: datetime | None = None
) -> TrainingSession:
    """Put the plan's next session on the agenda (a free trainer at that time, checked by the booking service)."""
    plan = _plan(session, actor, plan_id)
    if plan.status != "active":
        raise ServiceError("Este plano não está em andamento.")
    booked = session.exec(
        select(func.count()).where(TrainingSession.tenant_id == actor.tenant_id, TrainingSession.plan_id == plan.id)
    ).one()
    if booked >= plan.sessions_total:
        raise ServiceError(f"As {plan.sessions_total} sessões do plano já estão marcadas.")
    appointment = booking.book(
        session,
        actor=actor,
        customer_id=plan.customer_id,
        service_id=training_service(session, actor=actor).id,
        starts_at=starts_at,
        pet_id=plan.pet_id,
        source=source,
        notes=f"Adestramento: {plan.program}",
        now=now,
    )
    trainer = session.get(StaffMember, appointment.staff_id) if appointment.staff_id else None
    row = TrainingSession(
        tenant_id=actor.tenant_id,
        plan_id=plan.id,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        trainer=trainer.name if trainer else "",
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="training.schedule", entity="training_plan", entity_id=plan.id, details={"session_id": row.id}
    )
    return row


def local_time(session: Session, actor: Actor, moment: datetime) -> datetime:
    """A moment on the shop's clock (what tutors and the team read)."""
    tenant = session.get(Tenant, actor.tenant_id)
    return moment.astimezone(ZoneInfo(tenant.timezone))


def summary_text(session: Session, *, actor: Actor, plan: Plan, done: TrainingSession) -> str:
    """What the tutor reads after a session: the scores per goal (with the change) and what comes next."""
    pet = session.get(Pet, plan.pet_id)
    rows = sessions_of(session, actor=actor, plan_id=plan.id)
    finished = [r for r in rows if r.done]
    number = next(i for i, r in enumerate(finished, 1) if r.id == done.id)
    earlier = finished[number - 2] if number > 1 else None
    lines = [f"🎓 Sessão {number} de {plan.sessions_total} de {pet.name} ({plan.program}) concluída!"]
    for goal in plan.goals:
        if goal not in done.scores:
            continue
        score = int(done.scores[goal])
        change = ""
        if earlier is not None and goal in earlier.scores:
            delta = score - int(earlier.scores[goal])
            change = f" ({delta:+d})" if delta else " (=)"
        lines.append(f"• {goal}: {score}/{MAX_SCORE}{change}")
    if done.notes:
        lines.append(f"📝 {done.notes}")
    upcoming = [r for r in rows if not r.done and r.starts_at > done.starts_at]
    if plan.status == "completed":
        lines.append("Plano concluído — parabéns pela dedicação! 🐾")
    elif upcoming:
        lines.append(f"Próxima sessão: {local_time(session, actor, upcoming[0].starts_at):%d/%m às %H:%M}.")
    else:
        lines.append("É só responder aqui para marcar a próxima sessão.")
    return "\n".join(lines)


def complete(session: Session, *, actor: Actor, session_id: int, scores: dict[str, int], notes: str = "") -> TrainingSession:
    """Record a session as done with a score per goal; the plan closes after its last session; the tutor hears how it went."""
    actor.require("staff")
    row = get_scoped(session, TrainingSession, session_id, actor)
    plan = get_scoped(session, Plan, row.plan_id, actor)
    if row.done:
        raise ServiceError("Esta sessão já foi concluída.")
    clean = {}
    for goal in plan.goals:
        if goal in scores and str(scores[goal]).strip() != "":
            try:
                value = int(scores[goal])
            except (TypeError, ValueError) as exc:
                raise ServiceError(f"Nota de “{goal}”: use um número de 0 a {MAX_SCORE}.") from exc
            if not 0 <= value <= MAX_SCORE:
                raise ServiceError(f"Nota de “{goal}”: use um número de 0 a {MAX_SCORE}.")
            clean[goal] = value
    if not clean:
        raise ServiceError("Dê a nota de pelo menos um objetivo.")
    row.done, row.done_at, row.scores, row.notes = True, utcnow(), clean, limits.bounded(notes, 600, "Observações")
    session.add(row)
    if row.appointment_id:  # the agenda shows it done too
        appointment = session.get(Appointment, row.appointment_id)
        if appointment is not None and appointment.tenant_id == actor.tenant_id and appointment.status not in ("completed", "cancelled"):
            appointment.status = "completed"
            session.add(appointment)
    session.flush()
    done_count = session.exec(
        select(func.count()).where(TrainingSession.tenant_id == actor.tenant_id, TrainingSession.plan_id == plan.id, TrainingSession.done)
    ).one()
    if done_count >= plan.sessions_total:
        plan.status = "completed"
        session.add(plan)
    conversation = tutor_conversation(session, actor=actor, customer_id=plan.customer_id)
    if conversation is not None:
        body = summary_text(session, actor=actor, plan=plan, done=row)
        tell_tutor(session, actor=actor, conversation=conversation, body=body, meta={"kind": "training_summary", "session_id": row.id})
    audit.record(session, actor=actor, action="training.complete", entity="training_plan", entity_id=plan.id, details={"scores": clean})
    return row


def cancel_plan(session: Session, *, actor: Actor, plan_id: int) -> Plan:
    """Stop a plan (its past sessions stay on record)."""
    plan = _plan(session, actor, plan_id)
    if plan.status != "active":
        raise ServiceError("Este plano não está em andamento.")
    plan.status = "cancelled"
    session.add(plan)
    audit.record(session, actor=actor, action="training.cancel", entity="training_plan", entity_id=plan.id, details={})
    return plan


def sessions_of(session: Session, *, actor: Actor, plan_id: int) -> list[TrainingSession]:
    """A plan's sessions in time order."""
    return list(
        session.exec(
            select(TrainingSession)
            .where(TrainingSession.tenant_id == actor.tenant_id, TrainingSession.plan_id == plan_id)
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        ).all()
    )


@dataclass
class PlanRow:
    """A plan as the list shows it."""

    plan: Plan
    pet: str
    customer: str
    done: int
    next_at: datetime | None


def list_plans(session: Session, *, actor: Actor, status: str = "", customer_id: int | None = None) -> list[PlanRow]:
    """The shop's plans (active first, newest first), with sessions done and the next one (three queries)."""
    actor.require("staff")
    stmt = (
        select(Plan, Pet.name, Customer.name)
        .join(Pet, Pet.id == Plan.pet_id)
        .join(Customer, Customer.id == Plan.customer_id)
        .where(Plan.tenant_id == actor.tenant_id)
        .order_by((Plan.status != "active"), Plan.id.desc())  # type: ignore[union-attr]
    )
    if status:
        stmt = stmt.where(Plan.status == status)
    if customer_id is not None:
        stmt = stmt.where(Plan.customer_id == customer_id)
    rows = session.exec(stmt).all()
    ids = [plan.id for plan, _, _ in rows]
    done = dict(
        session.exec(
            select(TrainingSession.plan_id, func.count())
            .where(TrainingSession.tenant_id == actor.tenant_id, TrainingSession.plan_id.in_(ids), TrainingSession.done)  # type: ignore[union-attr]
            .group_by(TrainingSession.plan_id)
        ).all()
    )
    upcoming = dict(
        session.exec(
            select(TrainingSession.plan_id, func.min(TrainingSession.starts_at))
            .where(TrainingSession.tenant_id == actor.tenant_id, TrainingSession.plan_id.in_(ids), ~TrainingSession.done)  # type: ignore[union-attr]
            .group_by(TrainingSession.plan_id)
        ).all()
    )
    return [PlanRow(plan, pet, customer, int(done.get(plan.id, 0)), upcoming.get(plan.id)) for plan, pet, customer in rows]


@dataclass
class Progress:
    """Scores per goal across the done sessions: goal → [(session number, score)]."""

    goals: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def latest(self, goal: str) -> int | None:
        """The goal's last score."""
        points = self.goals.get(goal) or []
        return points[-1][1] if points else None

    def first(self, goal: str) -> int | None:
        """The goal's first score."""
        points = self.goals.get(goal) or []
        return points[0][1] if points else None


def progress(session: Session, *, actor: Actor, plan_id: int) -> Progress:
    """The plan's progress chart data."""
    plan = _plan(session, actor, plan_id)
    done = [r for r in sessions_of(session, actor=actor, plan_id=plan.id) if r.done]
    out = Progress({goal: [] for goal in plan.goals})
    for number, row in enumerate(done, 1):
        for goal in plan.goals:
            if goal in row.scores:
                out.goals[goal].append((number, int(row.scores[goal])))
    return out
