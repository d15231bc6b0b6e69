"""A pet's vaccination record: which vaccine was given when, and when the next dose is due.

Entries live on the pet (`Pet.vaccinations`, a JSON list) because they are only ever read with
the pet; each has a short stable id so removing one never hits the wrong entry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlmodel import Session

from auzap_console.i18n import t
from auzap_console.models import Pet
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, NotFound, ServiceError, get_scoped

DUE_SOON_DAYS = 30
MAX_PER_PET = 60
DueStatus = Literal["overdue", "due_soon", "ok", "none"]


@dataclass(frozen=True)
class Vaccination:
    """One dose given to a pet."""

    id: str
    name: str
    given_on: date
    next_due: date | None

    def status(self, today: date) -> DueStatus:
        """Whether the next dose is late, close, fine, or not scheduled."""
        if self.next_due is None:
            return "none"
        if self.next_due < today:
            return "overdue"
        return "due_soon" if self.next_due <= today + timedelta(days=DUE_SOON_DAYS) else "ok"


def _parse(entry: dict) -> Vaccination | None:
    try:
        return Vaccination(
            id=str(entry["id"]),
            name=str(entry["name"]),
            given_on=date.fromisoformat(entry["given_on"]),
            next_due=date.fromisoformat(entry["next_due"]) if entry.get("next_due") else None,
        )
    except (KeyError, TypeError, ValueError):
        return None  # a hand-edited or foreign entry is skipped, never a crash


def vaccinations(pet: Pet) -> list[Vaccination]:
    """The pet's doses, most recent first."""
    parsed = [v for v in (_parse(e) for e in (pet.vaccinations or [])) if v is not None]
    return sorted(parsed, key=lambda v: v.given_on, reverse=True)


def add_vaccination(
    session: Session,
    *,
    actor: Actor,
    pet_id: int,
    name: str,
    given_on: date | None,
    next_due: date | None = None,
    today: date | None = None,
) -> Vaccination:
    """Record a dose; the date given cannot be in the future and the next dose comes after it."""
    actor.require("staff")
    pet = get_scoped(session, Pet, pet_id, actor)
    name = limits.bounded(name, limits.PET_NAME, t("vac.name"), field="name")
    today = today or date.today()
    if not name:
        raise ServiceError(t("err.vac_name"), field="name")
    if given_on is None:
        raise ServiceError(t("err.vac_given"), field="given_on")
    if given_on > today:
        raise ServiceError(t("err.vac_given_future"), field="given_on")
    if next_due is not None and next_due <= given_on:
        raise ServiceError(t("err.vac_next_due"), field="next_due")
    if len(pet.vaccinations or []) >= MAX_PER_PET:
        raise ServiceError(t("err.vac_too_many", max=MAX_PER_PET))
    entry = Vaccination(id=secrets.token_hex(4), name=name, given_on=given_on, next_due=next_due)
    stored = {"id": entry.id, "name": name, "given_on": given_on.isoformat(), "next_due": next_due.isoformat() if next_due else ""}
    pet.vaccinations = [*(pet.vaccinations or []), stored]  # a new list, so the JSON column is marked changed
    session.add(pet)
    audit.record(session, actor=actor, action="pet.vaccination.add", entity="pet", entity_id=pet.id, details={"vaccine": name})
    return entry


def remove_vaccination(session: Session, *, actor: Actor, pet_id: int, vaccination_id: str) -> None:
    """Remove one recorded dose (a typo, a duplicate)."""
    actor.require("staff")
    pet = get_scoped(session, Pet, pet_id, actor)
    kept = [e for e in (pet.vaccinations or []) if str(e.get("id")) != vaccination_id]
    if len(kept) == len(pet.vaccinations or []):
        raise NotFound(t("err.not_found"))
    pet.vaccinations = kept
    session.add(pet)
    audit.record(session, actor=actor, action="pet.vaccination.remove", entity="pet", entity_id=pet.id)
