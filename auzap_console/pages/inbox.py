"""Inbox: conversations with filters and unread counts, and a live thread.

A person can take over (the AI pauses), reply through the conversation's channel, and hand
the conversation back to the AI.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import empty_state, master_detail, page_header, pager
from auzap_console.i18n import count, local_datetime, t
from auzap_console.phones import format_phone
from auzap_console.plugin import manager
from auzap_console.services import inbox, usage
from auzap_console.services.context import ServiceError
from auzap_console.state import LoginRequired, Option, PagedListMixin, ProtectedState, guarded
from auzap_console.template import template

PER_PAGE = 20
POLL_SECONDS = 3
TICKS = {"queued": "🕓", "sent": "✓", "delivered": "✓✓", "read": "✓✓", "failed": "⚠"}
SENDER_LABELS = {"customer": "", "ai": "IA", "human": "Equipe", "system": "Sistema"}


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


@dataclass
class ThreadHeader:
    """Who the open conversation is with, and its state."""

    name: str = ""
    phone: str = ""
    persona: str = ""
    paused: bool = False
    waiting: bool = False
    has_channel: bool = False


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


def _message_row(m, tools: list, tz: str) -> MessageRow:
    failure = _failure(m)
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
        note=m.direction == "note",
    )


class InboxState(PagedListMixin, ProtectedState):
    """Conversation list, the open thread, and the live refresh."""

    sending: bool = False
    status: str = "open"
    persona: str = ""
    loaded: bool = False
    rows: list[ConversationRow] = []
    selected_id: int = 0
    header: ThreadHeader = ThreadHeader()
    messages: list[MessageRow] = []
    watching: bool = False
    persona_options: list[Option] = []
    form_error: str = ""
    budget_notice: str = ""

    @rx.var
    def summary(self) -> str:
        """'Page X of Y · N conversations'."""
        return t("inbox.page", page=self.page, pages=self.pages, total=count(self.total, "conversa", "conversas"))

    async def _refresh(self) -> None:
        user = await self._user()
        with self._session(user) as session:
            if self.selected_id:
                inbox.mark_read(session, actor=user.actor, conversation_id=self.selected_id)
                session.flush()
            result = inbox.list_conversations(
                session, actor=user.actor, status=self.status, persona=self.persona, search=self.search, page=self.page, per_page=PER_PAGE
            )
            titles = {name: p.title for name, p in manager.personas().items()}
            self.persona_options = [Option("all", t("inbox.all_personas"))] + [Option(name, title) for name, title in titles.items()]
            self.total, self.pages = result.total, result.pages
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
                    when=local_datetime(c.last_message_at, user.timezone)[-5:] if c.last_message_at else "",
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
                )
                self.messages = [_message_row(m, tools.get(m.id, []), user.timezone) for m in messages]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load: first page, then keep it live."""
        self.page, self.selected_id, self.header, self.messages = 1, 0, ThreadHeader(), []
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
        """Refresh the list and the open thread every few seconds while the inbox is open."""
        async with self:
            if self.watching:
                return
            self.watching = True
        try:
            for _ in range(3600 // POLL_SECONDS):
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if not self.router.page.path.startswith("/inbox"):
                        break
                    try:
                        await self._refresh()
                    except LoginRequired:
                        break
        finally:
            async with self:
                self.watching = False

    @rx.event
    @guarded
    async def set_filter(self, value: str | list[str]):
        """Open / waiting / unread / paused / all."""
        value = value[0] if isinstance(value, list) and value else value
        self.status, self.page = value if value in inbox.FILTERS else "open", 1
        await self._refresh()

    @rx.event
    @guarded
    async def set_persona(self, value: str):
        """Only conversations answered by one persona ("all" for every one)."""
        self.persona, self.page = "" if value == "all" else value, 1
        await self._refresh()

    @rx.event
    @guarded
    async def open(self, conversation_id: int):
        """Show one conversation (and mark it read)."""
        previous, self.selected_id = self.selected_id, int(conversation_id)
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
    @guarded(busy="sending")
    async def reply(self, form: dict):
        """Send a human reply through the conversation's channel."""
        user = await self._user()
        with self._session(user) as session:
            inbox.reply_as_human(session, actor=user.actor, conversation_id=self.selected_id, text=form.get("text", ""))
        self.form_error = ""
        await self._refresh()


def _row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, weight="bold", size="2"),
                    rx.cond(row.waiting, rx.badge(t("inbox.waiting"), color_scheme="red", size="1")),
                    rx.cond(row.paused, rx.badge(t("inbox.human"), color_scheme="amber", size="1")),
                    rx.cond(row.test, rx.badge(t("inbox.test_badge"), color_scheme="gray", size="1")),
                    wrap="wrap",
                ),
                rx.text(row.preview, size="1", color_scheme="gray", trim="both", max_width="100%"),
                rx.text(row.persona, size="1", color_scheme="teal"),
                spacing="0",
                width="100%",
                min_width="0",
            ),
            rx.vstack(
                rx.text(row.when, size="1", color_scheme="gray"),
                rx.cond(row.unread > 0, rx.badge(row.unread, variant="solid", radius="full", class_name="unread-badge")),
                align="end",
            ),
            width="100%",
        ),
        on_click=InboxState.open(row.id),
        padding="0.6em",
        border_radius="8px",
        cursor="pointer",
        background=rx.cond(InboxState.selected_id == row.id, "var(--teal-3)", "transparent"),
        _hover={"background": "var(--gray-3)"},
        class_name="conversation-row",
        width="100%",
    )


def _note(m: rx.Var) -> rx.Component:
    return rx.center(
        rx.badge(rx.icon("info", size=12), m.text, variant="soft", color_scheme="gray", size="1", white_space="normal"),
        width="100%",
        class_name="thread-note",
    )


def _bubble(m: rx.Var) -> rx.Component:
    return rx.cond(m.note, _note(m), _message_bubble(m))


def _message_bubble(m: rx.Var) -> rx.Component:
    mine = m.mine
    return rx.hstack(
        rx.box(
            rx.cond(m.sender != "", rx.text(m.sender, size="1", weight="bold", color_scheme="teal")),
            rx.text(m.text, white_space="pre-wrap", size="2"),
            rx.cond(
                m.tools != "",
                rx.badge(rx.icon("sparkles", size=12), m.tools, variant="soft", color_scheme="gray", size="1", class_name="tool-calls"),
            ),
            rx.cond(
                m.failed != "",
                rx.hstack(
                    rx.badge(rx.icon("triangle-alert", size=12), m.failed, color_scheme="red", size="1", class_name="failed-badge"),
                    rx.button(
                        rx.icon("rotate-ccw", size=12),
                        t("inbox.retry"),
                        size="1",
                        variant="soft",
                        on_click=InboxState.retry(m.id),
                        class_name="retry-button",
                    ),
                    wrap="wrap",
                    spacing="2",
                    padding_top="4px",
                ),
            ),
            rx.hstack(
                rx.text(m.when, size="1", color_scheme="gray"),
                rx.text(m.ticks, size="1", color=rx.cond(m.read, "#34b7f1", "var(--gray-9)"), class_name="ticks"),
                justify="end",
                width="100%",
            ),
            background=rx.cond(mine, "#dcf8c6", "white"),
            padding="0.5em 0.75em",
            border_radius="10px",
            max_width="80%",
            box_shadow="0 1px 1px rgba(0,0,0,0.08)",
            class_name=rx.cond(mine, "bubble-out", "bubble-in"),
        ),
        justify=rx.cond(mine, "end", "start"),
        width="100%",
    )


def _thread() -> rx.Component:
    h = InboxState.header
    return rx.card(
        rx.cond(
            InboxState.selected_id > 0,
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.heading(h.name, size="4", id="thread-name"),
                        rx.text(h.phone, " · ", h.persona, size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                    rx.spacer(),
                    rx.cond(
                        h.paused,
                        rx.button(
                            rx.icon("bot", size=16), t("inbox.hand_back"), on_click=InboxState.hand_back, variant="soft", id="hand-back"
                        ),
                        rx.button(
                            rx.icon("hand", size=16),
                            t("inbox.take_over"),
                            on_click=InboxState.take_over,
                            color_scheme="amber",
                            id="take-over",
                        ),
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(h.waiting, rx.callout(t("inbox.waiting_hint"), icon="bell-ring", color_scheme="red", size="1", width="100%")),
                rx.vstack(
                    rx.foreach(InboxState.messages, _bubble),
                    spacing="2",
                    width="100%",
                    padding="0.5em",
                    background="#efeae2 url('/chat-background.svg') repeat",
                    border_radius="8px",
                    min_height="300px",
                    max_height="55vh",
                    overflow_y="auto",
                    id="thread",
                ),
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="text", placeholder=t("inbox.reply_placeholder"), width="100%", id="reply-input", auto_complete="off"
                        ),
                        rx.button(
                            rx.icon("send", size=16),
                            t("pg.send"),
                            type="submit",
                            id="reply-send",
                            loading=InboxState.sending,
                            disabled=InboxState.sending,
                        ),
                        width="100%",
                    ),
                    on_submit=InboxState.reply,
                    reset_on_submit=True,
                    width="100%",
                ),
                rx.cond(~h.has_channel, rx.text(t("inbox.no_channel"), size="1", color_scheme="gray")),
                spacing="3",
                width="100%",
            ),
            empty_state(t("inbox.select"), "messages-square", state_id="thread-empty"),
        ),
        width="100%",
    )


@template("/inbox", t("nav.inbox"), "messages-square", order=15, on_load=InboxState.load)
def inbox_page() -> rx.Component:
    """The inbox."""
    return rx.vstack(
        page_header(t("inbox.title")),
        rx.cond(
            InboxState.budget_notice != "",
            rx.callout(InboxState.budget_notice, icon="octagon-pause", color_scheme="red", width="100%", id="budget-notice"),
        ),
        rx.hstack(
            rx.box(
                rx.segmented_control.root(
                    *[rx.segmented_control.item(t(f"inbox.filter.{f}"), value=f) for f in inbox.FILTERS],
                    value=InboxState.status,
                    on_change=InboxState.set_filter,
                    id="inbox-filter",
                    size="1",
                ),
                display=rx.breakpoints(initial="none", md="block"),
                max_width="100%",
                overflow_x="auto",
            ),
            rx.box(  # phones: every filter in a select instead of a row that shows two of five
                rx.select.root(
                    rx.select.trigger(id="inbox-filter-mobile", width="100%"),
                    rx.select.content(*[rx.select.item(t(f"inbox.filter.{f}"), value=f) for f in inbox.FILTERS]),
                    value=InboxState.status,
                    on_change=InboxState.set_filter,
                ),
                display=rx.breakpoints(initial="block", md="none"),
            ),
            rx.select.root(
                rx.select.trigger(id="inbox-persona"),
                rx.select.content(rx.foreach(InboxState.persona_options, lambda p: rx.select.item(p.label, value=p.value))),
                value=rx.cond(InboxState.persona == "", "all", InboxState.persona),
                on_change=InboxState.set_persona,
            ),
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                placeholder=t("inbox.search"),
                on_change=InboxState.search_changed.debounce(350),
                width="100%",
                id="inbox-search",
            ),
            width="100%",
            wrap="wrap",
        ),
        master_detail(
            rx.card(
                rx.cond(
                    ~InboxState.loaded,
                    rx.center(rx.spinner(), padding="3em"),
                    rx.cond(
                        InboxState.total > 0,
                        rx.vstack(
                            rx.vstack(rx.foreach(InboxState.rows, _row), spacing="1", width="100%", id="conversation-list"),
                            pager(InboxState.page, InboxState.pages, InboxState.summary, InboxState.prev_page, InboxState.next_page),
                            width="100%",
                        ),
                        empty_state(t("inbox.empty"), "inbox", state_id="inbox-empty"),
                    ),
                ),
                width="100%",
            ),
            _thread(),
            selected=InboxState.selected_id > 0,
            on_back=InboxState.close_thread,
        ),
        width="100%",
    )
