"""Services: the shop's catalogue with prices, durations and categories."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import empty_state, field, form_error, page_header
from auzap_console.i18n import money, parse_money, t
from auzap_console.models.catalog import CATEGORIES
from auzap_console.services import catalog, limits
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState, FormDialogMixin, ProtectedState, guarded
from auzap_console.template import template


def _int(text: str, error_key: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError as exc:
        raise ServiceError(t(error_key)) from exc


class ServicesState(FormDialogMixin, ProtectedState):
    """The service list and its form."""

    loaded: bool = False
    rows: list[dict[str, str]] = []
    form: dict[str, str] = {}

    async def _refresh(self) -> None:
        user = await self._user()
        with self._session(user) as session:
            items = catalog.list_services(session, actor=user.actor)
        self.rows = [
            {
                "id": str(s.id),
                "name": s.name,
                "description": s.description,
                "category": s.category,
                "category_label": t(f"cat.{s.category}"),
                "price": money(s.price_cents),
                "price_input": f"{s.price_cents / 100:.2f}".replace(".", ","),
                "duration": str(s.duration_minutes),
                "capacity": str(s.capacity),
                "active": "1" if s.active else "",
            }
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
        self.form = {"id": "", "category": "bath", "duration": "60", "capacity": "1", "active": "1"}
        self.form_error, self.dialog = "", True

    @rx.event
    @guarded
    async def open_edit(self, service_id: str):
        """Form filled with one service."""
        await self._user("manager")
        self.form = next((r for r in self.rows if r["id"] == service_id), {})
        self.form_error, self.dialog = "", True

    @rx.event
    @guarded
    async def save(self, form: dict):
        """Validate and store the form."""
        user = await self._user("manager")
        try:
            price = parse_money(form.get("price", ""))
        except (ValueError, ArithmeticError) as exc:
            raise ServiceError(t("err.price_invalid")) from exc
        with self._session(user) as session:
            catalog.save_service(
                session,
                actor=user.actor,
                service_id=int(self.form.get("id") or 0) or None,
                name=form.get("name", ""),
                price_cents=price,
                duration_minutes=_int(form.get("duration", ""), "err.duration_invalid"),
                category=form.get("category") or "other",
                description=form.get("description", ""),
                capacity=_int(form.get("capacity", "1"), "err.capacity_invalid"),
                active=bool(form.get("active")),
            )
        self.dialog, self.form_error = False, ""
        await self._refresh()
        return rx.toast.success(t("svc.saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete(self, service_id: str):
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
                on_click=ServicesState.open_edit(row["id"]),
                class_name="service-edit",
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(t("common.delete") + " " + row["name"].to(str) + "?"),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(rx.button(t("common.delete"), color_scheme="red", on_click=ServicesState.delete(row["id"]))),
                        justify="end",
                        spacing="2",
                    ),
                ),
            ),
        ),
    )


def _active_badge(row: rx.Var) -> rx.Component:
    return rx.cond(row["active"] != "", rx.badge(t("svc.active"), color_scheme="green"), rx.badge(t("svc.inactive"), color_scheme="gray"))


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(rx.text(row["name"], weight="medium"), rx.text(row["description"], size="1", color_scheme="gray"), spacing="0")
        ),
        rx.table.cell(rx.badge(row["category_label"], variant="soft")),
        rx.table.cell(row["price"]),
        rx.table.cell(row["duration"] + " min"),
        rx.table.cell(row["capacity"]),
        rx.table.cell(_active_badge(row)),
        rx.table.cell(_actions(row)),
        class_name="service-row",
    )


def _card(row: rx.Var) -> rx.Component:
    """The same service as a card, for phones (no sideways scrolling to reach the actions)."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(row["name"], weight="bold", class_name="ellipsis", max_width="100%"),
                rx.text(row["price"], " · ", row["duration"], " min · ", t("svc.per_slot", n=""), row["capacity"], size="2"),
                rx.hstack(rx.badge(row["category_label"], variant="soft"), _active_badge(row), spacing="2"),
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
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(f["id"] != "", t("svc.edit"), t("svc.new"))),
            rx.form(
                rx.vstack(
                    field(
                        t("svc.name"),
                        rx.input(name="name", default_value=f["name"], id="service-name", max_length=limits.NAME, width="100%"),
                    ),
                    field(t("svc.description"), rx.text_area(name="description", default_value=f["description"], width="100%")),
                    rx.grid(
                        field(
                            t("svc.price"),
                            rx.input(name="price", default_value=f["price_input"], id="service-price", placeholder="80,00", width="100%"),
                        ),
                        field(
                            t("svc.duration"), rx.input(name="duration", default_value=f["duration"], id="service-duration", width="100%")
                        ),
                        field(
                            t("svc.category"),
                            rx.select.root(
                                rx.select.trigger(id="service-category", width="100%"),
                                rx.select.content(*[rx.select.item(t(f"cat.{c}"), value=c) for c in CATEGORIES]),
                                name="category",
                                default_value=f["category"],
                            ),
                        ),
                        field(
                            t("svc.capacity"), rx.input(name="capacity", default_value=f["capacity"], id="service-capacity", width="100%")
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    rx.checkbox(t("svc.active"), name="active", default_checked=f["active"] == "1", id="service-active"),
                    form_error(ServicesState.form_error),
                    rx.hstack(
                        rx.button(t("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=ServicesState.close),
                        rx.button(t("common.save"), type="submit", id="service-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=ServicesState.save,
                reset_on_submit=False,
            ),
            max_width="520px",
        ),
        open=ServicesState.dialog,
        on_open_change=ServicesState.close,
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
                                                "common.actions",
                                            )
                                        ]
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
