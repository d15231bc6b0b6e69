"""Stays: capacity per day across the whole stay, and vaccine gating — the rules every door goes through.

Pages, tools and jobs call these functions; each takes the caller's `Actor` and scopes every query
to its shop. Booking locks the shop's capacity row for the kind, so two bookings of the last place
cannot both succeed (PostgreSQL; SQLite serialises writers anyway).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.models import Pet
from auzap_console.plugin.types import BookingRefusal
from auzap_console.services import audit, booking
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.plugins import settings_for
from auzap_console.services.tenants import get_tenant
from auzap_console.services.usage import local_day
from auzap_console.services.vaccinations import vaccinations
from auzap_console.text import fold
from auzap_vertical_daycare import packages
from auzap_vertical_daycare.models import HOLDING, KINDS, Capacity, Stay

PLUGIN = "daycare"
DEFAULT_PLACES = {"daycare": 10, "hotel": 6}
MAX_NIGHTS = 30
KIND_WORDS = {"daycare": "creche", "hotel": "hotel"}


def _fold(text: str) -> str:
    return re.sub(r"[\s-]", "", fold(text))


def places(session: Session, *, actor: Actor, kind: str, lock: bool = False) -> int:
    """How many pets the shop takes per day for `kind` (the default until the shop sets it)."""
    stmt = select(Capacity).where(Capacity.tenant_id == actor.tenant_id, Capacity.kind == kind)
    row = session.exec(stmt.with_for_update() if lock else stmt).first()
    return row.places if row else DEFAULT_PLACES[kind]


def set_places(session: Session, *, actor: Actor, kind: str, value: int) -> None:
    """Change the capacity of a kind of stay (manager and up); audited."""
    actor.require("manager")
    if kind not in KINDS or not 0 <= int(value) <= 500:
        raise ServiceError("Informe uma capacidade entre 0 e 500.")
    row = session.exec(select(Capacity).where(Capacity.tenant_id == actor.tenant_id, Capacity.kind == kind)).first()
    row = row or Capacity(tenant_id=actor.tenant_id, kind=kind)
    row.places = int(value)
    session.add(row)
    audit.record(
        session, actor=actor, action="daycare.capacity", entity="daycare_capacity", entity_id=None, details={"kind": kind, "places": value}
    )


def occupancy(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    start: date,
    end: date,
    besides: int | None = None,
    exclude_appointment: int | None = None,
) -> Counter:
    """Pets staying on each day of [start, end): this plugin's stays and the Agenda's daycare/hotel appointments.

    A pet is counted once a day, even when it has both a stay here and an appointment in the Agenda;
    `besides` leaves one pet out (the one being booked: its Agenda booking is not a rival), and
    `exclude_appointment` the Agenda booking being moved.
    """
    rows = session.exec(
        select(Stay.pet_id, Stay.start_date, Stay.end_date).where(
            Stay.tenant_id == actor.tenant_id,
            Stay.kind == kind,
            Stay.status.in_(HOLDING),  # type: ignore[attr-defined]
            Stay.start_date < end,
            Stay.end_date > start,
        )
    ).all()
    agenda = booking.stays_booked(session, actor=actor, category=kind, start=start, end=end, exclude=exclude_appointment)
    pets_on: dict[date, set] = defaultdict(set)
    for n, (pet_id, first, last) in enumerate([*rows, *agenda]):
        if besides is not None and pet_id == besides:
            continue
        day = max(first, start)
        while day < min(last, end):
            pets_on[day].add(pet_id if pet_id is not None else f"appointment-{n}")  # an appointment without a pet counts alone
            day += timedelta(days=1)
    return Counter({day: len(pets) for day, pets in pets_on.items()})


def full_days(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    start: date,
    end: date,
    lock: bool = False,
    besides: int | None = None,
    exclude_appointment: int | None = None,
) -> list[date]:
    """The days of [start, end) with no place left (for another pet than `besides`)."""
    limit = places(session, actor=actor, kind=kind, lock=lock)
    taken = occupancy(session, actor=actor, kind=kind, start=start, end=end, besides=besides, exclude_appointment=exclude_appointment)
    return [start + timedelta(days=i) for i in range((end - start).days) if taken[start + timedelta(days=i)] >= limit]


def local_today(session: Session, *, actor: Actor, now: datetime | None = None) -> date:
    """The shop's date now, in its time zone (the server's date may already be tomorrow)."""
    return local_day(now or utcnow(), get_tenant(session, actor=actor).timezone)


def split_list(raw: str) -> list[str]:
    """A comma-separated setting as its items."""
    return [v.strip() for v in (raw or "").split(",") if v.strip()]


def required_vaccines(session: Session, *, actor: Actor, kind: str) -> list[str]:
    """The vaccines the shop asks for this kind of stay (plugin settings, comma-separated)."""
    return split_list(settings_for(session, actor=actor, plugin=PLUGIN).get(f"vacinas_{KIND_WORDS[kind]}") or "")


def missing_vaccines(session: Session, *, actor: Actor, pet: Pet, until: date, kind: str) -> list[str]:
    """What keeps the pet out: each required vaccine never given, or whose next dose is due before the stay ends."""
    latest: dict[str, object] = {}
    for dose in vaccinations(pet):  # most recent first: the latest dose of each vaccine decides
        latest.setdefault(_fold(dose.name), dose)
    missing = []
    for name in required_vaccines(session, actor=actor, kind=kind):
        dose = latest.get(_fold(name))
        if dose is None:
            missing.append(f"{name} (sem registro)")
        elif dose.next_due is not None and dose.next_due < until:
            missing.append(f"{name} (vence em {dose.next_due:%d/%m})")
    return missing


def check(
    session: Session, *, actor: Actor, customer_id: int, pet_id: int, kind: str, start: date, nights: int = 1, today: date | None = None
) -> tuple[Pet, date]:
    """Every rule a booking must pass (dates, vaccines, a place on each day); returns the pet and the end date."""
    if kind not in KINDS:
        raise ServiceError("Escolha creche ou hotel.")
    today = today or local_today(session, actor=actor)
    if start < today:
        raise ServiceError("Essa data já passou; escolha um dia a partir de hoje.")
    nights = 1 if kind == "daycare" else int(nights)
    if not 1 <= nights <= MAX_NIGHTS:
        raise ServiceError(f"O hotel aceita de 1 a {MAX_NIGHTS} noites por reserva.")
    pet = get_scoped(session, Pet, pet_id, actor)
    if pet.customer_id != customer_id:
        raise ServiceError("Esse pet não é deste cliente.")
    end = start + timedelta(days=nights)
    missing = missing_vaccines(session, actor=actor, pet=pet, until=end, kind=kind)
    if missing:
        raise ServiceError(no_vaccines(pet, missing))
    full = full_days(session, actor=actor, kind=kind, start=start, end=end, lock=True, besides=pet.id)
    if full:
        raise ServiceError(no_place(kind, full))
    return pet, end


def no_vaccines(pet: Pet, missing: list[str]) -> str:
    """What a customer or the desk reads when the pet's vaccines do not cover the stay."""
    return f"Não consigo reservar: falta vacina em dia para {pet.name} — {', '.join(missing)}. Traga a carteirinha atualizada."


def no_place(kind: str, full: list[date]) -> str:
    """What a customer or the desk reads when days are full."""
    return f"Não há vaga de {KIND_WORDS[kind]} em {', '.join(d.strftime('%d/%m') for d in full)}."


def agenda_refusal(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    pet_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude_appointment: int | None,
    final: bool,
) -> str | BookingRefusal | None:
    """Why the Agenda cannot take a daycare or hotel booking, or None.

    The desk's rules: a booking names its pet, the pet's vaccines cover the stay (both checked when
    booking), and every day it holds has a place left.
    """
    first, end = booking.days_held(starts_at, ends_at, get_tenant(session, actor=actor).timezone)
    if final and pet_id is None:  # a stay is a pet's: its vaccines are checked and the desk checks it in
        return BookingRefusal(f"Para {KIND_WORDS[kind]}, diga qual pet vai ficar (o nome, e a espécie e o porte se for novo).", pet=True)
    if final and pet_id is not None:
        pet = get_scoped(session, Pet, pet_id, actor)
        missing = missing_vaccines(session, actor=actor, pet=pet, until=end, kind=kind)
        if missing:
            return BookingRefusal(no_vaccines(pet, missing), pet=True)
    full = full_days(
        session, actor=actor, kind=kind, start=first, end=end, lock=final, besides=pet_id, exclude_appointment=exclude_appointment
    )
    return no_place(kind, full) if full else None


def book(
    session: Session, *, actor: Actor, customer_id: int, pet_id: int, kind: str, start: date, nights: int = 1, today: date | None = None
) -> Stay:
    """Reserve a daycare day or hotel nights, if every day has a place and the pet's vaccines cover the whole stay."""
    pet, end = check(session, actor=actor, customer_id=customer_id, pet_id=pet_id, kind=kind, start=start, nights=nights, today=today)
    nights = (end - start).days
    stay = Stay(tenant_id=actor.tenant_id, customer_id=customer_id, pet_id=pet.id, kind=kind, start_date=start, end_date=end)
    if kind == "daycare":  # a day of the customer's package, while one has days left
        stay.package_id = packages.package_with_balance(session, actor=actor, customer_id=customer_id)
    session.add(stay)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="daycare.book",
        entity="daycare_stay",
        entity_id=stay.id,
        details={"kind": kind, "start": start.isoformat(), "nights": nights, "package_id": stay.package_id},
    )
    return stay


def customer_stays(session: Session, *, actor: Actor, customer_id: int, since: date) -> list[tuple[Stay, str]]:
    """A customer's stays ending after `since`, with the pet's name, soonest first."""
    return list(
        session.exec(
            select(Stay, Pet.name)
            .join(Pet, Pet.id == Stay.pet_id)
            .where(Stay.tenant_id == actor.tenant_id, Stay.customer_id == customer_id, Stay.end_date > since, Stay.status != "cancelled")
            .order_by(Stay.start_date)
        ).all()
    )
