"""Settings: shop name, time zone, business hours, and the user's own password."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from babel.dates import get_timezone_location, get_timezone_name

from auzap_console.components.common import field, form_error, page_header
from auzap_console.i18n import t
from auzap_console.pages.settings_reminders import reminders_card
from auzap_console.pages.settings_summary import summary_card
from auzap_console.phones import format_phone
from auzap_console.services import auth, dashboard, notifications, tenants
from auzap_console.services.context import ConfirmationNeeded, ServiceError
from auzap_console.services.tenants import WEEKDAYS
from auzap_console.state import AuthState, ProtectedState, guarded
from auzap_console.template import template

TIMEZONES = [
    "America/Sao_Paulo",
    "America/Manaus",
    "America/Cuiaba",
    "America/Fortaleza",
    "America/Recife",
    "America/Bahia",
    "America/Belem",
    "America/Porto_Velho",
    "America/Rio_Branco",
    "America/Noronha",
    "America/Campo_Grande",
    "America/Boa_Vista",
    "America/Maceio",
    "America/Araguaina",
    "America/Santarem",
]


@dataclass
class HoursRow:
    """One weekday's opening hours."""

    day: str
    label: str
    open: str
    close: str
    closed: bool


@dataclass
class OwnerNumberRow:
    """A phone authorized to talk to the owner analyst."""

    id: int
    phone: str
    label: str


def _zone_label(zone: str) -> str:
    """'Horário de Brasília (São Paulo)' instead of 'America/Sao_Paulo'."""
    city = get_timezone_location(zone, locale="pt_BR").removeprefix("Horário Brasil (").rstrip(")")
    return f"{get_timezone_name(zone, locale='pt_BR')} ({city})"


class SettingsState(ProtectedState):
    """The shop form and the password form."""

    changing_password: bool = False
    adding_number: bool = False
    saving: bool = False
    loaded: bool = False
    name: str = ""
    timezone: str = "America/Sao_Paulo"

    @rx.var
    def timezone_label(self) -> str:
        """The shop's time zone in words."""
        return _zone_label(self.timezone) if self.timezone else ""

    hours: list[HoursRow] = []
    form_error: str = ""
    password_error: str = ""
    owner_numbers: list[OwnerNumberRow] = []
    number_warning: str = ""
    pending_number: dict[str, str] = {}
    staff_revenue: bool = False
    notify_ready: bool = True

    @rx.event
    @guarded
    async def load(self):
        """on_load: current values."""
        user = await self._user()
        with self._session(user) as session:
            tenant = tenants.get_tenant(session, actor=user.actor)
        self.name, self.timezone = tenant.name, tenant.timezone
        self.staff_revenue = bool((tenant.settings or {}).get("staff_sees_revenue"))
        self.notify_ready = notifications.notify_ready_enabled(tenant)
        hours = tenant.business_hours or {}
        self.hours = [
            HoursRow(
                day=d,
                label=t(f"weekday.{d}").capitalize(),
                open=(hours.get(d) or {}).get("open", ""),
                close=(hours.get(d) or {}).get("close", ""),
                closed=not hours.get(d),
            )
            for d in WEEKDAYS
        ]
        self.loaded, self.form_error, self.password_error = True, "", ""
        await self._load_numbers()
        if self.router.url.query_parameters.get("password") == "changed":
            return rx.toast.success(t("set.password_changed"), id="toast-password")
        return None

    async def _load_numbers(self) -> None:
        user = await self._user()
        if user.role not in ("owner", "manager"):
            self.owner_numbers = []
            return
        with self._session(user) as session:
            rows = tenants.owner_numbers(session, actor=user.actor)
        self.owner_numbers = [OwnerNumberRow(id=r.id, phone=format_phone(r.phone), label=r.label) for r in rows]

    def _errors_inline(self, handler: str = "") -> bool:
        """The shop form is always on screen: its own errors show under it (the rest in a toast)."""
        return handler == "save"

    @rx.event
    @guarded(busy="adding_number")
    async def add_number(self, form: dict):
        """Authorize a phone for the owner analyst; a customer's phone asks for confirmation first."""
        return await self._add_number(form, confirm=False)

    @rx.event
    @guarded
    async def confirm_number(self):
        """The owner confirmed: authorize the customer's phone anyway."""
        return await self._add_number(self.pending_number, confirm=True)

    async def _add_number(self, form: dict, *, confirm: bool):
        user = await self._user("owner")
        try:
            with self._session(user) as session:
                tenants.add_owner_number(
                    session, actor=user.actor, phone=form.get("phone", ""), label=form.get("label", ""), confirm=confirm
                )
        except ConfirmationNeeded as exc:
            self.number_warning, self.pending_number = str(exc), {"phone": form.get("phone", ""), "label": form.get("label", "")}
            return None
        self.form_error, self.number_warning, self.pending_number = "", "", {}
        await self._load_numbers()
        return rx.toast.success(t("set.owner_number_added"), id="toast-saved")

    @rx.event
    def cancel_number(self):
        """Forget the pending confirmation."""
        self.number_warning, self.pending_number = "", {}

    @rx.event
    @guarded
    async def remove_number(self, number_id: int):
        """Revoke an authorized phone."""
        user = await self._user("owner")
        with self._session(user) as session:
            tenants.remove_owner_number(session, actor=user.actor, number_id=int(number_id))
        await self._load_numbers()
        return rx.toast.success(t("set.owner_number_removed"))

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Store name, time zone and hours (managers and up)."""
        user = await self._user("manager")
        hours = {
            d: None if form.get(f"closed_{d}") else {"open": form.get(f"open_{d}", ""), "close": form.get(f"close_{d}", "")}
            for d in WEEKDAYS
        }
        with self._session(user) as session:
            tenants.update_settings(
                session, actor=user.actor, name=form.get("name", ""), timezone=form.get("timezone", ""), business_hours=hours
            )
        auth_state = await self.get_state(AuthState)
        await auth_state._current_user()
        self.form_error = ""
        return rx.toast.success(t("set.saved"), id="toast-saved")

    @rx.event
    @guarded
    async def set_notify_ready(self, enabled: bool):
        """Tell tutors on WhatsApp when their pet is ready for pickup, or not (owner)."""
        user = await self._user("owner")
        with self._session(user) as session:
            notifications.set_notify_ready(session, actor=user.actor, enabled=bool(enabled))
        self.notify_ready = bool(enabled)
        return rx.toast.success(t("set.notify_ready_saved"), id="toast-saved")

    @rx.event
    @guarded
    async def set_staff_revenue(self, allowed: bool):
        """Let staff see the revenue on the dashboard, or not (owner only)."""
        user = await self._user("owner")
        with self._session(user) as session:
            dashboard.set_staff_revenue(session, actor=user.actor, allowed=bool(allowed))
        self.staff_revenue = bool(allowed)
        return rx.toast.success(t("set.staff_revenue_saved"), id="toast-saved")

    @rx.event
    @guarded(busy="changing_password")
    async def change_password(self, form: dict):
        """Change the password; every other session of this user ends."""
        user = await self._user()
        self.password_error = ""
        if form.get("new_password") != form.get("confirm_password"):
            self.password_error = t("err.passwords_differ")
            return None
        auth_state = await self.get_state(AuthState)
        try:
            with self._session(user) as session:
                ticket = auth.change_password(
                    session,
                    actor=user.actor,
                    current_password=form.get("current_password", ""),
                    new_password=form.get("new_password", ""),
                    ip=auth_state._client_ip(),
                )
        except ServiceError as exc:
            self.password_error = str(exc)
            return None
        # This browser's session ended with the others: a fresh cookie, back on this page.
        return auth_state._start_session(ticket, then="/settings?password=changed")


def _hours_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(row.label, width="90px", size="2"),
        rx.input(name="open_" + row.day.to(str), default_value=row.open, type="time", size="1", width="110px"),
        rx.input(name="close_" + row.day.to(str), default_value=row.close, type="time", size="1", width="110px"),
        rx.checkbox(t("set.closed"), name="closed_" + row.day.to(str), default_checked=row.closed, size="1"),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _shop_readonly() -> rx.Component:
    """What staff see: the shop's data as text, nothing to edit."""
    return rx.vstack(
        rx.heading(t("set.shop"), size="4"),
        field(t("set.name"), rx.text(SettingsState.name, id="settings-name-readonly")),
        field(t("set.timezone"), rx.text(SettingsState.timezone_label)),
        rx.text(t("set.hours"), size="2", weight="medium"),
        rx.vstack(
            rx.foreach(
                SettingsState.hours,
                lambda row: rx.hstack(
                    rx.text(row.label, width="90px", size="2"),
                    rx.text(rx.cond(row.closed, t("set.closed"), row.open + "–" + row.close), size="2"),
                ),
            ),
            spacing="1",
        ),
        rx.text(t("set.readonly_hint"), size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
    )


def _owner_number_row(n: rx.Var) -> rx.Component:
    delete = rx.icon_button(
        rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red", on_click=SettingsState.remove_number(n.id)
    )
    return rx.hstack(
        rx.icon("phone", size=14),
        rx.text(n.phone, weight="medium", size="2"),
        rx.text(n.label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.cond(AuthState.is_owner, delete),
        width="100%",
        align="center",
        class_name="owner-number",
    )


def _owner_numbers_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("set.owner_numbers"), size="4"),
            rx.text(t("set.owner_numbers_hint"), size="2", color_scheme="gray"),
            rx.cond(
                SettingsState.owner_numbers.length() > 0,
                rx.vstack(rx.foreach(SettingsState.owner_numbers, _owner_number_row), width="100%", spacing="1", id="owner-numbers"),
                rx.text(t("set.owner_numbers_empty"), size="2", color_scheme="gray"),
            ),
            rx.cond(
                SettingsState.number_warning != "",
                rx.callout(
                    rx.vstack(
                        rx.text(SettingsState.number_warning),
                        rx.hstack(
                            rx.button(
                                t("set.owner_number_confirm"),
                                color_scheme="amber",
                                on_click=SettingsState.confirm_number,
                                id="owner-number-confirm",
                            ),
                            rx.button(t("common.cancel"), variant="soft", color_scheme="gray", on_click=SettingsState.cancel_number),
                        ),
                    ),
                    icon="triangle-alert",
                    color_scheme="amber",
                    width="100%",
                    id="owner-number-warning",
                ),
            ),
            rx.cond(
                AuthState.is_owner,
                rx.form(
                    rx.hstack(
                        rx.input(name="phone", placeholder="(11) 99999-0000", width="170px", id="owner-number-phone"),
                        rx.input(name="label", placeholder=t("set.owner_number_label"), width="100%"),
                        rx.button(
                            t("set.owner_number_add"),
                            type="submit",
                            id="owner-number-add",
                            loading=SettingsState.adding_number,
                            disabled=SettingsState.adding_number,
                        ),
                        width="100%",
                        wrap="wrap",
                    ),
                    on_submit=SettingsState.add_number,
                    reset_on_submit=True,
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _revenue_card() -> rx.Component:
    """Owner only: whether staff see the revenue figures on the dashboard."""
    return rx.card(
        rx.vstack(
            rx.heading(t("set.revenue"), size="4"),
            rx.text(t("set.staff_revenue_hint"), size="2", color_scheme="gray"),
            rx.hstack(
                rx.switch(checked=SettingsState.staff_revenue, on_change=SettingsState.set_staff_revenue, id="staff-revenue"),
                rx.text(t("set.staff_revenue"), size="2"),
                align="center",
            ),
            rx.hstack(
                rx.switch(checked=SettingsState.notify_ready, on_change=SettingsState.set_notify_ready, id="notify-ready"),
                rx.text(t("set.notify_ready"), size="2"),
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@template("/settings", t("nav.settings"), "settings", order=90, on_load=SettingsState.load)
def settings_page() -> rx.Component:
    """The settings page."""
    return rx.vstack(
        page_header(t("set.title")),
        rx.cond(
            SettingsState.loaded,
            rx.grid(
                rx.card(
                    rx.cond(
                        AuthState.is_manager,
                        rx.form(
                            rx.vstack(
                                rx.heading(t("set.shop"), size="4"),
                                field(
                                    t("set.name"), rx.input(name="name", default_value=SettingsState.name, id="settings-name", width="100%")
                                ),
                                field(
                                    t("set.timezone"),
                                    rx.select.root(
                                        rx.select.trigger(width="100%", id="settings-timezone"),
                                        rx.select.content(*[rx.select.item(_zone_label(tz), value=tz) for tz in TIMEZONES]),
                                        name="timezone",
                                        default_value=SettingsState.timezone,
                                    ),
                                ),
                                rx.text(t("set.hours"), size="2", weight="medium"),
                                rx.vstack(rx.foreach(SettingsState.hours, _hours_row), spacing="2"),
                                form_error(SettingsState.form_error),
                                rx.cond(
                                    AuthState.is_manager,
                                    rx.button(
                                        t("common.save"),
                                        type="submit",
                                        id="settings-save",
                                        loading=SettingsState.saving,
                                        disabled=SettingsState.saving,
                                    ),
                                ),
                                spacing="3",
                                width="100%",
                            ),
                            on_submit=SettingsState.save,
                            reset_on_submit=False,
                        ),
                        _shop_readonly(),
                    ),
                    width="100%",
                ),
                rx.card(
                    rx.form(
                        rx.vstack(
                            rx.heading(t("set.password"), size="4"),
                            field(
                                t("set.current_password"),
                                rx.input(name="current_password", type="password", id="current-password", width="100%"),
                            ),
                            field(
                                t("set.new_password"),
                                rx.input(name="new_password", type="password", id="new-password", width="100%"),
                                t("auth.password_rule"),
                            ),
                            field(
                                t("set.confirm_password"),
                                rx.input(name="confirm_password", type="password", id="confirm-password", width="100%"),
                            ),
                            form_error(SettingsState.password_error),
                            rx.button(
                                t("set.password"),
                                type="submit",
                                id="password-save",
                                loading=SettingsState.changing_password,
                                disabled=SettingsState.changing_password,
                            ),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=SettingsState.change_password,
                        reset_on_submit=True,
                    ),
                    width="100%",
                ),
                rx.cond(AuthState.is_manager, _owner_numbers_card()),
                rx.cond(AuthState.is_owner, _revenue_card()),
                rx.cond(AuthState.is_owner, reminders_card()),
                rx.cond(AuthState.is_owner, summary_card()),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(), padding="3em"),
        ),
        width="100%",
    )
