"""The customer and pet forms."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import field, form_dialog
from auzap_console.i18n import t
from auzap_console.pages.customers.state import CustomersState
from auzap_console.services import customers, limits

SPECIES_OPTIONS = [{"value": s, "label": t(f"species.{s}")} for s in customers.SPECIES]


def customer_dialog() -> rx.Component:
    """New or edit customer."""
    f = CustomersState.form
    return form_dialog(
        rx.cond(f.id != 0, t("cust.edit"), t("cust.new")),
        field(t("cust.name"), rx.input(name="name", default_value=f.name, id="customer-name", max_length=limits.NAME, width="100%")),
        field(
            t("cust.phone"),
            rx.input(name="phone", default_value=f.phone, id="customer-phone", placeholder="(11) 98765-4321", width="100%"),
        ),
        field(t("cust.email"), rx.input(name="email", default_value=f.email, id="customer-email", max_length=limits.EMAIL, width="100%")),
        field(t("cust.tags"), rx.input(name="tags", default_value=f.tags, id="customer-tags", max_length=limits.NOTES, width="100%")),
        field(
            t("cust.notes"),
            rx.text_area(name="notes", default_value=f.notes, id="customer-notes", max_length=limits.NOTES, width="100%"),
        ),
        rx.checkbox(t("cust.vip"), name="vip", default_checked=f.vip, id="customer-vip"),
        rx.checkbox(t("cust.opt_out"), name="opt_out", default_checked=f.opt_out, id="customer-optout"),
        open=CustomersState.customer_dialog,
        on_submit=CustomersState.save_customer,
        on_close=CustomersState.close_dialogs,
        error=CustomersState.form_error,
        saving=CustomersState.saving,
        submit_id="customer-save",
    )


def pet_dialog() -> rx.Component:
    """New or edit pet of the selected customer."""
    f = CustomersState.pet_form
    return form_dialog(
        rx.cond(f.id != 0, t("pet.edit"), t("pet.new")),
        field(t("pet.name"), rx.input(name="name", default_value=f.name, id="pet-name", max_length=limits.PET_NAME, width="100%")),
        rx.grid(
            field(
                t("pet.species"),
                rx.select.root(
                    rx.select.trigger(id="pet-species", width="100%"),
                    rx.select.content(*[rx.select.item(o["label"], value=o["value"]) for o in SPECIES_OPTIONS]),
                    name="species",
                    default_value=f.species,
                ),
            ),
            field(
                t("pet.size"),
                rx.select.root(
                    rx.select.trigger(id="pet-size", width="100%"),
                    rx.select.content(*[rx.select.item(s, value=s) for s in customers.SIZES]),
                    name="size",
                    default_value=f.size,
                ),
            ),
            field(t("pet.breed"), rx.input(name="breed", default_value=f.breed, id="pet-breed", max_length=limits.BREED, width="100%")),
            field(t("pet.weight"), rx.input(name="weight", default_value=f.weight, id="pet-weight", placeholder="8,5", width="100%")),
            field(
                t("pet.birth_date"),
                rx.input(name="birth_date", type="date", default_value=f.birth_date, id="pet-birth", width="100%"),
            ),
            field(
                t("pet.temperament"),
                rx.input(name="temperament", default_value=f.temperament, id="pet-temperament", max_length=limits.SHORT, width="100%"),
            ),
            columns="2",
            spacing="3",
            width="100%",
        ),
        field(
            t("pet.health_notes"),
            rx.text_area(name="health_notes", default_value=f.health_notes, id="pet-health", max_length=limits.NOTES, width="100%"),
        ),
        open=CustomersState.pet_dialog,
        on_submit=CustomersState.save_pet,
        on_close=CustomersState.close_dialogs,
        error=CustomersState.form_error,
        saving=CustomersState.saving,
        submit_id="pet-save",
        max_width="560px",
    )
