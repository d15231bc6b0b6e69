"""The selected customer's record: contact, pets with vaccines, conversation, appointments, visits."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import confirm_delete, empty_state
from auzap_console.i18n import t
from auzap_console.pages.customers.booking import NewAppointmentState
from auzap_console.pages.customers.merge import MergeState
from auzap_console.pages.customers.state import CustomersState
from auzap_console.pages.customers.vaccines import VaccinesState
from auzap_console.state import AuthState


def _pet_card(pet: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon("paw-print", size=20, color="#0f766e"),
            rx.vstack(
                rx.text(pet.name, weight="bold", class_name="ellipsis"),
                rx.text(
                    pet.species_label,
                    rx.cond(pet.breed != "", " · " + pet.breed.to(str), ""),
                    rx.cond(pet.size != "", " · " + pet.size.to(str), ""),
                    size="1",
                    color_scheme="gray",
                ),
                rx.button(
                    rx.icon("syringe", size=12),
                    rx.cond(pet.vaccines.length() > 0, t("vac.title") + " (" + pet.vaccines.length().to(str) + ")", t("vac.add")),
                    rx.match(
                        pet.vaccine_alert,
                        ("overdue", rx.badge(t("vac.overdue"), color_scheme="red", size="1")),
                        ("due_soon", rx.badge(t("vac.due_soon"), color_scheme="amber", size="1")),
                        rx.fragment(),
                    ),
                    size="1",
                    variant="ghost",
                    on_click=VaccinesState.open_for(pet.id),
                    class_name="pet-vaccines",
                ),
                spacing="1",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            rx.icon_button(
                rx.icon("pencil", size=14),
                size="1",
                variant="ghost",
                on_click=CustomersState.open_edit_pet(pet.id),
                aria_label=t("pet.edit"),
            ),
            confirm_delete(
                rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red", aria_label=t("common.delete")),
                t("common.delete") + " " + pet.name.to(str) + "?",
                on_confirm=CustomersState.delete_pet(pet.id),
            ),
            align="center",
            width="100%",
        ),
        width="100%",
        class_name="pet-card",
    )


def _appointment_row(a: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("calendar", size=14),
            rx.link(a.when, href=a.link, weight="medium", size="2", title=t("cust.open_in_agenda")),
            rx.badge(a.badge, variant="soft", size="1"),
            align="center",
        ),
        rx.text(a.service, rx.cond(a.pet != "", " · " + a.pet.to(str), ""), size="2", color_scheme="gray"),
        spacing="0",
        class_name="appointment-row",
    )


def _visit_row(v: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(v.when, href=v.link, weight="medium", size="2", title=t("cust.open_in_agenda")),
            rx.badge(v.badge, variant="soft", size="1"),
            rx.text(v.price, size="2"),
            align="center",
        ),
        rx.text(v.service, rx.cond(v.pet != "", " · " + v.pet.to(str), ""), size="2", color_scheme="gray"),
        spacing="0",
        class_name="visit-row",
    )


def _health_row(h: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("stethoscope", size=14),
            rx.text(h.when, weight="medium", size="2"),
            rx.text(h.pet, size="2"),
            rx.badge(h.what, variant="soft", size="1", color_scheme=rx.cond(h.resolved, "gray", "amber")),
            rx.cond(h.resolved, rx.badge(t("health.resolved_badge"), variant="outline", size="1")),
            rx.cond(h.photo != "", rx.link(t("health.photo_link"), href=rx.get_upload_url(h.photo), is_external=True, size="1")),
            align="center",
            wrap="wrap",
        ),
        rx.text(h.note, size="2", color_scheme="gray"),
        spacing="0",
        class_name="health-row",
    )


def _section(title: str, *actions: rx.Component) -> rx.Component:
    return rx.hstack(rx.heading(title, size="3"), rx.spacer(), *actions, width="100%", align="center")


def detail_panel() -> rx.Component:
    """The record, or a hint to pick a customer."""
    s = CustomersState.selected
    return rx.card(
        rx.cond(
            CustomersState.selected_id > 0,
            rx.vstack(
                rx.hstack(
                    rx.heading(s.name, size="5", id="detail-name", class_name="ellipsis"),
                    rx.cond(s.vip, rx.badge("VIP", color_scheme="amber")),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("pencil", size=16),
                        variant="soft",
                        on_click=CustomersState.open_edit_customer,
                        id="customer-edit",
                        aria_label=t("cust.edit"),
                    ),
                    rx.cond(
                        AuthState.is_manager,
                        rx.icon_button(
                            rx.icon("git-merge", size=16),
                            variant="soft",
                            on_click=MergeState.open_dialog,
                            id="customer-merge",
                            aria_label=t("merge.title"),
                            title=t("merge.title"),
                        ),
                    ),
                    rx.cond(
                        AuthState.is_manager,
                        confirm_delete(
                            rx.icon_button(rx.icon("trash-2", size=16), variant="soft", color_scheme="red", id="customer-delete"),
                            t("common.delete"),
                            description=CustomersState.delete_message,
                            on_confirm=CustomersState.delete_customer,
                            confirm_id="customer-delete-confirm",
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.hstack(rx.icon("phone", size=14), rx.text(s.phone, size="2"), align="center", spacing="2"),
                rx.cond(
                    s.email != "",
                    rx.hstack(rx.icon("mail", size=14), rx.text(s.email, size="2", class_name="ellipsis"), align="center", spacing="2"),
                ),
                rx.cond(s.tags != "", rx.text(s.tags, size="1", color_scheme="gray")),
                rx.cond(s.notes != "", rx.text(s.notes, size="2", color_scheme="gray")),
                rx.cond(
                    CustomersState.conversation_link != "",
                    rx.link(
                        rx.button(rx.icon("messages-square", size=14), t("cust.open_conversation"), variant="soft", size="1"),
                        href=CustomersState.conversation_link,
                        id="customer-conversation",
                    ),
                ),
                rx.divider(),
                _section(
                    t("cust.pets"),
                    rx.button(rx.icon("plus", size=14), t("pet.new"), size="1", on_click=CustomersState.open_new_pet, id="pet-new"),
                ),
                rx.cond(
                    CustomersState.pets.length() > 0,
                    rx.vstack(rx.foreach(CustomersState.pets, _pet_card), width="100%", spacing="2", id="pet-list"),
                    rx.text(t("cust.no_pets"), size="2", color_scheme="gray"),
                ),
                rx.divider(),
                _section(
                    t("cust.upcoming"),
                    rx.button(
                        rx.icon("calendar-plus", size=14), t("book.new"), size="1", on_click=NewAppointmentState.open_dialog, id="book-new"
                    ),
                ),
                rx.cond(
                    CustomersState.appointments.length() > 0,
                    rx.vstack(rx.foreach(CustomersState.appointments, _appointment_row), spacing="1", id="appointment-list"),
                    rx.text(t("cust.no_upcoming"), size="2", color_scheme="gray"),
                ),
                rx.cond(
                    CustomersState.health_notes.length() > 0,
                    rx.fragment(
                        rx.divider(),
                        rx.heading(t("health.history"), size="3"),
                        rx.vstack(rx.foreach(CustomersState.health_notes, _health_row), spacing="1", id="health-list"),
                    ),
                ),
                rx.divider(),
                rx.heading(t("cust.history"), size="3"),
                rx.cond(
                    CustomersState.visits.length() > 0,
                    rx.vstack(rx.foreach(CustomersState.visits, _visit_row), spacing="1", id="visit-list"),
                    rx.text(t("cust.no_history"), size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            empty_state(t("cust.select"), "mouse-pointer-click", state_id="detail-empty"),
        ),
        width="100%",
    )
