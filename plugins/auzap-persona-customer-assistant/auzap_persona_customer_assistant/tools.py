"""The customer assistant's tools.

Each receives the server-side `ToolContext` first, only ever touches the current
customer's records, and returns a dict with a Portuguese `summary`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel import select

from auzap_console.agents.tools import ToolContext, ToolError
from auzap_console.i18n import money
from auzap_console.lexicon import BREEDS, is_female
from auzap_console.models import Appointment, Customer, Pet, Service, Tenant
from auzap_console.services import booking, catalog, customers, health
from auzap_console.services.context import ServiceError
from auzap_console.text import fold, in_sentence, normalize

DAY_NAMES = {"mon": "Segunda", "tue": "Terça", "wed": "Quarta", "thu": "Quinta", "fri": "Sexta", "sat": "Sábado", "sun": "Domingo"}
PERIODS = {"manha": (0, 12), "tarde": (12, 18), "noite": (18, 24)}
SHOWN_TIMES = 8  # free times listed in a message; the others can still be picked by their time
SIZES = [
    ("pequeno", "P", ["pequena", "p", "porte p", "pequenininho"]),
    ("médio", "M", ["medio", "media", "m"]),
    ("grande", "G", ["g", "grandao"]),
    ("gigante", "GG", ["gg"]),
]


class Ambiguous(ToolError):
    """Several services (or pets) fit: the options go back to the customer as an offer."""

    def __init__(self, message: str, slot: str, options: list[dict]):
        super().__init__(message)
        self.slot, self.options = slot, options


def _the(name: str, female: bool | None = None) -> str:
    """'o Thor' / 'a Luna': the article agrees with the pet (its name, when nothing else says)."""
    return f"{'a' if (is_female('', name) if female is None else female) else 'o'} {name}"


def _of(name: str) -> str:
    """'do Thor' / 'da Luna'."""
    return "d" + _the(name)


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
        raise Ambiguous("qual pet? " + ", ".join(p.name for p in pets), "pet", [{"label": p.name, "value": p.name} for p in pets])
    return None


def _last_service(ctx: ToolContext, pet: Pet | None, among: list[int]) -> int | None:
    """Which of `among` this customer (or pet) had last: a tie-breaker for "a tosa de sempre"."""
    stmt = select(Appointment.service_id).where(
        Appointment.tenant_id == ctx.tenant_id, Appointment.customer_id == ctx.customer_id, Appointment.service_id.in_(among)
    )
    if pet is not None:
        stmt = stmt.where(Appointment.pet_id == pet.id)
    return ctx.session.exec(stmt.order_by(Appointment.starts_at.desc())).first()  # type: ignore[union-attr]


def _find_service(ctx: ToolContext, query: str, pet: Pet | None = None) -> Service:
    """The catalog service a customer means: by name, then the pet's size, then the last service; else offer the options."""
    services = catalog.list_services(ctx.session, actor=ctx.actor, active_only=True)
    words = set(normalize(query).split()) - {"e", "de", "do", "da", "o", "a"}
    scored = []
    for s in services:
        name_words = set(fold(s.name).split())
        score = len(words & name_words) * 2 + sum(1 for w in words for n in name_words if len(w) > 3 and (w in n or n in w))
        if score:
            scored.append((score, s))
    if not scored:
        raise ToolError(f"não encontrei o serviço '{query}'. Serviços: " + ", ".join(s.name for s in services))
    best = max(score for score, _ in scored)
    top = [s for score, s in scored if score == best]
    if len(top) > 1 and pet is not None and pet.size:
        sized = [s for s in top if pet.size.lower() in fold(s.name).split()]
        top = sized or top
    if len(top) > 1 and ctx.customer_id:
        last = _last_service(ctx, pet, [s.id for s in top])
        top = [s for s in top if s.id == last] or top
    if len(top) > 1:
        options = [{"label": s.name, "value": s.name, "keys": _size_words(s.name)} for s in top]
        prices = "; ".join(f"{s.name}: {money(s.price_cents)}" for s in top)
        sizes = [word for word, _, _ in SIZES if any(o["keys"][:1] == [word] for o in options)]  # small to big
        sized = f" (é pelo porte do pet: {', '.join(sizes[:-1])} ou {sizes[-1]})" if len(sizes) == len(options) else ""
        raise Ambiguous(f"temos mais de uma opção — {prices}. Qual delas?{sized}", "service", options)
    return top[0]


def _size_words(name: str) -> list[str]:
    """How a customer says the size a service name ends with ("Banho P" → pequeno, pequena, porte p…)."""
    letter = name.rsplit(" ", 1)[-1] if " " in name else ""
    return next(([word, *others] for word, code, others in SIZES if code == letter), [])


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
    """Cadastra um novo pet para o cliente desta conversa (ou completa o porte de um já cadastrado).

    Args:
        name: O nome do pet.
        species: Espécie: dog, cat, bird, rabbit ou other.
        breed: Raça, se o cliente disse.
        size: Porte (P, M, G, GG); se vazio, deduzido de raças conhecidas.
    """
    customer = _customer(ctx)
    size = size or BREEDS.get(normalize(breed), "")
    female = is_female(ctx.message, name)
    existing = next((p for p in _pets(ctx) if fold(p.name) == fold(name)), None)
    if existing is not None:
        if size and existing.size != size:
            existing.size = size
            ctx.session.add(existing)
            return {"ok": True, "pet_id": existing.id, "summary": f"Anotado: {_the(existing.name, female)} é de porte {size}. 🐾"}
        return {"ok": True, "summary": f"{_the(existing.name, female).capitalize()} já está no seu cadastro! 🐾"}
    try:
        pet = customers.save_pet(
            ctx.session, actor=ctx.actor, customer_id=customer.id, name=name.strip().title(), species=species, breed=breed, size=size
        )
    except ServiceError as exc:
        raise ToolError(str(exc)) from exc
    done = f"Pronto! Cadastrei {_the(pet.name, female)} no seu perfil. 🐾"
    if size or species not in ("dog", "other"):
        return {"ok": True, "pet_id": pet.id, "summary": done}
    return {
        "ok": True,
        "pet_id": pet.id,
        "summary": f"{done} Qual o porte d{_the(pet.name, female)}: pequeno, médio ou grande?",
        "offer": {
            "tool": "register_pet",
            "slot": "size",
            "arguments": {"name": pet.name, "species": species, "breed": breed},
            "options": [{"label": label, "value": value, "keys": keys} for label, value, keys in SIZES],
        },
    }


def _free_times(ctx: ToolContext, svc: Service, day: date, period: str = "") -> list[datetime]:
    slots = booking.available_slots(ctx.session, actor=ctx.actor, service_id=svc.id, day=day, now=ctx.now)
    if period:
        tz = ZoneInfo(_tenant(ctx).timezone)
        low, high = PERIODS[period]
        slots = [s for s in slots if low <= s.astimezone(tz).hour < high]
    return slots


def _offer_times(ctx: ToolContext, svc: Service, day: date, period: str = "", pet: str = "", intro: str = "") -> dict:
    """Free times of `day`, or of the next open day with room (closed day, full day): an offer to pick from."""
    tz = ZoneInfo(_tenant(ctx).timezone)
    asked = day
    slots = _free_times(ctx, svc, day, period)
    for _ in range(14):
        if slots:
            break
        day += timedelta(days=1)
        slots = _free_times(ctx, svc, day, period) or _free_times(ctx, svc, day)
    label = format_datetime(datetime.combine(day, datetime.min.time()), "EEEE, dd/MM", locale="pt_BR")
    if not slots:
        return {"servico": svc.name, "horarios": [], "summary": f"{intro}Não encontrei horário livre para {svc.name} nos próximos dias. 😕"}
    if day != asked:
        asked_label = format_datetime(datetime.combine(asked, datetime.min.time()), "EEEE, dd/MM", locale="pt_BR")
        closed = booking.opening_hours(_tenant(ctx), asked) is None
        intro += f"{'Não abrimos' if closed else 'Não tenho horário livre'} {asked_label}. O próximo dia com vaga é {label}: "
    else:
        intro += f"Horários livres para {svc.name} em {label}: "
    every = [
        {"label": m.strftime("%H:%M"), "value": m.replace(tzinfo=None).isoformat(timespec="minutes")}
        for m in (s.astimezone(tz) for s in slots)
    ]
    shown = every[:SHOWN_TIMES]  # the first ones, in order; any other free time can be picked by its hour
    times = [o["label"] for o in shown]
    arguments = {"service": svc.name, **({"pet": pet} if pet else {})}
    rest = f" (também tenho outros até as {every[-1]['label']})" if len(every) > len(shown) else ""
    return {
        "servico": svc.name,
        "dia": day.isoformat(),
        "horarios": [o["label"] for o in every],
        "summary": f"{intro}{', '.join(times)}{rest}. Qual prefere?",
        "offer": {
            "tool": "book_appointment",
            "slot": "when",
            "arguments": arguments,
            "options": shown,
            "more": every[SHOWN_TIMES:],
        },
    }


def _ambiguity(exc: Ambiguous, arguments: dict) -> dict:
    return {
        "summary": exc.args[0][0].upper() + exc.args[0][1:],
        "offer": {"tool": "book_appointment", "slot": exc.slot, "arguments": arguments, "options": exc.options},
    }


def check_availability(ctx: ToolContext, service: str, day: date, period: Literal["manha", "tarde", "noite", ""] = "") -> dict:
    """Mostra horários livres de um serviço num dia (ou no próximo dia aberto com vaga).

    Args:
        service: O serviço (ex.: "banho", "tosa completa").
        day: O dia, no formato AAAA-MM-DD.
        period: manha, tarde, noite, ou vazio para o dia todo.
    """
    pet = _safe_pet(ctx)
    try:
        svc = _find_service(ctx, service, pet)
    except Ambiguous as exc:  # which one first: its free times follow (times for a size nobody chose would mislead)
        return {
            "summary": exc.args[0][0].upper() + exc.args[0][1:],
            "offer": {
                "tool": "check_availability",
                "slot": exc.slot,
                "arguments": {"day": day.isoformat(), **({"period": period} if period else {})},
                "options": exc.options,
            },
        }
    return _offer_times(ctx, svc, day, period, pet.name if pet else "")


def _safe_pet(ctx: ToolContext) -> Pet | None:
    try:
        return _pick_pet(ctx, "")
    except ToolError:
        return None


def book_appointment(ctx: ToolContext, service: str, when: datetime, pet: str = "") -> dict:
    """Agenda um serviço para um pet do cliente num horário livre.

    Args:
        service: O serviço (ex.: banho, tosa completa).
        when: O dia e o horário (ex.: sexta às 10h). Formato AAAA-MM-DDTHH:MM, horário local do pet shop.
        pet: Nome do pet; pode ficar vazio se o cliente tiver um só.
    """
    customer = _customer(ctx)
    try:
        chosen = _pick_pet(ctx, pet)
        svc = _find_service(ctx, service, chosen)
    except Ambiguous as exc:
        return _ambiguity(exc, {"service": service, "when": when.isoformat(timespec="minutes"), **({"pet": pet} if pet else {})})
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
            now=ctx.now,
        )
    except ServiceError as exc:
        if exc.field == "pet":  # the pet cannot go (e.g. vaccines): other times would not help
            return {"ok": False, "summary": str(exc)}
        day = start.astimezone(ZoneInfo(_tenant(ctx).timezone)).date()
        return _offer_times(ctx, svc, day, pet=chosen.name if chosen else "", intro=f"{exc} ")
    who = f" {_of(chosen.name)}" if chosen else ""
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
    text = "\n".join(f"• {i['servico']}{' ' + _of(i['pet']) if i['pet'] else ''}: {i['quando']}" for i in items)
    return {"agendamentos": items, "summary": "Seus próximos agendamentos:\n" + text}


def pet_health_notes(ctx: ToolContext, pet: str = "") -> dict:
    """O que a equipe notou na saúde dos pets do cliente durante os atendimentos (pele, ouvidos, dentes...).

    Args:
        pet: Nome do pet, ou vazio para todos.
    """
    rows = health.findings_for_customer(ctx.session, actor=ctx.actor, customer_id=_customer(ctx).id, limit=10)
    chosen = _pick_pet(ctx, pet) if pet else None
    if chosen is not None:
        rows = [r for r in rows if r.pet_id == chosen.id]
    if not rows:
        return {"achados": [], "summary": "Não temos nenhuma observação de saúde registrada nos atendimentos. 🐾"}
    items = [{"pet": r.pet, "onde": r.area, "gravidade": r.severity, "observacao": r.note, "quando": r.when[:10]} for r in rows]
    lines = [f"• {r.pet}, {r.when[:10]}{' no ' + in_sentence(r.service) if r.service else ''}: {r.note}" for r in rows[:5]]
    return {
        "achados": items,
        "summary": "O que nossa equipe anotou:\n" + "\n".join(lines) + "\nSe quiser, chamo alguém da equipe para explicar melhor.",
    }


def _target(ctx: ToolContext, appointment_id: int | None, pet: str = ""):
    """The customer's booking meant: by id, else the next one (of the named pet, which must be theirs)."""
    rows = booking.upcoming(ctx.session, actor=ctx.actor, customer_id=_customer(ctx).id, now=ctx.now)
    if pet:
        chosen = _pick_pet(ctx, pet)  # refuses a pet that is not on this customer's record
        rows = [r for r in rows if fold(r[2]) == fold(chosen.name)]
    if appointment_id is not None:
        match = next((r for r in rows if r[0].id == appointment_id), None)
        if match is None:
            raise ToolError("não encontrei esse agendamento entre os seus próximos")
        return match
    if not rows:
        raise ToolError("você não tem agendamentos futuros")
    return rows[0]


def reschedule_appointment(ctx: ToolContext, when: datetime, appointment_id: int | None = None, pet: str = "") -> dict:
    """Remarca um agendamento do cliente (o próximo, se nenhum id for dado) para outro horário livre.

    Args:
        when: O novo dia e horário (ex.: sexta às 10h, uma semana depois). Formato AAAA-MM-DDTHH:MM, horário local.
        appointment_id: Id do agendamento (de my_appointments), opcional.
        pet: Nome do pet, se o cliente disse de qual pet é o agendamento.
    """
    appt, service_name, pet_name = _target(ctx, appointment_id, pet)
    try:
        booking.reschedule(
            ctx.session, actor=ctx.actor, appointment_id=appt.id, starts_at=_aware(ctx, when), customer_id=ctx.customer_id, now=ctx.now
        )
    except ServiceError as exc:
        raise ToolError(str(exc)) from exc
    return {
        "ok": True,
        "summary": f"Remarcado! ✅ {service_name}{' ' + _of(pet_name) if pet_name else ''} agora é {_local(ctx, appt.starts_at)}.",
    }


def cancel_appointment(ctx: ToolContext, appointment_id: int | None = None, pet: str = "") -> dict:
    """Cancela um agendamento do cliente (o próximo, se nenhum id for dado). Pede confirmação antes.

    Args:
        appointment_id: Id do agendamento (de my_appointments), opcional.
        pet: Nome do pet, se o cliente disse de qual pet é o agendamento.
    """
    appt, service_name, pet_name = _target(ctx, appointment_id, pet)
    label = f"{service_name}{' ' + _of(pet_name) if pet_name else ''} de {_local(ctx, appt.starts_at)}"
    if not ctx.confirmed:
        return {
            "needs_confirmation": True,
            "appointment_id": appt.id,
            "summary": f"Confirma o cancelamento de {label}? Responda SIM para confirmar.",
        }
    booking.cancel(ctx.session, actor=ctx.actor, appointment_id=appt.id, customer_id=ctx.customer_id)
    return {"ok": True, "summary": f"Cancelado: {label}. Se quiser remarcar, é só falar! 😉"}
