"""The inbox: conversations with filters, threads, human takeover and replies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, cast, literal, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, func, select

from auzap_console import dispatch
from auzap_console.db_types import escape_like, utcnow
from auzap_console.i18n import t
from auzap_console.models import AIInteraction, Conversation, Customer, Message, User
from auzap_console.models.messaging import DeliveryStatus, Processing
from auzap_console.services import audit, conversations, media
from auzap_console.services.context import Actor, NotFound, ServiceError, get_scoped
from auzap_console.services.paging import page_with_total

FILTERS = ("open", "waiting", "unread", "paused", "closed", "all", "test")  # "test": the playground's chats, kept apart
LABEL_MAX, LABELS_MAX = 30, 10
NOTE_MAX = 4096
SEARCH_ENOUGH = 200  # a word search stops going back in time once this many conversations say it (PostgreSQL)


@dataclass
class InboxPage:
    """One page of conversations, with the customer and the last message."""

    rows: list[tuple[Conversation, Customer, str]]
    total: int
    page: int
    per_page: int
    at_least: bool = False  # the search stopped early: older conversations may match too

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def list_conversations(
    session: Session,
    *,
    actor: Actor,
    status: str = "open",
    persona: str = "",
    search: str = "",
    page: int = 1,
    per_page: int = 20,
    assignee: str = "",
    queue_id: int | None = None,
    label: str = "",
) -> InboxPage:
    """Conversations newest-activity first, filtered; server-side paginated.

    `assignee`: "me", "none" (nobody yet) or a user id; `queue_id` one queue; `label` one label.
    The search matches the customer's name and phone and the words of the messages.
    """
    where = [Conversation.tenant_id == actor.tenant_id, Conversation.is_test == (status == "test")]
    if status == "open":
        where.append(Conversation.status == "open")
    elif status == "waiting":
        where += [Conversation.waiting_human, Conversation.status == "open"]
    elif status == "unread":
        where.append(Conversation.unread_count > 0)
    elif status == "paused":
        where += [Conversation.ai_paused, Conversation.status == "open"]
    elif status == "closed":
        where.append(Conversation.status == "closed")
    if assignee == "me":
        where.append(Conversation.assigned_user_id == actor.user_id)
    elif assignee == "none":
        where.append(Conversation.assigned_user_id.is_(None))  # type: ignore[union-attr]
    elif assignee.isdigit():
        where.append(Conversation.assigned_user_id == int(assignee))
    if queue_id:
        where.append(Conversation.queue_id == queue_id)
    if persona:
        where.append(Conversation.persona == persona)
    if label:  # a JSON list: its text holds the quoted label (the same on SQLite and PostgreSQL)
        quoted = escape_like(json.dumps(label.strip().lower()))
        where.append(cast(Conversation.labels, String).like(f"%{quoted}%", escape="!"))  # "!": PostgreSQL's "\" stays literal
    stmt = select(Conversation, Customer).join(Customer, Customer.id == Conversation.customer_id).where(*where)
    term = (search or "").strip().lower()
    at_least = False
    if term:
        digits = "".join(ch for ch in term if ch.isdigit())
        contains = "%" + escape_like(term) + "%"  # what is typed, not wildcards
        conds = [func.lower(Customer.name).like(contains, escape="!")]
        if len(digits) >= 3:
            conds.append(Customer.phone.like(f"%{digits}%"))  # type: ignore[attr-defined]
        if len(term) >= 3:  # inside the messages too
            saying, at_least = _conversations_saying(session, actor, contains)
            conds.append(Conversation.id.in_(saying))  # type: ignore[union-attr]
        stmt = stmt.where(or_(*conds))
    page, per_page = max(1, page), max(1, min(per_page, 100))
    # newest first, matching `ix_pg_conversations_inbox_recent` (PostgreSQL) so that a page reads 20 index entries, not the shop
    newest_first = (Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())  # type: ignore[union-attr]
    if term:  # a search is costly to repeat: the page and the total come from one pass
        rows, total = page_with_total(session, stmt, order_by=newest_first, page=page, per_page=per_page)
    else:  # every conversation has its customer (foreign key): counting needs no join
        rows = session.exec(stmt.order_by(*newest_first).offset((page - 1) * per_page).limit(per_page)).all()
        total = session.exec(select(func.count()).select_from(Conversation).where(*where)).one()
    previews: dict[int, str] = {}
    ids = [c.id for c, _ in rows]
    if ids:
        last_ids = (
            select(func.max(Message.id))
            .where(Message.tenant_id == actor.tenant_id, Message.conversation_id.in_(ids))
            .group_by(  # type: ignore[attr-defined]
                Message.conversation_id
            )
        )
        for conv_id, body in session.exec(select(Message.conversation_id, Message.body).where(Message.id.in_(last_ids))):  # type: ignore[union-attr]
            previews[conv_id] = body
    return InboxPage([(c, cust, previews.get(c.id, "")) for c, cust in rows], int(total), page, per_page, at_least)


def _conversations_saying(session: Session, actor: Actor, pattern: str) -> tuple[Any, bool]:
    """The shop's conversations with a message (not a note) matching `pattern` (LIKE, "!" escapes).

    Returns them (ids or a subquery) and whether the search stopped early. On PostgreSQL through
    `auzap_message_search` (see `rls.MESSAGE_SEARCH_FUNCTION`): under row-level security the
    trigram index cannot serve this LIKE, and a big shop's months are many, so it searches the
    newest months first and stops after the month in which `SEARCH_ENOUGH` conversations were found.
    """
    if session.get_bind().dialect.name == "postgresql":
        found = list(session.exec(select(func.auzap_message_search(pattern, SEARCH_ENOUGH))))
        return select(func.unnest(literal(found, ARRAY(Integer)))), len(found) >= SEARCH_ENOUGH  # one array, not a parameter per id
    saying = select(Message.conversation_id).where(
        Message.tenant_id == actor.tenant_id, func.lower(Message.body).like(pattern, escape="!"), Message.direction != "note"
    )
    return saying, False


def thread(
    session: Session, *, actor: Actor, conversation_id: int, limit: int = 200
) -> tuple[Conversation, Customer, list[Message], dict[int, list[AIInteraction]]]:
    """A conversation with its customer, messages (oldest first) and the tool calls behind each AI reply."""
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    customer = session.get(Customer, conversation.customer_id)
    messages = conversations.history(session, actor=actor, conversation_id=conversation.id, limit=limit)
    tools: dict[int, list[AIInteraction]] = {}
    ids = [m.id for m in messages if m.sender == "ai"]
    if ids:
        for row in session.exec(
            select(AIInteraction)
            .where(AIInteraction.tenant_id == actor.tenant_id, AIInteraction.kind == "tool", AIInteraction.message_id.in_(ids))
            .order_by(AIInteraction.id)
        ):  # type: ignore[union-attr]
            tools.setdefault(row.message_id, []).append(row)
    return conversation, customer, messages, tools


def mark_read(session: Session, *, actor: Actor, conversation_id: int) -> None:
    """Reset the unread counter when someone opens the conversation."""
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    if conversation.unread_count:
        conversation.unread_count = 0
        session.add(conversation)


def take_over(session: Session, *, actor: Actor, conversation_id: int) -> Conversation:
    """A person takes the conversation: the AI pauses here until handed back."""
    actor.require("staff")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    conversation.ai_paused, conversation.waiting_human, conversation.assigned_user_id = True, False, actor.user_id
    session.add(conversation)
    audit.record(session, actor=actor, action="conversation.take_over", entity="conversation", entity_id=conversation.id)
    return conversation


def hand_back(session: Session, *, actor: Actor, conversation_id: int) -> Conversation:
    """Give the conversation back to the AI."""
    actor.require("staff")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    conversation.ai_paused, conversation.waiting_human, conversation.assigned_user_id = False, False, None
    session.add(conversation)
    audit.record(session, actor=actor, action="conversation.hand_back", entity="conversation", entity_id=conversation.id)
    return conversation


def reply_as_human(session: Session, *, actor: Actor, conversation_id: int, text: str) -> Message:
    """Store a human reply (sent once the transaction commits).

    Replying takes over a conversation the AI holds or nobody holds (a hand-off waiting for the
    team): it is no longer waiting, and it is the replier's. One a colleague holds stays theirs;
    the reply only ends its wait.
    """
    actor.require("staff")
    text = (text or "").strip()
    if not text:
        raise ServiceError(t("err.message_empty"))
    if len(text) > 4096:
        raise ServiceError(t("err.message_long"))
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    if not conversation.ai_paused or conversation.assigned_user_id in (None, actor.user_id):
        take_over(session, actor=actor, conversation_id=conversation_id)
    elif conversation.waiting_human:  # a colleague's conversation stays theirs: the reply only ends the wait
        conversation.waiting_human = False
        session.add(conversation)
    message = conversations.add_message(
        session,
        actor=actor,
        conversation=conversation,
        direction="out",
        sender="human",
        body=text,
        pending=conversation.channel_id is not None,
    )
    conversation.last_message_at = utcnow()
    session.add(conversation)
    if conversation.channel_id is not None:
        dispatch.after_commit(session, "send", actor.tenant_id, message.id)
    return message


def retry_failed(session: Session, *, actor: Actor, message_id: int) -> Message:
    """Put a failed message back in the outbox: an inbound one gets a new agent turn, an outbound one a new send.

    Retrying a turn gives the conversation back to the AI (a person asked for it). The new turn
    or send starts once the transaction commits.
    """
    actor.require("staff")
    message = get_scoped(session, Message, message_id, actor)
    if message.processing != Processing.FAILED and message.delivery_status != DeliveryStatus.FAILED:
        raise ServiceError(t("inbox.retry_not_failed"))
    message.processing, message.error = Processing.PENDING, ""
    if message.direction == "in":
        conversation = get_scoped(session, Conversation, message.conversation_id, actor)
        conversation.ai_paused, conversation.waiting_human = False, False
        session.add(conversation)
        dispatch.after_commit(session, "answer", actor.tenant_id, conversation.id, message.id, again=True)
    else:
        message.delivery_status = "queued"
        dispatch.after_commit(session, "send", actor.tenant_id, message.id, again=True)
    session.add(message)
    audit.record(session, actor=actor, action="message.retry", entity="message", entity_id=message.id)
    return message


def latest_conversation_id(session: Session, *, actor: Actor, customer_id: int) -> int | None:
    """The customer's most recent real (non-test) conversation, for a link from their record."""
    return session.exec(
        select(Conversation.id)
        .where(Conversation.tenant_id == actor.tenant_id, Conversation.customer_id == customer_id, ~Conversation.is_test)
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())  # type: ignore[union-attr]
    ).first()


def add_note(session: Session, *, actor: Actor, conversation_id: int, text: str) -> Message:
    """A private note in the thread for the team: never sent, never shown to the AI."""
    actor.require("staff")
    text = (text or "").strip()
    if not text:
        raise ServiceError(t("err.message_empty"))
    if len(text) > NOTE_MAX:
        raise ServiceError(t("err.message_long"))
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    author = session.get(User, actor.user_id) if actor.user_id else None
    return conversations.add_message(
        session,
        actor=actor,
        conversation=conversation,
        direction="note",
        sender="human",
        body=text,
        meta={"author": author.name if author else ""},
    )


def set_labels(session: Session, *, actor: Actor, conversation_id: int, labels: list[str]) -> Conversation:
    """Replace a conversation's labels (trimmed, lower-case, at most 10 of 30 characters). Audited."""
    actor.require("staff")
    clean = list(dict.fromkeys(" ".join(label.split()).lower() for label in labels if label and label.strip()))
    if any(len(label) > LABEL_MAX for label in clean) or len(clean) > LABELS_MAX:
        raise ServiceError(t("err.labels", n=LABELS_MAX, max=LABEL_MAX), field="labels")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    conversation.labels = clean
    session.add(conversation)
    audit.record(
        session, actor=actor, action="conversation.labels", entity="conversation", entity_id=conversation.id, details={"labels": clean}
    )
    return conversation


def labels_in_use(session: Session, *, actor: Actor) -> list[str]:
    """Every label on the shop's conversations, for the filter."""
    found: set[str] = set()
    for labels in session.exec(select(Conversation.labels).where(Conversation.tenant_id == actor.tenant_id, ~Conversation.is_test)):
        found.update(labels or [])
    return sorted(found)


def close(session: Session, *, actor: Actor, conversation_id: int, resolution: str) -> Conversation:
    """Close a conversation with its resolution; the customer's next message opens a new one. Audited."""
    actor.require("staff")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError(t("err.resolution"), field="resolution")
    if len(resolution) > 300:
        raise ServiceError(t("err.too_long", label=t("inbox.resolution"), max=300), field="resolution")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    conversation.status, conversation.resolution, conversation.closed_at = "closed", resolution, utcnow()
    conversation.waiting_human = False
    session.add(conversation)
    conversations.add_message(
        session,
        actor=actor,
        conversation=conversation,
        direction="note",
        sender="system",
        body=t("inbox.closed_note", resolution=resolution),
    )
    audit.record(
        session,
        actor=actor,
        action="conversation.close",
        entity="conversation",
        entity_id=conversation.id,
        details={"resolution": resolution},
    )
    return conversation


def reopen(session: Session, *, actor: Actor, conversation_id: int) -> Conversation:
    """Open a closed conversation again (unless the customer already has another open one on that channel)."""
    actor.require("staff")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    if conversation.status != "closed":
        return conversation
    other = session.exec(
        select(Conversation.id).where(
            Conversation.tenant_id == actor.tenant_id,
            Conversation.customer_id == conversation.customer_id,
            Conversation.channel_id == conversation.channel_id,
            Conversation.status == "open",
            Conversation.id != conversation.id,
        )
    ).first()
    if other is not None:
        raise ServiceError(t("err.reopen_other"))
    conversation.status, conversation.closed_at = "open", None
    session.add(conversation)
    conversations.add_message(
        session, actor=actor, conversation=conversation, direction="note", sender="system", body=t("inbox.reopened_note")
    )
    audit.record(session, actor=actor, action="conversation.reopen", entity="conversation", entity_id=conversation.id)
    return conversation


def media_file(session: Session, *, actor: Actor, message_id: int) -> tuple[bytes, str, str]:
    """A message's stored file for the shop's own people: (bytes, content type, file name)."""
    actor.require("staff")
    message = get_scoped(session, Message, message_id, actor)
    info = (message.meta or {}).get("media") or {}
    if info.get("status") != "stored" or not info.get("key"):
        raise NotFound(t("err.not_found"))
    data = media.read(tenant_id=actor.tenant_id, key=info["key"])
    name = info.get("filename") or info["key"].rsplit("/", 1)[-1]
    return data, info.get("mime") or "application/octet-stream", name


def send_file(session: Session, *, actor: Actor, conversation_id: int, data: bytes, mime: str, filename: str, caption: str = "") -> Message:
    """A person sends a photo or file to the customer (plugins use it for report cards): stored, then sent.

    Checked like any media (type, size); sending also takes the conversation over, like a reply.
    """
    actor.require("staff")
    conversation = get_scoped(session, Conversation, conversation_id, actor)
    if conversation.channel_id is None:
        raise ServiceError(t("inbox.no_channel"))
    try:
        meta = media.attach(tenant_id=actor.tenant_id, data=data, mime=mime, filename=filename)
    except media.MediaRefused as exc:
        raise ServiceError(t("err.file_refused", reason=str(exc))) from exc
    if not conversation.ai_paused and actor.user_id:
        take_over(session, actor=actor, conversation_id=conversation_id)
    message = conversations.add_message(
        session,
        actor=actor,
        conversation=conversation,
        direction="out",
        sender="human" if actor.user_id else "system",
        body=(caption or "").strip()[:1024],
        pending=True,
        meta=meta,
    )
    dispatch.after_commit(session, "send", actor.tenant_id, message.id)
    return message
