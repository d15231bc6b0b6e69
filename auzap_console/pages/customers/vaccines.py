"""A pet's vaccination record: the list with due dates, adding a dose and removing a wrong one."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import confirm_delete, field, form_error
from auzap_console.i18n import t
from auzap_console.pages.customers.state import CustomersState, VaccineRow, parse_day
from auzap_console.services import limits, vaccinations
from auzap_console.state import ProtectedState, guarded

STATUS_COLORS = {"overdue": "red", "due_soon": "amber", "ok": "green"}


class VaccinesState(ProtectedState):
    """The vaccine dialog of one pet of the selected customer."""

    open: bool = False
    pet_id: int = 0
    pet_name: str = ""
    rows: list[VaccineRow] = []
    today: str = ""
    form_key: int = 0  # bumped after a save so the inputs start empty again
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return self.open

    async def _reload(self) -> None:
        record = await self.get_state(CustomersState)
        await record._load_selected()
        pet = next((p for p in record.pets if p.id == self.pet_id), None)
        self.rows = pet.vaccines if pet else []

    @rx.event
    @guarded
    async def open_for(self, pet_id: int):
        """Open the record of one pet (read from the customer just loaded, re-read on every change)."""
        user = await self._user("staff")
        record = await self.get_state(CustomersState)
        pet = next((p for p in record.pets if p.id == int(pet_id)), None)
        if pet is None:
            return
        self.pet_id, self.pet_name, self.rows = pet.id, pet.name, pet.vaccines
        self.today, self.form_error, self.open = user.today().isoformat(), "", True

    @rx.event
    def close(self):
        """Close the dialog."""
        self.open, self.form_error = False, ""

    @rx.event
    @guarded(busy="saving")
    async def add(self, form: dict):
        """Record a dose."""
        user = await self._user("staff")
        with self._session(user) as session:
            vaccinations.add_vaccination(
                session,
                actor=user.actor,
                pet_id=self.pet_id,
                name=form.get("name", ""),
                given_on=parse_day(form.get("given_on", ""), error="err.vac_given", field_name="given_on"),
                next_due=parse_day(form.get("next_due", ""), error="err.vac_next_due", field_name="next_due"),
                today=user.today(),
            )
        self.form_key += 1
        await self._reload()
        return rx.toast.success(t("vac.saved"), id="toast-vac-saved")

    @rx.event
    @guarded
    async def remove(self, vaccination_id: str):
        """Remove a dose recorded by mistake."""
        user = await self._user("staff")
        with self._session(user) as session:
            vaccinations.remove_vaccination(session, actor=user.actor, pet_id=self.pet_id, vaccination_id=vaccination_id)
        await self._reload()
        return rx.toast.success(t("vac.removed"))


def vaccine_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    """'vencida' / 'vence em breve' / 'em dia', coloured; nothing when no next dose is set."""
    return rx.cond(
        label != "",
        rx.badge(label, color_scheme=rx.match(status, ("overdue", "red"), ("due_soon", "amber"), "green"), variant="soft", size="1"),
    )


def _dose_row(dose: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("syringe", size=14, color="var(--gray-10)"),
        rx.vstack(
            rx.text(dose.name, weight="medium", size="2", class_name="ellipsis"),
            rx.text(
                t("vac.given_on"),
                " ",
                dose.given_on,
                rx.cond(dose.next_due != "", " · " + t("vac.next_due").lower() + " " + dose.next_due.to(str), ""),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        vaccine_badge(dose.status, dose.status_label),
        confirm_delete(
            rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red", aria_label=t("common.delete")),
            t("common.delete") + " " + dose.name.to(str) + "?",
            on_confirm=VaccinesState.remove(dose.id),
        ),
        align="center",
        width="100%",
        class_name="vaccine-row",
    )


def vaccines_dialog() -> rx.Component:
    """The dialog: recorded doses first, the form to add one below."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("vac.of", name="") + VaccinesState.pet_name.to(str)),
            rx.vstack(
                rx.cond(
                    VaccinesState.rows.length() > 0,
                    rx.vstack(rx.foreach(VaccinesState.rows, _dose_row), width="100%", spacing="2", id="vaccine-list"),
                    rx.text(t("vac.none"), size="2", color_scheme="gray", id="vaccine-empty"),
                ),
                rx.divider(),
                rx.form(
                    rx.vstack(
                        field(
                            t("vac.name"),
                            rx.input(
                                name="name", id="vaccine-name", max_length=limits.PET_NAME, placeholder="V10, antirrábica…", width="100%"
                            ),
                        ),
                        rx.grid(
                            field(
                                t("vac.given_on"),
                                rx.input(name="given_on", type="date", id="vaccine-given", default_value=VaccinesState.today, width="100%"),
                            ),
                            field(t("vac.next_due"), rx.input(name="next_due", type="date", id="vaccine-next", width="100%")),
                            columns="2",
                            spacing="3",
                            width="100%",
                        ),
                        form_error(VaccinesState.form_error),
                        rx.hstack(
                            rx.button(t("common.close"), type="button", variant="soft", color_scheme="gray", on_click=VaccinesState.close),
                            rx.button(
                                rx.icon("plus", size=14),
                                t("vac.add"),
                                type="submit",
                                id="vaccine-save",
                                loading=VaccinesState.saving,
                                disabled=VaccinesState.saving,
                            ),
                            justify="end",
                            width="100%",
                        ),
                        spacing="3",
                    ),
                    on_submit=VaccinesState.add,
                    reset_on_submit=False,
                    key=VaccinesState.form_key,
                ),
                spacing="3",
                width="100%",
            ),
            max_width="520px",
        ),
        open=VaccinesState.open,
        on_open_change=VaccinesState.close,
    )
