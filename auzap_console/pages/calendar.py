"""Agenda: the day's appointments by time (or the week at a glance), moved along the counter's flow.

A list by time works the same on a desk and on a phone. Status changes and cancellations go
through the booking service, audited; creating and moving appointments is on the customer's
record for now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import reflex as rx
from babel.dates import format_date

from auzap_console.components.common import empty_state, page_header
from auzap_console.i18n import money, t
from auzap_console.services import booking, calendar
from auzap_console.services.context import ServiceError
from auzap_console.state import Option, ProtectedState, guarded
from auzap_console.template import template

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


@dataclass
class ItemRow:
    """An appointment card."""

    id: int
    time: str
    customer: str
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


class CalendarState(ProtectedState):
    """The chosen day, view and filters, and what they show."""

    loaded: bool = False
    day: str = ""  # ISO date in the shop's zone
    view: str = "day"
    status: str = "all"
    category: str = "all"
    title: str = ""
    hours: str = ""
    items: list[ItemRow] = []
    week: list[DayRow] = []
    cancel_id: int = 0
    form_error: str = ""

    async def _refresh(self) -> None:
        user = await self._user("staff")
        day = date.fromisoformat(self.day)
        self.title = format_date(day, "EEEE, d 'de' MMMM", locale="pt_BR").capitalize()
        with self._session(user) as session:
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
                    status="" if self.status == "all" else self.status,
                    category="" if self.category == "all" else self.category,
                )
                self.hours = t("cal.hours", opens=agenda.opens, closes=agenda.closes) if agenda.opens else t("cal.closed")
                self.items = [
                    ItemRow(
                        id=i.id,
                        time=f"{i.starts}–{i.ends}",
                        customer=i.customer,
                        pet=i.pet,
                        service=i.service,
                        price=money(i.price_cents),
                        status=i.status,
                        status_label=t(f"appt.status.{i.status}"),
                        color=STATUS_COLORS.get(i.status, "gray"),
                        by_ai=i.by_ai,
                        use=f"{i.in_use}/{i.capacity}",
                        full=i.in_use >= i.capacity,
                        steps=[Option(s, t(STEP_LABELS[s])) for s in i.next_statuses if s in STEP_LABELS],
                        can_cancel="cancelled" in i.next_statuses,
                    )
                    for i in agenda.items
                ]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load: today in the shop's time zone (or ?d=YYYY-MM-DD)."""
        user = await self._user("staff")
        wanted = self.router.url.query_parameters.get("d", "")
        try:
            self.day = date.fromisoformat(wanted).isoformat()
        except ValueError:
            self.day = user.today().isoformat()
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
            raise ServiceError(t("err.birth_invalid")) from exc
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


def _card(item: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(item.time, weight="bold", size="3"),
                rx.badge(item.use, color_scheme=rx.cond(item.full, "red", "gray"), variant="soft", size="1", title=t("cal.use_hint")),
                spacing="1",
                align="center",
                min_width="88px",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(rx.cond(item.pet != "", item.pet, item.customer), weight="bold", class_name="ellipsis"),
                    rx.badge(item.status_label, color_scheme=item.color, size="1"),
                    rx.cond(item.by_ai, rx.badge(rx.icon("bot", size=12), "IA", variant="soft", size="1")),
                    wrap="wrap",
                    spacing="2",
                ),
                rx.text(item.service, " · ", item.price, size="2"),
                rx.text(item.customer, size="2", color_scheme="gray", class_name="ellipsis"),
                rx.hstack(
                    rx.foreach(
                        item.steps,
                        lambda s: rx.button(
                            s.label, size="1", variant="soft", on_click=CalendarState.step(item.id, s.value), class_name="cal-step"
                        ),
                    ),
                    rx.cond(
                        item.can_cancel,
                        rx.button(
                            t("cal.cancel"),
                            size="1",
                            variant="ghost",
                            color_scheme="red",
                            on_click=CalendarState.ask_cancel(item.id),
                            class_name="cal-cancel",
                        ),
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
                spacing="1",
                min_width="0",
                width="100%",
            ),
            align="start",
            width="100%",
        ),
        width="100%",
        class_name="cal-item",
        border_left=rx.match(
            item.color,
            ("amber", "4px solid var(--amber-9)"),
            ("blue", "4px solid var(--blue-9)"),
            ("cyan", "4px solid var(--cyan-9)"),
            ("violet", "4px solid var(--violet-9)"),
            ("green", "4px solid var(--green-9)"),
            ("red", "4px solid var(--red-9)"),
            "4px solid var(--gray-7)",
        ),
    )


def _week_day(d: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(d.label, weight="bold"),
            rx.cond(
                d.closed,
                rx.text(t("cal.closed_short"), size="2", color_scheme="gray"),
                rx.vstack(
                    rx.heading(d.total.to_string(), size="6"),
                    rx.text(t("cal.week_total"), size="1", color_scheme="gray"),
                    rx.text(d.waiting.to_string(), " ", t("cal.week_waiting"), size="1"),
                    rx.text(d.completed.to_string(), " ", t("cal.week_done"), size="1"),
                    spacing="0",
                ),
            ),
            spacing="1",
        ),
        on_click=CalendarState.pick_day(d.iso),
        cursor="pointer",
        background=rx.cond(d.today, "var(--teal-3)", "var(--color-panel)"),
        class_name="cal-week-day",
        width="100%",
    )


def _cancel_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("cal.cancel_title")),
            rx.form(
                rx.vstack(
                    rx.input(name="reason", placeholder=t("cal.cancel_reason"), id="cal-cancel-reason", max_length=300, width="100%"),
                    rx.cond(
                        CalendarState.form_error != "",
                        rx.callout(CalendarState.form_error, icon="triangle-alert", color_scheme="red", size="1", id="form-error"),
                    ),
                    rx.hstack(
                        rx.button(t("cal.keep"), type="button", variant="soft", color_scheme="gray", on_click=CalendarState.close_cancel),
                        rx.button(t("cal.cancel"), type="submit", color_scheme="red", id="cal-cancel-confirm"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CalendarState.confirm_cancel,
                reset_on_submit=True,
            ),
            max_width="440px",
        ),
        open=CalendarState.cancel_id > 0,
        on_open_change=CalendarState.close_cancel,
    )


def _select(value: rx.Var, on_change, options: list[tuple[str, str]], select_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=select_id),
        rx.select.content(*[rx.select.item(label, value=key) for key, label in options]),
        value=value,
        on_change=on_change,
        size="2",
    )


@template("/calendar", t("nav.calendar"), "calendar-days", order=17, on_load=CalendarState.load)
def calendar_page() -> rx.Component:
    """The agenda."""
    return rx.vstack(
        page_header(t("cal.title")),
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left"), variant="soft", on_click=CalendarState.shift(-1), id="cal-prev", aria_label=t("cal.prev")
            ),
            rx.button(t("cal.today"), variant="soft", on_click=CalendarState.go_today, id="cal-today"),
            rx.icon_button(
                rx.icon("chevron-right"), variant="soft", on_click=CalendarState.shift(1), id="cal-next", aria_label=t("cal.next")
            ),
            rx.input(type="date", value=CalendarState.day, on_change=CalendarState.pick_day, id="cal-day", width="160px"),
            rx.segmented_control.root(
                rx.segmented_control.item(t("cal.day"), value="day"),
                rx.segmented_control.item(t("cal.week"), value="week"),
                value=CalendarState.view,
                on_change=CalendarState.set_view,
                id="cal-view",
            ),
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.cond(
            CalendarState.view == "day",
            rx.hstack(
                _select(
                    CalendarState.status,
                    CalendarState.set_status,
                    [("all", t("cal.all_statuses")), *[(s, t(f"appt.status.{s}").capitalize()) for s in FILTER_STATUSES]],
                    "cal-status",
                ),
                _select(
                    CalendarState.category,
                    CalendarState.set_category,
                    [("all", t("cal.all_categories")), *[(c, t(f"cat.{c}")) for c in CATEGORIES]],
                    "cal-category",
                ),
                wrap="wrap",
            ),
        ),
        rx.cond(
            ~CalendarState.loaded,
            rx.center(rx.spinner(), padding="3em", width="100%"),
            rx.cond(
                CalendarState.view == "week",
                rx.grid(
                    rx.foreach(CalendarState.week, _week_day),
                    columns=rx.breakpoints(initial="2", sm="4", lg="7"),
                    spacing="2",
                    width="100%",
                    id="cal-week",
                ),
                rx.vstack(
                    rx.hstack(
                        rx.heading(CalendarState.title, size="4", id="cal-title"),
                        rx.badge(CalendarState.hours, variant="soft", color_scheme="gray"),
                        wrap="wrap",
                        align="center",
                    ),
                    rx.cond(
                        CalendarState.items.length() > 0,
                        rx.vstack(rx.foreach(CalendarState.items, _card), spacing="2", width="100%", id="cal-list"),
                        empty_state(t("cal.empty"), "calendar", state_id="cal-empty"),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
        ),
        _cancel_dialog(),
        width="100%",
        spacing="3",
    )
