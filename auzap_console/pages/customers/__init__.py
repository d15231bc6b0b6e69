"""Customers & pets: searchable, paginated list; the record with pets, vaccines, bookings and visits.

`state` holds the list and record, `dialogs` the customer and pet forms, `vaccines` and
`booking` the two record dialogs, `detail` the record panel; this module lays out the page.
"""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import empty_state, master_detail, page_header, pager
from auzap_console.i18n import t
from auzap_console.pages.customers.booking import NewAppointmentState, new_appointment_dialog
from auzap_console.pages.customers.detail import detail_panel
from auzap_console.pages.customers.dialogs import customer_dialog, pet_dialog
from auzap_console.pages.customers.merge import MergeState, merge_dialog
from auzap_console.pages.customers.state import CustomersState
from auzap_console.pages.customers.vaccines import VaccinesState, vaccines_dialog
from auzap_console.template import template

__all__ = ["CustomersState", "MergeState", "NewAppointmentState", "VaccinesState", "customers_page"]


def _customer_row(row: rx.Var) -> rx.Component:
    phone_only = rx.breakpoints(initial="block", md="none")
    return rx.table.row(
        rx.table.cell(
            rx.hstack(rx.text(row.name, weight="medium", class_name="ellipsis"), rx.cond(row.vip, rx.badge("VIP", color_scheme="amber"))),
            rx.text(row.pets, size="1", color_scheme="gray", class_name="ellipsis", display=phone_only),  # phones: pets under the name
        ),
        rx.table.cell(row.phone, white_space="nowrap"),
        rx.table.cell(
            rx.text(row.pets, color_scheme="gray", class_name="ellipsis"), display=rx.breakpoints(initial="none", md="table-cell")
        ),
        on_click=CustomersState.select(row.id),
        cursor="pointer",
        background=rx.cond(CustomersState.selected_id == row.id, "var(--teal-3)", "transparent"),
        _hover={"background": "var(--gray-3)"},
        class_name="customer-row",
    )


def _customer_list() -> rx.Component:
    return rx.card(
        rx.cond(
            ~CustomersState.loaded,
            rx.center(rx.spinner(), padding="3em"),
            rx.cond(
                CustomersState.total > 0,
                rx.vstack(
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    rx.table.column_header_cell(t("cust.name")),
                                    rx.table.column_header_cell(t("cust.phone")),
                                    rx.table.column_header_cell(t("cust.pets"), display=rx.breakpoints(initial="none", md="table-cell")),
                                )
                            ),
                            rx.table.body(rx.foreach(CustomersState.rows, _customer_row)),
                            size="1",
                            width="100%",
                            id="customer-table",
                        ),
                        overflow_x="auto",
                        width="100%",
                    ),
                    pager(
                        CustomersState.page,
                        CustomersState.pages,
                        CustomersState.summary,
                        CustomersState.prev_page,
                        CustomersState.next_page,
                    ),
                    width="100%",
                ),
                empty_state(CustomersState.empty_message, "users", state_id="customers-empty"),
            ),
        ),
        width="100%",
    )


@template("/customers", t("nav.customers"), "users", order=20, on_load=CustomersState.load)
def customers_page() -> rx.Component:
    """The customers page."""
    return rx.vstack(
        page_header(
            t("cust.title"),
            rx.button(rx.icon("user-plus", size=16), t("cust.new"), on_click=CustomersState.open_new_customer, id="customer-new"),
        ),
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder=t("cust.search"),
            on_change=CustomersState.search_changed.debounce(350),
            id="customer-search",
            width="100%",
            size="3",
        ),
        master_detail(_customer_list(), detail_panel(), selected=CustomersState.selected_id > 0, on_back=CustomersState.close_detail),
        customer_dialog(),
        pet_dialog(),
        vaccines_dialog(),
        merge_dialog(),
        new_appointment_dialog(),
        width="100%",
        spacing="3",
    )
