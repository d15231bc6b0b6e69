"""Who handles a conversation: assigning it, its queue, and handing it to the team.

When the AI (or a failure) hands a conversation to people, `request_human` puts it in a queue
(by the reason's words, else the default one) and gives it round-robin to a member who is online
(seen in the console in the last minutes) — the one whose last assignment is oldest. Nobody
online: it waits, unassigned, under "Sem responsável". Each change leaves a note in the thread.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import Conversation, Queue, User
from auzap_console.services import audit, conversations, queues
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.presence import ONLINE_WINDOW
from auzap_console.text import fold


def _note(session: Session, actor: Actor, conversation: Conversation, body: str) -> None:
    conversations.add_message(session, actor=actor, conversation=conversation, direction="note", sender="system", body=body)


def assign(session: Session, *, actor: Actor, conversation_id: int, user_id: int | None) -> Conversation:
    """Give a conversation to one of the shop's people (or to nobody); audited, noted in the thread."""
    actor.require("staff")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    person = None
    if user_id:
        person = get_scoped(session, User, int(user_id), actor)
        if not person.active:
            raise ServiceError(t("err.assign_inactive", name=person.name))
    if conversation.assigned_user_id == (person.id if person else None):
        return conversation
    conversation.assigned_user_id = person.id if person else None
    session.add(conversation)
    _note(session, actor, conversation, t("assign.note", name=person.name) if person else t("assign.note_nobody"))
    audit.record(
        session, actor=actor, action="conversation.assign", entity="conversation", entity_id=conversation.id, details={"to": user_id}
    )
    return conversation


def set_queue(session: Session, *, actor: Actor, conversation_id: int, queue_id: int | None) -> Conversation:
    """Move a conversation to another queue (or out of any); audited, noted in the thread."""
    actor.require("staff")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    queue = get_scoped(session, Queue, int(queue_id), actor) if queue_id else None
    if conversation.queue_id == (queue.id if queue else None):
        return conversation
    conversation.queue_id = queue.id if queue else None
    session.add(conversation)
    _note(session, actor, conversation, t("queue.note", name=queue.name) if queue else t("queue.note_none"))
    audit.record(
        session, actor=actor, action="conversation.queue", entity="conversation", entity_id=conversation.id, details={"to": queue_id}
    )
    return conversation


def request_human(session: Session, *, actor: Actor, conversation: Conversation, reason: str = "", now: datetime | None = None) -> str:
    """The conversation needs a person: waiting for the team, in a queue, given to someone online if anyone is.

    Returns a question for the customer when the reason fits no queue and the shop has several
    without a default one ("Com qual setor…? 1) … 2) …"); their answer picks the queue
    (`answer_menu`). Otherwise "".
    """
    now = now or utcnow()
    conversation.waiting_human = True
    session.add(conversation)
    if conversation.queue_id is None:
        queue = queues.queue_for(session, actor=actor, text=reason)
        if queue is not None:
            conversation.queue_id = queue.id
            _note(session, actor, conversation, t("queue.note", name=queue.name))
    menu = "" if conversation.queue_id else _menu(session, actor, conversation)
    _give_to_someone(session, actor, conversation, now)
    return menu


def _menu(session: Session, actor: Actor, conversation: Conversation) -> str:
    choices = queues.list_queues(session, actor=actor)
    if len(choices) < 2:
        return ""
    conversation.agent_state = {**(conversation.agent_state or {}), "queue_menu": [q.id for q in choices]}
    session.add(conversation)
    return t("queue.menu", options="\n".join(f"{n}) {q.name}" for n, q in enumerate(choices, 1)))


def answer_menu(session: Session, *, actor: Actor, conversation: Conversation, text: str, now: datetime | None = None) -> str | None:
    """The customer's pick from the queue menu ("1", "2", or the name): the queue is set and someone assigned.

    None when no menu is open or the answer names no queue (the conversation goes on as usual).
    """
    offered = (conversation.agent_state or {}).get("queue_menu") or []
    if not offered:
        return None
    choices = [q for q in queues.list_queues(session, actor=actor) if q.id in offered]
    words = fold(text)
    picked = None
    if words.isdigit() and 1 <= int(words) <= len(offered):
        picked = next((q for q in choices if q.id == offered[int(words) - 1]), None)
    if picked is None:
        picked = next((q for q in choices if fold(q.name) in words or any(f" {fold(k)} " in f" {words} " for k in q.keywords or [])), None)
    if picked is None:
        return None
    state = dict(conversation.agent_state or {})
    state.pop("queue_menu", None)
    conversation.agent_state, conversation.queue_id = state, picked.id
    session.add(conversation)
    _note(session, actor, conversation, t("queue.note", name=picked.name))
    _give_to_someone(session, actor, conversation, now or utcnow())
    return t("queue.menu_done", name=picked.name)


def _give_to_someone(session: Session, actor: Actor, conversation: Conversation, now: datetime) -> None:
    if conversation.assigned_user_id is not None:
        return
    person = next_online(session, actor=actor, queue_id=conversation.queue_id, now=now)
    if person is None:
        return
    conversation.assigned_user_id = person.id
    person.last_assigned_at = now
    session.add(person)
    _note(session, actor, conversation, t("assign.auto_note", name=person.name))
    audit.record(
        session,
        actor=actor,
        action="conversation.auto_assign",
        entity="conversation",
        entity_id=conversation.id,
        details={"to": person.id, "queue": conversation.queue_id},
    )


def next_online(session: Session, *, actor: Actor, queue_id: int | None, now: datetime | None = None) -> User | None:
    """The online person whose turn it is: the queue's members (everyone when it has none or there is no queue)."""
    now = now or utcnow()
    stmt = select(User).where(User.tenant_id == actor.tenant_id, User.active, User.last_seen_at >= now - ONLINE_WINDOW)
    if queue_id:
        queue = session.get(Queue, queue_id)
        if queue is not None and queue.tenant_id == actor.tenant_id and queue.member_ids:
            stmt = stmt.where(User.id.in_(queue.member_ids))  # type: ignore[union-attr]
    people = list(session.exec(stmt))
    if not people:
        return None
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    return min(people, key=lambda u: (u.last_assigned_at or epoch, u.id))


def people(session: Session, *, actor: Actor) -> list[User]:
    """Who a conversation can be given to: the shop's active people, by name."""
    actor.require("staff")
    return list(session.exec(select(User).where(User.tenant_id == actor.tenant_id, User.active).order_by(User.name)))
