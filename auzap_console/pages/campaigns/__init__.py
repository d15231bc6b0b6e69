"""Campaigns (managers): write, preview, start and follow a message to a saved segment.

The preview renders the message for real customers; a started campaign shows its progress, the
funnel to bookings and each recipient's status.
"""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import empty_state, field, form_error, master_detail, option_select, page_header
from auzap_console.i18n import t
from auzap_console.pages.campaigns.state import CampaignsState
from auzap_console.services.campaigns import DISPLAY_STATUSES, RATE_RANGE
from auzap_console.template import template

S = CampaignsState


def _line(line) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(line.name, weight="medium", trim="both"),
                rx.spacer(),
                rx.badge(line.status_label, color_scheme=line.color, variant="soft"),
                width="100%",
                align="center",
            ),
            rx.cond(
                (line.status != "draft") & (line.status != "cancelled"),
                rx.progress(value=line.percent, max=100, size="1", width="100%"),
            ),
            rx.hstack(
                rx.text(line.reach, size="1", color_scheme="gray"),
                rx.spacer(),
                rx.text(line.when, size="1", color_scheme="gray"),
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        on_click=S.open(line.id),
        cursor="pointer",
        width="100%",
        class_name="campaign-line",
        variant=rx.cond(S.selected_id == line.id, "surface", "classic"),
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.lines.length() > 0,
            rx.vstack(rx.foreach(S.lines, _line), spacing="2", width="100%", id="campaign-list"),
            empty_state(t("camp.none"), "megaphone", state_id="campaigns-empty"),
        ),
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(S.selected_id > 0, t("camp.edit_title"), t("camp.new_title")), size="4"),
            rx.cond(
                S.segment_options.length() == 0,
                rx.callout(
                    rx.hstack(rx.text(t("camp.no_segments")), rx.link(t("camp.go_segments"), href="/segments")),
                    icon="info",
                    size="1",
                    id="campaign-no-segments",
                ),
            ),
            rx.cond(
                S.channel_options.length() == 0,
                rx.callout(
                    rx.hstack(rx.text(t("camp.no_channels")), rx.link(t("camp.go_channels"), href="/channels")),
                    icon="info",
                    size="1",
                ),
            ),
            field(
                t("camp.name"),
                rx.input(
                    value=S.name,
                    on_change=lambda v: S.set_field("name", v),
                    name="campaign-name",
                    id="campaign-name",
                    max_length=80,
                    width="100%",
                ),
            ),
            rx.grid(
                field(
                    t("camp.segment"),
                    option_select(
                        S.segment_options, S.segment_id, lambda v: S.set_field("segment_id", v), select_id="campaign-segment", width="100%"
                    ),
                ),
                field(
                    t("camp.channel"),
                    option_select(
                        S.channel_options, S.channel_id, lambda v: S.set_field("channel_id", v), select_id="campaign-channel", width="100%"
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            field(
                t("camp.message"),
                rx.text_area(
                    value=S.template,
                    on_change=lambda v: S.set_field("template", v),
                    name="campaign-template",
                    id="campaign-template",
                    rows="5",
                    width="100%",
                ),
                t("camp.message_hint"),
            ),
            rx.flex(
                rx.foreach(
                    S.variables,
                    lambda v: rx.button(
                        v.value,
                        title=v.label,
                        size="1",
                        variant="soft",
                        type="button",
                        on_click=S.add_variable(v.value),
                        class_name="var-chip",
                    ),
                ),
                wrap="wrap",
                spacing="1",
            ),
            rx.cond(
                S.is_cloud,
                rx.grid(
                    field(
                        t("camp.cloud_name"),
                        rx.input(value=S.cloud_name, on_change=lambda v: S.set_field("cloud_name", v), name="campaign-cloud-name"),
                        t("camp.cloud_hint"),
                    ),
                    field(t("camp.cloud_language"), rx.input(value=S.cloud_language, on_change=lambda v: S.set_field("cloud_language", v))),
                    field(
                        t("camp.cloud_params"),
                        rx.input(value=S.cloud_params, on_change=lambda v: S.set_field("cloud_params", v), name="campaign-cloud-params"),
                    ),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.grid(
                field(
                    t("camp.rate"),
                    rx.input(
                        value=S.rate,
                        on_change=lambda v: S.set_field("rate", v),
                        type="number",
                        min=RATE_RANGE[0],
                        max=RATE_RANGE[1],
                        name="campaign-rate",
                        id="campaign-rate",
                    ),
                    t("camp.rate_hint"),
                ),
                field(
                    t("camp.when"),
                    rx.input(
                        value=S.when,
                        on_change=lambda v: S.set_field("when", v),
                        type="datetime-local",
                        name="campaign-when",
                        id="campaign-when",
                        width="100%",
                        min_width="0",  # the browser's date widget is wider than half the card
                    ),
                    t("camp.when_hint"),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            form_error(S.form_error),
            rx.flex(
                rx.button(rx.icon("eye", size=16), t("camp.preview"), variant="soft", on_click=S.preview, id="campaign-preview"),
                rx.button(t("camp.save"), variant="outline", on_click=S.save, loading=S.saving, id="campaign-save"),
                rx.button(rx.icon("send", size=16), t("camp.start"), on_click=S.start, loading=S.starting, id="campaign-start"),
                rx.cond(
                    S.selected_id > 0,
                    rx.button(t("camp.delete"), variant="ghost", color_scheme="red", on_click=S.delete, id="campaign-delete"),
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                S.preview_lines.length() > 0,
                rx.vstack(
                    rx.heading(t("camp.preview_title"), size="3"),
                    rx.foreach(
                        S.preview_lines,
                        lambda p: rx.box(
                            rx.text(p.name, size="1", weight="bold", color_scheme="gray"),
                            rx.text(p.text, size="2", white_space="pre-wrap"),
                            background="var(--green-3)",
                            border_radius="8px",
                            padding="0.6em 0.8em",
                            width="100%",
                            class_name="preview-bubble",
                        ),
                    ),
                    spacing="2",
                    width="100%",
                    id="campaign-preview-list",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _funnel_step(step) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(step.label, size="1", color_scheme="gray"), rx.heading(step.value, size="5"), spacing="1"),
        id="funnel-" + step.key,
    )


def _recipient(line) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(line.name, size="2", weight="medium"),
            rx.text(line.phone, size="1", color_scheme="gray"),
            rx.cond(line.detail != "", rx.text(line.detail, size="1", color_scheme="red")),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.badge(line.status_label, color_scheme=line.color, variant="soft"),
        width="100%",
        align="center",
        class_name="recipient-line",
        padding_y="0.35em",
        border_bottom="1px solid var(--gray-4)",
    )


def _detail() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(S.name, size="4"),
                rx.spacer(),
                rx.badge(S.status_label, size="2", id="campaign-status"),
                width="100%",
                align="center",
            ),
            rx.text(S.started_label, size="1", color_scheme="gray"),
            rx.progress(value=S.percent, max=100, width="100%", id="campaign-progress"),
            rx.text(S.done_label, size="2", id="campaign-done"),
            rx.grid(rx.foreach(S.funnel, _funnel_step), columns=rx.breakpoints(initial="2", sm="3"), spacing="2", width="100%"),
            rx.hstack(
                rx.text(t("camp.revenue"), size="2"),
                rx.text(S.revenue, weight="bold", id="campaign-revenue", white_space="nowrap"),
                justify="between",
                width="100%",
                align="center",
            ),
            rx.flex(
                rx.cond(
                    (S.status == "running") | (S.status == "scheduled"),
                    rx.button(rx.icon("pause", size=16), t("camp.pause"), variant="soft", on_click=S.control("pause"), id="campaign-pause"),
                ),
                rx.cond(
                    S.status == "paused",
                    rx.button(
                        rx.icon("play", size=16), t("camp.resume"), variant="soft", on_click=S.control("resume"), id="campaign-resume"
                    ),
                ),
                rx.cond(
                    (S.status != "finished") & (S.status != "cancelled"),
                    rx.button(t("camp.cancel"), variant="ghost", color_scheme="red", on_click=S.control("cancel"), id="campaign-cancel"),
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.divider(),
            rx.hstack(
                rx.heading(t("camp.recipients"), size="3"),
                rx.spacer(),
                rx.select.root(
                    rx.select.trigger(id="recipient-filter"),
                    rx.select.content(
                        rx.select.item(t("camp.all"), value="all"),
                        *[rx.select.item(t(f"camp.rstatus_{s}"), value=s) for s in DISPLAY_STATUSES],
                    ),
                    value=S.recipient_filter,
                    on_change=S.filter_recipients,
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.recipient_lines.length() > 0,
                rx.vstack(rx.foreach(S.recipient_lines, _recipient), spacing="0", width="100%", id="recipient-list"),
                rx.text(t("camp.no_recipients_here"), size="2", color_scheme="gray"),
            ),
            rx.hstack(
                rx.button(rx.icon("chevron-left", size=16), on_click=S.turn_page(-1), disabled=S.page <= 1, variant="soft", size="1"),
                rx.text(S.page.to_string() + " / " + S.pages.to_string(), size="1"),
                rx.button(rx.icon("chevron-right", size=16), on_click=S.turn_page(1), disabled=S.page >= S.pages, variant="soft", size="1"),
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _side() -> rx.Component:
    return rx.match(
        S.mode,
        ("edit", _editor()),
        ("view", _detail()),
        empty_state(t("camp.pick"), "megaphone", state_id="campaign-pick"),
    )


@template("/campaigns", t("nav.campaigns"), "megaphone", role="manager", order=36, on_load=CampaignsState.load)
def campaigns_page() -> rx.Component:
    """Campaigns: list, editor, progress."""
    return rx.vstack(
        page_header(t("camp.title"), rx.button(rx.icon("plus", size=16), t("camp.new"), on_click=S.new, id="campaign-new")),
        rx.text(t("camp.intro"), size="2", color_scheme="gray"),
        rx.cond(
            S.loaded,
            master_detail(_list(), _side(), selected=(S.mode != ""), on_back=S.back),
            rx.center(rx.spinner(), padding="3em", width="100%"),
        ),
        width="100%",
        spacing="3",
    )
