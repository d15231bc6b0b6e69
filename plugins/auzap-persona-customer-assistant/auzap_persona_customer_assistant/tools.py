"""The customer assistant's tools.

Each receives the server-side `ToolContext` first, only ever touches the current
customer's records, and returns a dict with a Portuguese `summary`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel import select

from auzap_console.agents.ptbr import fold, normalize
from auzap_console.agents.tools import ToolContext, ToolError
from auzap_console.i18n import money
from auzap_console.models import Customer, Pet, Service, Tenant
from auzap_console.services import booking, catalog, customers
from auzap_console.services.context import ServiceError

DAY_NAMES = {"mon": "Segunda", "tue": "Terça", "wed": "Quarta", "thu": "Quinta", "fri": "Sexta", "sat": "Sábado", "sun": "Domingo"}
PERIODS = {"manha": (0, 12), "tarde": (12, 18), "noite": (18, 24)}


def _tenant(ctx: ToolContext) -> Tenant:
    return ctx.session.exec(select(Tenant).where(Tenant.id == ctx.tenant_id)).one()


def _customer(ctx: ToolContext) -> Customer:
    if not ctx.customer_id:
        raise ToolError("cliente não identificado nesta conversa")
    return customers.get_customer(ctx.session, actor=ctx.actor, customer_id=ctx.customer_id)


def _pets(ctx: ToolContext) -> list[Pet]:
    return customers.list_pets(ctx.session, actor=ctx.actor, customer_id=_customer(ctx).id)


def _local(ctx: ToolContext, moment: datetime) -> str:
    tz = ZoneInfo(_tenant(ctx).timezone)
    return format_datetime(moment.astimezone(tz), "EEEE, dd/MM 'às' HH:mm", locale="pt_BR")


def _aware(ctx: ToolContext, moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(_tenant(ctx).timezone))


def _pick_pet(ctx: ToolContext, name: str) -> Pet | None:
    pets = _pets(ctx)
    if name:
        wanted = fold(name)
        match = next((p for p in pets if fold(p.name) == wanted), None)
        if match is None:
            raise ToolError(f"não encontrei um pet chamado {name} no seu cadastro")
        return match
    if len(pets) == 1:
        return pets[0]
    if len(pets) > 1:
        raise ToolError("qual pet? " + ", ".join(p.name for p in pets))
    return None


def _find_service(ctx: ToolContext, query: str, pet: Pet | None = None) -> Service:
    services = catalog.list_services(ctx.session, actor=ctx.actor, active_only=True)
    words = set(normalize(query).split())
    scored = []
    for s in services:
        name_words = set(fold(s.name).split())
        score = len(words & name_words) * 2 + sum(1 for w in words for n in name_words if len(w) > 3 and (w in n or n in w))
        if pet and pet.size and pet.size.lower() in name_words:
            score += 1
        if score:
            scored.append((score, s))
    if not scored:
        raise ToolError(f"não encontrei o serviço '{query}'. Serviços: " + ", ".join(s.name for s in services))
    best = max(score for score, _ in scored)
    top = [s for score, s in scored if score == best]
    if len(top) > 1:
        raise ToolError("qual deles? " + ", ".join(s.name for s in top) + " (me diga o porte ou o nome do pet)")
    return top[0]


def my_pets(ctx: ToolContext) -> dict:
    """Lista os pets cadastrados do cliente desta conversa."""
    pets = _pets(ctx)
    if not pets:
        return {"pets": [], "summary": "Ainda não tenho nenhum pet no seu cadastro. Quer cadastrar? Me diga o nome, a espécie e a raça."}
    rows = [{"nome": p.name, "especie": p.species, "raca": p.breed, "porte": p.size} for p in pets]
    return {"pets": rows, "summary": "Seus pets cadastrados: " + ", ".join(f"{p.name} ({p.breed or p.species})" for p in pets) + "."}


def register_pet(
    ctx: ToolContext,
    name: str,
    species: Literal["dog", "cat", "bird", "rabbit", "other"] = "dog",
    breed: str = "",
    size: Literal["P", "M", "G", "GG", ""] = "",
) -> dict:
    """Cadastra um novo pet para o cliente desta conversa.

    Args:
        name: Nome do pet.
        species: Espécie: dog, cat, bird, rabbit ou other.
        breed: Raça, se o cliente disse.
        size: Porte (P, M, G, GG), se conhecido.
    """
    customer = _customer(ctx)
    if any(fold(p.name) == fold(name) for p in _pets(ctx)):
        return {"ok": True, "summary": f"O {name} já está no seu cadastro! 🐾"}
    try:
        pet = customers.save_pet(
            ctx.session, actor=ctx.actor, customer_id=customer.id, name=name.strip().title(), species=species, breed=breed, size=size
        )
    except ServiceError as exc:
        raise ToolError(str(exc)) from exc
    return {"ok": True, "pet_id": pet.id, "summary": f"Pronto! Cadastrei o {pet.name} no seu perfil. 🐾"}


def check_availability(ctx: ToolContext, service: str, day: date, period: Literal["manha", "tarde", "noite", ""] = "") -> dict:
    """Mostra horários livres de um serviço num dia.

    Args:
        service: Nome do serviço (ex.: "banho", "tosa completa").
        day: Data no formato AAAA-MM-DD.
        period: manha, tarde, noite, ou vazio para o dia todo.
    """
    svc = _find_service(ctx, service, _safe_pet(ctx))
    slots = booking.available_slots(ctx.session, actor=ctx.actor, service_id=svc.id, day=day, now=ctx.now)
    tz = ZoneInfo(_tenant(ctx).timezone)
    if period:
        low, high = PERIODS[period]
        slots = [s for s in slots if low <= s.astimezone(tz).hour < high]
    label = format_datetime(datetime.combine(day, datetime.min.time()), "EEEE, dd/MM", locale="pt_BR")
    if not slots:
        return {
            "servico": svc.name,
            "horarios": [],
            "summary": f"Não tenho horário livre para {svc.name} em {label}. Quer tentar outro dia?",
        }
    times = [s.astimezone(tz).strftime("%H:%M") for s in slots[:8]]
    return {
        "servico": svc.name,
        "horarios": times,
        "summary": f"Horários livres para {svc.name} em {label}: {', '.join(times)}. Qual prefere?",
    }


def _safe_pet(ctx: ToolContext) -> Pet | None:
    try:
        return _pick_pet(ctx, "")
    except ToolError:
        return None


def book_appointment(ctx: ToolContext, service: str, when: datetime, pet: str = "") -> dict:
    """Agenda um serviço para um pet do cliente num horário livre.

    Args:
        service: Nome do serviço (ex.: "banho").
        when: Data e hora no horário local do pet shop, formato AAAA-MM-DDTHH:MM.
        pet: Nome do pet; pode ficar vazio se o cliente tiver um só.
    """
    customer = _customer(ctx)
    chosen = _pick_pet(ctx, pet)
    svc = _find_service(ctx, service, chosen)
    start = _aware(ctx, when)
    try:
        appt = booking.book(
            ctx.session,
            actor=ctx.actor,
            customer_id=customer.id,
            service_id=svc.id,
            starts_at=start,
            pet_id=chosen.id if chosen else None,
            source="ai",
        )
    except ServiceError as exc:
        alternatives = check_availability(ctx, svc.name, start.astimezone(ZoneInfo(_tenant(ctx).timezone)).date())
        raise ToolError(f"{exc} {alternatives['summary']}") from exc
    who = f" do {chosen.name}" if chosen else ""
    return {
        "ok": True,
        "appointment_id": appt.id,
        "servico": svc.name,
        "preco": money(appt.price_cents),
        "summary": f"Agendado! ✅ {svc.name}{who} em {_local(ctx, appt.starts_at)} ({money(appt.price_cents)}).",
    }


def my_appointments(ctx: ToolContext) -> dict:
    """Lista os próximos agendamentos do cliente desta conversa."""
    rows = booking.upcoming(ctx.session, actor=ctx.actor, customer_id=_customer(ctx).id, now=ctx.now)
    if not rows:
        return {"agendamentos": [], "summary": "Você não tem agendamentos futuros. Quer marcar um?"}
    items = [{"id": a.id, "servico": s, "pet": p, "quando": _local(ctx, a.starts_at)} for a, s, p in rows]
    text = "\n".join(f"• {i['servico']}{' do ' + i['pet'] if i['pet'] else ''}: {i['quando']}" for i in items)
    return {"agendamentos": items, "summary": "Seus próximos agendamentos:\n" + text}


def _target(ctx: ToolContext, appointment_id: int | None):
    rows = booking.upcoming(ctx.session, actor=ctx.actor, customer_id=_customer(ctx).id, now=ctx.now)
    if appointment_id is not None:
        match = next((r for r in rows if r[0].id == appointment_id), None)
        if match is None:
            raise ToolError("não encontrei esse agendamento entre os seus próximos")
        return match
    if not rows:
        raise ToolError("você não tem agendamentos futuros")
    return rows[0]


def reschedule_appointment(ctx: ToolContext, when: datetime, appointment_id: int | None = None) -> dict:
    """Remarca um agendamento do cliente (o próximo, se nenhum id for dado) para outro horário livre.

    Args:
        when: Novo horário local, AAAA-MM-DDTHH:MM.
        appointment_id: Id do agendamento (de my_appointments), opcional.
    """
    appt, service_name, pet_name = _target(ctx, appointment_id)
    try:
        booking.reschedule(ctx.session, actor=ctx.actor, appointment_id=appt.id, starts_at=_aware(ctx, when), customer_id=ctx.customer_id)
    except ServiceError as exc:
        raise ToolError(str(exc)) from exc
    return {
        "ok": True,
        "summary": f"Remarcado! ✅ {service_name}{' do ' + pet_name if pet_name else ''} agora é {_local(ctx, appt.starts_at)}.",
    }


def cancel_appointment(ctx: ToolContext, appointment_id: int | None = None) -> dict:
    """Cancela um agendamento do cliente (o próximo, se nenhum id for dado). Pede confirmação antes.

    Args:
        appointment_id: Id do agendamento (de my_appointments), opcional.
    """
    appt, service_name, pet_name = _target(ctx, appointment_id)
    label = f"{service_name}{' do ' + pet_name if pet_name else ''} de {_local(ctx, appt.starts_at)}"
    if not ctx.confirmed:
        return {
            "needs_confirmation": True,
            "appointment_id": appt.id,
            "summary": f"Confirma o cancelamento de {label}? Responda SIM para confirmar.",
        }
    booking.cancel(ctx.session, actor=ctx.actor, appointment_id=appt.id, customer_id=ctx.customer_id)
    return {"ok": True, "summary": f"Cancelado: {label}. Se quiser remarcar, é só falar! 😉"}
