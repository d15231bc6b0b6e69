"""The agenda's dialogs: a new appointment, and one appointment's sheet.

A new appointment starts from an empty half-hour or the header button; the sheet has the
details and next steps, moving it or changing professional, and a health finding.
Only free times are offered (the same availability the agents use, per professional); the
booking service checks again on save, so nothing conflicting is ever stored.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import reflex as rx

from auzap_console.components.common import field, form_error, option_select, slot_buttons
from auzap_console.i18n import money, t
from auzap_console.pages.calendar.state import CalendarState, ItemRow, item_row
from auzap_console.services import booking, calendar, catalog, customers, health, limits, staff
from auzap_console.services.context import ServiceError
from auzap_console.state import Option, ProtectedState, guarded

ANYONE = "any"
NO_PET = "none"
FINDING_AREAS = ("skin", "ears", "eyes", "parasites", "teeth", "behaviour", "other")
FINDING_SEVERITIES = ("low", "medium", "high")
DURING_SERVICE = ("checked_in", "in_service", "ready")


def _slot_options(free: list[datetime], tz: ZoneInfo) -> list[Option]:
    return [Option(value=s.isoformat(), label=s.astimezone(tz).strftime("%H:%M")) for s in free]


def _staff_options(members, category: str) -> list[Option]:
    """'Whoever is free' first, then the professionals who do this kind of service (everyone before one is chosen)."""
    return [Option(ANYONE, t("cal.anyone"))] + [
        Option(str(m.id), m.name) for m in members if m.active and (not category or category in (m.categories or []))
    ]


class NewBookingState(ProtectedState):
    """Create an appointment: find the customer, then pet, service, day, professional and a free time."""

    open: bool = False
    query: str = ""
    results: list[Option] = []
    customer_id: int = 0
    customer_name: str = ""
    pets: list[Option] = []
    pet: str = NO_PET
    services: list[Option] = []
    service_id: str = ""
    day: str = ""
    min_day: str = ""
    staff_options: list[Option] = []
    staff_id: str = ANYONE
    slots: list[Option] = []
    slot: str = ""
    wanted_slot: str = ""  # the half-hour clicked on the agenda, chosen when it is free
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return self.open

    async def _reload(self) -> None:
        """Professionals for the chosen service, and its free times that day."""
        self.slots, self.slot = [], ""
        user = await self._user("staff")
        with self._session(user) as session:
            members = staff.list_staff(session, actor=user.actor, active_only=True)
            category = ""
            if self.service_id:
                category = next((s.category for s in catalog.list_services(session, actor=user.actor) if str(s.id) == self.service_id), "")
            self.staff_options = _staff_options(members, category)
            if self.staff_id not in {o.value for o in self.staff_options}:
                self.staff_id = ANYONE
            if not self.service_id or not self.day:
                return
            try:
                day = date.fromisoformat(self.day)
            except ValueError:
                return
            free = booking.available_slots(
                session,
                actor=user.actor,
                service_id=int(self.service_id),
                day=day,
                staff_id=None if self.staff_id == ANYONE else int(self.staff_id),
            )
        self.slots = _slot_options(free, ZoneInfo(user.timezone))
        if self.wanted_slot in {o.value for o in self.slots}:
            self.slot = self.wanted_slot

    @rx.event
    @guarded
    async def open_at(self, start: str, lane: int):
        """From an empty half-hour of a lane: that day, that professional, that time (when free)."""
        user = await self._user("staff")
        zone = ZoneInfo(user.timezone)
        moment = datetime.fromisoformat(start)
        await self._fresh(user)
        self.day = moment.astimezone(zone).date().isoformat()
        self.staff_id = str(lane) if int(lane) else ANYONE
        self.wanted_slot = moment.isoformat()
        await self._reload()

    @rx.event
    @guarded
    async def open_blank(self):
        """From the header button: the day on screen."""
        user = await self._user("staff")
        await self._fresh(user)
        agenda = await self.get_state(CalendarState)
        self.day = max(agenda.day or user.today().isoformat(), user.today().isoformat())
        await self._reload()

    async def _fresh(self, user) -> None:
        with self._session(user) as session:
            active = catalog.list_services(session, actor=user.actor, active_only=True)
        self.services = [Option(value=str(s.id), label=f"{s.name} · {money(s.price_cents)}") for s in active]
        self.service_id = self.services[0].value if len(self.services) == 1 else ""
        self.query, self.results, self.customer_id, self.customer_name = "", [], 0, ""
        self.pets, self.pet, self.staff_id, self.wanted_slot = [], NO_PET, ANYONE, ""
        self.min_day = user.today().isoformat()
        self.form_error, self.open = "", True

    @rx.event
    def close(self):
        """Close without booking."""
        self.open, self.form_error = False, ""

    @rx.event
    @guarded
    async def search(self, value: str):
        """Customers by name, phone, e-mail or pet (six at most)."""
        self.query = value
        term = value.strip()
        if len(term) < 2:
            self.results = []
            return
        user = await self._user("staff")
        with self._session(user) as session:
            found = customers.list_customers(session, actor=user.actor, search=term, per_page=6)
        self.results = [Option(str(c.id), f"{c.name} · {', '.join(pets)}" if pets else c.name) for c, pets in found.rows]

    @rx.event
    @guarded
    async def choose_customer(self, customer_id: str):
        """A customer was picked: their pets (the only one is chosen)."""
        user = await self._user("staff")
        with self._session(user) as session:
            customer = customers.get_customer(session, actor=user.actor, customer_id=int(customer_id))
            pets = customers.list_pets(session, actor=user.actor, customer_id=customer.id)
        self.customer_id, self.customer_name, self.results, self.query = customer.id, customer.name, [], ""
        self.pets = [Option(NO_PET, t("book.no_pet"))] + [Option(str(p.id), p.name) for p in pets]
        self.pet = str(pets[0].id) if len(pets) == 1 else NO_PET

    @rx.event
    def change_customer(self):
        """Search again."""
        self.customer_id, self.customer_name, self.pets, self.pet = 0, "", [], NO_PET

    @rx.event
    def pick_pet(self, value: str):
        """The pet being booked."""
        self.pet = value

    @rx.event
    @guarded
    async def pick_service(self, value: str):
        """A service: who does it and its free times."""
        self.service_id = value
        await self._reload()

    @rx.event
    @guarded
    async def pick_day(self, value: str):
        """Another day."""
        self.day = value
        await self._reload()

    @rx.event
    @guarded
    async def pick_staff(self, value: str):
        """A professional (or whoever is free)."""
        self.staff_id = value
        await self._reload()

    @rx.event
    def pick_slot(self, value: str):
        """A free time."""
        self.slot = value

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Book it (the service checks the slot and the professional again) and show it on the agenda."""
        user = await self._user("staff")
        if not self.customer_id:
            raise ServiceError(t("err.book_customer"), field="customer-search")
        if not self.service_id:
            raise ServiceError(t("err.book_service"), field="service")
        if not self.slot:
            raise ServiceError(t("err.book_time"), field="slot")
        with self._session(user) as session:
            booking.book(
                session,
                actor=user.actor,
                customer_id=self.customer_id,
                service_id=int(self.service_id),
                starts_at=datetime.fromisoformat(self.slot),
                pet_id=None if self.pet == NO_PET else int(self.pet),
                staff_id=None if self.staff_id == ANYONE else int(self.staff_id),
                source="staff",
                notes=limits.bounded(form.get("notes", ""), limits.NOTES, t("book.notes"), field="notes"),
            )
        self.open = False
        agenda = await self.get_state(CalendarState)
        agenda.day, agenda.view = self.day, "day"
        await agenda._refresh()
        return rx.toast.success(t("book.saved"), id="toast-booked")


class AppointmentState(ProtectedState):
    """One appointment's sheet: details and next steps, moving it, and recording a health finding."""

    open: bool = False
    tab: str = "details"
    item: ItemRow | None = None
    notes: str = ""
    live: bool = False
    during_service: bool = False
    move_day: str = ""
    min_day: str = ""
    staff_options: list[Option] = []
    move_staff: str = ANYONE
    slots: list[Option] = []
    slot: str = ""
    current_start: str = ""
    findings: list[Option] = []
    history: list[str] = []
    photo: str = ""  # a stored photo for the finding being written ("findings/…")
    saving: bool = False
    form_error: str = ""
    _service_id: int = 0

    def _errors_inline(self, handler: str = "") -> bool:
        return self.open

    async def _load(self, appointment_id: int) -> None:
        user = await self._user("staff")
        tz = ZoneInfo(user.timezone)
        with self._session(user) as session:
            found = calendar.appointment_item(session, actor=user.actor, appointment_id=appointment_id)
            members = staff.list_staff(session, actor=user.actor, active_only=True)
            notes = health.findings_for_customer(session, actor=user.actor, customer_id=found.customer_id)
            self.history = calendar.appointment_history(session, actor=user.actor, appointment_id=appointment_id)
        self.item, self.notes = item_row(found), found.notes
        self.live = found.status in booking.LIVE_STATUSES
        self.during_service = found.status in DURING_SERVICE
        self.current_start = found.starts_at.isoformat()
        self.move_day = found.starts_at.astimezone(tz).date().isoformat()
        self.min_day = user.today().isoformat()
        self.staff_options = _staff_options(members, found.category)
        self.move_staff = str(found.staff_id) if found.staff_id else ANYONE
        self.findings = [
            Option(str(f.id), f"{t(f'health.area.{f.area}')} · {t(f'health.severity.{f.severity}')}: {f.note}")
            for f in notes
            if f.pet == found.pet and not f.resolved
        ]
        self._service_id = found.service_id
        await self._load_slots()

    async def _load_slots(self) -> None:
        self.slots, self.slot = [], ""
        if not self.live or not self.item:
            return
        user = await self._user("staff")
        try:
            day = date.fromisoformat(self.move_day)
        except ValueError:
            return
        with self._session(user) as session:
            free = booking.available_slots(
                session,
                actor=user.actor,
                service_id=self._service_id,
                day=day,
                staff_id=None if self.move_staff == ANYONE else int(self.move_staff),
                exclude=self.item.id,
            )
        self.slots = _slot_options(free, ZoneInfo(user.timezone))
        if self.current_start in {o.value for o in self.slots}:
            self.slot = self.current_start

    async def _after_change(self, message: str) -> list:
        agenda = await self.get_state(CalendarState)
        await agenda._refresh()
        if self.open and self.item:
            await self._load(self.item.id)
        return [rx.toast.success(message, id="toast-saved")]

    @rx.event
    @guarded
    async def show(self, appointment_id: int):
        """Open the sheet of one appointment."""
        self.form_error, self.tab = "", "details"
        await self._load(int(appointment_id))
        self.open = True

    @rx.event
    @guarded
    async def load(self):
        """on_load, after the agenda's: ?a=ID opens that appointment's sheet (links from the customer record)."""
        self.open = False
        wanted = self.router.url.query_parameters.get("a", "")
        if wanted.isdigit():
            self.form_error, self.tab = "", "details"
            await self._load(int(wanted))
            self.open = True

    @rx.event
    def close(self):
        """Close the sheet."""
        self.open, self.form_error = False, ""

    @rx.event
    def set_tab(self, value: str):
        """Details, move, or health finding."""
        self.tab, self.form_error = value, ""

    @rx.event
    @guarded
    async def step(self, status: str):
        """The next status (audited)."""
        user = await self._user("staff")
        with self._session(user) as session:
            booking.set_status(session, actor=user.actor, appointment_id=self.item.id, status=status)
        return await self._after_change(t("cal.updated", status=t(f"appt.status.{status}")))

    @rx.event
    @guarded
    async def pick_move_day(self, value: str):
        """Another day to move it to."""
        self.move_day = value
        await self._load_slots()

    @rx.event
    @guarded
    async def pick_move_staff(self, value: str):
        """Another professional."""
        self.move_staff = value
        await self._load_slots()

    @rx.event
    def pick_slot(self, value: str):
        """A free time."""
        self.slot = value

    @rx.event
    @guarded(busy="saving")
    async def save_move(self, form: dict):
        """Move it (and/or give it to another professional); the reminders follow."""
        user = await self._user("staff")
        if not self.slot:
            raise ServiceError(t("err.book_time"), field="slot")
        wanted = None if self.move_staff == ANYONE else int(self.move_staff)
        with self._session(user) as session:
            if self.slot == self.current_start:
                booking.assign_staff(session, actor=user.actor, appointment_id=self.item.id, staff_id=wanted)
            else:
                booking.reschedule(
                    session, actor=user.actor, appointment_id=self.item.id, starts_at=datetime.fromisoformat(self.slot), staff_id=wanted
                )
        self.tab = "details"
        agenda = await self.get_state(CalendarState)
        agenda.day = self.move_day
        return await self._after_change(t("cal.moved"))

    @rx.event
    @guarded(busy="saving")
    async def save_finding(self, form: dict):
        """Record what was noticed; the tutor is told on WhatsApp."""
        user = await self._user("staff")
        with self._session(user) as session:
            health.record_finding(
                session,
                actor=user.actor,
                appointment_id=self.item.id,
                area=form.get("finding-area") or "",
                severity=form.get("finding-severity") or "",
                note=form.get("finding-note") or "",
                photo=self.photo,
            )
        self.tab, self.photo = "details", ""
        return await self._after_change(t("health.saved"))

    @rx.event
    @guarded
    async def add_photo(self, files: list[rx.UploadFile]):
        """A photo chosen for the finding: kept under an unguessable name until the finding is saved."""
        user = await self._user("staff")
        if files:
            self.photo = health.store_photo(actor=user.actor, data=await files[0].read())

    @rx.event
    def remove_photo(self):
        """No photo after all."""
        self.photo = ""

    @rx.event
    @guarded
    async def resolve(self, finding_id: str):
        """A finding was taken care of."""
        user = await self._user("staff")
        with self._session(user) as session:
            health.resolve_finding(session, actor=user.actor, finding_id=int(finding_id))
        return await self._after_change(t("health.resolved"))

    @rx.event
    async def ask_cancel(self):
        """Hand over to the agenda's cancel dialog (with its reason)."""
        self.open = False
        agenda = await self.get_state(CalendarState)
        agenda.cancel_id, agenda.form_error = self.item.id, ""


def _buttons(cancel_label: str, on_cancel, submit_label: str, saving: rx.Var, submit_id: str) -> rx.Component:
    return rx.hstack(
        rx.button(cancel_label, type="button", variant="soft", color_scheme="gray", on_click=on_cancel),
        rx.button(submit_label, type="submit", loading=saving, disabled=saving, id=submit_id),
        justify="end",
        width="100%",
    )


def _customer_picker() -> rx.Component:
    s = NewBookingState
    return field(
        t("cal.customer"),
        rx.cond(
            s.customer_id > 0,
            rx.hstack(
                rx.badge(rx.icon("user", size=14), s.customer_name, size="2", variant="soft", id="new-customer-chosen"),
                rx.button(t("cal.change_customer"), type="button", size="1", variant="ghost", on_click=s.change_customer),
                align="center",
            ),
            rx.vstack(
                rx.input(
                    placeholder=t("cal.customer_search"),
                    value=s.query,
                    on_change=s.search.debounce(300),
                    name="customer-search",
                    id="new-customer-search",
                    width="100%",
                    auto_complete="off",
                ),
                rx.cond(
                    s.results.length() > 0,
                    rx.vstack(
                        rx.foreach(
                            s.results,
                            lambda o: rx.button(
                                o.label,
                                type="button",
                                variant="ghost",
                                size="2",
                                on_click=s.choose_customer(o.value),
                                class_name="customer-result",
                                width="100%",
                                justify="start",
                            ),
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.cond(
                        s.query.length() >= 2,
                        rx.text(t("cal.no_customer"), size="2", color_scheme="gray"),
                    ),
                ),
                spacing="1",
                width="100%",
            ),
        ),
    )


def new_booking_dialog() -> rx.Component:
    """The 'new appointment' dialog of the agenda."""
    s = NewBookingState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("book.new")),
            rx.form(
                rx.vstack(
                    _customer_picker(),
                    rx.cond(
                        s.customer_id > 0,
                        field(t("book.pet"), option_select(s.pets, s.pet, s.pick_pet, select_id="new-pet", name="pet", width="100%")),
                    ),
                    field(
                        t("book.service"),
                        option_select(
                            s.services,
                            s.service_id,
                            s.pick_service,
                            select_id="new-service",
                            name="service",
                            width="100%",
                            placeholder=t("book.pick_service_short"),
                        ),
                    ),
                    rx.grid(
                        field(
                            t("book.day"),
                            rx.input(type="date", value=s.day, min=s.min_day, on_change=s.pick_day, id="new-day", name="day", width="100%"),
                        ),
                        field(
                            t("cal.professional"),
                            option_select(s.staff_options, s.staff_id, s.pick_staff, select_id="new-staff", name="staff", width="100%"),
                        ),
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
                            rx.cond(s.service_id != "", t("book.no_slots"), t("book.pick_service")),
                            "new-slots",
                        ),
                    ),
                    field(t("book.notes"), rx.text_area(name="notes", id="new-notes", max_length=limits.NOTES, width="100%")),
                    form_error(s.form_error),
                    _buttons(t("common.cancel"), s.close, t("book.confirm"), s.saving, "new-save"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=s.save,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=s.open,
        on_open_change=s.close,
    )


def _detail_line(icon: str, *children) -> rx.Component:
    return rx.hstack(rx.icon(icon, size=16, color="var(--gray-10)"), rx.text(*children, size="2"), align="center", spacing="2")


def _details_tab() -> rx.Component:
    s = AppointmentState
    item = s.item
    return rx.vstack(
        rx.hstack(
            rx.badge(item.status_label, color_scheme=item.color, size="2"),
            rx.cond(item.by_ai, rx.badge(rx.icon("bot", size=12), t("cal.by_ai"), variant="soft")),
            rx.cond(
                item.confirmed, rx.badge(rx.icon("check-check", size=12), t("cal.tutor_confirmed"), color_scheme="green", variant="soft")
            ),
            wrap="wrap",
        ),
        _detail_line("clock", item.time),
        _detail_line("scissors", item.service, " · ", item.price),
        _detail_line("user", rx.link(item.customer, href="/customers?c=" + item.customer_id.to_string(), id="appt-customer-link")),
        _detail_line("user-check", rx.cond(item.staff != "", item.staff, t("cal.lane_nobody"))),
        rx.cond(item.reminder != "", _detail_line("bell", item.reminder)),
        rx.cond(s.notes != "", _detail_line("notebook-pen", s.notes)),
        rx.cond(
            s.findings.length() > 0,
            rx.vstack(
                rx.text(t("health.open_title"), weight="bold", size="2"),
                rx.foreach(
                    s.findings,
                    lambda f: rx.hstack(
                        rx.icon("stethoscope", size=14, color="var(--amber-10)"),
                        rx.text(f.label, size="2"),
                        rx.button(t("health.resolve"), size="1", variant="ghost", on_click=s.resolve(f.value)),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                spacing="1",
            ),
        ),
        rx.cond(
            s.history.length() > 0,
            rx.el.details(
                rx.el.summary(t("cal.history"), style={"cursor": "pointer", "color": "var(--gray-11)", "font-size": "0.9em"}),
                rx.vstack(rx.foreach(s.history, lambda line: rx.text(line, size="1")), spacing="1", padding_top="0.4em", id="appt-history"),
                width="100%",
            ),
        ),
        rx.hstack(
            rx.foreach(item.steps, lambda o: rx.button(o.label, size="2", on_click=s.step(o.value), class_name="appt-step")),
            rx.cond(
                item.can_cancel,
                rx.button(t("cal.cancel"), size="2", variant="soft", color_scheme="red", on_click=s.ask_cancel, id="appt-cancel"),
            ),
            wrap="wrap",
            spacing="2",
        ),
        spacing="2",
        width="100%",
    )


def _move_tab() -> rx.Component:
    s = AppointmentState
    return rx.form(
        rx.vstack(
            rx.grid(
                field(
                    t("book.day"),
                    rx.input(
                        type="date",
                        value=s.move_day,
                        min=s.min_day,
                        on_change=s.pick_move_day,
                        id="move-day",
                        name="move-day",
                        width="100%",
                    ),
                ),
                field(
                    t("cal.professional"),
                    option_select(s.staff_options, s.move_staff, s.pick_move_staff, select_id="move-staff", name="staff", width="100%"),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            field(t("book.time"), slot_buttons(s.slots, s.slot, s.pick_slot, t("book.no_slots"), "move-slots")),
            form_error(s.form_error),
            _buttons(t("common.cancel"), s.close, t("cal.move_save"), s.saving, "move-save"),
            spacing="3",
            width="100%",
        ),
        on_submit=s.save_move,
        reset_on_submit=False,
    )


def _finding_tab() -> rx.Component:
    s = AppointmentState
    return rx.form(
        rx.vstack(
            rx.text(t("health.hint"), size="2", color_scheme="gray"),
            rx.grid(
                field(
                    t("health.where"),
                    rx.select.root(
                        rx.select.trigger(id="finding-area", width="100%", placeholder=t("health.where_pick")),
                        rx.select.content(*[rx.select.item(t(f"health.area.{a}"), value=a) for a in FINDING_AREAS]),
                        name="finding-area",
                    ),
                ),
                field(
                    t("health.severity"),
                    rx.select.root(
                        rx.select.trigger(id="finding-severity", width="100%"),
                        rx.select.content(*[rx.select.item(t(f"health.severity.{v}"), value=v) for v in FINDING_SEVERITIES]),
                        name="finding-severity",
                        default_value="low",
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            field(
                t("health.photo"),
                rx.cond(
                    s.photo != "",
                    rx.hstack(
                        rx.image(src=rx.get_upload_url(s.photo), height="72px", border_radius="6px", id="finding-photo-preview"),
                        rx.button(t("health.photo_remove"), type="button", size="1", variant="ghost", on_click=s.remove_photo),
                        align="center",
                    ),
                    rx.upload(
                        rx.hstack(rx.icon("camera", size=16), rx.text(t("health.photo_hint"), size="2"), align="center", spacing="2"),
                        id="finding-photo",
                        accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                        max_files=1,
                        multiple=False,
                        on_drop=s.add_photo(rx.upload_files(upload_id="finding-photo")),
                        border="1px dashed var(--gray-7)",
                        border_radius="6px",
                        padding="0.75em",
                        width="100%",
                        cursor="pointer",
                    ),
                ),
            ),
            field(
                t("health.note"),
                rx.text_area(
                    name="finding-note", id="finding-note", max_length=health.NOTE_MAX, width="100%", placeholder=t("health.note_hint")
                ),
            ),
            form_error(s.form_error),
            _buttons(t("common.cancel"), s.close, t("health.save"), s.saving, "finding-save"),
            spacing="3",
            width="100%",
        ),
        on_submit=s.save_finding,
        reset_on_submit=True,
    )


def appointment_dialog() -> rx.Component:
    """One appointment's sheet, in tabs."""
    s = AppointmentState
    return rx.dialog.root(
        rx.dialog.content(
            rx.cond(
                s.item,
                rx.vstack(
                    rx.hstack(
                        rx.dialog.title(rx.cond(s.item.pet != "", s.item.pet + " · " + s.item.customer, s.item.customer), margin="0"),
                        rx.spacer(),
                        rx.dialog.close(
                            rx.icon_button(
                                rx.icon("x", size=16), variant="ghost", color_scheme="gray", aria_label=t("common.close"), id="appt-close"
                            )
                        ),
                        width="100%",
                        align="center",
                    ),
                    rx.tabs.root(
                        rx.tabs.list(
                            rx.tabs.trigger(t("cal.tab_details"), value="details", id="tab-details"),
                            rx.cond(s.live, rx.tabs.trigger(t("cal.tab_move"), value="move", id="tab-move")),
                            rx.cond(s.during_service, rx.tabs.trigger(t("cal.tab_finding"), value="finding", id="tab-finding")),
                        ),
                        rx.tabs.content(_details_tab(), value="details", padding_top="1em"),
                        rx.tabs.content(_move_tab(), value="move", padding_top="1em"),
                        rx.tabs.content(_finding_tab(), value="finding", padding_top="1em"),
                        value=s.tab,
                        on_change=s.set_tab,
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            max_width="560px",
            id="appointment-dialog",
        ),
        open=s.open,
        on_open_change=s.close,
    )
