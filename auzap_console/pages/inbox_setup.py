"""Queues and quick replies: how the team splits the conversations, and the answers it types with "/".

Managers and owners edit both; a queue's keywords route the AI's hand-offs to it, and its members
share them round-robin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from auzap_console.components.common import confirm_delete, empty_state, form_dialog, page_header
from auzap_console.components.common import field as labelled
from auzap_console.i18n import t
from auzap_console.services import assignment, queues, quick_replies
from auzap_console.state import Option, ProtectedState, guarded
from auzap_console.template import template


@dataclass
class QueueRow:
    """A queue as its card shows it and the form edits it (id 0: a new one)."""

    id: int = 0
    name: str = ""
    keywords: str = ""
    members: list[str] = field(default_factory=list)  # user ids
    member_names: str = ""
    is_default: bool = False


@dataclass
class ReplyRow:
    """A quick reply (id 0: a new one)."""

    id: int = 0
    shortcut: str = ""
    body: str = ""


class InboxSetupState(ProtectedState):
    """Queues, quick replies, and their two forms."""

    loaded: bool = False
    queue_rows: list[QueueRow] = []
    reply_rows: list[ReplyRow] = []
    people: list[Option] = []
    queue_form: QueueRow = QueueRow()
    reply_form: ReplyRow = ReplyRow()
    queue_dialog: bool = False
    reply_dialog: bool = False
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return self.queue_dialog or self.reply_dialog

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            names = {u.id: u.name for u in assignment.people(session, actor=user.actor)}
            self.people = [Option(str(k), v) for k, v in names.items()]
            self.queue_rows = [
                QueueRow(
                    id=q.id,
                    name=q.name,
                    keywords=", ".join(q.keywords or []),
                    members=[str(m) for m in q.member_ids or []],
                    member_names=", ".join(names[m] for m in q.member_ids or [] if m in names) or t("setup.everyone"),
                    is_default=q.is_default,
                )
                for q in queues.list_queues(session, actor=user.actor)
            ]
            self.reply_rows = [ReplyRow(r.id, r.shortcut, r.body) for r in quick_replies.list_replies(session, actor=user.actor)]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load."""
        await self._refresh()

    @rx.event
    def close(self):
        """Close either form."""
        self.queue_dialog = self.reply_dialog = False
        self.form_error = ""

    @rx.event
    def open_queue(self, queue_id: int):
        """The queue form (0: a new queue)."""
        self.queue_form = next((q for q in self.queue_rows if q.id == int(queue_id)), QueueRow())
        self.queue_dialog, self.form_error = True, ""

    @rx.event
    def open_reply(self, reply_id: int):
        """The quick reply form (0: a new one)."""
        self.reply_form = next((r for r in self.reply_rows if r.id == int(reply_id)), ReplyRow())
        self.reply_dialog, self.form_error = True, ""

    @rx.event
    @guarded(busy="saving")
    async def save_queue(self, form: dict):
        """Store the queue form."""
        user = await self._user("manager")
        with self._session(user) as session:
            queues.save_queue(
                session,
                actor=user.actor,
                queue_id=self.queue_form.id or None,
                name=form.get("queue-name", ""),
                keywords=(form.get("keywords") or "").split(","),
                member_ids=[int(p.value) for p in self.people if form.get(f"member-{p.value}")],
                is_default=bool(form.get("is-default")),
            )
        self.queue_dialog = False
        await self._refresh()
        return rx.toast.success(t("setup.queue_saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete_queue(self, queue_id: int):
        """Remove a queue; its conversations stay."""
        user = await self._user("manager")
        with self._session(user) as session:
            queues.delete_queue(session, actor=user.actor, queue_id=int(queue_id))
        await self._refresh()
        return rx.toast.success(t("setup.queue_deleted"), id="toast-saved")

    @rx.event
    @guarded(busy="saving")
    async def save_reply(self, form: dict):
        """Store the quick reply form."""
        user = await self._user("manager")
        with self._session(user) as session:
            quick_replies.save_reply(
                session,
                actor=user.actor,
                reply_id=self.reply_form.id or None,
                shortcut=form.get("quick-shortcut", ""),
                body=form.get("quick-body", ""),
            )
        self.reply_dialog = False
        await self._refresh()
        return rx.toast.success(t("setup.reply_saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete_reply(self, reply_id: int):
        """Remove a quick reply."""
        user = await self._user("manager")
        with self._session(user) as session:
            quick_replies.delete_reply(session, actor=user.actor, reply_id=int(reply_id))
        await self._refresh()
        return rx.toast.success(t("setup.reply_deleted"), id="toast-saved")


def _queue_card(q: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(q.name, weight="bold"),
                    rx.cond(q.is_default, rx.badge(t("setup.default"), variant="soft")),
                    align="center",
                ),
                rx.cond(q.keywords != "", rx.text(t("setup.keywords"), ": ", q.keywords, size="1", color_scheme="gray")),
                rx.hstack(rx.icon("users", size=12), rx.text(q.member_names, size="1"), spacing="1", align="center"),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.icon_button(
                rx.icon("pencil", size=16), size="2", variant="ghost", on_click=InboxSetupState.open_queue(q.id), aria_label=t("setup.edit")
            ),
            confirm_delete(
                rx.icon_button(rx.icon("trash-2", size=16), size="2", variant="ghost", color_scheme="red", aria_label=t("common.delete")),
                t("common.delete") + " " + q.name.to(str) + "?",
                on_confirm=InboxSetupState.delete_queue(q.id),
            ),
            align="start",
            width="100%",
        ),
        class_name="queue-card",
        width="100%",
    )


def _reply_card(r: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.code("/" + r.shortcut.to(str)),
                rx.text(r.body, size="2", white_space="pre-wrap"),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.icon_button(
                rx.icon("pencil", size=16), size="2", variant="ghost", on_click=InboxSetupState.open_reply(r.id), aria_label=t("setup.edit")
            ),
            confirm_delete(
                rx.icon_button(rx.icon("trash-2", size=16), size="2", variant="ghost", color_scheme="red", aria_label=t("common.delete")),
                t("common.delete") + " /" + r.shortcut.to(str) + "?",
                on_confirm=InboxSetupState.delete_reply(r.id),
            ),
            align="start",
            width="100%",
        ),
        class_name="reply-card",
        width="100%",
    )


def _queue_dialog() -> rx.Component:
    f = InboxSetupState.queue_form
    return form_dialog(
        rx.cond(f.id != 0, t("setup.edit_queue"), t("setup.new_queue")),
        labelled(t("queue.name"), rx.input(name="queue-name", default_value=f.name, id="queue-name", max_length=60, width="100%")),
        labelled(
            t("setup.keywords"),
            rx.input(name="keywords", default_value=f.keywords, id="queue-keywords", width="100%"),
            t("setup.keywords_hint"),
        ),
        labelled(
            t("setup.members"),
            rx.flex(
                rx.foreach(
                    InboxSetupState.people,
                    lambda p: rx.checkbox(p.label, name="member-" + p.value.to(str), default_checked=f.members.contains(p.value)),
                ),
                wrap="wrap",
                column_gap="1.25em",
                row_gap="0.5em",
            ),
            t("setup.members_hint"),
        ),
        rx.checkbox(t("setup.default_hint"), name="is-default", default_checked=f.is_default, id="queue-default"),
        open=InboxSetupState.queue_dialog,
        on_submit=InboxSetupState.save_queue,
        on_close=InboxSetupState.close,
        error=InboxSetupState.form_error,
        saving=InboxSetupState.saving,
        submit_id="queue-save",
    )


def _reply_dialog() -> rx.Component:
    f = InboxSetupState.reply_form
    return form_dialog(
        rx.cond(f.id != 0, t("setup.edit_reply"), t("setup.new_reply")),
        labelled(
            t("setup.shortcut"),
            rx.input(name="quick-shortcut", default_value=f.shortcut, id="quick-shortcut", placeholder="preco-banho", width="100%"),
        ),
        labelled(
            t("quick.body"),
            rx.text_area(name="quick-body", default_value=f.body, id="quick-body", max_length=2000, width="100%", rows="5"),
            t("setup.variables_hint"),
        ),
        open=InboxSetupState.reply_dialog,
        on_submit=InboxSetupState.save_reply,
        on_close=InboxSetupState.close,
        error=InboxSetupState.form_error,
        saving=InboxSetupState.saving,
        submit_id="quick-save",
    )


def _section(title: str, hint: str, button_id: str, on_new, rows: rx.Var, card, empty: str, empty_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="4"),
                rx.spacer(),
                rx.button(rx.icon("plus", size=14), t("setup.new"), size="2", on_click=on_new, id=button_id),
                width="100%",
                align="center",
            ),
            rx.text(hint, size="2", color_scheme="gray"),
            rx.cond(
                rows.length() > 0,
                rx.vstack(rx.foreach(rows, card), spacing="2", width="100%"),
                empty_state(empty, "inbox", state_id=empty_id),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@template("/inbox-setup", t("nav.inbox_setup"), "list-ordered", role="manager", order=16, on_load=InboxSetupState.load)
def inbox_setup_page() -> rx.Component:
    """Queues and quick replies."""
    s = InboxSetupState
    return rx.vstack(
        page_header(t("setup.title")),
        rx.cond(
            s.loaded,
            rx.grid(
                _section(
                    t("setup.queues"),
                    t("setup.queues_hint"),
                    "queue-new",
                    s.open_queue(0),
                    s.queue_rows,
                    _queue_card,
                    t("setup.no_queues"),
                    "queues-empty",
                ),
                _section(
                    t("setup.replies"),
                    t("setup.replies_hint"),
                    "quick-new",
                    s.open_reply(0),
                    s.reply_rows,
                    _reply_card,
                    t("setup.no_replies"),
                    "replies-empty",
                ),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(), padding="3em", width="100%"),
        ),
        _queue_dialog(),
        _reply_dialog(),
        width="100%",
    )
