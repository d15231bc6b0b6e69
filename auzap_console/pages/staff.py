"""Professionals: who grooms, bathes or trains, which kinds of service they do and when they work.

Each one is a lane on the agenda; bookings (by the team or the AI) take a professional who does
the service and is free. Managers and owners edit; the list is a set of cards at every width.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from auzap_console.components.common import empty_state, form_dialog, page_header
from auzap_console.components.common import field as labelled
from auzap_console.i18n import t
from auzap_console.services import staff, team
from auzap_console.services.context import ServiceError
from auzap_console.services.tenants import WEEKDAYS
from auzap_console.state import FormDialogMixin, Option, ProtectedState, guarded
from auzap_console.template import template

CATEGORIES = ("bath", "grooming", "vet", "daycare", "hotel", "training", "other")
NO_USER = "none"


@dataclass
class StaffRow:
    """A professional as the card shows it and the form edits it (id 0: a new one)."""

    id: int = 0
    name: str = ""
    categories: list[str] = field(default_factory=list)
    category_labels: list[str] = field(default_factory=list)
    hours: str = ""
    own_hours: bool = False
    days: list[str] = field(default_factory=lambda: list(WEEKDAYS[:5]))
    opens: str = "08:00"
    closes: str = "18:00"
    user: str = NO_USER
    user_name: str = ""
    active: bool = True


def hours_words(week: dict) -> str:
    """'segunda a sexta, 08:00–18:00; sábado, 08:00–12:00' (consecutive days with the same hours joined)."""
    groups: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        slot = week.get(day)
        if not slot:
            continue
        span = f"{slot['open']}–{slot['close']}"
        if groups and groups[-1][1] == span and WEEKDAYS.index(groups[-1][0][-1]) == WEEKDAYS.index(day) - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], span))
    parts = []
    for days, span in groups:
        names = t(f"weekday.{days[0]}") if len(days) == 1 else f"{t(f'weekday.{days[0]}')} a {t(f'weekday.{days[-1]}')}"
        parts.append(f"{names}, {span}")
    return "; ".join(parts)


class StaffState(FormDialogMixin, ProtectedState):
    """The professionals and their form."""

    loaded: bool = False
    rows: list[StaffRow] = []
    form: StaffRow = StaffRow()
    own_hours: bool = False
    users: list[Option] = []

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            members = staff.list_staff(session, actor=user.actor)
            people = {u.id: u.name for u in team.list_users(session, actor=user.actor)}
        self.users = [Option(NO_USER, t("staff.no_login"))] + [Option(str(k), v) for k, v in people.items()]
        rows = []
        for m in members:
            week = m.working_hours or {}
            first = next((week[d] for d in WEEKDAYS if week.get(d)), None)
            rows.append(
                StaffRow(
                    id=m.id,
                    name=m.name,
                    categories=list(m.categories or []),
                    category_labels=[t(f"cat.{c}") for c in m.categories or []],
                    hours=hours_words(week) if week else t("staff.shop_hours"),
                    own_hours=bool(week),
                    days=[d for d in WEEKDAYS if week.get(d)] if week else list(WEEKDAYS[:5]),
                    opens=first["open"] if first else "08:00",
                    closes=first["close"] if first else "18:00",
                    user=str(m.user_id) if m.user_id else NO_USER,
                    user_name=people.get(m.user_id or 0, ""),
                    active=m.active,
                )
            )
        self.rows, self.loaded = rows, True

    @rx.event
    @guarded
    async def load(self):
        """on_load."""
        await self._refresh()

    @rx.event
    @guarded
    async def open_new(self):
        """Empty form."""
        await self._user("manager")
        self.form, self.own_hours = StaffRow(), False
        self.form_error, self.dialog = "", True

    @rx.event
    @guarded
    async def open_edit(self, staff_id: int):
        """Form filled with one professional."""
        await self._user("manager")
        self.form = next((r for r in self.rows if r.id == int(staff_id)), StaffRow())
        self.own_hours = self.form.own_hours
        self.form_error, self.dialog = "", True

    @rx.event
    def set_own_hours(self, value: bool):
        """Their own hours, or the shop's."""
        self.own_hours = bool(value)

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Validate and store the form."""
        user = await self._user("manager")
        categories = [c for c in CATEGORIES if form.get(f"cat-{c}")]
        hours = None
        if self.own_hours:
            days = [d for d in WEEKDAYS if form.get(f"day-{d}")]
            if not days:
                raise ServiceError(t("err.staff_no_days"))
            span = {"open": (form.get("opens") or "").strip(), "close": (form.get("closes") or "").strip()}
            hours = {d: (span if d in days else None) for d in WEEKDAYS}
        linked = form.get("user") or NO_USER
        with self._session(user) as session:
            staff.save_staff(
                session,
                actor=user.actor,
                staff_id=self.form.id or None,
                name=form.get("staff-name", ""),
                categories=categories,
                working_hours=hours,
                user_id=None if linked == NO_USER else int(linked),
                active=bool(form.get("active")),
            )
        self.dialog, self.form_error = False, ""
        await self._refresh()
        return rx.toast.success(t("staff.saved"), id="toast-saved")


def _card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, weight="bold", class_name="ellipsis"),
                    rx.cond(~row.active, rx.badge(t("staff.inactive"), color_scheme="gray")),
                    align="center",
                ),
                rx.flex(rx.foreach(row.category_labels, lambda c: rx.badge(c, variant="soft")), wrap="wrap", gap="1"),
                rx.hstack(rx.icon("clock", size=14), rx.text(row.hours, size="2"), spacing="1", align="center", color="var(--gray-11)"),
                rx.cond(
                    row.user_name != "",
                    rx.hstack(
                        rx.icon("user", size=14), rx.text(row.user_name, size="1"), spacing="1", align="center", color="var(--gray-11)"
                    ),
                ),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.icon_button(
                rx.icon("pencil", size=16),
                size="2",
                variant="ghost",
                on_click=StaffState.open_edit(row.id),
                class_name="staff-edit",
                aria_label=t("staff.edit"),
            ),
            align="start",
            width="100%",
        ),
        class_name="staff-card",
        width="100%",
    )


def _dialog() -> rx.Component:
    f = StaffState.form
    return form_dialog(
        rx.cond(f.id != 0, t("staff.edit"), t("staff.new")),
        labelled(t("staff.name"), rx.input(name="staff-name", default_value=f.name, id="staff-name", max_length=80, width="100%")),
        labelled(
            t("staff.categories"),
            rx.flex(
                *[
                    rx.checkbox(t(f"cat.{c}"), name=f"cat-{c}", default_checked=f.categories.contains(c), id=f"staff-cat-{c}")
                    for c in CATEGORIES
                ],
                wrap="wrap",
                column_gap="1.25em",
                row_gap="0.5em",
            ),
        ),
        rx.hstack(
            rx.switch(checked=StaffState.own_hours, on_change=StaffState.set_own_hours, id="staff-own-hours", name="own-hours"),
            rx.text(t("staff.own_hours"), size="2"),
            align="center",
        ),
        rx.cond(
            StaffState.own_hours,
            rx.vstack(
                rx.flex(
                    *[
                        rx.checkbox(
                            t(f"weekday.{d}")[:3].capitalize(), name=f"day-{d}", default_checked=f.days.contains(d), id=f"staff-day-{d}"
                        )
                        for d in WEEKDAYS
                    ],
                    wrap="wrap",
                    column_gap="1.25em",
                    row_gap="0.5em",
                ),
                rx.hstack(
                    labelled(t("staff.opens"), rx.input(type="time", name="opens", default_value=f.opens, id="staff-opens")),
                    labelled(t("staff.closes"), rx.input(type="time", name="closes", default_value=f.closes, id="staff-closes")),
                    spacing="3",
                ),
                spacing="2",
                width="100%",
            ),
            rx.text(t("staff.shop_hours_hint"), size="1", color_scheme="gray"),
        ),
        labelled(
            t("staff.login"),
            rx.select.root(
                rx.select.trigger(id="staff-user", width="100%"),
                rx.select.content(rx.foreach(StaffState.users, lambda o: rx.select.item(o.label, value=o.value))),
                name="user",
                default_value=f.user,
            ),
        ),
        rx.checkbox(t("staff.active"), name="active", default_checked=f.active, id="staff-active"),
        open=StaffState.dialog,
        on_submit=StaffState.save,
        on_close=StaffState.close,
        error=StaffState.form_error,
        saving=StaffState.saving,
        submit_id="staff-save",
    )


@template("/staff", t("nav.staff"), "users-round", role="manager", order=19, on_load=StaffState.load)
def staff_page() -> rx.Component:
    """The professionals page."""
    return rx.vstack(
        page_header(t("staff.title"), rx.button(rx.icon("plus", size=16), t("staff.new"), on_click=StaffState.open_new, id="staff-new")),
        rx.text(t("staff.intro"), size="2", color_scheme="gray"),
        rx.cond(
            ~StaffState.loaded,
            rx.center(rx.spinner(), padding="3em", width="100%"),
            rx.cond(
                StaffState.rows.length() > 0,
                rx.grid(
                    rx.foreach(StaffState.rows, _card),
                    columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                    spacing="3",
                    width="100%",
                    id="staff-list",
                ),
                empty_state(t("staff.empty"), "users-round", state_id="staff-empty"),
            ),
        ),
        _dialog(),
        width="100%",
        spacing="3",
    )
