"""The console shell: sidebar from the nav registry, top bar, content."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from auzap_console.components.common import hydration_marker
from auzap_console.i18n import t
from auzap_console.services.context import ROLE_RANK
from auzap_console.state import AuthState

if TYPE_CHECKING:
    from auzap_console.template import NavEntry

BRAND = "#0f766e"


def _visible(entry: NavEntry, child: rx.Component) -> rx.Component:
    if entry.plugin:
        child = rx.cond(AuthState.disabled_plugins.contains(entry.plugin), rx.fragment(), child)
    if entry.role == "owner":
        return rx.cond(AuthState.is_owner, child)
    if ROLE_RANK[entry.role] >= ROLE_RANK["manager"]:
        return rx.cond(AuthState.is_manager, child)
    return child


def nav_link(entry: NavEntry, suffix: str = "") -> rx.Component:
    """One sidebar link, highlighted on its own page."""
    active = rx.State.router.page.path == entry.route
    link = rx.link(
        rx.hstack(rx.icon(entry.icon, size=16), rx.text(entry.title, size="2", class_name="ellipsis"), align="center", spacing="2"),
        href=entry.route,
        id=f"nav-{entry.route.strip('/') or 'dashboard'}{suffix}",
        underline="none",
        color=rx.cond(active, "white", "var(--gray-12)"),
        background=rx.cond(active, BRAND, "transparent"),
        padding="0.3em 0.6em",  # twenty pages fit a 1280×800 screen without scrolling the menu
        border_radius="8px",
        width="100%",
        _hover={"background": rx.cond(active, BRAND, "var(--gray-3)")},
    )
    if suffix == "-mobile":  # the drawer closes once a page is picked
        link = rx.drawer.close(link)
    return _visible(entry, link)


def local_mode_badge(suffix: str = "") -> rx.Component:
    """Tells the user the console runs on SQLite and an in-process queue."""
    return rx.cond(
        AuthState.local_mode,
        rx.tooltip(
            rx.badge(rx.icon("hard-drive", size=12), t("app.local_mode"), color_scheme="amber", id=f"local-mode{suffix}"),
            content=t("app.local_mode_hint"),
        ),
    )


def user_box(suffix: str = "") -> rx.Component:
    """Who is logged in, and the logout button."""
    return rx.vstack(
        rx.hstack(
            rx.text(AuthState.user_name, weight="bold", size="2", id=f"user-name{suffix}", class_name="ellipsis"),
            rx.badge(AuthState.role_label, variant="soft"),
            align="center",
            justify="between",
            width="100%",
        ),
        rx.text(AuthState.tenant_name, size="1", color_scheme="gray", id=f"tenant-name{suffix}", class_name="ellipsis", max_width="100%"),
        rx.button(
            rx.icon("log-out", size=14),
            t("app.logout"),
            on_click=AuthState.logout,
            variant="soft",
            color_scheme="gray",
            size="1",
            width="100%",
            id=f"logout{suffix}",
        ),
        spacing="1",
        width="100%",
    )


def logo(size: int) -> rx.Component:
    """The AuZap mark (assets/logo.svg): a chat bubble with a paw."""
    return rx.image(src="/logo.svg", alt="AuZap", width=f"{size}px", height=f"{size}px", class_name="brand-logo")


def sidebar(nav: list[NavEntry]) -> rx.Component:
    """The desktop sidebar."""
    return rx.vstack(
        rx.hstack(logo(28), rx.heading(t("app.name"), size="4"), align="center"),
        local_mode_badge(),
        rx.vstack(  # the links scroll on short screens; who is logged in and "Sair" stay in view
            *[nav_link(e) for e in nav], spacing="0", width="100%", flex="1", min_height="0", overflow_y="auto", id="sidebar-links"
        ),
        user_box(),
        spacing="2",
        width="240px",
        min_width="240px",
        height="100vh",
        position="sticky",
        top="0",
        padding="0.75em 1em",
        border_right="1px solid var(--gray-5)",
        background="var(--gray-1)",
        display=["none", "none", "flex"],
        class_name="no-print",
    )


def mobile_bar(nav: list[NavEntry]) -> rx.Component:
    """Top bar with a menu for narrow screens."""
    return rx.hstack(
        rx.hstack(logo(26), rx.heading(t("app.name"), size="3"), local_mode_badge("-mobile"), align="center"),
        rx.spacer(),
        rx.drawer.root(
            rx.drawer.trigger(rx.icon_button(rx.icon("menu"), variant="soft", id="mobile-menu")),
            rx.drawer.overlay(z_index="5"),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(
                        rx.vstack(
                            *[nav_link(e, "-mobile") for e in nav], spacing="1", width="100%", flex="1", min_height="0", overflow_y="auto"
                        ),
                        user_box("-mobile"),
                        padding="1em",
                        height="100%",
                        width="100%",
                    ),
                    top="auto",
                    right="auto",
                    height="100%",
                    width="260px",
                    background="var(--gray-1)",
                )
            ),
            direction="left",
        ),
        width="100%",
        padding="0.75em 1em",
        border_bottom="1px solid var(--gray-5)",
        display=["flex", "flex", "none"],
        align="center",
        class_name="no-print",
    )


def shell(content: rx.Component, *, title: str, nav: list[NavEntry]) -> rx.Component:
    """A full console page: the shell around `content`."""
    return rx.flex(
        hydration_marker(),
        sidebar(nav),
        rx.box(
            mobile_bar(nav),
            rx.cond(
                AuthState.user_name != "",
                rx.box(content, padding=["1em", "1.5em", "2em"], max_width="1200px", width="100%"),
                rx.center(rx.spinner(size="3"), rx.text(t("app.loading"), margin_left="0.5em"), padding="4em"),
            ),
            width="100%",
            min_width="0",
        ),
        width="100%",
        min_height="100vh",
    )
