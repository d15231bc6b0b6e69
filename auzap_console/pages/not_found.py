"""The page for an address that does not exist: in Portuguese, with a way back."""

from __future__ import annotations

import reflex as rx

from auzap_console.i18n import t
from auzap_console.pages._public import public_card


def not_found_page() -> rx.Component:
    """Reflex's 404 route: the public card with a link to the console."""
    return public_card(
        t("notfound.title"),
        t("notfound.subtitle"),
        rx.link(rx.button(t("notfound.back"), width="100%", size="3"), href="/", width="100%", id="not-found-back"),
    )
