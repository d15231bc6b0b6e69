"""Team: users of the shop and their roles (owner manages; managers may look)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import field, form_dialog, page_header
from auzap_console.i18n import t
from auzap_console.services import limits, team
from auzap_console.services.context import PermissionDenied
from auzap_console.state import AuthState, FormDialogMixin, ProtectedState, guarded
from auzap_console.template import template

ROLE_OPTIONS = [(r, t(f"role.{r}")) for r in reversed(team.ROLES)]


@dataclass
class MemberRow:
    """One person of the team."""

    id: int
    name: str
    email: str
    role: str
    role_label: str
    active: bool
    me: bool


class TeamState(FormDialogMixin, ProtectedState):
    """The user list and the add-user form."""

    loaded: bool = False
    denied: bool = False
    rows: list[MemberRow] = []
    reset_id: int = 0  # whose password the "Nova senha" dialog sets (0: closed)
    reset_name: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return self.dialog or self.reset_id > 0

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            users = team.list_users(session, actor=user.actor)
        self.rows = [
            MemberRow(
                id=u.id,
                name=u.name,
                email=u.email,
                role=u.role,
                role_label=t(f"role.{u.role}"),
                active=u.active,
                me=u.id == user.user_id,
            )
            for u in users
        ]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load (managers and up; others see a 'no permission' notice)."""
        try:
            await self._refresh()
            self.denied = False
        except PermissionDenied:
            self.denied, self.loaded = True, True

    @rx.event
    @guarded
    async def open_add(self):
        """Open the add-user form (owner only)."""
        await self._user("owner")
        self.dialog, self.form_error = True, ""

    @rx.event
    @guarded(busy="saving")
    async def add(self, form: dict):
        """Create the user."""
        user = await self._user("owner")
        with self._session(user) as session:
            team.add_user(
                session,
                actor=user.actor,
                name=form.get("name", ""),
                email=form.get("email", ""),
                role=form.get("role") or "staff",
                password=form.get("password", ""),
            )
        self.dialog, self.form_error = False, ""
        await self._refresh()
        return rx.toast.success(t("team.added"), id="toast-saved")

    @rx.event
    @guarded
    async def change_role(self, user_id: int, role: str):
        """Set a user's role."""
        user = await self._user("owner")
        with self._session(user) as session:
            team.set_role(session, actor=user.actor, user_id=int(user_id), role=role)
        await self._refresh()
        return rx.toast.success(t("team.updated"))

    @rx.event
    @guarded
    async def open_reset(self, user_id: int):
        """Open the "Nova senha" dialog for one team member (owner only)."""
        await self._user("owner")
        row = next(r for r in self.rows if r.id == int(user_id))
        self.reset_id, self.reset_name, self.form_error = row.id, row.name, ""

    @rx.event
    def close_reset(self):
        """Close the "Nova senha" dialog."""
        self.reset_id, self.form_error = 0, ""

    @rx.event
    @guarded(busy="saving")
    async def reset_password(self, form: dict):
        """Set the new password; the person logs in with it (their open sessions end)."""
        user = await self._user("owner")
        with self._session(user) as session:
            team.reset_password(session, actor=user.actor, user_id=self.reset_id, new_password=form.get("new_password", ""))
        name = self.reset_name
        self.reset_id, self.form_error = 0, ""
        return rx.toast.success(t("team.password_reset", name=name), id="toast-saved")

    @rx.event
    @guarded
    async def toggle_active(self, user_id: int):
        """Deactivate or reactivate a user."""
        user = await self._user("owner")
        current = next(r for r in self.rows if r.id == int(user_id))
        with self._session(user) as session:
            team.set_active(session, actor=user.actor, user_id=int(user_id), active=not current.active)
        await self._refresh()
        return rx.toast.success(t("team.updated"))


def _role(row: rx.Var) -> rx.Component:
    """The role: a select for the owner (not for themself), a badge for the rest."""
    return rx.cond(
        AuthState.is_owner & ~row.me,
        rx.select.root(
            rx.select.trigger(),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in ROLE_OPTIONS]),
            value=row.role,
            on_change=lambda role: TeamState.change_role(row.id, role),
            size="1",
        ),
        rx.badge(row.role_label, variant="soft"),
    )


def _status(row: rx.Var) -> rx.Component:
    return rx.cond(row.active, rx.badge(t("team.active"), color_scheme="green"), rx.badge(t("team.inactive"), color_scheme="gray"))


def _toggle(row: rx.Var) -> rx.Component:
    return rx.cond(
        AuthState.is_owner & ~row.me,
        rx.hstack(
            rx.button(
                rx.cond(row.active, t("team.deactivate"), t("team.activate")),
                size="1",
                variant="soft",
                on_click=TeamState.toggle_active(row.id),
            ),
            rx.button(
                rx.icon("key-round", size=14),
                t("team.new_password"),
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=TeamState.open_reset(row.id),
                class_name="team-reset",
            ),
            spacing="2",
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium")),
        rx.table.cell(row.email),
        rx.table.cell(_role(row)),
        rx.table.cell(_status(row)),
        rx.table.cell(_toggle(row)),
        class_name="team-row",
    )


def _card(row: rx.Var) -> rx.Component:
    """The same person as a card, for phones (the actions stay in reach)."""
    return rx.card(
        rx.vstack(
            rx.text(row.name, weight="bold", class_name="ellipsis", max_width="100%"),
            rx.text(row.email, size="2", color_scheme="gray", class_name="ellipsis", max_width="100%"),
            rx.hstack(_role(row), _status(row), rx.spacer(), _toggle(row), width="100%", align="center", wrap="wrap"),
            spacing="1",
            width="100%",
        ),
        width="100%",
        class_name="team-card",
    )


@template("/team", t("nav.team"), "shield-check", role="manager", order=80, on_load=TeamState.load)
def team_page() -> rx.Component:
    """The team page."""
    return rx.vstack(
        page_header(
            t("team.title"),
            rx.cond(
                AuthState.is_owner, rx.button(rx.icon("user-plus", size=16), t("team.add"), on_click=TeamState.open_add, id="team-add")
            ),
        ),
        rx.cond(~AuthState.is_owner, rx.callout(t("team.owner_only"), icon="info", size="1", width="100%")),
        rx.card(
            rx.cond(
                TeamState.loaded & ~TeamState.denied,
                rx.fragment(
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    *[
                                        rx.table.column_header_cell(t(k))
                                        for k in ("team.name", "team.email", "team.role", "team.active", "common.actions")
                                    ]
                                )
                            ),
                            rx.table.body(rx.foreach(TeamState.rows, _row)),
                            size="1",
                            width="100%",
                            id="team-table",
                        ),
                        overflow_x="auto",
                        width="100%",
                        display=rx.breakpoints(initial="none", md="block"),
                    ),
                    rx.vstack(
                        rx.foreach(TeamState.rows, _card),
                        spacing="2",
                        width="100%",
                        display=rx.breakpoints(initial="flex", md="none"),
                    ),
                ),
                rx.cond(TeamState.denied, rx.fragment(), rx.center(rx.spinner(), padding="3em")),
            ),
            width="100%",
            display=rx.cond(TeamState.denied, "none", "block"),
        ),
        form_dialog(
            t("team.add"),
            field(t("team.name"), rx.input(name="name", id="team-name", max_length=limits.NAME, width="100%")),
            field(t("team.email"), rx.input(name="email", type="email", id="team-email", width="100%")),
            field(
                t("team.role"),
                rx.select.root(
                    rx.select.trigger(id="team-role", width="100%"),
                    rx.select.content(*[rx.select.item(label, value=value) for value, label in ROLE_OPTIONS]),
                    name="role",
                    default_value="staff",
                ),
            ),
            field(
                t("team.password"),
                rx.input(name="password", type="password", id="team-password", width="100%"),
                t("auth.password_rule"),
            ),
            open=TeamState.dialog,
            on_submit=TeamState.add,
            on_close=TeamState.close,
            error=TeamState.form_error,
            saving=TeamState.saving,
            submit_id="team-save",
            max_width="480px",
        ),
        form_dialog(
            t("team.new_password"),
            rx.text(TeamState.reset_name, weight="bold"),
            field(
                t("team.new_password"),
                rx.input(name="new_password", type="password", id="team-new-password", width="100%", auto_complete="new-password"),
                t("team.new_password_hint"),
            ),
            open=TeamState.reset_id > 0,
            on_submit=TeamState.reset_password,
            on_close=TeamState.close_reset,
            error=TeamState.form_error,
            saving=TeamState.saving,
            submit_id="team-reset-save",
            max_width="440px",
        ),
        width="100%",
    )
