"""Daycare and hotel: the plugin's hooks.

Migrations, settings, the hotel desk persona and its tools, the console page, the day-before
reminder, a segment filter, a dashboard card, demo stays, and the places the Agenda's daycare
and hotel bookings take (`booking_refusal`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from sqlmodel import select

from auzap_console.agents.tools import ToolContext, ToolError
from auzap_console.models import Customer, Pet
from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import Persona
from auzap_console.services.context import ServiceError
from auzap_console.text import normalize
from auzap_vertical_daycare import demo, packages, report_cards, stays
from auzap_vertical_daycare.models import KINDS, Stay
from auzap_vertical_daycare.stays import local_today

WORDS = {"creche": "daycare", "hotel": "hotel"}
PERSONA = "hotel"
TOPIC = re.compile(r"\b(hotel|hosped\w*|pernoit\w*|diarias? de hotel)\b")


def _today(ctx: ToolContext) -> date:
    return local_today(ctx.session, actor=ctx.actor, now=ctx.now)


def _pet(ctx: ToolContext, name: str) -> Pet:
    pets = list(ctx.session.exec(select(Pet).where(Pet.tenant_id == ctx.tenant_id, Pet.customer_id == ctx.customer_id)))
    if name:
        pets = [p for p in pets if p.name.lower() == name.strip().lower()] or pets
    if not pets:
        raise ToolError("Ainda não tenho o cadastro do seu pet. Qual o nome, a espécie e o porte?")
    if len(pets) > 1 and not name:
        raise ToolError(f"Para qual pet? {', '.join(p.name for p in pets)}.")
    return pets[0]


def stay_availability(ctx: ToolContext, kind: Literal["creche", "hotel"], start: date, nights: int = 1) -> dict:
    """Diz se há vaga na creche (um dia) ou no hotel (noites a partir de uma data).

    Args:
        kind: creche ou hotel.
        start: O dia da creche, ou o dia da entrada no hotel (AAAA-MM-DD).
        nights: Quantas noites de hotel (1 se for creche).
    """
    code = WORDS[kind]
    nights = 1 if code == "daycare" else max(1, int(nights))
    full = stays.full_days(ctx.session, actor=ctx.actor, kind=code, start=start, end=start + timedelta(days=nights))
    when = start.strftime("%d/%m") if nights == 1 else f"{start:%d/%m} a {start + timedelta(days=nights):%d/%m}"
    if full:
        return {"summary": stays.no_place(code, full), "available": False}
    return {"summary": f"Temos vaga de {kind} para {when}. Quer que eu reserve?", "available": True}


def book_stay(ctx: ToolContext, kind: Literal["creche", "hotel"], start: date, nights: int = 1, pet: str = "") -> dict:
    """Reserva creche (um dia) ou hotel (noites) para o pet do cliente, se houver vaga e as vacinas estiverem em dia.

    Args:
        kind: creche ou hotel.
        start: O dia da creche, ou o dia da entrada no hotel (AAAA-MM-DD).
        nights: Quantas noites de hotel (1 se for creche).
        pet: Nome do pet; pode ficar vazio se o cliente tiver um só.
    """
    if ctx.customer_id is None:
        raise ToolError("Não encontrei seu cadastro.")
    chosen = _pet(ctx, pet)
    args = dict(customer_id=ctx.customer_id, pet_id=chosen.id, kind=WORDS[kind], start=start, nights=nights, today=_today(ctx))
    try:
        if not ctx.confirmed:  # refusals (vaccines, no place) come at once; a possible booking is confirmed first
            _, end = stays.check(ctx.session, actor=ctx.actor, **args)
            when = f"em {start:%d/%m}" if kind == "creche" else f"de {start:%d/%m} a {end:%d/%m}"
            return {"needs_confirmation": True, "summary": f"Posso reservar {kind} para {chosen.name} {when}. Confirma? Responda SIM."}
        stay = stays.book(ctx.session, actor=ctx.actor, **args)
    except ServiceError as exc:
        return {"summary": str(exc), "booked": False}
    if stay.kind == "daycare":
        text = f"Pronto! {chosen.name} está na creche em {stay.start_date:%d/%m}. 🐾"
    else:
        text = f"Pronto! {chosen.name} está no hotel de {stay.start_date:%d/%m} a {stay.end_date:%d/%m}. 🏨"
    return {"summary": text, "booked": True, "stay_id": stay.id}


def my_stays(ctx: ToolContext) -> dict:
    """Lista as reservas de creche e hotel do cliente que ainda não terminaram."""
    if ctx.customer_id is None:
        return {"summary": "Não encontrei reservas."}
    rows = stays.customer_stays(ctx.session, actor=ctx.actor, customer_id=ctx.customer_id, since=_today(ctx))
    left = packages.days_left(ctx.session, actor=ctx.actor, customer_id=ctx.customer_id)
    balance = f" Seu pacote de creche tem {left} diária{'s' if left != 1 else ''}." if left else ""
    if not rows:
        return {"summary": "Você não tem reservas de creche ou hotel." + balance}
    lines = [
        f"{pet}: creche em {s.start_date:%d/%m}" if s.kind == "daycare" else f"{pet}: hotel de {s.start_date:%d/%m} a {s.end_date:%d/%m}"
        for s, pet in rows
    ]
    return {"summary": "Suas reservas: " + "; ".join(lines) + "." + balance}


def report_card_today(ctx: ToolContext, pet: str = "") -> dict:
    """Conta como foi o dia do pet na creche ou no hotel hoje (o boletim que a equipe preencheu).

    Args:
        pet: Nome do pet; vazio para todos os pets do cliente.
    """
    if ctx.customer_id is None:
        return {"summary": "Não encontrei seu cadastro."}
    cards = report_cards.for_customer(ctx.session, actor=ctx.actor, customer_id=ctx.customer_id, day=_today(ctx))
    if pet:
        cards = [(card, name) for card, name in cards if name.lower() == pet.strip().lower()] or cards
    if not cards:
        return {"summary": "O boletim de hoje ainda não saiu; a equipe manda aqui assim que preencher. 🐾"}
    return {"summary": "\n\n".join(report_cards.text_of(card, pet) for card, pet in cards)}


@hookimpl
def register_migrations(register):
    """Its tables, in its own Alembic branch (`auzap db upgrade` creates them)."""
    register(branch="daycare", directory=str(Path(__file__).parent / "versions"))


@hookimpl
def register_settings(register):
    """What each shop sets on the Plugins page."""
    gating = "Separadas por vírgula. Um pet sem uma delas, ou com a próxima dose vencendo antes do fim da estadia, não é reservado."
    register(name="vacinas_creche", label="Vacinas exigidas para a creche", default="V10, Antirrábica", help=gating)
    register(name="vacinas_hotel", label="Vacinas exigidas para o hotel", default="V10, Antirrábica, Gripe canina", help=gating)
    register(
        name="quartos",
        label="Quartos e baias do hotel",
        default="Suíte 1, Suíte 2, Suíte 3, Baia 1, Baia 2, Baia 3",
        help="Separados por vírgula; aparecem no quadro de ocupação e no check-in.",
    )


@hookimpl
def register_personas(register):
    """The hotel desk: answers customers about stays (the shop's assistant keeps everything else)."""
    register(
        Persona(
            name=PERSONA,
            title="Hotel e hospedagem",
            instructions=(
                "Você cuida das reservas de hotel e creche do pet shop, em português do Brasil. Confira vaga antes de reservar; "
                "se faltar vacina, diga qual e peça a carteirinha atualizada."
            ),
            audience="customer",
            default_tools=("stay_availability", "book_stay", "my_stays", "handoff_to_human"),
            offline_help="Posso ver vaga e reservar hotel para o seu pet. Diga o dia da entrada, por exemplo: hotel dia 20 para o Thor.",
            specialist=True,
        )
    )


@hookimpl
def select_persona(text, conversation_persona):
    """Claim messages about hotel stays; everything else keeps the shop's routing."""
    return PERSONA if TOPIC.search(normalize(text)) else None


@hookimpl
def booking_refusal(session, actor, category, pet_id, starts_at, ends_at, exclude_appointment, final):
    """The Agenda's "Creche (diária)" and "Hotel (pernoite)" take the same places as the desk's stays."""
    if category not in KINDS:
        return None
    return stays.agenda_refusal(
        session,
        actor=actor,
        kind=category,
        pet_id=pet_id,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_appointment=exclude_appointment,
        final=final,
    )


@hookimpl
def register_tools(register):
    """The hotel desk's tools."""
    register(
        stay_availability,
        label="vagas de creche e hotel",
        personas=[PERSONA],
        examples=["tem vaga no hotel", "vaga de hotel para o feriado", "hotel tem lugar dia 20", "vaga de hospedagem"],
    )
    register(
        book_stay,
        writes=True,
        needs_confirmation=True,
        label="reserva de creche e hotel",
        personas=[PERSONA],
        examples=["quero hospedar o thor no hotel", "reserva o hotel para o thor", "hospedagem para o meu cachorro", "reservar hotel"],
    )
    register(
        my_stays,
        label="reservas de creche e hotel",
        personas=[PERSONA],
        examples=["minhas reservas de hotel", "minhas hospedagens"],
    )
    register(
        report_card_today,
        label="boletim do dia",
        personas=[PERSONA],
        examples=[
            "como ta o thor hoje",
            "ta tudo bem com ele no hotel",
            "ele comeu bem hoje",
            "mandaram o boletim de hoje",
            "noticias do meu cachorro na hospedagem",
        ],
    )


@hookimpl
def register_pages(register):
    """The desk page: today, the occupancy board, packages and capacity."""
    from auzap_vertical_daycare.page import DeskState, desk_page

    register(route="/creche-hotel", title="Creche e hotel", component=desk_page, icon="bed-double", role="staff", on_load=DeskState.load)


@hookimpl
def register_schedules(register):
    """Hourly: the reminder the day before a stay starts (sent from 10:00 shop time)."""
    register(name="daycare-reminders", cron="23 * * * *", function="auzap_vertical_daycare.reminders:send_reminders_job", queue="low")


def _hotel_guests(stmt, value, tenant_id):
    days = int(value)
    if not 1 <= days <= 730:
        raise ServiceError("Use um número de dias entre 1 e 730.")
    since = date.today() - timedelta(days=days)
    guests = select(Stay.customer_id).where(
        Stay.tenant_id == tenant_id,
        Stay.kind == "hotel",
        Stay.status != "cancelled",
        Stay.start_date >= since,
        Stay.start_date <= date.today(),
    )
    return stmt.where(Customer.id.in_(guests))  # type: ignore[union-attr]


@hookimpl
def register_segment_filters(register):
    """Campaigns to recent hotel guests."""
    register(name="hotel_guests_days", title="Hóspedes do hotel nos últimos N dias", apply=_hotel_guests, kind="number", hint="ex.: 90")


def _occupancy_card(session, actor) -> str:
    today = local_today(session, actor=actor)
    week = today + timedelta(days=7)
    parts, here, taken_week, places_week = [], 0, 0, 0
    for kind in KINDS:
        limit = stays.places(session, actor=actor, kind=kind)
        taken = stays.occupancy(session, actor=actor, kind=kind, start=today, end=week)
        parts.append(f"{stays.KIND_WORDS[kind].capitalize()} {taken[today]}/{limit}")
        here, taken_week, places_week = here + taken[today], taken_week + sum(taken.values()), places_week + 7 * limit
    rate = round(100 * taken_week / places_week) if places_week else 0
    return f"{here} {'pet' if here == 1 else 'pets'}\n{' · '.join(parts)} · semana {rate}%"


@hookimpl
def register_dashboard_cards(register):
    """Occupancy today and over the next 7 days."""
    register(name="daycare_occupancy", title="Creche e hotel hoje", compute=_occupancy_card, icon="bed-double")


@hookimpl
def seed_demo(session, tenant_id, today):
    """A few stays, a package and a report card in the demo shop."""
    demo.seed(session, tenant_id=tenant_id, today=today)


__all__ = ["KINDS", "book_stay", "my_stays", "report_card_today", "stay_availability"]
