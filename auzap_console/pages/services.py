"""Services: the shop's catalog with prices, durations and categories."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import confirm_delete, empty_state, field, form_dialog, page_header
from auzap_console.i18n import duration_words, money, parse_money, t
from auzap_console.services import catalog, limits
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState, FormDialogMixin, ProtectedState, guarded
from auzap_console.template import template


def _int(text: str, error_key: str, field_name: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError as exc:
        raise ServiceError(t(error_key), field=field_name) from exc


@dataclass
class ServiceRow:
    """A service as the list shows it and the form edits it (id 0: a new one)."""

    id: int = 0
    name: str = ""
    description: str = ""
    category: str = "bath"
    category_label: str = ""
    price: str = ""
    price_input: str = ""
    duration: str = "60"  # minutes, as the form edits them
    duration_label: str = ""  # as the list reads: "45 min", "1 h 30", "10 h", "24 h"
    capacity: str = "1"
    active: bool = True


class ServicesState(FormDialogMixin, ProtectedState):
    """The service list and its form."""

    loaded: bool = False
    rows: list[ServiceRow] = []
    form: ServiceRow = ServiceRow()

    async def _refresh(self) -> None:
        user = await self._user()
        with self._session(user) as session:
            items = catalog.list_services(session, actor=user.actor)
        self.rows = [
            ServiceRow(
                id=s.id,
                name=s.name,
                description=s.description,
                category=s.category,
                category_label=t(f"cat.{s.category}"),
                price=money(s.price_cents),
                price_input=f"{s.price_cents / 100:.2f}".replace(".", ","),
                duration=str(s.duration_minutes),
                duration_label=duration_words(s.duration_minutes),
                capacity=str(s.capacity),
                active=s.active,
            )
            for s in items
        ]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load."""
        await self._refresh()

    @rx.event
    @guarded
    async def open_new(self):
        """Empty form (managers and up)."""
        await self._user("manager")
        self.form = ServiceRow()
        self.form_error, self.dialog = "", True

    @rx.event
    @guarded
    async def open_edit(self, service_id: int):
        """Form filled with one service."""
        await self._user("manager")
        self.form = next((r for r in self.rows if r.id == int(service_id)), ServiceRow())
        self.form_error, self.dialog = "", True

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Validate and store the form."""
        user = await self._user("manager")
        catalog.service_name(form.get("name", ""))  # the form's first field is answered first
        try:
            price = parse_money(form.get("price", ""))
        except (ValueError, ArithmeticError) as exc:
            raise ServiceError(t("err.price_invalid"), field="price") from exc
        with self._session(user) as session:
            catalog.save_service(
                session,
                actor=user.actor,
                service_id=self.form.id or None,
                name=form.get("name", ""),
                price_cents=price,
                duration_minutes=_int(form.get("duration", ""), "err.duration_invalid", "duration"),
                category=form.get("category") or "other",
                description=form.get("description", ""),
                capacity=_int(form.get("capacity", "1"), "err.capacity_invalid", "capacity"),
                active=bool(form.get("active")),
            )
        self.dialog, self.form_error = False, ""
        await self._refresh()
        return rx.toast.success(t("svc.saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete(self, service_id: int):
        """Delete a never-booked service."""
        user = await self._user("manager")
        with self._session(user) as session:
            catalog.delete_service(session, actor=user.actor, service_id=int(service_id))
        await self._refresh()
        return rx.toast.success(t("svc.deleted"))


def _actions(row: rx.Var) -> rx.Component:
    """Edit and delete (managers and up)."""
    return rx.cond(
        AuthState.is_manager,
        rx.hstack(
            rx.icon_button(
                rx.icon("pencil", size=14),
                size="1",
                variant="ghost",
                on_click=ServicesState.open_edit(row.id),
                class_name="service-edit",
                aria_label=t("svc.edit"),
            ),
            confirm_delete(
                rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red", aria_label=t("common.delete")),
                t("common.delete") + " " + row.name.to(str) + "?",
                on_confirm=ServicesState.delete(row.id),
            ),
        ),
    )


def _active_badge(row: rx.Var) -> rx.Component:
    return rx.cond(row.active, rx.badge(t("svc.active"), color_scheme="green"), rx.badge(t("svc.inactive"), color_scheme="gray"))


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row.name, weight="medium"), rx.text(row.description, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.badge(row.category_label, variant="soft")),
        rx.table.cell(row.price, white_space="nowrap"),  # "R$ 1.000,50" on one line
        rx.table.cell(row.duration_label, white_space="nowrap"),
        rx.table.cell(row.capacity),
        rx.table.cell(_active_badge(row)),
        rx.cond(AuthState.is_manager, rx.table.cell(_actions(row))),
        class_name="service-row",
    )


def _card(row: rx.Var) -> rx.Component:
    """The same service as a card, for phones (no sideways scrolling to reach the actions)."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(row.name, weight="bold", class_name="ellipsis", max_width="100%"),
                rx.text(row.price, " · ", row.duration_label, " · ", t("svc.per_slot", n=""), row.capacity, size="2"),
                rx.hstack(rx.badge(row.category_label, variant="soft"), _active_badge(row), spacing="2"),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            _actions(row),
            width="100%",
            align="start",
        ),
        width="100%",
        class_name="service-card",
    )


def _dialog() -> rx.Component:
    f = ServicesState.form
    return form_dialog(
        rx.cond(f.id != 0, t("svc.edit"), t("svc.new")),
        field(t("svc.name"), rx.input(name="name", default_value=f.name, id="service-name", max_length=limits.NAME, width="100%")),
        field(
            t("svc.description"),
            rx.text_area(name="description", default_value=f.description, max_length=limits.DESCRIPTION, width="100%"),
        ),
        rx.grid(
            field(
                t("svc.price"),
                rx.input(name="price", default_value=f.price_input, id="service-price", placeholder="80,00", width="100%"),
            ),
            field(t("svc.duration"), rx.input(name="duration", default_value=f.duration, id="service-duration", width="100%")),
            field(
                t("svc.category"),
                rx.select.root(
                    rx.select.trigger(id="service-category", width="100%"),
                    rx.select.content(*[rx.select.item(t(f"cat.{c}"), value=c) for c in catalog.CATEGORIES]),
                    name="category",
                    default_value=f.category,
                ),
            ),
            field(t("svc.capacity"), rx.input(name="capacity", default_value=f.capacity, id="service-capacity", width="100%")),
            columns="2",
            spacing="3",
            width="100%",
        ),
        rx.checkbox(t("svc.active"), name="active", default_checked=f.active, id="service-active"),
        open=ServicesState.dialog,
        on_submit=ServicesState.save,
        on_close=ServicesState.close,
        error=ServicesState.form_error,
        saving=ServicesState.saving,
        submit_id="service-save",
    )


@template("/services", t("nav.services"), "scissors", order=30, on_load=ServicesState.load)
def services_page() -> rx.Component:
    """The services page."""
    return rx.vstack(
        page_header(
            t("svc.title"),
            rx.cond(
                AuthState.is_manager, rx.button(rx.icon("plus", size=16), t("svc.new"), on_click=ServicesState.open_new, id="service-new")
            ),
        ),
        rx.card(
            rx.cond(
                ~ServicesState.loaded,
                rx.center(rx.spinner(), padding="3em"),
                rx.cond(
                    ServicesState.rows.length() > 0,
                    rx.fragment(
                        rx.vstack(
                            rx.foreach(ServicesState.rows, _card),
                            spacing="2",
                            width="100%",
                            id="service-cards",
                            display=rx.breakpoints(initial="flex", md="none"),
                        ),
                        rx.box(
                            rx.table.root(
                                rx.table.header(
                                    rx.table.row(
                                        *[
                                            rx.table.column_header_cell(t(k))
                                            for k in (
                                                "svc.name",
                                                "svc.category",
                                                "svc.price",
                                                "svc.duration",
                                                "svc.capacity",
                                                "svc.active",
                                            )
                                        ],
                                        rx.cond(AuthState.is_manager, rx.table.column_header_cell(t("common.actions"))),
                                    )
                                ),
                                rx.table.body(rx.foreach(ServicesState.rows, _row)),
                                size="1",
                                width="100%",
                                id="service-table",
                            ),
                            overflow_x="auto",
                            width="100%",
                            display=rx.breakpoints(initial="none", md="block"),
                        ),
                    ),
                    empty_state(t("svc.empty"), "scissors", state_id="services-empty"),
                ),
            ),
            width="100%",
        ),
        _dialog(),
        width="100%",
    )
