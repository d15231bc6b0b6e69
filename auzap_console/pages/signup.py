"""Sign-up page: creates the tenant and its owner in one transaction."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import field, form_error
from auzap_console.i18n import t
from auzap_console.pages._public import public_card
from auzap_console.services import auth
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState, focus_field


class SignupState(rx.State):
    """The sign-up form."""

    form_error: str = ""
    loading: bool = False

    @rx.event
    async def submit(self, form: dict):
        """Create the shop and owner (throttled per IP and e-mail), then log the owner in."""
        self.loading = True
        yield
        auth_state = await self.get_state(AuthState)
        try:
            ticket = auth.register(
                shop_name=form.get("shop_name", ""),
                owner_name=form.get("owner_name", ""),
                email=form.get("email", ""),
                password=form.get("password", ""),
                ip=auth_state._client_ip(),
            )
        except ServiceError as exc:
            self.form_error, self.loading = str(exc), False
            yield focus_field(exc.field) if exc.field else None
            return
        self.form_error, self.loading = "", False
        yield auth_state._start_session(ticket)


def signup_page() -> rx.Component:
    """The sign-up form."""
    return public_card(
        t("auth.signup_title"),
        t("auth.signup_subtitle"),
        rx.form(
            rx.vstack(
                field(t("auth.shop_name"), rx.input(name="shop_name", id="shop_name", required=True, width="100%", size="3")),
                field(t("auth.owner_name"), rx.input(name="owner_name", id="owner_name", required=True, width="100%", size="3")),
                field(t("auth.email"), rx.input(name="email", type="email", id="email", required=True, width="100%", size="3")),
                field(
                    t("auth.password"),
                    rx.input(name="password", type="password", id="password", required=True, width="100%", size="3"),
                    t("auth.password_rule"),
                ),
                form_error(SignupState.form_error),
                rx.button(t("auth.signup"), type="submit", id="signup-submit", width="100%", size="3", loading=SignupState.loading),
                spacing="3",
                width="100%",
            ),
            on_submit=SignupState.submit,
            width="100%",
        ),
        rx.hstack(rx.text(t("auth.have_account"), size="2"), rx.link(t("auth.login_link"), href="/login", id="login-link", size="2")),
    )
