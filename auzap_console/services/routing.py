"""Which persona answers a conversation."""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.models import AuthorizedOwnerNumber, Customer
from auzap_console.plugin import manager
from auzap_console.services.context import Actor


def persona_for(audience: str, disabled: list[str]) -> str:
    """The persona serving `audience` (the primary one first), else a customer persona ("" if none).

    When the tenant switched every such persona off, the installed one is still chosen: the
    conversation stays bound to it and is answered again once it is switched back on.
    """
    for pool in (manager.personas(disabled), manager.personas()):
        ranked = sorted(pool.values(), key=lambda p: not p.primary)
        match = next((p for p in ranked if p.audience == audience), None)
        match = match or next((p for p in ranked if p.audience == "customer"), None)
        if match:
            return match.name
    return ""


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
