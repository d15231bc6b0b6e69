"""Customers & pets: searchable, paginated list; customer and pet forms."""

from __future__ import annotations

from datetime import date

import reflex as rx

from auzap_console.components.common import empty_state, field, form_error, master_detail, page_header, pager
from auzap_console.i18n import count, local_date, local_datetime, money, t
from auzap_console.phones import format_phone
from auzap_console.services import booking, customers, inbox, limits
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState, PagedListMixin, ProtectedState, guarded
from auzap_console.template import template

PER_PAGE = 20
SPECIES_OPTIONS = [{"value": s, "label": t(f"species.{s}")} for s in customers.SPECIES]


def _parse_weight(text: str) -> int | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return round(float(text) * 1000)
    except ValueError as exc:
        raise ServiceError(t("err.weight_invalid")) from exc


def _parse_date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ServiceError(t("err.birth_invalid")) from exc


class CustomersState(PagedListMixin, ProtectedState):
    """The list, the selected customer and the two forms."""

    loaded: bool = False
    rows: list[dict[str, str]] = []
    selected_id: int = 0
    selected: dict[str, str] = {}
    pets: list[dict[str, str]] = []
    appointments: list[dict[str, str]] = []
    visits: list[dict[str, str]] = []
    conversation_link: str = ""
    customer_dialog: bool = False
    pet_dialog: bool = False
    form_error: str = ""
    form: dict[str, str] = {}
    pet_form: dict[str, str] = {}

    @rx.var
    def summary(self) -> str:
        """'Page X of Y · N customers'."""
        return t("cust.page", page=self.page, pages=self.pages, total=count(self.total, "cliente", "clientes"))

    @rx.var
    def delete_message(self) -> str:
        """The confirmation text for deleting the selected customer."""
        return t("cust.delete_confirm", name=self.selected.get("name", ""))

    @rx.var
    def empty_message(self) -> str:
        """Different words for an empty tenant and an empty search."""
        return t("cust.no_results", term=self.search) if self.search else t("cust.empty")

    async def _refresh(self) -> None:
        user = await self._user()
        with self._session(user) as session:
            result = customers.list_customers(session, actor=user.actor, search=self.search, page=self.page, per_page=PER_PAGE)
        if result.page > result.pages and result.total:
            self.page = result.pages
            return await self._refresh()
        self.total, self.pages = result.total, result.pages
        self.rows = [
            {
                "id": str(c.id),
                "name": c.name,
                "phone": format_phone(c.phone),
                "email": c.email,
                "pets": ", ".join(pets),
                "vip": "1" if c.vip else "",
            }
            for c, pets in result.rows
        ]
        self.loaded = True
        return None

    async def _load_selected(self) -> None:
        if not self.selected_id:
            self.selected, self.pets, self.appointments, self.visits, self.conversation_link = {}, [], [], [], ""
            return
        user = await self._user()
        with self._session(user) as session:
            c = customers.get_customer(session, actor=user.actor, customer_id=self.selected_id)
            pets = customers.list_pets(session, actor=user.actor, customer_id=c.id)
            upcoming = booking.upcoming(session, actor=user.actor, customer_id=c.id)
            past = booking.history(session, actor=user.actor, customer_id=c.id)
            conversation_id = inbox.latest_conversation_id(session, actor=user.actor, customer_id=c.id)
        self.visits = [
            {
                "id": str(a.id),
                "when": local_date(a.starts_at, user.timezone),
                "service": service,
                "pet": pet,
                "status": t(f"appt.status.{a.status}"),
                "price": money(a.price_cents),
            }
            for a, service, pet in past
        ]
        self.conversation_link = f"/inbox?c={conversation_id}" if conversation_id else ""
        self.appointments = [
            {
                "id": str(a.id),
                "when": local_datetime(a.starts_at, user.timezone),
                "service": service,
                "pet": pet,
                "source": "IA" if a.source == "ai" else "Equipe",
            }
            for a, service, pet in upcoming
        ]
        self.selected = {
            "id": str(c.id),
            "name": c.name,
            "phone": format_phone(c.phone),
            "phone_raw": c.phone,
            "email": c.email,
            "notes": c.notes,
            "tags": ", ".join(c.tags),
            "vip": "1" if c.vip else "",
            "opt_out": "1" if c.marketing_opt_out else "",
            "last_visit": local_date(c.last_visit_at, user.timezone) if c.last_visit_at else "—",
        }
        self.pets = [
            {
                "id": str(p.id),
                "name": p.name,
                "species": p.species,
                "species_label": t(f"species.{p.species}"),
                "breed": p.breed,
                "size": p.size,
                "birth_date": p.birth_date.isoformat() if p.birth_date else "",
                "weight": f"{p.weight_grams / 1000:.1f}".replace(".", ",") if p.weight_grams else "",
                "temperament": p.temperament,
                "health_notes": p.health_notes,
            }
            for p in pets
        ]

    @rx.event
    @guarded
    async def load(self):
        """on_load: first page of the list."""
        self.page, self.search, self.selected_id = 1, "", 0
        self.selected, self.pets = {}, []
        await self._refresh()

    @rx.event
    @guarded
    async def select(self, customer_id: str):
        """Show one customer's details and pets."""
        self.selected_id = int(customer_id)
        await self._load_selected()

    def _errors_inline(self, handler: str = "") -> bool:
        """Errors show inside the customer or pet form while one is open."""
        return self.customer_dialog or self.pet_dialog

    @rx.event
    def close_detail(self):
        """Back to the list (phones show one pane at a time)."""
        self.selected_id = 0

    @rx.event
    @guarded
    async def open_new_customer(self):
        """Empty customer form."""
        await self._user("staff")
        self.form, self.form_error, self.customer_dialog = {"id": ""}, "", True

    @rx.event
    @guarded
    async def open_edit_customer(self):
        """Customer form filled with the selected customer."""
        await self._user("staff")
        self.form = {**self.selected, "phone": self.selected.get("phone", "")}
        self.form_error, self.customer_dialog = "", True

    @rx.event
    def close_dialogs(self):
        """Close any open form."""
        self.customer_dialog = self.pet_dialog = False
        self.form_error = ""

    @rx.event
    @guarded
    async def save_customer(self, form: dict):
        """Validate and store the customer form."""
        user = await self._user("staff")
        customer_id = int(self.form.get("id") or 0) or None
        with self._session(user) as session:
            c = customers.save_customer(
                session,
                actor=user.actor,
                customer_id=customer_id,
                name=form.get("name", ""),
                phone=form.get("phone", ""),
                email=form.get("email", ""),
                notes=form.get("notes", ""),
                vip=bool(form.get("vip")),
                tags=[x for x in form.get("tags", "").split(",")],
                marketing_opt_out=bool(form.get("opt_out")),
            )
        self.customer_dialog, self.form_error, self.selected_id = False, "", c.id
        await self._refresh()
        await self._load_selected()
        return rx.toast.success(t("cust.saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete_customer(self):
        """Delete the selected customer (managers and up)."""
        user = await self._user("manager")
        with self._session(user) as session:
            customers.delete_customer(session, actor=user.actor, customer_id=self.selected_id)
        self.selected_id = 0
        await self._load_selected()
        await self._refresh()
        return rx.toast.success(t("cust.deleted"))

    @rx.event
    @guarded
    async def open_new_pet(self):
        """Empty pet form for the selected customer."""
        await self._user("staff")
        self.pet_form, self.form_error, self.pet_dialog = {"id": "", "species": "dog", "size": ""}, "", True

    @rx.event
    @guarded
    async def open_edit_pet(self, pet_id: str):
        """Pet form filled with one pet."""
        await self._user("staff")
        self.pet_form = next((p for p in self.pets if p["id"] == pet_id), {})
        self.form_error, self.pet_dialog = "", True

    @rx.event
    @guarded
    async def save_pet(self, form: dict):
        """Validate and store the pet form."""
        user = await self._user("staff")
        with self._session(user) as session:
            customers.save_pet(
                session,
                actor=user.actor,
                customer_id=self.selected_id,
                pet_id=int(self.pet_form.get("id") or 0) or None,
                name=form.get("name", ""),
                species=form.get("species") or "dog",
                breed=form.get("breed", ""),
                size=form.get("size", "") if form.get("size", "") in customers.SIZES else "",
                birth_date=_parse_date(form.get("birth_date", "")),
                weight_grams=_parse_weight(form.get("weight", "")),
                temperament=form.get("temperament", ""),
                health_notes=form.get("health_notes", ""),
            )
        self.pet_dialog, self.form_error = False, ""
        await self._load_selected()
        await self._refresh()
        return rx.toast.success(t("pet.saved"), id="toast-pet-saved")

    @rx.event
    @guarded
    async def delete_pet(self, pet_id: str):
        """Remove one pet."""
        user = await self._user("staff")
        with self._session(user) as session:
            customers.delete_pet(session, actor=user.actor, pet_id=int(pet_id))
        await self._load_selected()
        await self._refresh()
        return rx.toast.success(t("pet.deleted"))


def _customer_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.hstack(rx.text(row["name"], weight="medium"), rx.cond(row["vip"] != "", rx.badge("VIP", color_scheme="amber")))),
        rx.table.cell(row["phone"]),
        rx.table.cell(rx.text(row["pets"], color_scheme="gray")),
        on_click=CustomersState.select(row["id"]),
        cursor="pointer",
        background=rx.cond(CustomersState.selected_id.to_string() == row["id"], "var(--teal-3)", "transparent"),
        _hover={"background": "var(--gray-3)"},
        class_name="customer-row",
    )


def _customer_dialog() -> rx.Component:
    f = CustomersState.form
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(f["id"] != "", t("cust.edit"), t("cust.new"))),
            rx.form(
                rx.vstack(
                    field(
                        t("cust.name"),
                        rx.input(name="name", default_value=f["name"], id="customer-name", max_length=limits.NAME, width="100%"),
                    ),
                    field(
                        t("cust.phone"),
                        rx.input(name="phone", default_value=f["phone"], id="customer-phone", placeholder="(11) 98765-4321", width="100%"),
                    ),
                    field(
                        t("cust.email"),
                        rx.input(name="email", default_value=f["email"], id="customer-email", max_length=limits.EMAIL, width="100%"),
                    ),
                    field(
                        t("cust.tags"),
                        rx.input(name="tags", default_value=f["tags"], id="customer-tags", max_length=limits.NOTES, width="100%"),
                    ),
                    field(
                        t("cust.notes"),
                        rx.text_area(name="notes", default_value=f["notes"], id="customer-notes", max_length=limits.NOTES, width="100%"),
                    ),
                    rx.checkbox(t("cust.vip"), name="vip", default_checked=f["vip"] == "1", id="customer-vip"),
                    rx.checkbox(t("cust.opt_out"), name="opt_out", default_checked=f["opt_out"] == "1", id="customer-optout"),
                    form_error(CustomersState.form_error),
                    rx.hstack(
                        rx.button(
                            t("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=CustomersState.close_dialogs
                        ),
                        rx.button(t("common.save"), type="submit", id="customer-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CustomersState.save_customer,
                reset_on_submit=False,
            ),
            max_width="520px",
        ),
        open=CustomersState.customer_dialog,
        on_open_change=CustomersState.close_dialogs,
    )


def _pet_dialog() -> rx.Component:
    f = CustomersState.pet_form
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(f["id"] != "", t("pet.edit"), t("pet.new"))),
            rx.form(
                rx.vstack(
                    field(
                        t("pet.name"),
                        rx.input(name="name", default_value=f["name"], id="pet-name", max_length=limits.PET_NAME, width="100%"),
                    ),
                    rx.grid(
                        field(
                            t("pet.species"),
                            rx.select.root(
                                rx.select.trigger(id="pet-species", width="100%"),
                                rx.select.content(*[rx.select.item(o["label"], value=o["value"]) for o in SPECIES_OPTIONS]),
                                name="species",
                                default_value=f["species"],
                            ),
                        ),
                        field(
                            t("pet.size"),
                            rx.select.root(
                                rx.select.trigger(id="pet-size", width="100%"),
                                rx.select.content(*[rx.select.item(s, value=s) for s in customers.SIZES]),
                                name="size",
                                default_value=f["size"],
                            ),
                        ),
                        field(
                            t("pet.breed"),
                            rx.input(name="breed", default_value=f["breed"], id="pet-breed", max_length=limits.BREED, width="100%"),
                        ),
                        field(
                            t("pet.weight"),
                            rx.input(name="weight", default_value=f["weight"], id="pet-weight", placeholder="8,5", width="100%"),
                        ),
                        field(
                            t("pet.birth_date"),
                            rx.input(name="birth_date", type="date", default_value=f["birth_date"], id="pet-birth", width="100%"),
                        ),
                        field(
                            t("pet.temperament"),
                            rx.input(
                                name="temperament",
                                default_value=f["temperament"],
                                id="pet-temperament",
                                max_length=limits.SHORT,
                                width="100%",
                            ),
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    field(
                        t("pet.health_notes"),
                        rx.text_area(
                            name="health_notes", default_value=f["health_notes"], id="pet-health", max_length=limits.NOTES, width="100%"
                        ),
                    ),
                    form_error(CustomersState.form_error),
                    rx.hstack(
                        rx.button(
                            t("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=CustomersState.close_dialogs
                        ),
                        rx.button(t("common.save"), type="submit", id="pet-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CustomersState.save_pet,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=CustomersState.pet_dialog,
        on_open_change=CustomersState.close_dialogs,
    )


def _pet_card(pet: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon("paw-print", size=20, color="#0f766e"),
            rx.vstack(
                rx.text(pet["name"], weight="bold"),
                rx.text(
                    pet["species_label"],
                    " · ",
                    pet["breed"],
                    rx.cond(pet["size"] != "", " · " + pet["size"].to(str), ""),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
            ),
            rx.spacer(),
            rx.icon_button(rx.icon("pencil", size=14), size="1", variant="ghost", on_click=CustomersState.open_edit_pet(pet["id"])),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(t("common.delete") + " " + pet["name"].to(str) + "?"),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(
                            rx.button(t("common.delete"), color_scheme="red", on_click=CustomersState.delete_pet(pet["id"]))
                        ),
                        justify="end",
                        spacing="2",
                    ),
                ),
            ),
            align="center",
            width="100%",
        ),
        width="100%",
        class_name="pet-card",
    )


def _delete_customer_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.icon_button(rx.icon("trash-2", size=16), variant="soft", color_scheme="red", id="customer-delete")),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("common.delete")),
            rx.alert_dialog.description(CustomersState.delete_message),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(t("common.delete"), color_scheme="red", on_click=CustomersState.delete_customer, id="customer-delete-confirm")
                ),
                justify="end",
                spacing="2",
                margin_top="1em",
            ),
        ),
    )


def _detail_panel() -> rx.Component:
    s = CustomersState.selected
    return rx.card(
        rx.cond(
            CustomersState.selected_id > 0,
            rx.vstack(
                rx.hstack(
                    rx.heading(s["name"], size="5", id="detail-name"),
                    rx.cond(s["vip"] != "", rx.badge("VIP", color_scheme="amber")),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("pencil", size=16), variant="soft", on_click=CustomersState.open_edit_customer, id="customer-edit"
                    ),
                    rx.cond(AuthState.is_manager, _delete_customer_button()),
                    width="100%",
                    align="center",
                ),
                rx.text(rx.icon("phone", size=14), " ", s["phone"], size="2"),
                rx.cond(s["email"] != "", rx.text(rx.icon("mail", size=14), " ", s["email"], size="2")),
                rx.cond(s["tags"] != "", rx.text(s["tags"], size="1", color_scheme="gray")),
                rx.cond(s["notes"] != "", rx.text(s["notes"], size="2", color_scheme="gray")),
                rx.divider(),
                rx.hstack(
                    rx.heading(t("cust.pets"), size="3"),
                    rx.spacer(),
                    rx.button(rx.icon("plus", size=14), t("pet.new"), size="1", on_click=CustomersState.open_new_pet, id="pet-new"),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    CustomersState.pets.length() > 0,
                    rx.vstack(rx.foreach(CustomersState.pets, _pet_card), width="100%", spacing="2", id="pet-list"),
                    rx.text(t("cust.no_pets"), size="2", color_scheme="gray"),
                ),
                rx.cond(
                    CustomersState.conversation_link != "",
                    rx.link(
                        rx.button(rx.icon("messages-square", size=14), t("cust.open_conversation"), variant="soft", size="1"),
                        href=CustomersState.conversation_link,
                        id="customer-conversation",
                    ),
                ),
                rx.divider(),
                rx.heading(t("cust.upcoming"), size="3"),
                rx.cond(
                    CustomersState.appointments.length() > 0,
                    rx.vstack(
                        rx.foreach(
                            CustomersState.appointments,
                            lambda a: rx.hstack(
                                rx.icon("calendar", size=14),
                                rx.text(a["when"], weight="medium", size="2"),
                                rx.text(a["service"], size="2"),
                                rx.text(a["pet"], size="2", color_scheme="gray"),
                                rx.badge(a["source"], variant="soft", size="1"),
                                wrap="wrap",
                                class_name="appointment-row",
                            ),
                        ),
                        spacing="1",
                        id="appointment-list",
                    ),
                    rx.text(t("cust.no_upcoming"), size="2", color_scheme="gray"),
                ),
                rx.divider(),
                rx.heading(t("cust.history"), size="3"),
                rx.cond(
                    CustomersState.visits.length() > 0,
                    rx.vstack(
                        rx.foreach(
                            CustomersState.visits,
                            lambda v: rx.hstack(
                                rx.text(v["when"], weight="medium", size="2"),
                                rx.text(v["service"], size="2"),
                                rx.text(v["pet"], size="2", color_scheme="gray"),
                                rx.badge(v["status"], variant="soft", size="1"),
                                rx.text(v["price"], size="2", color_scheme="gray"),
                                wrap="wrap",
                                class_name="visit-row",
                            ),
                        ),
                        spacing="1",
                        id="visit-list",
                    ),
                    rx.text(t("cust.no_history"), size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            empty_state(t("cust.select"), "mouse-pointer-click", state_id="detail-empty"),
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
        master_detail(
            rx.card(
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
                                            rx.table.column_header_cell(t("cust.pets")),
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
            ),
            _detail_panel(),
            selected=CustomersState.selected_id > 0,
            on_back=CustomersState.close_detail,
        ),
        _customer_dialog(),
        _pet_dialog(),
        width="100%",
        spacing="3",
    )
