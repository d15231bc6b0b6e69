"""State of the customers page: the list, the selected record, and the customer and pet forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import reflex as rx

from auzap_console.i18n import count, local_date, local_datetime, money, t
from auzap_console.phones import format_phone
from auzap_console.services import booking, customers, health, inbox, vaccinations
from auzap_console.services.context import ServiceError
from auzap_console.state import PagedListMixin, ProtectedState, guarded

PER_PAGE = 20


@dataclass
class CustomerRow:
    """One line of the customer list."""

    id: int
    name: str
    phone: str
    pets: str
    vip: bool


@dataclass
class CustomerForm:
    """The customer being shown or edited (id 0: a new one)."""

    id: int = 0
    name: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""
    tags: str = ""
    vip: bool = False
    opt_out: bool = False


@dataclass
class VaccineRow:
    """One recorded dose, ready to show."""

    id: str
    name: str
    given_on: str
    next_due: str
    status: str  # overdue, due_soon, ok, none (services.vaccinations.DueStatus)
    status_label: str


@dataclass
class PetForm:
    """A pet as the card shows it and the form edits it (id 0: a new one)."""

    id: int = 0
    name: str = ""
    species: str = "dog"
    species_label: str = ""
    breed: str = ""
    size: str = ""
    birth_date: str = ""
    weight: str = ""
    temperament: str = ""
    health_notes: str = ""
    vaccines: list[VaccineRow] = field(default_factory=list)
    vaccine_alert: str = ""  # the worst status among the doses: overdue, due_soon or ''


@dataclass
class AppointmentRow:
    """A future appointment or a past visit."""

    id: int
    when: str
    service: str
    pet: str
    badge: str
    price: str = ""
    link: str = ""  # the appointment's sheet on the agenda


@dataclass
class HealthRow:
    """A health finding on the record."""

    id: int
    pet: str
    what: str
    note: str
    when: str
    resolved: bool
    photo: str = ""


def _agenda_link(appointment, zone: str) -> str:
    day = appointment.starts_at.astimezone(ZoneInfo(zone)).date().isoformat()
    return f"/calendar?d={day}&a={appointment.id}"


def parse_weight(text: str) -> int | None:
    """'8,5' → 8500 grams; empty → None."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return round(float(text) * 1000)
    except ValueError as exc:
        raise ServiceError(t("err.weight_invalid"), field="weight") from exc


def parse_day(text: str, *, error: str, field_name: str) -> date | None:
    """An ISO date from a date input; empty → None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ServiceError(t(error), field=field_name) from exc


def _pet_view(pet, today: date) -> PetForm:
    doses = vaccinations.vaccinations(pet)
    statuses = {dose.status(today) for dose in doses}
    return PetForm(
        id=pet.id,
        name=pet.name,
        species=pet.species,
        species_label=t(f"species.{pet.species}"),
        breed=pet.breed,
        size=pet.size,
        birth_date=pet.birth_date.isoformat() if pet.birth_date else "",
        weight=f"{pet.weight_grams / 1000:.1f}".replace(".", ",") if pet.weight_grams else "",
        temperament=pet.temperament,
        health_notes=pet.health_notes,
        vaccines=[
            VaccineRow(
                id=dose.id,
                name=dose.name,
                given_on=dose.given_on.strftime("%d/%m/%Y"),
                next_due=dose.next_due.strftime("%d/%m/%Y") if dose.next_due else "",
                status=dose.status(today),
                status_label=t(f"vac.{dose.status(today)}") if dose.status(today) != "none" else "",
            )
            for dose in doses
        ],
        vaccine_alert=next((s for s in ("overdue", "due_soon") if s in statuses), ""),
    )


class CustomersState(PagedListMixin, ProtectedState):
    """The list, the selected customer and the two forms."""

    loaded: bool = False
    rows: list[CustomerRow] = []
    selected_id: int = 0
    selected: CustomerForm = CustomerForm()
    last_visit: str = ""
    pets: list[PetForm] = []
    appointments: list[AppointmentRow] = []
    visits: list[AppointmentRow] = []
    health_notes: list[HealthRow] = []
    conversation_link: str = ""
    customer_dialog: bool = False
    pet_dialog: bool = False
    saving: bool = False
    form_error: str = ""
    form: CustomerForm = CustomerForm()
    pet_form: PetForm = PetForm()

    @rx.var
    def summary(self) -> str:
        """'Page X of Y · N customers'."""
        return t("cust.page", page=self.page, pages=self.pages, total=count(self.total, "cliente", "clientes"))

    @rx.var
    def delete_message(self) -> str:
        """The confirmation text for deleting the selected customer."""
        return t("cust.delete_confirm", name=self.selected.name)

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
            CustomerRow(id=c.id, name=c.name, phone=format_phone(c.phone), pets=", ".join(pets), vip=c.vip) for c, pets in result.rows
        ]
        self.loaded = True
        return None

    async def _load_selected(self) -> None:
        """Reload the selected customer's record (also called by the vaccine and booking dialogs)."""
        if not self.selected_id:
            self.selected, self.pets, self.appointments, self.visits, self.conversation_link = CustomerForm(), [], [], [], ""
            self.health_notes = []
            return
        user = await self._user()
        with self._session(user) as session:
            c = customers.get_customer(session, actor=user.actor, customer_id=self.selected_id)
            pets = customers.list_pets(session, actor=user.actor, customer_id=c.id)
            upcoming = booking.upcoming(session, actor=user.actor, customer_id=c.id)
            past = booking.history(session, actor=user.actor, customer_id=c.id)
            conversation_id = inbox.latest_conversation_id(session, actor=user.actor, customer_id=c.id)
            findings = health.findings_for_customer(session, actor=user.actor, customer_id=c.id)
            today = user.today()
            self.pets = [_pet_view(p, today) for p in pets]
        self.visits = [
            AppointmentRow(
                id=a.id,
                when=local_date(a.starts_at, user.timezone),
                service=service,
                pet=pet,
                badge=t(f"appt.status.{a.status}"),
                price=money(a.price_cents),
                link=_agenda_link(a, user.timezone),
            )
            for a, service, pet in past
        ]
        self.appointments = [
            AppointmentRow(
                id=a.id,
                when=local_datetime(a.starts_at, user.timezone),
                service=service,
                pet=pet,
                badge=t("appt.source.ai") if a.source == "ai" else t("appt.source.staff"),
                link=_agenda_link(a, user.timezone),
            )
            for a, service, pet in upcoming
        ]
        self.health_notes = [
            HealthRow(
                id=f.id,
                pet=f.pet,
                what=f"{t(f'health.area.{f.area}')} · {t(f'health.severity.{f.severity}')}",
                note=f.note,
                when=f.when[:10],
                resolved=f.resolved,
                photo=f.photo,
            )
            for f in findings
        ]
        self.conversation_link = f"/inbox?c={conversation_id}" if conversation_id else ""
        self.selected = CustomerForm(
            id=c.id,
            name=c.name,
            phone=format_phone(c.phone),
            email=c.email,
            notes=c.notes,
            tags=", ".join(c.tags),
            vip=c.vip,
            opt_out=c.marketing_opt_out,
        )
        self.last_visit = local_date(c.last_visit_at, user.timezone) if c.last_visit_at else "—"

    @rx.event
    @guarded
    async def load(self):
        """on_load: first page of the list (and the record of ?c=ID, e.g. from the agenda)."""
        self.page, self.search, self.selected_id = 1, "", 0
        self.selected, self.pets = CustomerForm(), []
        await self._refresh()
        wanted = self.router.url.query_parameters.get("c", "")
        if wanted.isdigit():
            self.selected_id = int(wanted)
            await self._load_selected()

    @rx.event
    @guarded
    async def select(self, customer_id: int):
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
        self.form, self.form_error, self.customer_dialog = CustomerForm(), "", True

    @rx.event
    @guarded
    async def open_edit_customer(self):
        """Customer form filled with the selected customer."""
        await self._user("staff")
        self.form, self.form_error, self.customer_dialog = self.selected, "", True

    @rx.event
    def close_dialogs(self):
        """Close any open form."""
        self.customer_dialog = self.pet_dialog = False
        self.form_error = ""

    @rx.event
    @guarded(busy="saving")
    async def save_customer(self, form: dict):
        """Validate and store the customer form."""
        user = await self._user("staff")
        with self._session(user) as session:
            c = customers.save_customer(
                session,
                actor=user.actor,
                customer_id=self.form.id or None,
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
        self.pet_form, self.form_error, self.pet_dialog = PetForm(), "", True

    @rx.event
    @guarded
    async def open_edit_pet(self, pet_id: int):
        """Pet form filled with one pet."""
        await self._user("staff")
        self.pet_form = next((p for p in self.pets if p.id == int(pet_id)), PetForm())
        self.form_error, self.pet_dialog = "", True

    @rx.event
    @guarded(busy="saving")
    async def save_pet(self, form: dict):
        """Validate and store the pet form."""
        user = await self._user("staff")
        with self._session(user) as session:
            customers.save_pet(
                session,
                actor=user.actor,
                customer_id=self.selected_id,
                pet_id=self.pet_form.id or None,
                name=form.get("name", ""),
                species=form.get("species") or "dog",
                breed=form.get("breed", ""),
                size=form.get("size", "") if form.get("size", "") in customers.SIZES else "",
                birth_date=parse_day(form.get("birth_date", ""), error="err.birth_invalid", field_name="birth_date"),
                weight_grams=parse_weight(form.get("weight", "")),
                temperament=form.get("temperament", ""),
                health_notes=form.get("health_notes", ""),
            )
        self.pet_dialog, self.form_error = False, ""
        await self._load_selected()
        await self._refresh()
        return rx.toast.success(t("pet.saved"), id="toast-pet-saved")

    @rx.event
    @guarded
    async def delete_pet(self, pet_id: int):
        """Remove one pet."""
        user = await self._user("staff")
        with self._session(user) as session:
            customers.delete_pet(session, actor=user.actor, pet_id=int(pet_id))
        await self._load_selected()
        await self._refresh()
        return rx.toast.success(t("pet.deleted"))
