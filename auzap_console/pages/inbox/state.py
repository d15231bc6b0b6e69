"""The inbox's state: the conversation list with its filters, the open thread, and the team's actions.

A person can take over (the AI pauses), reply or leave a private note, use quick replies ("/"),
give the conversation to someone or another queue, label it, close it with a resolution, and
hand it back to the AI. The list and thread refresh every few seconds while the inbox is open.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

import reflex as rx

from auzap_console import live
from auzap_console.i18n import count, list_when, local_datetime, t
from auzap_console.phones import format_phone
from auzap_console.plugin import manager
from auzap_console.services import assignment, inbox, queues, quick_replies, usage
from auzap_console.services.context import ServiceError
from auzap_console.state import LoginRequired, Option, PagedListMixin, ProtectedState, guarded, poll

PER_PAGE = 20
TICKS = {"queued": "🕓", "sent": "✓", "delivered": "✓✓", "read": "✓✓", "failed": "⚠"}
SENDER_LABELS = {"customer": "", "ai": "IA", "human": "Equipe", "system": "Sistema"}
ALL = "all"


def _failure(m) -> str:
    """What went wrong with this message, for the red badge ('' when nothing did)."""
    if m.direction == "in" and m.processing == "failed":
        return t("inbox.failed_in") + (f": {m.error}" if m.error else "")
    if m.direction == "out" and (m.processing == "failed" or m.delivery_status == "failed"):
        return t("inbox.failed_out") + (f": {m.error}" if m.error else "")
    return ""


def _tool_chip(tools: list) -> str:
    """'IA usou: agenda, cadastro de pet' — the owner's words, not the tool names and arguments."""
    if not tools:
        return ""
    specs = manager.tools()
    labels = dict.fromkeys(specs[r.tool].display_label if r.tool in specs else r.tool for r in tools)
    return t("inbox.ai_used", tools=", ".join(labels))


@dataclass
class QuickRow:
    """A quick reply offered while typing "/…": its shortcut and the start of its text."""

    id: str
    shortcut: str
    body: str


@dataclass
class ConversationRow:
    """A line of the conversation list."""

    id: int
    name: str
    phone: str
    preview: str
    persona: str
    unread: int
    waiting: bool
    test: bool
    paused: bool
    when: str
    assignee: str = ""
    closed: bool = False
    labels: list[str] = field(default_factory=list)


@dataclass
class ThreadHeader:
    """Who the open conversation is with, and its state."""

    name: str = ""
    phone: str = ""
    persona: str = ""
    paused: bool = False
    waiting: bool = False
    has_channel: bool = False
    assignee: str = "none"  # a user id, or "none"
    queue: str = "none"  # a queue id, or "none"
    labels: list[str] = field(default_factory=list)
    labels_text: str = ""
    closed: bool = False
    resolution: str = ""


@dataclass
class MessageRow:
    """A bubble of the thread."""

    id: int
    text: str
    mine: bool
    sender: str
    when: str
    ticks: str
    read: bool
    tools: str  # the 'IA usou: …' chip, '' when no tool ran
    failed: str  # what went wrong, '' when nothing did
    note: bool = False  # a line for the team (e.g. the conversation changed persona), never sent
    private: bool = False  # a note a person wrote for the team
    author: str = ""
    media_kind: str = ""  # image | audio | video | document | sticker | location ("" for text)
    media_ready: bool = False  # stored: shown from /media/{id}
    media_name: str = ""
    media_note: str = ""  # fetching, or why it could not be kept
    transcript: str = ""
    map_url: str = ""


MEDIA_NOTES = {
    "pending": "inbox.media_pending",
    "failed": "inbox.media_failed",
    "too_big": "inbox.media_too_big",
    "refused": "inbox.media_refused",
}


def _media_fields(m) -> dict:
    info = (m.meta or {}).get("media") or {}
    kind = info.get("kind", "")
    if not kind:
        return {}
    status = info.get("status", "")
    fields = {
        "media_kind": kind,
        "media_ready": status == "stored" and bool(info.get("key")),
        "media_name": info.get("filename") or t(f"inbox.media_kind.{kind}"),
        "media_note": t(MEDIA_NOTES[status], reason=info.get("reason", "")) if status in MEDIA_NOTES else "",
        "transcript": info.get("transcript", ""),
    }
    if kind == "location" and info.get("latitude") is not None:
        fields["map_url"] = f"https://www.google.com/maps?q={info['latitude']},{info['longitude']}"
        fields["media_name"] = info.get("place") or t("inbox.media_kind.location")
    return fields


def _message_row(m, tools: list, tz: str) -> MessageRow:
    failure = _failure(m)
    private = m.direction == "note" and m.sender == "human"
    return MessageRow(
        id=m.id,
        text=m.body,
        mine=m.direction != "in",
        sender=SENDER_LABELS.get(m.sender, ""),
        when=local_datetime(m.created_at, tz),
        ticks=TICKS.get(m.delivery_status, "") if m.direction == "out" and m.channel_id and not failure else "",
        read=m.delivery_status == "read",
        tools=_tool_chip(tools),
        failed=failure[:240],
        note=m.direction == "note" and not private,
        private=private,
        author=(m.meta or {}).get("author", "") if private else "",
        **_media_fields(m),
    )


class InboxState(PagedListMixin, ProtectedState):
    """Conversation list, the open thread, and the live refresh."""

    sending: bool = False
    status: str = "open"
    persona: str = ""
    assignee: str = ALL
    queue: str = ALL
    label: str = ALL
    loaded: bool = False
    rows: list[ConversationRow] = []
    selected_id: int = 0
    header: ThreadHeader = ThreadHeader()
    messages: list[MessageRow] = []
    watching: bool = False
    persona_options: list[Option] = []
    assignee_options: list[Option] = []
    queue_options: list[Option] = []
    label_options: list[Option] = []
    people: list[Option] = []

    @rx.var
    def narrowed(self) -> bool:
        """A search or a filter beyond the tab is on: an empty list then means "nothing found"."""
        return bool(self.search) or bool(self.persona) or any(v != ALL for v in (self.assignee, self.queue, self.label))

    @rx.var
    def no_match(self) -> str:
        """Why the list is empty; a search shorter than 3 letters looks at names and phones only."""
        short = 0 < len(self.search.strip()) < 3
        return t("inbox.no_match") + (" " + t("inbox.search_short") if short else "")

    queue_choices: list[Option] = []
    note_mode: bool = False
    quick: list[QuickRow] = []
    closing: bool = False
    form_error: str = ""
    budget_notice: str = ""
    at_least: bool = False  # the word search stopped going back in time: the total is a floor
    _team: dict[int, str] = {}  # user id → name, for the assignee column

    @rx.var
    def summary(self) -> str:
        """'Page X of Y · N conversations' ('at least N' when a word search stopped going back in time)."""
        total = count(self.total, "conversa", "conversas")
        return t("inbox.page", page=self.page, pages=self.pages, total=t("inbox.at_least", total=total) if self.at_least else total)

    def _errors_inline(self, handler: str = "") -> bool:
        return handler in ("close_conversation", "save_labels")

    async def _load_options(self) -> None:
        """The filters' and selects' choices: people, queues, labels (on opening the inbox, not on every poll)."""
        user = await self._user()
        with self._session(user) as session:
            team = {u.id: u.name for u in assignment.people(session, actor=user.actor)}
            shop_queues = queues.list_queues(session, actor=user.actor)
            labels = inbox.labels_in_use(session, actor=user.actor)
        self._team = team
        self.assignee_options = [
            Option(ALL, t("inbox.assignee_all")),
            Option("me", t("inbox.assignee_me")),
            Option("none", t("inbox.assignee_none")),
            *[Option(str(k), v) for k, v in team.items()],
        ]
        self.queue_options = [Option(ALL, t("inbox.queue_all"))] + [Option(str(q.id), q.name) for q in shop_queues]
        self.label_options = [Option(ALL, t("inbox.label_all"))] + [Option(label, label) for label in labels]
        self.people = [Option("none", t("inbox.nobody"))] + [Option(str(k), v) for k, v in team.items()]
        self.queue_choices = [Option("none", t("inbox.no_queue"))] + [Option(str(q.id), q.name) for q in shop_queues]

    async def _refresh(self) -> None:
        user = await self._user()
        with self._session(user) as session:
            if self.selected_id:
                inbox.mark_read(session, actor=user.actor, conversation_id=self.selected_id)
                session.flush()
            result = inbox.list_conversations(
                session,
                actor=user.actor,
                status=self.status,
                persona=self.persona,
                search=self.search,
                page=self.page,
                per_page=PER_PAGE,
                assignee="" if self.assignee == ALL else self.assignee,
                queue_id=int(self.queue) if self.queue.isdigit() else None,
                label="" if self.label == ALL else self.label,
            )
            titles = {name: p.title for name, p in manager.personas().items()}
            self.persona_options = [Option(ALL, t("inbox.all_personas"))] + [Option(name, title) for name, title in titles.items()]
            team = self._team
            self.total, self.pages, self.at_least = result.total, result.pages, result.at_least
            self.rows = [
                ConversationRow(
                    id=c.id,
                    name=cust.name,
                    phone=format_phone(cust.phone),
                    preview=preview[:80],
                    persona=titles.get(c.persona, c.persona),
                    unread=c.unread_count,
                    waiting=c.waiting_human,
                    test=c.is_test,
                    paused=c.ai_paused,
                    when=list_when(c.last_message_at, user.timezone) if c.last_message_at else "",
                    assignee=team.get(c.assigned_user_id or 0, ""),
                    closed=c.status == "closed",
                    labels=list(c.labels or []),
                )
                for c, cust, preview in result.rows
            ]
            if self.selected_id:
                conversation, customer, messages, tools = inbox.thread(session, actor=user.actor, conversation_id=self.selected_id)
                self.header = ThreadHeader(
                    name=customer.name,
                    phone=format_phone(customer.phone),
                    persona=titles.get(conversation.persona, conversation.persona),
                    paused=conversation.ai_paused,
                    waiting=conversation.waiting_human,
                    has_channel=conversation.channel_id is not None,
                    assignee=str(conversation.assigned_user_id) if conversation.assigned_user_id in team else "none",
                    queue=str(conversation.queue_id) if conversation.queue_id else "none",
                    labels=list(conversation.labels or []),
                    labels_text=", ".join(conversation.labels or []),
                    closed=conversation.status == "closed",
                    resolution=conversation.resolution,
                )
                self.messages = [_message_row(m, tools.get(m.id, []), user.timezone) for m in messages]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load: first page, then keep it live."""
        self.page, self.selected_id, self.header, self.messages = 1, 0, ThreadHeader(), []
        await self._load_options()
        wanted = self.router.url.query_parameters.get("c", "")  # a link from a customer's record
        if wanted.isdigit():
            self.selected_id, self.status = int(wanted), "all"
            try:
                await self._refresh()
            except ServiceError:  # not this shop's: just the list
                self.selected_id = 0
        await self._refresh()
        user = await self._user()
        with self._session(user) as session:
            self.budget_notice = usage.budget_notice(session, user.tenant_id)  # the team answers everything while it shows
        return InboxState.watch

    @rx.event(background=True)
    async def watch(self):
        """Refresh the list and the open thread when the shop's conversations change, while the inbox is open."""
        async with self:
            try:
                tenant_id = (await self._user()).tenant_id
            except LoginRequired:
                return
        await poll(self, path="/inbox", seconds=live.safety_net_seconds(), refresh=self._refresh, tenant_id=tenant_id)

    @rx.event
    @guarded
    async def set_filter(self, value: str | list[str]):
        """Open / waiting / unread / paused / closed / all."""
        value = value[0] if isinstance(value, list) and value else value
        self.status, self.page = value if value in inbox.FILTERS else "open", 1
        await self._refresh()

    @rx.event
    @guarded
    async def set_persona(self, value: str):
        """Only conversations answered by one persona ("all" for every one)."""
        self.persona, self.page = "" if value == ALL else value, 1
        await self._refresh()

    @rx.event
    @guarded
    async def set_assignee(self, value: str):
        """Mine, nobody's, one person's, or everyone's."""
        self.assignee, self.page = value, 1
        await self._refresh()

    @rx.event
    @guarded
    async def set_queue(self, value: str):
        """One queue, or all."""
        self.queue, self.page = value, 1
        await self._refresh()

    @rx.event
    @guarded
    async def set_label(self, value: str):
        """One label, or all."""
        self.label, self.page = value, 1
        await self._refresh()

    @rx.event
    @guarded
    async def open(self, conversation_id: int):
        """Show one conversation (and mark it read)."""
        previous, self.selected_id = self.selected_id, int(conversation_id)
        self.quick, self.note_mode = [], False
        try:
            await self._refresh()
        except ServiceError:
            self.selected_id = previous if previous != self.selected_id else 0
            raise

    @rx.event
    @guarded
    async def take_over(self):
        """Pause the AI here; a person answers."""
        user = await self._user()
        with self._session(user) as session:
            inbox.take_over(session, actor=user.actor, conversation_id=self.selected_id)
        await self._refresh()
        return rx.toast.info(t("inbox.taken"), id="toast-saved")

    @rx.event
    @guarded
    async def hand_back(self):
        """Give the conversation back to the AI."""
        user = await self._user()
        with self._session(user) as session:
            inbox.hand_back(session, actor=user.actor, conversation_id=self.selected_id)
        await self._refresh()
        return rx.toast.info(t("inbox.handed_back"), id="toast-saved")

    @rx.event
    def close_thread(self):
        """Back to the list (phones show one pane at a time)."""
        self.selected_id, self.header, self.messages = 0, ThreadHeader(), []

    @rx.event
    @guarded
    async def retry(self, message_id: int):
        """Try a failed message again: a new agent turn, or a new send."""
        user = await self._user()
        with self._session(user) as session:
            inbox.retry_failed(session, actor=user.actor, message_id=int(message_id))
        await self._refresh()
        return rx.toast.info(t("inbox.retried"), id="toast-saved")

    @rx.event
    def set_note_mode(self, value: bool):
        """Reply to the customer, or write a private note for the team."""
        self.note_mode = bool(value)

    @rx.event
    @guarded
    async def typed(self, value: str):
        """Quick replies for a message starting with "/"."""
        if not value.startswith("/") or " " in value.strip():
            self.quick = []
            return
        user = await self._user()
        with self._session(user) as session:
            found = quick_replies.matching(session, actor=user.actor, typed=value)
        self.quick = [QuickRow(str(r.id), f"/{r.shortcut}", " ".join(r.body.split())[:200]) for r in found]

    @rx.event
    @guarded
    async def use_quick(self, reply_id: str):
        """Put a quick reply (variables filled in) into the reply box, ready to edit and send."""
        user = await self._user()
        with self._session(user) as session:
            text = quick_replies.expand(session, actor=user.actor, reply_id=int(reply_id), conversation_id=self.selected_id)
        self.quick = []
        return [rx.set_value("reply-input", text), rx.set_focus("reply-input")]

    @rx.event
    @guarded(busy="sending")
    async def reply(self, form: dict):
        """Send a reply through the conversation's channel, or keep a private note."""
        user = await self._user()
        with self._session(user) as session:
            if self.note_mode:
                inbox.add_note(session, actor=user.actor, conversation_id=self.selected_id, text=form.get("text", ""))
            else:
                inbox.reply_as_human(session, actor=user.actor, conversation_id=self.selected_id, text=form.get("text", ""))
        self.form_error, self.quick = "", []
        await self._refresh()

    @rx.event
    @guarded(busy="sending")
    async def send_file(self, files: list[rx.UploadFile]):
        """A photo or file chosen in the reply box goes to the customer (the typed text is its caption)."""
        user = await self._user()
        for file in files[:1]:
            data = await file.read()
            mime = file.content_type or mimetypes.guess_type(file.filename or "")[0] or "application/octet-stream"
            with self._session(user) as session:
                inbox.send_file(
                    session, actor=user.actor, conversation_id=self.selected_id, data=data, mime=mime, filename=file.filename or "arquivo"
                )
        await self._refresh()
        return rx.toast.success(t("inbox.file_sent"), id="toast-saved")

    @rx.event
    @guarded
    async def assign(self, value: str):
        """Give the conversation to someone (or nobody)."""
        user = await self._user()
        with self._session(user) as session:
            assignment.assign(session, actor=user.actor, conversation_id=self.selected_id, user_id=int(value) if value.isdigit() else None)
        await self._refresh()
        return rx.toast.success(t("inbox.assigned"), id="toast-saved")

    @rx.event
    @guarded
    async def move_queue(self, value: str):
        """Put the conversation in another queue (or none)."""
        user = await self._user()
        with self._session(user) as session:
            assignment.set_queue(
                session, actor=user.actor, conversation_id=self.selected_id, queue_id=int(value) if value.isdigit() else None
            )
        await self._refresh()
        return rx.toast.success(t("inbox.queue_saved"), id="toast-saved")

    @rx.event
    @guarded
    async def save_labels(self, form: dict):
        """Labels typed with commas."""
        user = await self._user()
        labels = [part for part in (form.get("labels") or "").split(",")]
        with self._session(user) as session:
            inbox.set_labels(session, actor=user.actor, conversation_id=self.selected_id, labels=labels)
        await self._load_options()
        await self._refresh()
        return rx.toast.success(t("inbox.labels_saved"), id="toast-saved")

    @rx.event
    def ask_close(self):
        """The closing dialog (with its resolution)."""
        self.closing, self.form_error = True, ""

    @rx.event
    def cancel_close(self):
        """Keep it open."""
        self.closing, self.form_error = False, ""

    @rx.event
    @guarded
    async def close_conversation(self, form: dict):
        """Close with the resolution written."""
        user = await self._user()
        with self._session(user) as session:
            inbox.close(session, actor=user.actor, conversation_id=self.selected_id, resolution=form.get("resolution", ""))
        self.closing = False
        await self._refresh()
        return rx.toast.success(t("inbox.closed"), id="toast-saved")

    @rx.event
    @guarded
    async def reopen(self):
        """Open a closed conversation again."""
        user = await self._user()
        with self._session(user) as session:
            inbox.reopen(session, actor=user.actor, conversation_id=self.selected_id)
        await self._refresh()
        return rx.toast.success(t("inbox.reopened"), id="toast-saved")
