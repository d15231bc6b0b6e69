"""Customers (tutors) and their pets: search, pagination, validated writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from auzap_console.db_types import escape_like, utcnow
from auzap_console.i18n import t
from auzap_console.models import Appointment, Conversation, Customer, InboundEvent, Message, Pet
from auzap_console.models.crm import SIZES, SPECIES  # re-exported: the pet form offers them
from auzap_console.phones import InvalidPhone, normalize_phone
from auzap_console.services import audit, limits
from auzap_console.services.auth import EMAIL_RE
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.paging import page_with_total

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class CustomerPage:
    """One page of the customer list."""

    rows: list[tuple[Customer, list[str]]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def list_customers(session: Session, *, actor: Actor, search: str = "", page: int = 1, per_page: int = 20) -> CustomerPage:
    """Customers matching `search` (name, phone digits, e-mail, pet name or a tag), by name."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    stmt = select(Customer).where(Customer.tenant_id == actor.tenant_id)
    term = (search or "").strip()
    if term:
        like = f"%{escape_like(term.lower())}%"  # what is typed, not wildcards
        conditions = [func.lower(Customer.name).like(like, escape="!"), func.lower(Customer.email).like(like, escape="!")]
        digits = "".join(ch for ch in term if ch.isdigit())
        if len(digits) >= 3:
            conditions.append(Customer.phone.like(f"%{digits}%"))  # type: ignore[attr-defined]
        pet_owner_ids = select(Pet.customer_id).where(Pet.tenant_id == actor.tenant_id, func.lower(Pet.name).like(like, escape="!"))
        conditions.append(Customer.id.in_(pet_owner_ids))  # type: ignore[union-attr]
        tag = escape_like(json.dumps(term.lower())[1:-1])  # as the JSON text holds it
        conditions.append(func.lower(cast(Customer.tags, String)).like(f"%{tag}%", escape="!"))
        stmt = stmt.where(or_(*conditions))
    by_name = (Customer.name, Customer.id)
    if term:  # a search is costly to repeat: the page and the total come from one pass
        customers, total = page_with_total(session, stmt, order_by=by_name, page=page, per_page=per_page)
    else:  # the page reads the name index; the count, the shop's index entries
        customers = list(session.exec(stmt.order_by(*by_name).offset((page - 1) * per_page).limit(per_page)))
        total = session.exec(select(func.count()).select_from(Customer).where(Customer.tenant_id == actor.tenant_id)).one()
    pets_by_customer: dict[int, list[str]] = {c.id: [] for c in customers}  # type: ignore[misc]
    if customers:
        pet_rows = session.exec(
            select(Pet.customer_id, Pet.name)
            .where(Pet.tenant_id == actor.tenant_id, Pet.customer_id.in_(list(pets_by_customer)))
            .order_by(Pet.name)  # type: ignore[attr-defined]
        )
        for customer_id, name in pet_rows:
            pets_by_customer[customer_id].append(name)
    return CustomerPage([(c, pets_by_customer[c.id]) for c in customers], total, page, per_page)  # type: ignore[index]


def get_customer(session: Session, *, actor: Actor, customer_id: int) -> Customer:
    """One customer of the actor's tenant."""
    return get_scoped(session, Customer, customer_id, actor)


def find_by_phone(session: Session, *, actor: Actor, phone: str) -> Customer | None:
    """The customer with this phone in any spelling (with or without the 9th digit)."""
    try:
        canonical = normalize_phone(phone)
    except InvalidPhone:
        return None
    return session.exec(select(Customer).where(Customer.tenant_id == actor.tenant_id, Customer.phone == canonical)).first()


def _clean_customer_fields(name: str, phone: str, email: str) -> tuple[str, str, str]:
    name = limits.bounded(name, limits.NAME, t("cust.name"), field="name")
    if len(name) < 2:
        raise ServiceError(t("err.customer_name"), field="name")
    try:
        canonical = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ServiceError(t("err.phone_invalid"), field="phone") from exc
    email = limits.bounded(email, limits.EMAIL, t("cust.email"), field="email").lower()
    if email and not EMAIL_RE.match(email):
        raise ServiceError(t("err.email_invalid"), field="email")
    return name, canonical, email


def save_customer(
    session: Session,
    *,
    actor: Actor,
    customer_id: int | None = None,
    name: str,
    phone: str,
    email: str = "",
    notes: str = "",
    vip: bool = False,
    tags: list[str] | None = None,
    marketing_opt_out: bool = False,
) -> Customer:
    """Create (no id) or update a customer; the phone must be unique in the tenant."""
    actor.require("staff")
    name, canonical, email = _clean_customer_fields(name, phone, email)
    customer = (
        get_scoped(session, Customer, customer_id, actor)
        if customer_id
        else Customer(tenant_id=actor.tenant_id, name=name, phone=canonical)
    )
    customer.name, customer.phone, customer.email = name, canonical, email
    notes = limits.bounded(notes, limits.NOTES, t("cust.notes"), field="notes")
    customer.notes, customer.vip, customer.marketing_opt_out = notes, vip, marketing_opt_out
    customer.tags = sorted({limits.bounded(tag, limits.TAG, t("cust.tags"), field="tags") for tag in (tags or []) if tag.strip()})
    customer.updated_at = utcnow()
    try:
        with session.begin_nested():
            session.add(customer)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.phone_taken"), field="phone") from exc
    audit.record(
        session, actor=actor, action="customer.update" if customer_id else "customer.create", entity="customer", entity_id=customer.id
    )
    return customer


def delete_customer(session: Session, *, actor: Actor, customer_id: int) -> None:
    """Delete a customer with their pets, appointments and conversations (manager and up).

    The raw webhook events of their messages go too: they hold the phone and the text, and an
    event left without its message looks unhandled, so the outbox sweep would store it again —
    bringing the customer back, and answering them.
    """
    actor.require("manager")
    customer = get_scoped(session, Customer, customer_id, actor)
    theirs = select(Conversation.id).where(Conversation.tenant_id == actor.tenant_id, Conversation.customer_id == customer.id)
    said = select(Message.id).where(Message.tenant_id == actor.tenant_id, Message.conversation_id.in_(theirs))  # type: ignore[attr-defined]
    session.exec(delete(InboundEvent).where(InboundEvent.tenant_id == actor.tenant_id, InboundEvent.message_id.in_(said)))  # type: ignore[call-overload,union-attr]
    for model in (Appointment, Conversation, Pet):
        session.exec(delete(model).where(model.tenant_id == actor.tenant_id, model.customer_id == customer.id))  # type: ignore[call-overload]
    session.delete(customer)
    audit.record(session, actor=actor, action="customer.delete", entity="customer", entity_id=customer_id, details={"name": customer.name})


def merge_customers(session: Session, *, actor: Actor, keep_id: int, merge_id: int) -> Customer:
    """Merge two records of the same person (a LID and a phone, two numbers) into `keep_id` (manager and up).

    Pets, appointments, conversations, follow-ups and health findings move to the kept record;
    tags, notes and the AI's memory are combined; the other record is deleted. Audited.
    """
    from auzap_console.models import CustomerMemory, Followup, HealthFinding

    actor.require("manager")
    if int(keep_id) == int(merge_id):
        raise ServiceError(t("err.merge_same"))
    keep = get_scoped(session, Customer, keep_id, actor)
    other = get_scoped(session, Customer, merge_id, actor)
    for model in (Pet, Appointment, Conversation, Followup, HealthFinding):
        for row in session.exec(select(model).where(model.tenant_id == actor.tenant_id, model.customer_id == other.id)):
            row.customer_id = keep.id
            session.add(row)
    memories = {
        m.customer_id: m
        for m in session.exec(
            select(CustomerMemory).where(CustomerMemory.tenant_id == actor.tenant_id, CustomerMemory.customer_id.in_([keep.id, other.id]))  # type: ignore[attr-defined]
        )
    }
    if other.id in memories:
        theirs = memories[other.id]
        if keep.id in memories:
            ours = memories[keep.id]
            ours.facts = list(dict.fromkeys([*(ours.facts or []), *(theirs.facts or [])]))
            ours.summary = " ".join(x for x in (ours.summary, theirs.summary) if x)
            session.add(ours)
            session.delete(theirs)
        else:
            theirs.customer_id = keep.id
            session.add(theirs)
    keep.tags = list(dict.fromkeys([*(keep.tags or []), *(other.tags or [])]))
    keep.notes = "\n".join(x for x in (keep.notes, other.notes) if x)
    keep.email = keep.email or other.email
    keep.whatsapp_id = keep.whatsapp_id or other.whatsapp_id
    keep.vip = keep.vip or other.vip
    keep.marketing_opt_out = keep.marketing_opt_out or other.marketing_opt_out
    visits = [v for v in (keep.last_visit_at, other.last_visit_at) if v]
    keep.last_visit_at = max(visits) if visits else None
    keep.updated_at = utcnow()
    session.add(keep)
    session.flush()
    session.delete(other)
    audit.record(
        session,
        actor=actor,
        action="customer.merge",
        entity="customer",
        entity_id=keep.id,
        details={"merged": other.id, "name": other.name, "phone": other.phone},
    )
    return keep


def list_pets(session: Session, *, actor: Actor, customer_id: int) -> list[Pet]:
    """The pets of one customer of the actor's tenant."""
    get_scoped(session, Customer, customer_id, actor)
    return list(session.exec(select(Pet).where(Pet.tenant_id == actor.tenant_id, Pet.customer_id == customer_id).order_by(Pet.name)))


def save_pet(
    session: Session,
    *,
    actor: Actor,
    customer_id: int,
    pet_id: int | None = None,
    name: str,
    species: str = "dog",
    breed: str = "",
    size: str = "",
    birth_date: date | None = None,
    weight_grams: int | None = None,
    temperament: str = "",
    health_notes: str = "",
) -> Pet:
    """Create or update a pet of one of the tenant's customers."""
    actor.require("staff")
    get_scoped(session, Customer, customer_id, actor)
    name = limits.bounded(name, limits.PET_NAME, t("pet.name"), field="name")
    breed = limits.bounded(breed, limits.BREED, t("pet.breed"), field="breed")
    temperament = limits.bounded(temperament, limits.SHORT, t("pet.temperament"), field="temperament")
    health_notes = limits.bounded(health_notes, limits.NOTES, t("pet.health_notes"), field="health_notes")
    if not name:
        raise ServiceError(t("err.pet_name"), field="name")
    if species not in SPECIES:
        raise ServiceError(t("err.species_invalid"))
    if size and size not in SIZES:
        raise ServiceError(t("err.size_invalid"))
    if birth_date and birth_date > date.today():
        raise ServiceError(t("err.birth_future"), field="birth_date")
    if weight_grams is not None and not 0 < weight_grams <= 150_000:
        raise ServiceError(t("err.weight_invalid"), field="weight")
    pet = get_scoped(session, Pet, pet_id, actor) if pet_id else Pet(tenant_id=actor.tenant_id, customer_id=customer_id, name=name)
    if pet.customer_id != customer_id:
        raise ServiceError(t("err.not_found"))
    pet.name, pet.species, pet.breed, pet.size = name, species, (breed or "").strip(), size
    pet.birth_date, pet.weight_grams = birth_date, weight_grams
    pet.temperament, pet.health_notes = (temperament or "").strip(), (health_notes or "").strip()
    session.add(pet)
    session.flush()
    audit.record(session, actor=actor, action="pet.update" if pet_id else "pet.create", entity="pet", entity_id=pet.id)
    return pet


def delete_pet(session: Session, *, actor: Actor, pet_id: int) -> None:
    """Remove a pet (its past appointments keep their history without it)."""
    actor.require("staff")
    pet = get_scoped(session, Pet, pet_id, actor)
    session.delete(pet)
    audit.record(session, actor=actor, action="pet.delete", entity="pet", entity_id=pet_id, details={"name": pet.name})
