"""Login page."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import field, form_error
from auzap_console.i18n import t
from auzap_console.pages._public import public_card
from auzap_console.services import auth
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState


class LoginState(rx.State):
    """The login form."""

    form_error: str = ""
    loading: bool = False

    @rx.event
    async def on_load(self):
        """Logged-in users go straight to the dashboard."""
        auth_state = await self.get_state(AuthState)
        self.form_error = ""
        if auth.resolve_session(auth_state._session_token()):
            return rx.redirect("/")
        return None

    @rx.event
    async def submit(self, form: dict):
        """Check the credentials; on success the browser takes its session cookie from `/auth/session`."""
        self.loading = True
        auth_state = await self.get_state(AuthState)
        try:
            ticket = auth.login(email=form.get("email", ""), password=form.get("password", ""), ip=auth_state._client_ip())
        except ServiceError as exc:
            self.form_error, self.loading = str(exc), False
            return None
        self.form_error = ""
        return auth_state._start_session(ticket)


def login_page() -> rx.Component:
    """The login form."""
    return public_card(
        t("auth.login_title"),
        t("auth.login_subtitle"),
        rx.cond(AuthState.flash != "", rx.callout(AuthState.flash, icon="info", size="1", id="info", width="100%")),
        rx.form(
            rx.vstack(
                field(t("auth.email"), rx.input(name="email", type="email", id="email", required=True, width="100%", size="3")),
                field(t("auth.password"), rx.input(name="password", type="password", id="password", required=True, width="100%", size="3")),
                form_error(LoginState.form_error),
                rx.button(t("auth.login"), type="submit", id="login-submit", width="100%", size="3", loading=LoginState.loading),
                spacing="3",
                width="100%",
            ),
            on_submit=LoginState.submit,
            width="100%",
        ),
        rx.text(t("auth.forgot"), size="1", color_scheme="gray", id="forgot-password"),
        rx.hstack(rx.text(t("auth.no_account"), size="2"), rx.link(t("auth.signup_link"), href="/signup", id="signup-link", size="2")),
    )
