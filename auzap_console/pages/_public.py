"""The centred card layout of the public pages (login, sign-up)."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import hydration_marker
from auzap_console.components.layout import logo
from auzap_console.i18n import t


def public_card(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    """A centred card with the brand on top."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(logo(36), rx.heading(t("app.name"), size="5"), align="center"),
                rx.heading(title, size="6", id="page-title"),
                rx.text(subtitle, color_scheme="gray", size="2"),
                *children,
                hydration_marker(),
                spacing="4",
                width="100%",
            ),
            width="100%",
            max_width="420px",
            padding="2em",
        ),
        min_height="100vh",
        padding="1em",
        background="linear-gradient(135deg, #f0fdfa 0%, #ecfeff 100%)",
    )
