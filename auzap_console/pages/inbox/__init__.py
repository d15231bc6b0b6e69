"""Inbox: the conversations with their filters, and the open thread where the team works.

Filters: status, responsible person, queue, label, persona and words.
`state` holds the list, the thread and the team's actions; `thread` draws the open
conversation; this module lays out the page.
"""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import empty_state, master_detail, option_select, page_header, pager
from auzap_console.i18n import t
from auzap_console.pages.inbox.state import ALL, InboxState
from auzap_console.pages.inbox.thread import thread_panel
from auzap_console.services import inbox
from auzap_console.template import template

__all__ = ["InboxState", "inbox_page"]


def _row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, weight="bold", size="2"),
                    rx.cond(row.waiting, rx.badge(t("inbox.waiting"), color_scheme="red", size="1")),
                    rx.cond(row.paused & ~row.closed, rx.badge(t("inbox.human"), color_scheme="amber", size="1")),
                    rx.cond(row.closed, rx.badge(t("inbox.closed_badge"), color_scheme="gray", size="1")),
                    rx.cond(row.test, rx.badge(t("inbox.test_badge"), color_scheme="gray", size="1")),
                    wrap="wrap",
                ),
                rx.text(row.preview, size="1", color_scheme="gray", max_width="100%", class_name="ellipsis"),
                rx.hstack(
                    rx.text(row.persona, size="1", color_scheme="teal"),
                    rx.cond(
                        row.assignee != "",
                        rx.hstack(rx.icon("user-check", size=12), rx.text(row.assignee, size="1"), spacing="1", align="center"),
                    ),
                    rx.foreach(row.labels, lambda label: rx.badge(label, variant="outline", size="1")),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
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


def _filters() -> rx.Component:
    s = InboxState
    return rx.vstack(
        rx.hstack(
            rx.box(
                rx.segmented_control.root(
                    *[rx.segmented_control.item(t(f"inbox.filter.{f}"), value=f) for f in inbox.FILTERS],
                    value=s.status,
                    on_change=s.set_filter,
                    id="inbox-filter",
                    size="1",
                ),
                display=rx.breakpoints(initial="none", md="block"),
                max_width="100%",
                overflow_x="auto",
            ),
            rx.box(  # phones: every filter in a select instead of a row that shows two of seven
                rx.select.root(
                    rx.select.trigger(id="inbox-filter-mobile", width="100%"),
                    rx.select.content(*[rx.select.item(t(f"inbox.filter.{f}"), value=f) for f in inbox.FILTERS]),
                    value=s.status,
                    on_change=s.set_filter,
                ),
                display=rx.breakpoints(initial="block", md="none"),
            ),
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                placeholder=t("inbox.search"),
                on_change=s.search_changed.debounce(350),
                width="100%",
                max_width="360px",
                id="inbox-search",
            ),
            width="100%",
            wrap="wrap",
        ),
        rx.hstack(
            option_select(s.assignee_options, s.assignee, s.set_assignee, select_id="inbox-assignee"),
            rx.cond(s.queue_options.length() > 1, option_select(s.queue_options, s.queue, s.set_queue, select_id="inbox-queue")),
            rx.cond(s.label_options.length() > 1, option_select(s.label_options, s.label, s.set_label, select_id="inbox-label")),
            option_select(s.persona_options, rx.cond(s.persona == "", ALL, s.persona), s.set_persona, select_id="inbox-persona"),
            width="100%",
            wrap="wrap",
        ),
        width="100%",
        spacing="2",
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
        _filters(),
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
                        rx.cond(
                            InboxState.narrowed,
                            empty_state(InboxState.no_match, "search-x", state_id="inbox-empty"),
                            empty_state(t("inbox.empty"), "inbox", state_id="inbox-empty"),
                        ),
                    ),
                ),
                width="100%",
            ),
            thread_panel(),
            selected=InboxState.selected_id > 0,
            on_back=InboxState.close_thread,
        ),
        width="100%",
    )
