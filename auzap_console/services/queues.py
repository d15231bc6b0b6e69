"""Queues (departments): banho e tosa, hotel, veterinário — who answers which conversations.

A conversation handed to people enters the queue whose keywords appear in the hand-off reason
(or the customer's last words), else the shop's default queue; staff see their queues.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from auzap_console.i18n import t
from auzap_console.models import Conversation, Queue, User
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.text import fold

MAX_KEYWORDS = 30


def list_queues(session: Session, *, actor: Actor) -> list[Queue]:
    """The shop's queues by name."""
    actor.require("staff")
    return list(session.exec(select(Queue).where(Queue.tenant_id == actor.tenant_id).order_by(Queue.name)))


def save_queue(
    session: Session,
    *,
    actor: Actor,
    queue_id: int | None = None,
    name: str,
    keywords: list[str],
    member_ids: list[int],
    is_default: bool = False,
) -> Queue:
    """Create or update a queue (manager and up); members must be this shop's people. Audited."""
    actor.require("manager")
    name = limits.bounded(name, 60, t("queue.name"), field="queue-name")
    if len(name) < 2:
        raise ServiceError(t("err.queue_name"), field="queue-name")
    words = list(dict.fromkeys(" ".join(k.split()).lower() for k in keywords if fold(k)))[:MAX_KEYWORDS]  # shown as typed
    members = []
    for user_id in dict.fromkeys(member_ids):
        user = get_scoped(session, User, int(user_id), actor)  # another shop's person is not found
        members.append(user.id)
    queue = get_scoped(session, Queue, queue_id, actor) if queue_id else Queue(tenant_id=actor.tenant_id, name=name)
    queue.name, queue.keywords, queue.member_ids, queue.is_default = name, words, members, bool(is_default)
    if is_default:
        for other in session.exec(select(Queue).where(Queue.tenant_id == actor.tenant_id, Queue.is_default)):
            if other.id != queue.id:
                other.is_default = False
                session.add(other)
    try:
        with session.begin_nested():
            session.add(queue)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.queue_taken"), field="queue-name") from exc
    audit.record(
        session,
        actor=actor,
        action="queue.update" if queue_id else "queue.create",
        entity="queue",
        entity_id=queue.id,
        details={"members": members, "keywords": words},
    )
    return queue


def delete_queue(session: Session, *, actor: Actor, queue_id: int) -> None:
    """Remove a queue (manager and up); its conversations stay, outside any queue."""
    actor.require("manager")
    queue = get_scoped(session, Queue, queue_id, actor)
    audit.record(session, actor=actor, action="queue.delete", entity="queue", entity_id=queue.id, details={"name": queue.name})
    stmt = select(Conversation).where(Conversation.tenant_id == actor.tenant_id, Conversation.queue_id == queue.id)
    for conversation in session.exec(stmt):
        conversation.queue_id = None
        session.add(conversation)
    session.delete(queue)


def queue_for(session: Session, *, actor: Actor, text: str) -> Queue | None:
    """The queue whose keywords appear in `text` (a hand-off reason, the customer's words), else the default one."""
    words = f" {fold(text)} "
    queues = list_queues(session, actor=actor)
    for queue in queues:
        if any(f" {fold(k)} " in words for k in queue.keywords or []):
            return queue
    return next((q for q in queues if q.is_default), None)


def queues_of(session: Session, *, actor: Actor, user_id: int) -> list[int]:
    """The ids of the queues a person belongs to."""
    return [q.id for q in list_queues(session, actor=actor) if user_id in (q.member_ids or [])]
