"""The SDR's tools: qualify the lead, move it through the pipeline, follow up, book a first visit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel import select

from auzap_console.agents.tools import ToolContext, ToolError
from auzap_console.db_types import utcnow
from auzap_console.i18n import money
from auzap_console.lexicon import BREEDS
from auzap_console.models import Customer, Followup, Pet, Service, Tenant
from auzap_console.services import booking, catalog, customers, memory
from auzap_console.services.context import ServiceError
from auzap_console.text import fold

Stage = Literal["new", "qualified", "proposal", "won", "lost"]


def _lead(ctx: ToolContext) -> Customer:
    if not ctx.customer_id:
        raise ToolError("contato não identificado")
    return customers.get_customer(ctx.session, actor=ctx.actor, customer_id=ctx.customer_id)


def _tz(ctx: ToolContext) -> ZoneInfo:
    return ZoneInfo(ctx.session.exec(select(Tenant.timezone).where(Tenant.id == ctx.tenant_id)).one())


def _ensure_pet(ctx: ToolContext, lead: Customer, name: str, species: str, breed: str) -> Pet | None:
    if not name:
        return None
    pets = customers.list_pets(ctx.session, actor=ctx.actor, customer_id=lead.id)
    match = next((p for p in pets if fold(p.name) == fold(name)), None)
    if match:
        if breed and not match.breed:
            match.breed, match.size = breed, match.size or BREEDS.get(fold(breed), "")
            ctx.session.add(match)
        return match
    remembered = next((t.split(": ", 1)[1] for t in lead.tags or [] if t.startswith("raça: ")), "")
    breed = breed or remembered
    try:
        return customers.save_pet(
            ctx.session,
            actor=ctx.actor,
            customer_id=lead.id,
            name=name.strip().title(),
            species=species or "dog",
            breed=breed,
            size=BREEDS.get(fold(breed), ""),
        )
    except ServiceError as exc:
        raise ToolError(str(exc)) from exc


def qualify_lead(
    ctx: ToolContext,
    pet_name: str = "",
    species: Literal["dog", "cat", "bird", "rabbit", "other", ""] = "",
    breed: str = "",
    service_interest: str = "",
    neighbourhood: str = "",
    urgency: Literal["hoje", "esta_semana", "sem_pressa", ""] = "",
) -> dict:
    """Registra o que o novo contato contou: pet, serviço de interesse, bairro e urgência.

    Args:
        pet_name: Nome do pet, se disse.
        species: Espécie (dog, cat, bird, rabbit, other), se disse.
        breed: Raça, se disse.
        service_interest: Serviço que procura (ex.: banho, tosa, creche).
        neighbourhood: Bairro onde mora.
        urgency: hoje, esta_semana ou sem_pressa.
    """
    lead = _lead(ctx)
    pet = _ensure_pet(ctx, lead, pet_name, species, breed)
    tags = set(lead.tags or [])
    facts = []
    if breed and not pet:  # a breed without a name is still worth keeping
        tags.add(f"raça: {breed}")
        facts.append(f"Pet da raça {breed}")
    if species and not pet:
        tags.add(f"espécie: {species}")
    if urgency:
        tags = {t for t in tags if not t.startswith("urgência:")} | {f"urgência: {urgency}"}
    if service_interest:
        tags.add(f"interesse: {service_interest.lower()}")
        facts.append(f"Procura {service_interest}")
    if neighbourhood:
        tags.add(f"bairro: {neighbourhood.title()}")
        facts.append(f"Mora no bairro {neighbourhood.title()}")
    if urgency:
        facts.append(f"Urgência: {urgency.replace('_', ' ')}")
    if pet:
        facts.append(f"Pet: {pet.name} ({pet.breed or pet.species})")
    lead.tags = sorted(tags)
    if lead.lead_stage == "new" and (pet or service_interest or breed):
        lead.lead_stage = "qualified"
    ctx.session.add(lead)
    if facts:
        memory.remember_facts(ctx.session, actor=ctx.actor, customer_id=lead.id, facts=facts)
    pets = [pet] if pet else customers.list_pets(ctx.session, actor=ctx.actor, customer_id=lead.id)
    has_breed = any(p.breed for p in pets) or any(t.startswith("raça:") for t in lead.tags)
    pet_question = "o nome e a raça do seu pet" if not pets and not has_breed else "o nome do seu pet" if not pets else ""
    pet_question = pet_question or ("a raça do seu pet" if not has_breed else "")
    missing = [
        label
        for label, value in (
            (pet_question, not pet_question),
            ("o serviço que procura", any(t.startswith("interesse:") for t in lead.tags)),
            ("seu bairro", any(t.startswith("bairro:") for t in lead.tags)),
        )
        if not value
    ]
    if missing:
        ask = "Anotado! 📝 Para te atender melhor, me conta " + " e ".join(missing) + "?"
    else:
        ask = "Perfeito, anotei tudo! 📝 Quer agendar uma primeira visita? Me diga o dia e o horário."
    return {"ok": True, "lead_stage": lead.lead_stage, "summary": ask}


def set_lead_stage(ctx: ToolContext, stage: Stage) -> dict:
    """Move o contato no funil de vendas.

    Args:
        stage: new, qualified, proposal, won ou lost.
    """
    lead = _lead(ctx)
    lead.lead_stage = stage
    ctx.session.add(lead)
    return {"ok": True, "lead_stage": stage, "summary": ""}


def schedule_followup(ctx: ToolContext, when: datetime, note: str = "") -> dict:
    """Agenda um retorno para este contato (a equipe ou a IA volta a falar com ele).

    Args:
        when: O dia e o horário para voltarmos a falar (ex.: sexta às 14h). Formato AAAA-MM-DDTHH:MM, horário local.
        note: Sobre o que falar.
    """
    lead = _lead(ctx)
    due = when if when.tzinfo else when.replace(tzinfo=_tz(ctx))
    if due <= (ctx.now or utcnow()):
        raise ToolError("esse horário já passou")
    ctx.session.add(Followup(tenant_id=ctx.tenant_id, customer_id=lead.id, due_at=due, note=note[:500]))
    label = format_datetime(due.astimezone(_tz(ctx)), "EEEE, dd/MM 'às' HH:mm", locale="pt_BR")
    return {"ok": True, "summary": f"Combinado! Volto a falar com você {label}. 😉"}


def book_first_visit(
    ctx: ToolContext, service: str, when: datetime, pet_name: str = "", species: Literal["dog", "cat", "bird", "rabbit", "other"] = "dog"
) -> dict:
    """Agenda a primeira visita do novo cliente (cadastra o pet se preciso).

    Args:
        service: O serviço (ex.: banho, tosa completa).
        when: O dia e o horário da visita (ex.: sexta às 10h). Formato AAAA-MM-DDTHH:MM, horário local.
        pet_name: O nome do pet.
        species: Espécie do pet.
    """
    lead = _lead(ctx)
    pet = _ensure_pet(ctx, lead, pet_name, species, "")
    words = set(fold(service).split())
    scored = [(len(words & set(fold(s.name).split())), s) for s in catalog.list_services(ctx.session, actor=ctx.actor, active_only=True)]
    best = max((score for score, _ in scored), default=0)
    options = [s for score, s in scored if score == best and score > 0]
    if pet and pet.size:
        options = [s for s in options if pet.size.lower() in fold(s.name).split()] or options
    if len(options) != 1:
        options = options or catalog.list_services(ctx.session, actor=ctx.actor, active_only=True)
        prices = "; ".join(f"{s.name}: {money(s.price_cents)}" for s in options)
        return {
            "summary": f"Temos estas opções — {prices}. Qual delas?",
            "offer": {
                "tool": "book_first_visit",
                "slot": "service",
                "arguments": {"when": when.isoformat(timespec="minutes"), "pet_name": pet.name if pet else "", "species": species},
                "options": [{"label": s.name, "value": s.name} for s in options],
            },
        }
    svc: Service = options[0]
    start = when if when.tzinfo else when.replace(tzinfo=_tz(ctx))
    try:
        appt = booking.book(
            ctx.session,
            actor=ctx.actor,
            customer_id=lead.id,
            service_id=svc.id,
            starts_at=start,
            pet_id=pet.id if pet else None,
            source="ai",
            notes="Primeira visita (SDR)",
        )
    except ServiceError as exc:
        raise ToolError(str(exc)) from exc
    lead.lead_stage = "won"
    ctx.session.add(lead)
    label = format_datetime(appt.starts_at.astimezone(_tz(ctx)), "EEEE, dd/MM 'às' HH:mm", locale="pt_BR")
    return {
        "ok": True,
        "appointment_id": appt.id,
        "summary": f"Primeira visita agendada! 🎉 {svc.name}{' do ' + pet.name if pet else ''} em {label} ({money(appt.price_cents)}). "
        "Te esperamos!",
    }
