"""Demo stays, added by the `seed_demo` hook so the desk page is not empty on first run.

Thor in the hotel, a daycare day at the desk, reservations ahead, a package and yesterday's report card.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.models import Customer, Pet
from auzap_vertical_daycare.models import Package, ReportCard, Stay

JOANA = "+5511988887777"


def _vaccinated(pet: Pet, today: date) -> None:
    given, due = (today - timedelta(days=90)).isoformat(), (today + timedelta(days=270)).isoformat()
    names = ("V10", "Antirrábica", "Gripe canina")
    pet.vaccinations = [{"id": f"demo-{i}", "name": n, "given_on": given, "next_due": due} for i, n in enumerate(names)]


def seed(session: Session, *, tenant_id: int, today: date) -> None:
    """The demo shop's stays (idempotent enough: the hook runs once, when the demo is created)."""
    dogs = session.exec(
        select(Pet, Customer)
        .join(Customer, Customer.id == Pet.customer_id)
        .where(Pet.tenant_id == tenant_id, Pet.species == "dog")
        .order_by(Pet.id)
    ).all()
    joana = [(p, c) for p, c in dogs if c.phone == JOANA]
    others = [(p, c) for p, c in dogs if c.phone != JOANA][:8]
    guests = joana[:1] + others
    if len(guests) < 8:  # a demo built with very few customers
        return
    for pet, _ in guests:
        _vaccinated(pet, today)
        session.add(pet)
    now = utcnow()

    def stay(i: int, kind: str, start: date, nights: int, status: str, room: str = "", **extra) -> Stay:
        pet, customer = guests[i]
        row = Stay(
            tenant_id=tenant_id,
            customer_id=customer.id,
            pet_id=pet.id,
            kind=kind,
            start_date=start,
            end_date=start + timedelta(days=nights),
            status=status,
            room=room,
            **extra,
        )
        if status in ("checked_in", "checked_out"):
            row.checked_in_at = now
        session.add(row)
        return row

    package = Package(tenant_id=tenant_id, customer_id=guests[1][1].id, days=10, price_cents=55000)
    session.add(package)
    session.flush()
    thor = stay(
        0,
        "hotel",
        today - timedelta(days=1),
        3,
        "checked_in",
        "Suíte 1",
        feeding="Ração Golden 2x ao dia (8h e 18h), 80 g",
        medication="",
        belongings="Caminha azul, coleira e bolinha",
    )
    stay(1, "daycare", today, 1, "checked_in", package_id=package.id, feeding="Leva o próprio sachê no almoço")
    stay(1, "daycare", today - timedelta(days=2), 1, "checked_out", package_id=package.id)
    stay(2, "daycare", today, 1, "checked_in")
    stay(3, "daycare", today, 1, "reserved")
    stay(4, "hotel", today, 2, "reserved")
    stay(5, "hotel", today + timedelta(days=1), 4, "reserved", "Suíte 2")
    stay(6, "hotel", today + timedelta(days=5), 3, "reserved", "Baia 1")
    stay(7, "daycare", today + timedelta(days=1), 1, "reserved")
    session.flush()
    session.add(
        ReportCard(
            tenant_id=tenant_id,
            stay_id=thor.id,
            day=today - timedelta(days=1),
            meals="all",
            mood="happy",
            activities="Brincou no gramado e tirou uma soneca",
            notes="Chegou um pouco tímido e logo fez amizade.",
        )
    )
