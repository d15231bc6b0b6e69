"""The front desk: arrivals, guests, check-in/out, cancelling and the occupancy board.

Check-in records belongings and feeding/medication instructions; the board shows each day per
kind and per room. Every function takes the caller's `Actor` and filters by its shop; status
changes are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import count
from auzap_console.models import Appointment, Customer, Pet
from auzap_console.services import audit, booking, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.plugins import settings_for
from auzap_vertical_daycare.models import HOLDING, KINDS, Stay
from auzap_vertical_daycare.stays import KIND_WORDS, MAX_NIGHTS, PLUGIN, local_today, occupancy, places, split_list

NO_ROOM = "Sem quarto"
BOARD_DAYS = 15  # today and the next 14
AGENDA_ARRIVING = ("pending", "confirmed")  # an Agenda booking whose pet has not arrived yet


def rooms(session: Session, *, actor: Actor) -> list[str]:
    """The hotel's rooms or kennels (plugin setting "quartos")."""
    return split_list(settings_for(session, actor=actor, plugin=PLUGIN).get("quartos") or "")


@dataclass
class Guest:
    """A stay as the desk lists it."""

    id: int
    kind: str
    kind_label: str
    pet: str
    customer: str
    customer_id: int
    start: date
    end: date
    status: str
    room: str
    feeding: str
    medication: str
    belongings: str
    dates: str = ""
    agenda: bool = False  # booked in the Agenda (`id` is the appointment's): checked in here, it becomes a stay
    agenda_cancelled: bool = False  # checked in from the Agenda, whose booking was cancelled since

    def __post_init__(self) -> None:
        last = self.end - timedelta(days=1)
        self.dates = (
            f"{self.start:%d/%m}"
            if self.kind == "daycare"
            else f"{self.start:%d/%m} → {self.end:%d/%m} ({count((self.end - self.start).days, 'noite', 'noites')})"
        )
        if self.kind == "daycare" and last != self.start:
            self.dates = f"{self.start:%d/%m} a {last:%d/%m}"


def _guests(session: Session, actor: Actor, *conditions) -> list[Guest]:
    rows = session.exec(
        select(Stay, Pet.name, Customer.name, Appointment.status)
        .join(Pet, Pet.id == Stay.pet_id)
        .join(Customer, Customer.id == Stay.customer_id)
        .outerjoin(Appointment, Appointment.id == Stay.appointment_id)
        .where(Stay.tenant_id == actor.tenant_id, *conditions)
        .order_by(Stay.start_date, Pet.name)
    ).all()
    return [
        Guest(
            s.id,
            s.kind,
            KIND_WORDS[s.kind].capitalize(),
            pet,
            customer,
            s.customer_id,
            s.start_date,
            s.end_date,
            s.status,
            s.room,
            s.feeding,
            s.medication,
            s.belongings,
            agenda_cancelled=appointment_status == "cancelled",
        )
        for s, pet, customer, appointment_status in rows
    ]


@dataclass
class Today:
    """The desk's day: who arrives (reserved from today or earlier) and who is here."""

    day: date
    arriving: list[Guest] = field(default_factory=list)
    staying: list[Guest] = field(default_factory=list)


def today(session: Session, *, actor: Actor, day: date) -> Today:
    """Arrivals (reserved and due by `day`, not yet gone; the Agenda's too) and guests checked in."""
    actor.require("staff")
    arriving = _guests(session, actor, Stay.status == "reserved", Stay.start_date <= day, Stay.end_date > day)
    staying = _guests(session, actor, Stay.status == "checked_in")
    return Today(day, arriving + _agenda_arrivals(session, actor, day), staying)


def _agenda_arrivals(session: Session, actor: Actor, day: date) -> list[Guest]:
    """The Agenda's daycare and hotel bookings (for a pet) holding a place on `day`, not yet at the desk."""
    return agenda_guests(session, actor=actor, start=day, end=day + timedelta(days=1))


def agenda_guests(session: Session, *, actor: Actor, start: date, end: date) -> list[Guest]:
    """The Agenda's bookings for a pet not yet here, holding a place on a day of [start, end).

    Daycare and hotel appointments whose pet has no stay at the desk over those days (a pet is
    listed once), as desk guests with `agenda` set.
    """
    stays_here: dict[int, list[tuple[date, date]]] = {}
    for pet_id, first, last in session.exec(
        select(Stay.pet_id, Stay.start_date, Stay.end_date).where(
            Stay.tenant_id == actor.tenant_id,
            Stay.status.in_(HOLDING),  # type: ignore[attr-defined]
            Stay.start_date < end + timedelta(days=MAX_NIGHTS),  # a booking in the span may run past it
            Stay.end_date > start - timedelta(days=MAX_NIGHTS),
        )
    ):
        stays_here.setdefault(pet_id, []).append((first, last))
    guests = []
    for b in booking.stay_bookings(session, actor=actor, categories=KINDS, start=start, end=end):
        if b.pet_id is None or b.status not in AGENDA_ARRIVING:
            continue
        if any(first < b.end and last > b.first for first, last in stays_here.get(b.pet_id, [])):  # already at the desk
            continue
        label = KIND_WORDS[b.category].capitalize()
        guests.append(
            Guest(
                b.appointment_id, b.category, label, b.pet, b.customer, b.customer_id, b.first, b.end, b.status, "", "", "", "", agenda=True
            )
        )
    return guests


def check_in_from_agenda(
    session: Session,
    *,
    actor: Actor,
    appointment_id: int,
    room: str = "",
    belongings: str = "",
    feeding: str = "",
    medication: str = "",
) -> Stay:
    """An Agenda booking's pet arrived: it becomes a stay checked in here, and its appointment checked in.

    No package day is taken: the Agenda priced the booking.
    """
    actor.require("staff")
    appointment = get_scoped(session, Appointment, appointment_id, actor)
    day = local_today(session, actor=actor)
    found = [b for b in _agenda_arrivals(session, actor, day) if b.id == appointment.id]
    if not found:
        raise ServiceError("Esse agendamento não está chegando hoje, ou o pet já está na casa.")
    guest = found[0]
    stay = Stay(
        tenant_id=actor.tenant_id,
        customer_id=guest.customer_id,
        pet_id=appointment.pet_id,
        kind=guest.kind,
        start_date=guest.start,
        end_date=guest.end,
        appointment_id=appointment.id,
    )
    _arrive(stay, room, belongings, feeding, medication)
    session.add(stay)
    session.flush()
    if appointment.status == "pending":  # the Agenda's flow goes through "confirmed"
        booking.set_status(session, actor=actor, appointment_id=appointment.id, status="confirmed")
    booking.set_status(session, actor=actor, appointment_id=appointment.id, status="checked_in")
    audit.record(
        session,
        actor=actor,
        action="daycare.check_in",
        entity="daycare_stay",
        entity_id=stay.id,
        details={"room": stay.room, "appointment_id": appointment.id},
    )
    return stay


def upcoming(session: Session, *, actor: Actor, day: date, limit: int = 50) -> list[Guest]:
    """Reservations starting after `day`, soonest first: the desk's, and the Agenda's of the next 30 days."""
    actor.require("staff")
    later = [g for g in agenda_guests(session, actor=actor, start=day + timedelta(days=1), end=day + timedelta(days=31)) if g.start > day]
    desk_ones = _guests(session, actor, Stay.status == "reserved", Stay.start_date > day)
    return sorted(desk_ones + later, key=lambda g: (g.start, g.pet))[:limit]


def _stay(session: Session, actor: Actor, stay_id: int) -> Stay:
    actor.require("staff")
    return get_scoped(session, Stay, stay_id, actor)


def check_in(
    session: Session, *, actor: Actor, stay_id: int, room: str = "", belongings: str = "", feeding: str = "", medication: str = ""
) -> Stay:
    """The pet arrived: its room, what came with it and how to feed and medicate it."""
    stay = _stay(session, actor, stay_id)
    if stay.status != "reserved":
        raise ServiceError("Só uma reserva pode fazer check-in.")
    _arrive(stay, room, belongings, feeding, medication)
    session.add(stay)
    audit.record(session, actor=actor, action="daycare.check_in", entity="daycare_stay", entity_id=stay.id, details={"room": stay.room})
    return stay


def _arrive(stay: Stay, room: str, belongings: str, feeding: str, medication: str) -> None:
    """Check a stay in: its room, what came with the pet and how to feed and medicate it."""
    stay.room = limits.bounded(room, 40, "Quarto")
    stay.belongings = limits.bounded(belongings, 500, "Pertences")
    stay.feeding = limits.bounded(feeding, 500, "Alimentação")
    stay.medication = limits.bounded(medication, 500, "Medicação")
    stay.status, stay.checked_in_at = "checked_in", utcnow()


def check_out(session: Session, *, actor: Actor, stay_id: int) -> Stay:
    """The pet went home (an Agenda booking checked in here is completed)."""
    stay = _stay(session, actor, stay_id)
    if stay.status != "checked_in":
        raise ServiceError("Só um hóspede com check-in pode fazer check-out.")
    stay.status, stay.checked_out_at = "checked_out", utcnow()
    session.add(stay)
    if stay.appointment_id is not None:  # booked in the Agenda: it is completed there too (its price counts in revenue)
        appointment = session.get(Appointment, stay.appointment_id)
        if appointment is not None and appointment.status == "checked_in":
            booking.finish_stay(session, actor=actor, appointment_id=appointment.id)
    audit.record(session, actor=actor, action="daycare.check_out", entity="daycare_stay", entity_id=stay.id, details={})
    return stay


def cancel(session: Session, *, actor: Actor, stay_id: int) -> Stay:
    """Cancel a reservation (its place frees up; a package day returns to the package)."""
    stay = _stay(session, actor, stay_id)
    if stay.status != "reserved":
        raise ServiceError("Só uma reserva ainda não iniciada pode ser cancelada.")
    stay.status = "cancelled"
    session.add(stay)
    audit.record(session, actor=actor, action="daycare.cancel", entity="daycare_stay", entity_id=stay.id, details={})
    return stay


@dataclass
class Board:
    """Occupancy for `days` days: per kind (taken / places) and per room (the pets in it each day)."""

    days: list[date]
    kinds: dict[str, tuple[list[int], int]]  # kind → (taken per day, places)
    rooms: list[tuple[str, list[list[str]]]]  # room → pets per day


def board(session: Session, *, actor: Actor, start: date, days: int = BOARD_DAYS) -> Board:
    """Today and the next days at a glance (two queries for the whole range)."""
    actor.require("staff")
    end = start + timedelta(days=days)
    span = [start + timedelta(days=i) for i in range(days)]
    kinds = {}
    for kind in KINDS:
        taken = occupancy(session, actor=actor, kind=kind, start=start, end=end)
        kinds[kind] = ([taken[d] for d in span], places(session, actor=actor, kind=kind))
    guests = _guests(session, actor, Stay.kind == "hotel", Stay.status.in_(HOLDING), Stay.start_date < end, Stay.end_date > start)  # type: ignore[attr-defined]
    guests += [g for g in agenda_guests(session, actor=actor, start=start, end=end) if g.kind == "hotel"]  # no room until checked in
    names = rooms(session, actor=actor)
    grid: dict[str, list[list[str]]] = {room: [[] for _ in span] for room in names}
    for guest in guests:
        row = grid.setdefault(guest.room or NO_ROOM, [[] for _ in span])
        for i, day in enumerate(span):
            if guest.start <= day < guest.end:
                row[i].append(guest.pet)
    return Board(span, kinds, list(grid.items()))
