"""The open conversation: its header, the messages, and the reply box.

The header takes over, gives it to someone or a queue, labels and closes it; the team's private
notes show in yellow; the reply box offers quick replies ("/") and a private-note mode.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var
from reflex_components_core.core.upload import uploaded_files_url_prefix

from auzap_console.auth_routes import MEDIA_PATH
from auzap_console.components.common import empty_state, field, form_error, option_select
from auzap_console.i18n import t
from auzap_console.pages.inbox.state import InboxState

# The backend's origin in the browser (where /media/{id} is served: the same host in production).
BACKEND = Var(_js_expr=f"{uploaded_files_url_prefix._js_expr}.origin", _var_data=uploaded_files_url_prefix._get_all_var_data()).to(str)


def _note(m: rx.Var) -> rx.Component:
    return rx.center(
        rx.badge(rx.icon("info", size=12), m.text, variant="soft", color_scheme="gray", size="1", white_space="normal"),
        width="100%",
        class_name="thread-note",
    )


def _private(m: rx.Var) -> rx.Component:
    """A note a person left for the team: never sent to the customer nor read by the AI."""
    return rx.center(
        rx.box(
            rx.hstack(
                rx.icon("lock", size=12),
                rx.text(t("inbox.note_mode"), " · ", m.author, size="1", weight="bold"),
                spacing="1",
                align="center",
            ),
            rx.text(m.text, white_space="pre-wrap", size="2"),
            rx.text(m.when, size="1", color_scheme="gray"),
            background="var(--amber-3)",
            border="1px dashed var(--amber-8)",
            padding="0.4em 0.75em",
            border_radius="8px",
            max_width="85%",
        ),
        width="100%",
        class_name="private-note",
    )


def _bubble(m: rx.Var) -> rx.Component:
    return rx.cond(m.private, _private(m), rx.cond(m.note, _note(m), _message_bubble(m)))


def _media_src(m: rx.Var) -> rx.Var:
    return BACKEND + MEDIA_PATH + "/" + m.id.to_string()


def _media(m: rx.Var) -> rx.Component:
    """A photo (click for the full size), an audio player with its transcript, a video, a file link, a map link."""
    ready = rx.match(
        m.media_kind,
        (
            "image",
            rx.link(
                rx.image(src=_media_src(m), max_width="220px", max_height="220px", border_radius="6px", class_name="media-image"),
                href=_media_src(m),
                is_external=True,
            ),
        ),
        ("sticker", rx.image(src=_media_src(m), width="96px", height="96px", class_name="media-sticker")),
        (
            "audio",
            rx.vstack(
                rx.el.audio(src=_media_src(m), controls=True, preload="none", class_name="media-audio", style={"maxWidth": "240px"}),
                rx.cond(m.transcript != "", rx.text("“", m.transcript, "”", size="1", color_scheme="gray", class_name="media-transcript")),
                spacing="1",
            ),
        ),
        ("video", rx.el.video(src=_media_src(m), controls=True, preload="none", class_name="media-video", style={"maxWidth": "240px"})),
        rx.link(rx.icon("file-text", size=14), " ", m.media_name, href=_media_src(m), is_external=True, class_name="media-file"),
    )
    return rx.cond(
        m.media_kind == "location",
        rx.link(rx.icon("map-pin", size=14), " ", m.media_name, href=m.map_url, is_external=True, class_name="media-location"),
        rx.cond(
            m.media_ready,
            ready,
            rx.hstack(rx.icon("paperclip", size=14), rx.text(m.media_name, " · ", m.media_note, size="1"), class_name="media-note"),
        ),
    )


def _message_bubble(m: rx.Var) -> rx.Component:
    mine = m.mine
    return rx.hstack(
        rx.box(
            rx.cond(m.sender != "", rx.text(m.sender, size="1", weight="bold", color_scheme="teal")),
            rx.cond(m.media_kind != "", _media(m)),
            rx.cond(m.text != "", rx.text(m.text, white_space="pre-wrap", size="2")),
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


def _labels_editor() -> rx.Component:
    h = InboxState.header
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(rx.icon("tag", size=14), t("inbox.labels"), size="1", variant="soft", color_scheme="gray", id="labels-open")
        ),
        rx.popover.content(
            rx.form(
                rx.vstack(
                    field(
                        t("inbox.labels"),
                        rx.input(name="labels", default_value=h.labels_text, id="labels-input", width="100%", max_length=340),
                        t("inbox.labels_hint"),
                    ),
                    form_error(InboxState.form_error),
                    rx.popover.close(rx.button(t("common.save"), type="submit", size="1", id="labels-save")),
                    spacing="2",
                    width="260px",
                ),
                on_submit=InboxState.save_labels,
                reset_on_submit=False,
            ),
        ),
    )


def _close_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("inbox.close_title")),
            rx.form(
                rx.vstack(
                    field(
                        t("inbox.resolution"),
                        rx.input(
                            name="resolution", placeholder=t("inbox.resolution_hint"), id="close-resolution", max_length=300, width="100%"
                        ),
                    ),
                    form_error(InboxState.form_error),
                    rx.hstack(
                        rx.button(t("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=InboxState.cancel_close),
                        rx.button(t("inbox.close"), type="submit", id="close-confirm"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=InboxState.close_conversation,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=InboxState.closing,
        on_open_change=InboxState.cancel_close,
    )


def _header() -> rx.Component:
    h = InboxState.header
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(h.name, size="4", id="thread-name"),
                rx.text(h.phone, " · ", h.persona, size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.spacer(),
            rx.cond(
                h.closed,
                rx.button(rx.icon("rotate-ccw", size=16), t("inbox.reopen"), on_click=InboxState.reopen, variant="soft", id="reopen"),
                rx.hstack(
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
                    rx.button(
                        rx.icon("circle-check", size=16),
                        t("inbox.close"),
                        on_click=InboxState.ask_close,
                        variant="soft",
                        color_scheme="gray",
                        id="close-open",
                    ),
                    spacing="2",
                ),
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.hstack(
                rx.icon("user-check", size=14, color="var(--gray-10)"),
                option_select(
                    InboxState.people, h.assignee, InboxState.assign, select_id="assign-select", label=t("inbox.assignee"), size="1"
                ),
                align="center",
                spacing="1",
            ),
            rx.hstack(
                rx.icon("list-ordered", size=14, color="var(--gray-10)"),
                option_select(
                    InboxState.queue_choices, h.queue, InboxState.move_queue, select_id="queue-select", label=t("inbox.queue"), size="1"
                ),
                align="center",
                spacing="1",
            ),
            _labels_editor(),
            rx.foreach(h.labels, lambda label: rx.badge(label, variant="outline", size="1", class_name="thread-label")),
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.cond(
            h.closed,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check")),
                rx.callout.text(t("inbox.closed_badge"), ": ", h.resolution),
                size="1",
                width="100%",
                id="closed-callout",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _reply_box() -> rx.Component:
    s = InboxState
    return rx.vstack(
        rx.cond(
            s.quick.length() > 0,
            rx.vstack(
                rx.foreach(
                    s.quick,
                    lambda o: rx.button(
                        rx.text(o.shortcut, weight="bold", white_space="nowrap"),
                        rx.text(o.body, class_name="ellipsis", color_scheme="gray"),  # one line, cut at the edge, never mid-box
                        type="button",
                        variant="ghost",
                        size="1",
                        on_click=s.use_quick(o.id),
                        class_name="quick-reply",
                        width="100%",
                        justify="start",
                        min_width="0",
                    ),
                ),
                spacing="0",
                width="100%",
                border="1px solid var(--gray-5)",
                border_radius="8px",
                padding="4px",
                id="quick-replies",
            ),
        ),
        rx.form(
            rx.hstack(
                rx.upload.root(
                    rx.icon_button(
                        rx.icon("paperclip", size=16),
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        aria_label=t("inbox.attach"),
                        title=t("inbox.attach"),
                        loading=s.sending,
                    ),
                    id="reply-file",
                    max_files=1,
                    multiple=False,
                    no_drag=True,
                    accept={
                        "image/jpeg": [".jpg", ".jpeg"],
                        "image/png": [".png"],
                        "image/webp": [".webp"],
                        "application/pdf": [".pdf"],
                        "video/mp4": [".mp4"],
                        "audio/ogg": [".ogg", ".oga"],
                        "audio/mpeg": [".mp3"],
                    },
                    on_drop=s.send_file(rx.upload_files(upload_id="reply-file")),
                    class_name="reply-attach",
                ),
                rx.input(
                    name="text",
                    placeholder=rx.cond(s.note_mode, t("inbox.note_placeholder"), t("inbox.reply_placeholder")),
                    width="100%",
                    id="reply-input",
                    auto_complete="off",
                    on_change=s.typed.debounce(150),
                    background=rx.cond(s.note_mode, "var(--amber-2)", "transparent"),
                ),
                rx.button(
                    rx.cond(s.note_mode, rx.icon("lock", size=16), rx.icon("send", size=16)),
                    rx.cond(s.note_mode, t("inbox.note_mode"), t("pg.send")),
                    type="submit",
                    id="reply-send",
                    loading=s.sending,
                    disabled=s.sending,
                    color_scheme=rx.cond(s.note_mode, "amber", "teal"),
                ),
                width="100%",
            ),
            on_submit=s.reply,
            reset_on_submit=True,
            width="100%",
        ),
        rx.hstack(
            rx.switch(checked=s.note_mode, on_change=s.set_note_mode, id="note-mode", size="1"),
            rx.text(t("inbox.note_mode"), size="1"),
            rx.text("·", size="1", color_scheme="gray"),
            rx.text(t("inbox.quick_hint"), size="1", color_scheme="gray"),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )


def thread_panel() -> rx.Component:
    """The open conversation, or a hint to pick one."""
    h = InboxState.header
    return rx.card(
        rx.cond(
            InboxState.selected_id > 0,
            rx.vstack(
                _header(),
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
                _reply_box(),
                rx.cond(~h.has_channel, rx.text(t("inbox.no_channel"), size="1", color_scheme="gray")),
                _close_dialog(),
                spacing="3",
                width="100%",
            ),
            empty_state(t("inbox.select"), "messages-square", state_id="thread-empty"),
        ),
        width="100%",
    )
