"""The agenda's state: the chosen day, view and filters, and what they show.

Lanes × half-hours on a desk, a list by time on a phone, the week at a glance. Changes go
through the booking service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import reflex as rx
from babel.dates import format_date

from auzap_console.i18n import money, t
from auzap_console.services import booking, calendar, staff
from auzap_console.services.context import ServiceError
from auzap_console.state import Option, ProtectedState, guarded

STATUS_COLORS = {
    "pending": "amber",
    "confirmed": "blue",
    "checked_in": "cyan",
    "in_service": "violet",
    "ready": "green",
    "completed": "gray",
    "cancelled": "gray",
    "no_show": "red",
}
STEP_LABELS = {  # the button that moves an appointment to that status
    "confirmed": "cal.step.confirmed",
    "checked_in": "cal.step.checked_in",
    "in_service": "cal.step.in_service",
    "ready": "cal.step.ready",
    "completed": "cal.step.completed",
    "no_show": "cal.step.no_show",
}
FILTER_STATUSES = ("pending", "confirmed", "checked_in", "in_service", "ready", "completed", "cancelled", "no_show")
CATEGORIES = ("bath", "grooming", "vet", "daycare", "hotel", "training", "other")
ALL = "all"


@dataclass
class ItemRow:
    """An appointment card (list) or chip (grid)."""

    id: int
    time: str
    customer: str
    customer_id: int
    pet: str
    service: str
    price: str
    status: str
    status_label: str
    color: str
    by_ai: bool
    use: str  # "2/3": this service's places taken at that time
    full: bool
    steps: list[Option]
    can_cancel: bool
    staff: str
    confirmed: bool  # the tutor confirmed by answering a reminder
    reminder: str
    findings: int


@dataclass
class GridCell:
    """One lane at one half-hour: its appointments, shaded when the lane is not working."""

    key: str
    lane: int
    off: bool
    can_add: bool
    start: str  # ISO (UTC) of the half-hour, for "new appointment here"
    appts: list[ItemRow]  # not `items`: that name is taken by the object Var's dict methods
    running: str = ""  # appointments that began earlier and still take this half-hour ("Bob até 10:30")
    running_color: str = "gray"


@dataclass
class GridRow:
    """A half-hour across every lane."""

    time: str
    now: bool
    now_label: str
    cells: list[GridCell]


@dataclass
class LaneHead:
    """A lane's column header."""

    id: int
    name: str
    hours: str


@dataclass
class DayRow:
    """A day of the week view."""

    iso: str
    label: str
    total: int
    waiting: int
    completed: int
    closed: bool
    today: bool


def item_row(i: calendar.AgendaItem) -> ItemRow:
    """What the page shows of an agenda item."""
    return ItemRow(
        id=i.id,
        time=f"{i.starts}–{i.ends_label}",
        customer=i.customer,
        customer_id=i.customer_id,
        pet=i.pet,
        service=i.service,
        price=money(i.price_cents),
        status=i.status,
        status_label=t(f"appt.status.{i.status}"),
        color=STATUS_COLORS.get(i.status, "gray"),
        by_ai=i.by_ai,
        use=f"{i.in_use}/{i.capacity}" if i.status in booking.HOLDING_STATUSES else "",  # places only matter while it holds one
        full=i.in_use >= i.capacity,
        steps=[Option(s, t(STEP_LABELS[s])) for s in i.next_statuses if s in STEP_LABELS],
        can_cancel="cancelled" in i.next_statuses,
        staff=i.staff,
        confirmed=i.confirmed_by_tutor,
        reminder=i.reminder,
        findings=i.findings,
    )


def _grid(agenda: calendar.DayAgenda, rows: list[ItemRow], tz: ZoneInfo, now: datetime) -> list[GridRow]:
    by_id = {r.id: r for r in rows}
    grid = []
    for slot in agenda.slots:
        start = datetime.combine(agenda.day, time.fromisoformat(slot), tzinfo=tz)
        until = (start + timedelta(minutes=booking.SLOT_STEP_MINUTES)).strftime("%H:%M")
        cells = []
        for lane in agenda.lanes:
            items = [by_id[i.id] for i in agenda.items if i.staff_id == lane.id and slot <= i.starts < (until if until > slot else "24:00")]
            running = [
                i
                for i in agenda.items
                if i.staff_id == lane.id
                and i.starts < slot < (i.ends if i.ends > i.starts else "24:00")
                and i.status in booking.HOLDING_STATUSES
            ]
            off = lane.opens is None or not (lane.opens <= slot < (lane.closes or ""))
            busy = bool(running) and lane.id != calendar.NO_LANE  # a professional does one thing at a time
            cells.append(
                GridCell(
                    key=f"{lane.id}-{slot}",
                    lane=lane.id,
                    off=off,
                    can_add=not off and not busy and start > now,
                    start=start.astimezone(UTC).isoformat(),
                    appts=items,
                    running=", ".join(t("cal.running", who=i.pet or i.customer, until=i.ends_label) for i in running),
                    running_color=STATUS_COLORS.get(running[0].status, "gray") if running else "gray",
                )
            )
        is_now = agenda.now is not None and slot <= agenda.now < (until if until > slot else "24:00")
        grid.append(GridRow(time=slot, now=is_now, now_label=agenda.now or "", cells=cells))
    return grid


class CalendarState(ProtectedState):
    """The chosen day, view and filters, and what they show."""

    loaded: bool = False
    day: str = ""  # ISO date in the shop's zone
    view: str = "day"
    status: str = ALL
    category: str = ALL
    lane: str = ALL  # a staff member's id, "0" for nobody's
    title: str = ""
    hours: str = ""
    items: list[ItemRow] = []
    grid: list[GridRow] = []
    lanes: list[LaneHead] = []
    lane_options: list[Option] = []
    grid_columns: str = "64px"
    week: list[DayRow] = []
    cancel_id: int = 0
    form_error: str = ""

    async def _refresh(self) -> None:
        user = await self._user("staff")
        day = date.fromisoformat(self.day)
        self.title = format_date(day, "EEEE, d 'de' MMMM", locale="pt_BR").capitalize()
        tz = ZoneInfo(user.timezone)
        with self._session(user) as session:
            members = staff.list_staff(session, actor=user.actor)
            self.lane_options = [Option(ALL, t("cal.all_staff"))] + [Option(str(m.id), m.name) for m in members]
            if members:
                self.lane_options.append(Option("0", t("cal.lane_nobody")))
            if self.view == "week":
                today = user.today()
                self.week = [
                    DayRow(
                        iso=d.day.isoformat(),
                        label=format_date(d.day, "EEE dd/MM", locale="pt_BR").capitalize(),
                        total=d.total,
                        waiting=d.waiting,
                        completed=d.completed,
                        closed=d.closed,
                        today=d.day == today,
                    )
                    for d in calendar.week_overview(session, actor=user.actor, week_of=day)
                ]
            else:
                agenda = calendar.day_agenda(
                    session,
                    actor=user.actor,
                    day=day,
                    status="" if self.status == ALL else self.status,
                    category="" if self.category == ALL else self.category,
                    staff_id=None if self.lane == ALL else int(self.lane),
                )
                self.hours = t("cal.hours", opens=agenda.opens, closes=agenda.closes) if agenda.opens else t("cal.closed")
                self.items = [item_row(i) for i in agenda.items]
                self.grid = _grid(agenda, self.items, tz, datetime.now(UTC))
                self.lanes = [
                    LaneHead(lane.id, lane.name, f"{lane.opens}–{lane.closes}" if lane.opens else t("cal.lane_off"))
                    for lane in agenda.lanes
                ]
                self.grid_columns = f"64px repeat({max(1, len(agenda.lanes))}, minmax(150px, 1fr))"
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load: today in the shop's time zone (or ?d=YYYY-MM-DD)."""
        user = await self._user("staff")
        try:
            self.day = date.fromisoformat(self.router.url.query_parameters.get("d", "")).isoformat()
        except ValueError:
            self.day = user.today().isoformat()
        self.view = "day"
        await self._refresh()

    @rx.event
    @guarded
    async def shift(self, days: int):
        """Previous/next day (or week, in the week view)."""
        step = 7 if self.view == "week" else 1
        self.day = (date.fromisoformat(self.day) + timedelta(days=int(days) * step)).isoformat()
        await self._refresh()

    @rx.event
    @guarded
    async def go_today(self):
        """Back to today."""
        self.day = (await self._user("staff")).today().isoformat()
        await self._refresh()

    @rx.event
    @guarded
    async def pick_day(self, value: str):
        """A day typed in the date box, or a day clicked in the week view (opens its day view)."""
        try:
            self.day = date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ServiceError(t("err.date_invalid")) from exc
        self.view = "day"
        await self._refresh()

    @rx.event
    @guarded
    async def set_view(self, value: str | list[str]):
        """Day or week."""
        value = value[0] if isinstance(value, list) and value else value
        self.view = "week" if value == "week" else "day"
        await self._refresh()

    @rx.event
    @guarded
    async def set_status(self, value: str):
        """Only one status ("all" for every one)."""
        self.status = value
        await self._refresh()

    @rx.event
    @guarded
    async def set_category(self, value: str):
        """Only one kind of service ("all" for every one)."""
        self.category = value
        await self._refresh()

    @rx.event
    @guarded
    async def set_lane(self, value: str):
        """Only one professional's lane ("all" for everyone)."""
        self.lane = value
        await self._refresh()

    @rx.event
    @guarded
    async def step(self, appointment_id: int, status: str):
        """Move an appointment to its next status (audited)."""
        user = await self._user("staff")
        with self._session(user) as session:
            booking.set_status(session, actor=user.actor, appointment_id=int(appointment_id), status=status)
        await self._refresh()
        return rx.toast.success(t("cal.updated", status=t(f"appt.status.{status}")), id="toast-saved")

    @rx.event
    def ask_cancel(self, appointment_id: int):
        """Open the cancel dialog for one appointment."""
        self.cancel_id, self.form_error = int(appointment_id), ""

    @rx.event
    def close_cancel(self):
        """Keep the appointment."""
        self.cancel_id, self.form_error = 0, ""

    def _errors_inline(self, handler: str = "") -> bool:
        return bool(self.cancel_id)

    @rx.event
    @guarded
    async def confirm_cancel(self, form: dict):
        """Cancel with the reason given (audited)."""
        user = await self._user("staff")
        reason = (form.get("reason") or "").strip()
        if not reason:
            raise ServiceError(t("err.cancel_reason"), field="reason")
        with self._session(user) as session:
            booking.set_status(session, actor=user.actor, appointment_id=self.cancel_id, status="cancelled", reason=reason)
        self.cancel_id = 0
        await self._refresh()
        return rx.toast.success(t("cal.cancelled"), id="toast-saved")

    @rx.event
    def print_day(self):
        """The browser's print dialog; the print style keeps only the day's list."""
        return rx.call_script("window.print()")
