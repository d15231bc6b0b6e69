"""Which persona answers a conversation, and moving a conversation to another persona.

Routing goes by `Persona.audience`, never by a plugin's persona name. A conversation keeps
its persona while it is open, with two exceptions, both recorded as a note in the thread:
its persona's plugin was switched off for the shop (it moves to the shop's persona for the
same audience), or a plugin's `select_persona` claims the message for another persona.
"""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.i18n import t
from auzap_console.models import AuthorizedOwnerNumber, Conversation, Customer
from auzap_console.plugin import manager
from auzap_console.services import conversations
from auzap_console.services.context import Actor


def persona_for(audience: str, disabled: list[str]) -> str:
    """The enabled persona serving `audience` (the primary one first), else an enabled customer persona.

    Specialist personas are left out: they answer only what their plugin claims.

    With no enabled persona at all, the installed one is named (the conversation waits for the
    team, and is answered again once a persona is switched back on); "" when none is installed.
    """
    for pool in (manager.personas(disabled), manager.personas()):
        ranked = sorted((p for p in pool.values() if not p.specialist), key=lambda p: not p.primary)
        match = next((p for p in ranked if p.audience == audience), None)
        match = match or next((p for p in ranked if p.audience == "customer"), None)
        if match:
            return match.name
    return ""


def default_persona(session: Session, *, actor: Actor, customer: Customer, is_new: bool, disabled: list[str]) -> str:
    """Owner number → the owner audience; new contact or open lead → the lead audience; else the customer audience."""
    owner = session.exec(
        select(AuthorizedOwnerNumber.id).where(
            AuthorizedOwnerNumber.tenant_id == actor.tenant_id, AuthorizedOwnerNumber.phone == customer.phone
        )
    ).first()
    if owner:
        return persona_for("owner", disabled)
    if is_new or customer.lead_stage in ("new", "qualified", "proposal"):
        return persona_for("lead", disabled)
    return persona_for("customer", disabled)


def _title(name: str) -> str:
    persona = manager.personas().get(name)
    return persona.title if persona else name


def switch_persona(session: Session, *, actor: Actor, conversation: Conversation, persona: str, reason: str) -> None:
    """Move an open conversation to `persona`, leaving a note in the thread (never sent to the customer)."""
    if persona == conversation.persona:
        return
    note = t("route.switched", old=_title(conversation.persona), new=_title(persona), reason=reason)
    conversation.persona = persona
    session.add(conversation)
    conversations.add_message(session, actor=actor, conversation=conversation, direction="note", sender="system", body=note)


def reroute_orphan(session: Session, *, actor: Actor, conversation: Conversation, disabled: list[str]) -> bool:
    """A conversation whose persona's plugin is off for the shop moves to the shop's persona for that audience."""
    if conversation.persona in manager.personas(disabled):
        return False
    installed = manager.personas().get(conversation.persona)
    target = persona_for(installed.audience if installed else "customer", disabled)
    if not target or target not in manager.personas(disabled):
        return False  # nothing enabled to answer: the team sees it waiting (see the runtime's rule gate)
    switch_persona(session, actor=actor, conversation=conversation, persona=target, reason=t("route.reason_off"))
    return True


def route_message(
    session: Session,
    *,
    actor: Actor,
    conversation: Conversation,
    customer: Customer,
    text: str,
    new_conversation: bool,
    disabled: list[str],
) -> str:
    """Who answers this inbound message; switches the conversation when that changes. Returns the persona."""
    if not new_conversation:
        reroute_orphan(session, actor=actor, conversation=conversation, disabled=disabled)
    choice = manager.select_persona(
        tenant_id=actor.tenant_id,
        customer_id=customer.id,
        phone=customer.phone,
        default=conversation.persona,
        text=text,
        conversation_persona=None if new_conversation else conversation.persona,
        session=session,
        disabled=disabled,
    )
    if choice != conversation.persona:
        if new_conversation:
            conversation.persona = choice
            session.add(conversation)
        else:
            switch_persona(session, actor=actor, conversation=conversation, persona=choice, reason=t("route.reason_claimed"))
    return conversation.persona


def reroute_open_conversations(session: Session, *, actor: Actor, plugin_personas: set[str], disabled: list[str]) -> int:
    """After a plugin is switched off: move the shop's open conversations bound to its personas; returns how many moved."""
    if not plugin_personas:
        return 0
    rows = session.exec(
        select(Conversation).where(
            Conversation.tenant_id == actor.tenant_id,
            Conversation.status == "open",
            Conversation.persona.in_(sorted(plugin_personas)),  # type: ignore[attr-defined]
        )
    ).all()
    return sum(reroute_orphan(session, actor=actor, conversation=c, disabled=disabled) for c in rows)
