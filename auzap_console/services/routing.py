"""Which persona answers a conversation."""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.models import AuthorizedOwnerNumber, Customer
from auzap_console.plugin import manager
from auzap_console.services.context import Actor


def choose_persona(session: Session, *, actor: Actor, customer: Customer, is_new: bool, disabled: list[str]) -> str:
    """Owner number → owner analyst; new contact or open lead → SDR; else customer assistant.

    A persona that is not installed (or disabled) falls back to the customer assistant, and
    the `select_persona` hook has the last word.
    """
    available = manager.personas(disabled)
    owner = session.exec(
        select(AuthorizedOwnerNumber.id).where(
            AuthorizedOwnerNumber.tenant_id == actor.tenant_id, AuthorizedOwnerNumber.phone == customer.phone
        )
    ).first()
    if owner and "owner_analyst" in available:
        default = "owner_analyst"
    elif (is_new or customer.lead_stage in ("new", "qualified", "proposal")) and "sdr" in available:
        default = "sdr"
    else:
        default = "customer_assistant"
    return manager.select_persona(
        tenant_id=actor.tenant_id, customer_id=customer.id, phone=customer.phone, default=default, disabled=disabled
    )
