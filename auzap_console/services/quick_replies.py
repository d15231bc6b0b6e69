"""Quick replies: saved answers the team types with "/atalho" in the inbox.

`{nome}` becomes the customer's first name and `{pet}` their pets' names ("Thor e Mel"), so one
saved text fits every conversation.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from auzap_console.i18n import t
from auzap_console.models import Conversation, Customer, Pet, QuickReply
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.text import fold

BODY_MAX = 2000
_SHORTCUT = re.compile(r"^[a-z0-9_-]{2,40}$")


def list_replies(session: Session, *, actor: Actor) -> list[QuickReply]:
    """The shop's quick replies by shortcut."""
    actor.require("staff")
    return list(session.exec(select(QuickReply).where(QuickReply.tenant_id == actor.tenant_id).order_by(QuickReply.shortcut)))


def save_reply(session: Session, *, actor: Actor, reply_id: int | None = None, shortcut: str, body: str) -> QuickReply:
    """Create or update a quick reply (manager and up); shortcuts are unique per shop. Audited."""
    actor.require("manager")
    shortcut = fold(shortcut.lstrip("/")).replace(" ", "-")
    if not _SHORTCUT.match(shortcut):
        raise ServiceError(t("err.quick_shortcut"), field="quick-shortcut")
    body = limits.bounded(body, BODY_MAX, t("quick.body"), field="quick-body")
    if not body:
        raise ServiceError(t("err.quick_body"), field="quick-body")
    reply = get_scoped(session, QuickReply, reply_id, actor) if reply_id else QuickReply(tenant_id=actor.tenant_id, shortcut=shortcut)
    reply.shortcut, reply.body = shortcut, body
    try:
        with session.begin_nested():
            session.add(reply)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.quick_taken", shortcut=shortcut), field="quick-shortcut") from exc
    audit.record(session, actor=actor, action="quick_reply.save", entity="quick_reply", entity_id=reply.id, details={"shortcut": shortcut})
    return reply


def delete_reply(session: Session, *, actor: Actor, reply_id: int) -> None:
    """Remove a quick reply (manager and up)."""
    actor.require("manager")
    reply = get_scoped(session, QuickReply, reply_id, actor)
    audit.record(session, actor=actor, action="quick_reply.delete", entity="quick_reply", entity_id=reply.id)
    session.delete(reply)


def matching(session: Session, *, actor: Actor, typed: str, limit: int = 6) -> list[QuickReply]:
    """Quick replies for what follows the "/" typed in the reply box (all of them for a bare "/")."""
    word = fold(typed.lstrip("/"))
    rows = list_replies(session, actor=actor)
    starts = [r for r in rows if r.shortcut.startswith(word)]
    within = [r for r in rows if r not in starts and word and (word in r.shortcut or word in fold(r.body))]
    return (starts + within)[:limit]


def expand(session: Session, *, actor: Actor, reply_id: int, conversation_id: int) -> str:
    """The reply's text for this conversation: `{nome}` and `{pet}` filled in."""
    reply = get_scoped(session, QuickReply, reply_id, actor)
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    customer = session.get(Customer, conversation.customer_id)
    pets = [p.name for p in session.exec(select(Pet).where(Pet.tenant_id == actor.tenant_id, Pet.customer_id == customer.id))]
    names = t("quick.your_pet") if not pets else pets[0] if len(pets) == 1 else ", ".join(pets[:-1]) + " e " + pets[-1]
    first = (customer.name or "").split(" ")[0] or t("quick.there")
    return reply.body.replace("{nome}", first).replace("{pet}", names)
