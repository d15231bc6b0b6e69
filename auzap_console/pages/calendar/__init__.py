"""Agenda: the day by professional and half-hour, the week at a glance, each appointment's sheet.

Phones and paper get the day as a list by time.
`state` holds the day and filters, `dialogs` the new-appointment form and the appointment sheet
(move, change professional, health finding); this module lays out the page. Every change goes
through the booking service, the same rules the agents follow.
"""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import empty_state, option_select, page_header
from auzap_console.i18n import t
from auzap_console.pages.calendar.dialogs import AppointmentState, NewBookingState, appointment_dialog, new_booking_dialog
from auzap_console.pages.calendar.state import ALL, CATEGORIES, FILTER_STATUSES, CalendarState
from auzap_console.template import template

__all__ = ["AppointmentState", "CalendarState", "NewBookingState", "calendar_page"]

BORDERS = (
    ("amber", "4px solid var(--amber-9)"),
    ("blue", "4px solid var(--blue-9)"),
    ("cyan", "4px solid var(--cyan-9)"),
    ("violet", "4px solid var(--violet-9)"),
    ("green", "4px solid var(--green-9)"),
    ("red", "4px solid var(--red-9)"),
)
DESK = rx.breakpoints(initial="none", md="block")
PHONE = rx.breakpoints(initial="block", md="none")


def _border(color: rx.Var) -> rx.Var:
    return rx.match(color, *BORDERS, "4px solid var(--gray-7)")


def _badges(item: rx.Var) -> rx.Component:
    return rx.fragment(
        rx.badge(item.status_label, color_scheme=item.color, size="1"),
        rx.cond(item.by_ai, rx.badge(rx.icon("bot", size=12), "IA", variant="soft", size="1", title=t("cal.by_ai"))),
        rx.cond(
            item.confirmed,
            rx.badge(rx.icon("check-check", size=12), variant="soft", color_scheme="green", size="1", title=t("cal.tutor_confirmed")),
        ),
        rx.cond(
            item.findings > 0,
            rx.badge(rx.icon("stethoscope", size=12), item.findings.to_string(), color_scheme="amber", size="1", title=t("health.badge")),
        ),
    )


def _card(item: rx.Var) -> rx.Component:
    """A list card (phones, print): everything, with the next steps as buttons."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(item.time, weight="bold", size="3"),
                rx.cond(
                    item.use != "",
                    rx.badge(item.use, color_scheme=rx.cond(item.full, "red", "gray"), variant="soft", size="1", title=t("cal.use_hint")),
                ),
                spacing="1",
                align="center",
                min_width="88px",
            ),
            rx.vstack(
                rx.hstack(
                    rx.link(
                        rx.cond(item.pet != "", item.pet, item.customer),
                        on_click=AppointmentState.show(item.id),
                        weight="bold",
                        class_name="ellipsis cal-open",
                        cursor="pointer",
                    ),
                    _badges(item),
                    wrap="wrap",
                    spacing="2",
                ),
                rx.text(item.service, " · ", rx.el.span(item.price, white_space="nowrap"), size="2"),
                rx.text(
                    item.customer,
                    rx.cond(item.staff != "", " · " + item.staff, ""),
                    size="2",
                    color_scheme="gray",
                    class_name="ellipsis",
                ),
                rx.cond(
                    item.reminder != "",
                    rx.hstack(
                        rx.icon("bell", size=12), rx.text(item.reminder, size="1"), spacing="1", align="center", color="var(--gray-11)"
                    ),
                ),
                rx.hstack(
                    rx.foreach(
                        item.steps,
                        lambda s: rx.button(
                            s.label, size="1", variant="soft", on_click=CalendarState.step(item.id, s.value), class_name="cal-step no-print"
                        ),
                    ),
                    rx.button(
                        t("cal.open"), size="1", variant="ghost", on_click=AppointmentState.show(item.id), class_name="cal-more no-print"
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
                spacing="1",
                min_width="0",
                width="100%",
            ),
            align="start",
            width="100%",
        ),
        width="100%",
        class_name="cal-item",
        border_left=_border(item.color),
    )


def _chip(item: rx.Var) -> rx.Component:
    """An appointment in the day grid: click for its sheet."""
    return rx.box(
        rx.text(item.time, size="1", weight="bold"),
        rx.text(rx.cond(item.pet != "", item.pet, item.customer), size="2", weight="medium", class_name="ellipsis"),
        rx.text(item.service, size="1", color_scheme="gray", class_name="ellipsis"),
        rx.flex(
            _badges(item),
            rx.cond(item.use != "", rx.badge(item.use, variant="outline", size="1", title=t("cal.use_hint"))),
            wrap="wrap",
            gap="1",
        ),
        on_click=AppointmentState.show(item.id),
        class_name="cal-chip",
        border_left=_border(item.color),
        role="button",
        tab_index=0,
        title=item.customer,
    )


def _cell(cell: rx.Var) -> rx.Component:
    return rx.box(
        rx.cond(
            cell.running != "",
            rx.text(
                "↳ ", cell.running, size="1", class_name="cal-running ellipsis", border_left=_border(cell.running_color), title=cell.running
            ),
        ),
        rx.foreach(cell.appts, _chip),
        rx.cond(
            cell.can_add & (cell.appts.length() == 0),
            rx.icon_button(
                rx.icon("plus", size=14),
                size="1",
                variant="ghost",
                on_click=NewBookingState.open_at(cell.start, cell.lane),
                class_name="cal-add",
                aria_label=t("cal.new_here"),
                title=t("cal.new_here"),
            ),
        ),
        class_name=rx.cond(cell.off, "cal-cell cal-off", "cal-cell"),
    )


def _grid() -> rx.Component:
    s = CalendarState
    return rx.box(
        rx.box(
            rx.box(class_name="cal-corner"),
            rx.foreach(
                s.lanes,
                lambda lane: rx.vstack(
                    rx.text(lane.name, weight="bold", size="2", class_name="ellipsis"),
                    rx.text(lane.hours, size="1", color_scheme="gray"),
                    spacing="0",
                    class_name="cal-lane-head",
                ),
            ),
            rx.foreach(
                s.grid,
                lambda row: rx.fragment(
                    rx.box(
                        rx.text(row.time, size="1"),
                        rx.cond(
                            row.now, rx.badge(row.now_label, color_scheme="red", size="1", title=t("cal.now"), class_name="cal-now-label")
                        ),
                        class_name=rx.cond(row.now, "cal-time cal-now", "cal-time"),
                    ),
                    rx.foreach(row.cells, _cell),
                ),
            ),
            class_name="cal-grid",
            style={"grid_template_columns": s.grid_columns},
            id="cal-grid",
        ),
        class_name="cal-grid-wrap",
        display=DESK,
        width="100%",
    )


def _list() -> rx.Component:
    return rx.box(
        rx.vstack(rx.foreach(CalendarState.items, _card), spacing="2", width="100%", id="cal-list"),
        class_name="cal-list-wrap",
        display=PHONE,
        width="100%",
    )


def _week_day(d: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(d.label, weight="bold"),
            rx.cond(
                d.closed,
                rx.text(t("cal.closed_short"), size="2", color_scheme="gray"),
                rx.vstack(
                    rx.heading(d.total.to_string(), size="6"),
                    rx.text(t("cal.week_total"), size="1", color_scheme="gray"),
                    rx.text(d.waiting.to_string(), " ", t("cal.week_waiting"), size="1"),
                    rx.cond(d.completed > 0, rx.text(d.completed.to_string(), " ", t("cal.week_done"), size="1")),
                    spacing="0",
                ),
            ),
            spacing="1",
        ),
        on_click=CalendarState.pick_day(d.iso),
        cursor="pointer",
        background=rx.cond(d.today, "var(--teal-3)", "var(--color-panel)"),
        class_name="cal-week-day",
        width="100%",
    )


def _cancel_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("cal.cancel_title")),
            rx.form(
                rx.vstack(
                    rx.input(name="reason", placeholder=t("cal.cancel_reason"), id="cal-cancel-reason", max_length=300, width="100%"),
                    rx.cond(
                        CalendarState.form_error != "",
                        rx.callout(CalendarState.form_error, icon="triangle-alert", color_scheme="red", size="1", id="form-error"),
                    ),
                    rx.hstack(
                        rx.button(t("cal.keep"), type="button", variant="soft", color_scheme="gray", on_click=CalendarState.close_cancel),
                        rx.button(t("cal.cancel"), type="submit", color_scheme="red", id="cal-cancel-confirm"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CalendarState.confirm_cancel,
                reset_on_submit=True,
            ),
            max_width="440px",
        ),
        open=CalendarState.cancel_id > 0,
        on_open_change=CalendarState.close_cancel,
    )


def _select(value: rx.Var, on_change, options: list[tuple[str, str]], select_id: str) -> rx.Component:
    """A select over fixed choices (statuses, categories)."""
    return rx.select.root(
        rx.select.trigger(id=select_id),
        rx.select.content(*[rx.select.item(label, value=key) for key, label in options]),
        value=value,
        on_change=on_change,
        size="2",
    )


def _toolbar() -> rx.Component:
    s = CalendarState
    return rx.hstack(
        rx.icon_button(rx.icon("chevron-left"), variant="soft", on_click=s.shift(-1), id="cal-prev", aria_label=t("cal.prev")),
        rx.button(t("cal.today"), variant="soft", on_click=s.go_today, id="cal-today"),
        rx.icon_button(rx.icon("chevron-right"), variant="soft", on_click=s.shift(1), id="cal-next", aria_label=t("cal.next")),
        rx.input(type="date", value=s.day, on_change=s.pick_day, id="cal-day", width="160px"),
        rx.segmented_control.root(
            rx.segmented_control.item(t("cal.day"), value="day"),
            rx.segmented_control.item(t("cal.week"), value="week"),
            value=s.view,
            on_change=s.set_view,
            id="cal-view",
        ),
        wrap="wrap",
        align="center",
        width="100%",
        class_name="no-print",
    )


def _filters() -> rx.Component:
    s = CalendarState
    return rx.hstack(
        _select(
            s.status,
            s.set_status,
            [(ALL, t("cal.all_statuses")), *[(v, t(f"appt.status.{v}").capitalize()) for v in FILTER_STATUSES]],
            "cal-status",
        ),
        _select(s.category, s.set_category, [(ALL, t("cal.all_categories")), *[(c, t(f"cat.{c}")) for c in CATEGORIES]], "cal-category"),
        rx.cond(s.lane_options.length() > 1, option_select(s.lane_options, s.lane, s.set_lane, select_id="cal-lane")),
        wrap="wrap",
        class_name="no-print",
    )


@template("/calendar", t("nav.calendar"), "calendar-days", order=17, on_load=[CalendarState.load, AppointmentState.load])
def calendar_page() -> rx.Component:
    """The agenda."""
    s = CalendarState
    return rx.vstack(
        page_header(
            t("cal.title"),
            rx.cond(
                s.view == "day",
                rx.button(
                    rx.icon("printer", size=16), t("cal.print"), variant="soft", on_click=s.print_day, id="cal-print", class_name="no-print"
                ),
            ),
            rx.button(rx.icon("plus", size=16), t("book.new"), on_click=NewBookingState.open_blank, id="cal-new", class_name="no-print"),
        ),
        _toolbar(),
        rx.cond(s.view == "day", _filters()),
        rx.cond(
            ~s.loaded,
            rx.center(rx.spinner(), padding="3em", width="100%"),
            rx.cond(
                s.view == "week",
                rx.grid(
                    rx.foreach(s.week, _week_day),
                    columns=rx.breakpoints(initial="2", sm="4", lg="7"),
                    spacing="2",
                    width="100%",
                    id="cal-week",
                ),
                rx.vstack(
                    rx.hstack(
                        rx.heading(s.title, size="4", id="cal-title"),
                        rx.badge(s.hours, variant="soft", color_scheme="gray"),
                        wrap="wrap",
                        align="center",
                    ),
                    rx.cond(
                        s.items.length() > 0,
                        rx.fragment(_grid(), _list()),
                        rx.fragment(
                            empty_state(t("cal.empty"), "calendar", state_id="cal-empty"),
                            rx.cond(s.grid.length() > 0, _grid()),
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
        ),
        _cancel_dialog(),
        new_booking_dialog(),
        appointment_dialog(),
        width="100%",
        spacing="3",
    )
