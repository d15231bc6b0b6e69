"""Which persona answers a conversation."""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.models import AuthorizedOwnerNumber, Customer
from auzap_console.plugin import manager
from auzap_console.services.context import Actor


def persona_for(audience: str, disabled: list[str]) -> str:
    """The first installed persona serving `audience`, else the first customer persona ("" if none)."""
    available = sorted(manager.personas(disabled).values(), key=lambda p: not p.primary)
    match = next((p for p in available if p.audience == audience), None)
    match = match or next((p for p in available if p.audience == "customer"), None)
    return match.name if match else ""


def choose_persona(session: Session, *, actor: Actor, customer: Customer, is_new: bool, disabled: list[str]) -> str:
    """Owner number → the owner audience; new contact or open lead → the lead audience; else the customer audience.

    Routing goes by `Persona.audience`, never by a plugin's persona name; an audience with no
    installed persona falls back to the customer one, and the `select_persona` hook has the last word.
    """
    owner = session.exec(
        select(AuthorizedOwnerNumber.id).where(
            AuthorizedOwnerNumber.tenant_id == actor.tenant_id, AuthorizedOwnerNumber.phone == customer.phone
        )
    ).first()
    if owner:
        default = persona_for("owner", disabled)
    elif is_new or customer.lead_stage in ("new", "qualified", "proposal"):
        default = persona_for("lead", disabled)
    else:
        default = persona_for("customer", disabled)
    return manager.select_persona(
        tenant_id=actor.tenant_id, customer_id=customer.id, phone=customer.phone, default=default, disabled=disabled
    )
