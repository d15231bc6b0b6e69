"""The "Creche e hotel" page: the desk's day, the occupancy board, reservations, packages and capacity.

Today's arrivals and guests (check-in, report card, check-out); the board covers 15 days per kind
and per room. Written against the public plugin API only: `ProtectedState` authorizes every
handler, this plugin's services do the work, the core's components draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import reflex as rx
from babel.dates import format_date

from auzap_console.components.common import confirm_delete, empty_state, form_dialog, page_header, tutor_fields
from auzap_console.components.common import field as labelled
from auzap_console.i18n import money, parse_money
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState, Option, ProtectedState, TutorLookupMixin, guarded
from auzap_vertical_daycare import desk, packages, report_cards, stays
from auzap_vertical_daycare.models import MEALS, MOODS

MEAL_OPTIONS = [Option(m, report_cards.MEAL_WORDS[m].capitalize()) for m in MEALS]
MOOD_OPTIONS = [Option(m, report_cards.MOOD_WORDS[m].capitalize()) for m in MOODS]
KIND_OPTIONS = [Option("daycare", "Creche (um dia)"), Option("hotel", "Hotel (noites)")]


@dataclass
class GuestRow:
    """A stay on the desk's lists."""

    id: int = 0
    pet: str = ""
    customer: str = ""
    kind: str = ""
    dates: str = ""
    room: str = ""
    notes: str = ""
    card: str = ""  # today's report card: "" none yet, "sent" to the tutor, "kept" (the tutor has no WhatsApp conversation)
    agenda: bool = False  # booked in the Agenda: `id` is the appointment's


@dataclass
class Cell:
    """One day of a board row."""

    text: str = ""
    tone: str = "gray"


@dataclass
class BoardRow:
    """A kind (taken/places) or a room (its pets) across the board's days."""

    label: str = ""
    cells: list[Cell] = field(default_factory=list)
    is_kind: bool = False


@dataclass
class PackageRow:
    """A package and what is left of it."""

    id: int = 0
    customer: str = ""
    summary: str = ""
    left: int = 0


def _row(guest: desk.Guest, cards: dict[int, bool] | None = None) -> GuestRow:
    notes = " · ".join(
        x
        for x in (
            guest.agenda_cancelled and "Agendamento cancelado na Agenda: faça o check-out quando o pet sair",
            guest.feeding and f"Alimentação: {guest.feeding}",
            guest.medication and f"Medicação: {guest.medication}",
        )
        if x
    )
    made = (cards or {}).get(guest.id)
    card = "" if made is None else "sent" if made else "kept"
    return GuestRow(guest.id, guest.pet, guest.customer, guest.kind_label, guest.dates, guest.room, notes, card, guest.agenda)


def _tone(taken: int, places: int) -> str:
    if places == 0 or taken >= places:
        return "red"
    return "amber" if taken >= 0.8 * places else "green"


class DeskState(ProtectedState, TutorLookupMixin):
    """The desk: loaded on open, reloaded after each action."""

    loaded: bool = False
    day_label: str = ""
    arriving: list[GuestRow] = []
    staying: list[GuestRow] = []
    upcoming: list[GuestRow] = []
    days: list[str] = []
    board_rows: list[BoardRow] = []
    package_rows: list[PackageRow] = []
    room_options: list[str] = []
    daycare_places: int = 0
    hotel_places: int = 0
    # dialogs: "checkin", "card", "booking", "package" or ""
    dialog: str = ""
    stay_id: int = 0
    appointment_id: int = 0  # checking in an Agenda booking instead of a stay
    pet_name: str = ""
    form_error: str = ""
    saving: bool = False
    photo_name: str = ""
    _photo: bytes = b""
    _photo_mime: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return bool(self.dialog)

    async def _reload(self) -> None:
        user = await self._user("staff")
        with self._session(user) as session:
            day = stays.local_today(session, actor=user.actor)
            board = desk.board(session, actor=user.actor, start=day)
            today = desk.today(session, actor=user.actor, day=day)
            cards = report_cards.made_on(session, actor=user.actor, day=day)
            self.arriving = [_row(g) for g in today.arriving]
            self.staying = [_row(g, cards) for g in today.staying]
            self.upcoming = [_row(g) for g in desk.upcoming(session, actor=user.actor, day=day, limit=20)]
            self.package_rows = [
                PackageRow(b.id, b.customer, f"{b.left} de {b.days} diárias · {money(b.price_cents)}", b.left)
                for b in packages.balances(session, actor=user.actor)[:30]
            ]
            self.room_options = desk.rooms(session, actor=user.actor)
            self.daycare_places = stays.places(session, actor=user.actor, kind="daycare")
            self.hotel_places = stays.places(session, actor=user.actor, kind="hotel")
        self.day_label = format_date(day, "EEEE, d 'de' MMMM", locale="pt_BR")
        self.days = [format_date(d, "EEE d", locale="pt_BR").replace(".", "") for d in board.days]
        rows = [
            BoardRow(stays.KIND_WORDS[kind].capitalize(), [Cell(f"{n}/{limit}", _tone(n, limit)) for n in taken], True)
            for kind, (taken, limit) in board.kinds.items()
        ]
        rows += [BoardRow(room, [Cell(", ".join(pets), "teal" if pets else "gray") for pets in cells]) for room, cells in board.rooms]
        self.board_rows = rows
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """Open the page."""
        self.dialog = ""
        await self._reload()

    @rx.event
    def close(self):
        """Close the open dialog and forget its error."""
        self.dialog, self.form_error, self.photo_name, self._photo = "", "", "", b""

    def _open(self, kind: str, stay_id: int = 0, pet: str = "") -> None:
        self.dialog, self.stay_id, self.pet_name, self.form_error = kind, stay_id, pet, ""
        self.appointment_id = 0

    @rx.event
    def open_check_in(self, stay_id: int, pet: str):
        """Check-in form of an arriving pet."""
        self._open("checkin", stay_id, pet)

    @rx.event
    def open_agenda_check_in(self, appointment_id: int, pet: str):
        """Check-in form of a pet booked in the Agenda."""
        self._open("checkin", 0, pet)
        self.appointment_id = appointment_id

    @rx.event
    def open_card(self, stay_id: int, pet: str):
        """Report card form of a guest."""
        self._open("card", stay_id, pet)
        self.photo_name, self._photo = "", b""

    @rx.event
    def open_booking(self):
        """New reservation form."""
        self._open("booking")
        self._forget_tutor()

    @rx.event
    def open_package(self):
        """Sell a package form."""
        self._open("package")
        self._forget_tutor()

    @rx.event
    @guarded(busy="saving")
    async def check_in(self, form: dict):
        """Save the check-in."""
        user = await self._user("staff")
        arrival = {key: form.get(key, "") for key in ("room", "belongings", "feeding", "medication")}
        with self._session(user) as session:
            if self.appointment_id:
                desk.check_in_from_agenda(session, actor=user.actor, appointment_id=self.appointment_id, **arrival)
            else:
                desk.check_in(session, actor=user.actor, stay_id=self.stay_id, **arrival)
        self.dialog = ""
        await self._reload()
        return rx.toast.success(f"Check-in de {self.pet_name} feito.")

    @rx.event
    @guarded
    async def check_out(self, stay_id: int, pet: str):
        """The pet went home."""
        user = await self._user("staff")
        with self._session(user) as session:
            desk.check_out(session, actor=user.actor, stay_id=stay_id)
        await self._reload()
        return rx.toast.success(f"Check-out de {pet} feito.")

    @rx.event
    @guarded
    async def cancel(self, stay_id: int, pet: str):
        """Cancel a reservation."""
        user = await self._user("staff")
        with self._session(user) as session:
            desk.cancel(session, actor=user.actor, stay_id=stay_id)
        await self._reload()
        return rx.toast.success(f"Reserva de {pet} cancelada.")

    @rx.event
    @guarded
    async def add_photo(self, files: list[rx.UploadFile]):
        """The report card's photo (kept until the card is sent)."""
        await self._user("staff")
        if files:
            upload = files[0]
            self._photo, self._photo_mime = await upload.read(), upload.content_type or "image/jpeg"
            self.photo_name = upload.filename or "foto.jpg"

    @rx.event
    @guarded(busy="saving")
    async def send_card(self, form: dict):
        """Send the report card to the tutor."""
        user = await self._user("staff")
        photo = (self._photo, self._photo_mime, self.photo_name) if self._photo else None
        with self._session(user) as session:
            card = report_cards.send(
                session,
                actor=user.actor,
                stay_id=self.stay_id,
                day=stays.local_today(session, actor=user.actor),
                meals=form.get("meals", ""),
                mood=form.get("mood", ""),
                activities=form.get("activities", ""),
                notes=form.get("notes", ""),
                photo=photo,
            )
            went = card.message_id is not None
        self.close()
        await self._reload()
        if went:
            return rx.toast.success(f"Boletim de {self.pet_name} enviado no WhatsApp.")
        return rx.toast.info(f"Boletim de {self.pet_name} salvo; o tutor ainda não tem conversa no WhatsApp.")

    @rx.event
    @guarded(busy="saving")
    async def book(self, form: dict):
        """Create a reservation (capacity and vaccines checked)."""
        user = await self._user("staff")
        tutor_id = self._require_tutor()
        if not form.get("pet"):
            raise ServiceError("Escolha o pet.")
        try:
            start = date.fromisoformat(form.get("start", ""))
            nights = int(form.get("nights") or 1)
        except ValueError as exc:
            raise ServiceError("Informe a data de entrada e o número de noites.", field="start") from exc
        with self._session(user) as session:
            stay = stays.book(
                session,
                actor=user.actor,
                customer_id=tutor_id,
                pet_id=int(form["pet"]),
                kind=form.get("kind") or "daycare",
                start=start,
                nights=nights,
                today=stays.local_today(session, actor=user.actor),
            )
            kind = stays.KIND_WORDS[stay.kind]
        self.dialog = ""
        await self._reload()
        return rx.toast.success(f"Reserva de {kind} feita para {start:%d/%m}.")

    @rx.event
    @guarded(busy="saving")
    async def sell_package(self, form: dict):
        """Record a package sold at the desk."""
        user = await self._user("staff")
        tutor_id = self._require_tutor()
        try:
            days = int(form.get("days") or 0)
        except ValueError as exc:
            raise ServiceError("Informe quantas diárias.", field="days") from exc
        with self._session(user) as session:
            packages.sell(session, actor=user.actor, customer_id=tutor_id, days=days, price_cents=parse_money(form.get("price") or "0"))
        self.dialog = ""
        await self._reload()
        return rx.toast.success(f"Pacote de {days} diárias registrado para {self.tutor_name}.")

    @rx.event
    @guarded
    async def save_places(self, form: dict):
        """Capacity per kind (managers)."""
        user = await self._user("manager")
        try:
            values = {kind: int(form.get(kind) or 0) for kind in ("daycare", "hotel")}
        except ValueError as exc:
            raise ServiceError("Informe números inteiros.") from exc
        with self._session(user) as session:
            for kind, value in values.items():
                stays.set_places(session, actor=user.actor, kind=kind, value=value)
        await self._reload()
        return rx.toast.success("Capacidade salva.")


# Components ----------------------------------------------------------------------------------

S = DeskState


def _guest_card(row: GuestRow, *actions: rx.Component) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(row.pet, weight="bold", class_name="guest-pet"),
                    rx.badge(row.kind, color_scheme="teal", variant="soft"),
                    rx.cond(row.room != "", rx.badge(row.room, variant="outline")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(row.customer, " · ", row.dates, size="2", color_scheme="gray"),
                rx.cond(row.notes != "", rx.text(row.notes, size="1", color_scheme="gray")),
                spacing="1",
                min_width="0",
            ),
            rx.hstack(*actions, spacing="2", wrap="wrap"),
            justify="between",
            align="center",
            gap="2",
            wrap="wrap",
        ),
        width="100%",
        class_name="desk-guest",
    )


def _section(title: str, rows: rx.Var, empty: str, icon: str, render, section_id: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="4"),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, render), spacing="2", width="100%"),
            empty_state(empty, icon, state_id=f"{section_id}-empty"),
        ),
        spacing="2",
        width="100%",
        id=section_id,
    )


def _cancel(row: GuestRow, size: str, variant: str) -> rx.Component:
    return confirm_delete(
        rx.button("Cancelar", size=size, variant=variant, color_scheme="red", class_name="stay-cancel"),
        "Cancelar a reserva de " + row.pet + "?",
        description="A vaga fica livre; uma diária de pacote volta para o saldo do cliente.",
        on_confirm=S.cancel(row.id, row.pet),
        confirm_id="stay-cancel-confirm",
        confirm_label="Cancelar reserva",
    )


def _arriving(row: GuestRow) -> rx.Component:
    return rx.cond(
        row.agenda,
        _guest_card(  # booked in the Agenda: cancelled or moved there
            row,
            _from_agenda(),
            rx.button("Check-in", size="2", on_click=S.open_agenda_check_in(row.id, row.pet), class_name="check-in"),
        ),
        _guest_card(
            row,
            rx.button("Check-in", size="2", on_click=S.open_check_in(row.id, row.pet), class_name="check-in"),
            _cancel(row, "2", "soft"),
        ),
    )


def _staying(row: GuestRow) -> rx.Component:
    return _guest_card(
        row,
        rx.match(
            row.card,
            ("sent", rx.badge(rx.icon("check", size=14), "Boletim enviado", color_scheme="green", size="2")),
            ("kept", rx.badge(rx.icon("phone-off", size=14), "Boletim salvo · tutor sem WhatsApp", color_scheme="gray", size="2")),
            rx.button(
                rx.icon("clipboard-pen", size=16),
                "Boletim",
                size="2",
                variant="soft",
                on_click=S.open_card(row.id, row.pet),
                class_name="report-card",
            ),
        ),
        rx.button("Check-out", size="2", variant="outline", on_click=S.check_out(row.id, row.pet), class_name="check-out"),
    )


def _from_agenda() -> rx.Component:
    return rx.badge(rx.icon("calendar", size=14), "Pela Agenda", color_scheme="gray", size="2", class_name="from-agenda")


def _upcoming(row: GuestRow) -> rx.Component:
    return _guest_card(row, rx.cond(row.agenda, _from_agenda(), _cancel(row, "1", "ghost")))  # the Agenda's: moved or cancelled there


def _cell(cell: Cell) -> rx.Component:
    return rx.table.cell(
        rx.text(cell.text, size="1", color=rx.color(cell.tone, 11), white_space="nowrap"), background=rx.color(cell.tone, 3)
    )


def _board() -> rx.Component:
    return rx.vstack(
        rx.heading("Ocupação — hoje e os próximos 14 dias", size="4"),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("", min_width="7em"),
                        rx.foreach(S.days, lambda d: rx.table.column_header_cell(rx.text(d, size="1", white_space="nowrap"))),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        S.board_rows,
                        lambda r: rx.table.row(
                            rx.table.row_header_cell(
                                rx.text(r.label, size="2", weight=rx.cond(r.is_kind, "bold", "regular"), white_space="nowrap")
                            ),
                            rx.foreach(r.cells, _cell),
                        ),
                    )
                ),
                size="1",
                variant="surface",
            ),
            overflow_x="auto",
            width="100%",
            id="occupancy-board",
        ),
        rx.text("Creche e hotel: lugares ocupados / capacidade. Quartos: os pets hospedados em cada noite.", size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def _packages() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Pacotes de creche", size="4"),
            rx.button(rx.icon("plus", size=16), "Vender pacote", size="2", variant="soft", on_click=S.open_package, id="package-new"),
            justify="between",
            width="100%",
            align="center",
        ),
        rx.cond(
            S.package_rows.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.package_rows,
                    lambda p: rx.hstack(
                        rx.text(p.customer, size="2", weight="medium"),
                        rx.spacer(),
                        rx.badge(p.summary, color_scheme=rx.cond(p.left > 0, "teal", "gray")),
                        width="100%",
                        class_name="package-row",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            empty_state("Nenhum pacote vendido ainda.", "ticket", state_id="packages-empty"),
        ),
        spacing="2",
        width="100%",
    )


def _capacity() -> rx.Component:
    return rx.cond(
        AuthState.is_manager,  # managers and owners set it (saving checks the role again)
        rx.form(
            rx.vstack(
                rx.heading("Capacidade por dia", size="4"),
                rx.flex(
                    labelled(
                        "Creche (pets por dia)",
                        rx.input(
                            name="daycare",
                            type="number",
                            min=0,
                            max=500,
                            default_value=S.daycare_places.to_string(),
                            width="8em",
                            key=S.daycare_places.to_string(),
                        ),
                    ),
                    labelled(
                        "Hotel (pets por noite)",
                        rx.input(
                            name="hotel",
                            type="number",
                            min=0,
                            max=500,
                            default_value=S.hotel_places.to_string(),
                            width="8em",
                            key=S.hotel_places.to_string(),
                        ),
                    ),
                    gap="3",
                    width="100%",
                    direction={"initial": "column", "sm": "row"},
                ),
                rx.button("Salvar capacidade", type="submit", size="2", id="places-save"),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_places,
            reset_on_submit=False,
            width="100%",
        ),
    )


def _dialogs() -> rx.Component:
    textarea = lambda name, hint: rx.text_area(name=name, placeholder=hint, width="100%", max_length=500)  # noqa: E731
    return rx.fragment(
        form_dialog(
            "Check-in de " + S.pet_name,
            labelled("Quarto ou baia", rx.select(S.room_options, name="room", placeholder="Escolha (hotel)", width="100%")),
            labelled("Pertences", textarea("belongings", "Caminha, coleira, brinquedos…")),
            labelled("Alimentação", textarea("feeding", "Ração, quantidade e horários")),
            labelled("Medicação", textarea("medication", "Remédio, dose e horários (se houver)")),
            open=S.dialog == "checkin",
            on_submit=S.check_in,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="check-in-save",
            submit_label="Fazer check-in",
            dialog_id="check-in-dialog",
        ),
        form_dialog(
            "Boletim de " + S.pet_name,
            labelled(
                "Refeições",
                rx.select.root(
                    rx.select.trigger(id="card-meals", width="100%"),
                    rx.select.content(*[rx.select.item(o.label, value=o.value) for o in MEAL_OPTIONS]),
                    name="meals",
                    default_value="all",
                ),
            ),
            labelled(
                "Humor",
                rx.select.root(
                    rx.select.trigger(id="card-mood", width="100%"),
                    rx.select.content(*[rx.select.item(o.label, value=o.value) for o in MOOD_OPTIONS]),
                    name="mood",
                    default_value="happy",
                ),
            ),
            labelled(
                "Atividades", rx.input(name="activities", placeholder="Brincou no gramado, passeio, soneca…", max_length=300, width="100%")
            ),
            labelled("Observações", textarea("notes", "Algo que o tutor deva saber")),
            labelled(
                "Foto",
                rx.cond(
                    S.photo_name != "",
                    rx.hstack(rx.icon("image", size=16), rx.text(S.photo_name, size="2", id="card-photo-name"), align="center"),
                    rx.upload(
                        rx.hstack(
                            rx.icon("camera", size=16),
                            rx.text("Toque para escolher uma foto (JPEG, PNG ou WebP)", size="2"),
                            align="center",
                            spacing="2",
                        ),
                        id="card-photo",
                        accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                        max_files=1,
                        multiple=False,
                        on_drop=S.add_photo(rx.upload_files(upload_id="card-photo")),
                        border="1px dashed var(--gray-7)",
                        border_radius="6px",
                        padding="0.75em",
                        width="100%",
                        cursor="pointer",
                    ),
                ),
            ),
            open=S.dialog == "card",
            on_submit=S.send_card,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="card-send",
            submit_label="Enviar ao tutor",
            dialog_id="card-dialog",
        ),
        form_dialog(
            "Nova reserva",
            tutor_fields(S, "booking"),
            labelled(
                "Tipo",
                rx.select.root(
                    rx.select.trigger(id="booking-kind", width="100%"),
                    rx.select.content(*[rx.select.item(o.label, value=o.value) for o in KIND_OPTIONS]),
                    name="kind",
                    default_value="daycare",
                ),
            ),
            rx.flex(
                labelled("Entrada", rx.input(name="start", type="date", id="booking-start", width="100%")),
                labelled(
                    "Noites (hotel)",
                    rx.input(
                        name="nights", type="number", min=1, max=stays.MAX_NIGHTS, default_value="1", id="booking-nights", width="100%"
                    ),
                ),
                gap="3",
                width="100%",
            ),
            open=S.dialog == "booking",
            on_submit=S.book,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="booking-save",
            submit_label="Reservar",
            dialog_id="booking-dialog",
        ),
        form_dialog(
            "Vender pacote de creche",
            tutor_fields(S, "package", with_pet=False),
            rx.flex(
                labelled(
                    "Diárias",
                    rx.input(name="days", type="number", min=1, max=packages.MAX_DAYS, default_value="10", id="package-days", width="100%"),
                ),
                labelled("Valor (R$)", rx.input(name="price", placeholder="550,00", id="package-price", width="100%")),
                gap="3",
                width="100%",
            ),
            open=S.dialog == "package",
            on_submit=S.sell_package,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="package-save",
            submit_label="Registrar pacote",
            dialog_id="package-dialog",
        ),
    )


def desk_page() -> rx.Component:
    """The page's content (the console adds the shell, the login check and the plugin switch)."""
    return rx.vstack(
        page_header("Creche e hotel", rx.button(rx.icon("plus", size=16), "Nova reserva", on_click=S.open_booking, id="booking-new")),
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.text(S.day_label, size="2", color_scheme="gray", id="desk-day"),
                rx.grid(
                    _section("Chegando hoje", S.arriving, "Ninguém para chegar hoje.", "log-in", _arriving, "desk-arriving"),
                    _section("Hospedados agora", S.staying, "Nenhum pet na casa agora.", "bed-double", _staying, "desk-staying"),
                    columns={"initial": "1", "md": "2"},
                    gap="4",
                    width="100%",
                ),
                _board(),
                _section("Próximas reservas", S.upcoming, "Nenhuma reserva à frente.", "calendar", _upcoming, "desk-upcoming"),
                rx.grid(_packages(), _capacity(), columns={"initial": "1", "md": "2"}, gap="4", width="100%"),
                spacing="5",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="3em", width="100%"),
        ),
        _dialogs(),
        width="100%",
        id="daycare-desk",
    )
