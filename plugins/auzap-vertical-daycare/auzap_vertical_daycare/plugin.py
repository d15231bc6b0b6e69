"""Daycare and hotel: the plugin's hooks — its migration branch, its settings and the assistant's tools."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from sqlmodel import select

from auzap_console.agents.tools import ToolContext, ToolError
from auzap_console.models import Pet
from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import Persona
from auzap_console.services.context import ServiceError
from auzap_console.text import normalize
from auzap_vertical_daycare import stays
from auzap_vertical_daycare.models import KINDS

WORDS = {"creche": "daycare", "hotel": "hotel"}
PERSONA = "hotel"
TOPIC = re.compile(r"\b(hotel|hosped\w*|pernoit\w*|diarias? de hotel)\b")


def _today(ctx: ToolContext) -> date:
    return ctx.now.date() if ctx.now else date.today()


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
        return {"summary": f"Não há vaga de {kind} em {', '.join(d.strftime('%d/%m') for d in full)}.", "available": False}
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
    try:
        stay = stays.book(
            ctx.session,
            actor=ctx.actor,
            customer_id=ctx.customer_id,
            pet_id=chosen.id,
            kind=WORDS[kind],
            start=start,
            nights=nights,
            today=_today(ctx),
        )
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
    if not rows:
        return {"summary": "Você não tem reservas de creche ou hotel."}
    lines = [
        f"{pet}: creche em {s.start_date:%d/%m}" if s.kind == "daycare" else f"{pet}: hotel de {s.start_date:%d/%m} a {s.end_date:%d/%m}"
        for s, pet in rows
    ]
    return {"summary": "Suas reservas: " + "; ".join(lines) + "."}


@hookimpl
def register_migrations(register):
    """Its tables, in its own Alembic branch (`auzap db upgrade` creates them)."""
    register(branch="daycare", directory=str(Path(__file__).parent / "versions"))


@hookimpl
def register_settings(register):
    """What each shop sets on the Plugins page."""
    register(
        name="vacinas_obrigatorias",
        label="Vacinas exigidas para creche e hotel",
        default="V10, Antirrábica",
        help="Separadas por vírgula. Um pet sem uma delas, ou com a próxima dose vencendo antes do fim da estadia, não é reservado.",
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


__all__ = ["KINDS", "book_stay", "my_stays", "stay_availability"]
