"""'Novo agendamento' from a customer's record: service, day, a free time, and the pet.

Only free times are offered (the same availability the agents use); the service checks the
slot again when saving, so two people booking the last place cannot both get it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import reflex as rx

from auzap_console.components.common import field, form_dialog, option_select, slot_buttons
from auzap_console.i18n import money, t
from auzap_console.pages.customers.state import CustomersState
from auzap_console.services import booking, catalog, limits
from auzap_console.services.context import ServiceError
from auzap_console.state import Option, ProtectedState, guarded

NO_PET = "none"


class NewAppointmentState(ProtectedState):
    """The booking dialog of the selected customer."""

    open: bool = False
    services: list[Option] = []
    pets: list[Option] = []
    service_id: str = ""
    day: str = ""
    min_day: str = ""
    slots: list[Option] = []
    slot: str = ""
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return self.open

    async def _load_slots(self) -> None:
        self.slots, self.slot = [], ""
        if not self.service_id or not self.day:
            return
        user = await self._user("staff")
        try:
            day = date.fromisoformat(self.day)
        except ValueError:
            return
        with self._session(user) as session:
            free = booking.available_slots(session, actor=user.actor, service_id=int(self.service_id), day=day)
        zone = ZoneInfo(user.timezone)
        self.slots = [Option(value=s.isoformat(), label=s.astimezone(zone).strftime("%H:%M")) for s in free]

    @rx.event
    @guarded
    async def open_dialog(self):
        """Fresh form: today's date, the shop's active services, the customer's pets."""
        user = await self._user("staff")
        record = await self.get_state(CustomersState)
        with self._session(user) as session:
            active = catalog.list_services(session, actor=user.actor, active_only=True)
        self.services = [Option(value=str(s.id), label=f"{s.name} · {money(s.price_cents)}") for s in active]
        self.pets = [Option(value=NO_PET, label=t("book.no_pet"))] + [Option(value=str(p.id), label=p.name) for p in record.pets]
        self.service_id = self.services[0].value if len(self.services) == 1 else ""
        self.min_day = self.day = user.today().isoformat()
        self.form_error, self.open = "", True
        await self._load_slots()

    @rx.event
    def close(self):
        """Close without booking."""
        self.open, self.form_error = False, ""

    @rx.event
    @guarded
    async def pick_service(self, value: str):
        """A service was chosen: show its free times that day."""
        self.service_id = value
        await self._load_slots()

    @rx.event
    @guarded
    async def pick_day(self, value: str):
        """A day was chosen: show the service's free times."""
        self.day = value
        await self._load_slots()

    @rx.event
    def pick_slot(self, value: str):
        """A time was chosen."""
        self.slot = value

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Book it; the customer's record shows it at once."""
        user = await self._user("staff")
        record = await self.get_state(CustomersState)
        if not self.service_id:
            raise ServiceError(t("err.book_service"), field="service")
        if not self.slot:
            raise ServiceError(t("err.book_time"), field="slot")
        pet = form.get("pet") or NO_PET
        with self._session(user) as session:
            booking.book(
                session,
                actor=user.actor,
                customer_id=record.selected_id,
                service_id=int(self.service_id),
                starts_at=datetime.fromisoformat(self.slot),
                pet_id=None if pet == NO_PET else int(pet),
                source="staff",
                notes=limits.bounded(form.get("notes", ""), limits.NOTES, t("book.notes"), field="notes"),
            )
        self.open = False
        await record._load_selected()
        return rx.toast.success(t("book.saved"), id="toast-booked")


def new_appointment_dialog() -> rx.Component:
    """The booking dialog (opened from the record's 'Novo agendamento' button)."""
    s = NewAppointmentState
    return form_dialog(
        t("book.new"),
        rx.cond(
            s.services.length() > 0,
            rx.vstack(
                field(
                    t("book.service"),
                    option_select(
                        s.services,
                        s.service_id,
                        s.pick_service,
                        select_id="book-service",
                        name="service",
                        width="100%",
                        placeholder=t("book.pick_service_short"),
                    ),
                ),
                rx.grid(
                    field(
                        t("book.day"),
                        rx.input(
                            name="day",
                            type="date",
                            value=s.day,
                            min=s.min_day,
                            on_change=s.pick_day,
                            id="book-day",
                            width="100%",
                        ),
                    ),
                    field(t("book.pet"), option_select(s.pets, select_id="book-pet", name="pet", width="100%", default_value=NO_PET)),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                field(
                    t("book.time"),
                    slot_buttons(
                        s.slots,
                        s.slot,
                        s.pick_slot,
                        rx.cond((s.service_id != "") & (s.day != ""), t("book.no_slots"), t("book.pick_service")),
                        "book-slots",
                    ),
                ),
                field(t("book.notes"), rx.text_area(name="notes", id="book-notes", max_length=limits.NOTES, width="100%")),
                spacing="3",
                width="100%",
            ),
            rx.callout(t("book.no_services"), icon="info", color_scheme="amber", size="1"),
        ),
        open=s.open,
        on_submit=s.save,
        on_close=s.close,
        error=s.form_error,
        saving=s.saving,
        submit_id="book-save",
        submit_label=t("book.confirm"),
        max_width="560px",
        dialog_id="book-dialog",
    )
