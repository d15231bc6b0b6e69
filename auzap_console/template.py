"""`@template(...)`: registers a console page in the sidebar and wraps it in the layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from auzap_console.components.common import empty_state
from auzap_console.components.layout import shell
from auzap_console.i18n import t
from auzap_console.state import AuthState


@dataclass(frozen=True)
class NavEntry:
    """One sidebar link."""

    route: str
    title: str
    icon: str
    role: str = "staff"
    order: int = 100
    plugin: str = ""  # a plugin page: hidden for shops that switched the plugin off


@dataclass
class PageSpec:
    """A registered page, added to the app by `register_pages`."""

    route: str
    title: str
    component: Callable[[], rx.Component]
    on_load: list[Any] = field(default_factory=list)


NAV: list[NavEntry] = []
PAGES: list[PageSpec] = []


def _for_role(role: str, content: rx.Component) -> rx.Component:
    """The page for those allowed; a 'no permission' notice (never a spinner) for the rest."""
    if role == "staff":
        return content
    allowed = AuthState.is_owner if role == "owner" else AuthState.is_manager
    denied = rx.vstack(
        rx.heading(t("err.permission_title"), size="5"),
        empty_state(t("err.permission_page"), "lock", state_id="page-denied"),
        width="100%",
    )
    return rx.cond(allowed, content, denied)


def _for_shop(plugin: str, content: rx.Component) -> rx.Component:
    """A plugin page for shops that have the plugin on; a notice for those that switched it off."""
    if not plugin:
        return content
    off = rx.vstack(
        rx.heading(t("plugins.page_off_title"), size="5"),
        empty_state(t("plugins.page_off"), "power-off", state_id="page-plugin-off"),
        width="100%",
    )
    return rx.cond(AuthState.disabled_plugins.contains(plugin), off, content)


def template(route: str, title: str, icon: str, *, role: str = "staff", order: int = 100, on_load: Any = None, plugin: str = ""):
    """Decorate a function returning a page's content: it gets the shell and a nav entry."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        NAV.append(NavEntry(route, title, icon, role, order, plugin))
        NAV.sort(key=lambda e: e.order)

        def page() -> rx.Component:
            return shell(_for_shop(plugin, _for_role(role, content())), title=title, nav=NAV)

        extra = on_load if isinstance(on_load, list) else ([on_load] if on_load else [])
        PAGES.append(PageSpec(route, title, page, [AuthState.check_login, *extra]))
        return page

    return decorator


def register_pages(app: rx.App) -> None:
    """Add every templated page, and every page contributed by a plugin, to the app.

    Plugin pages get the same shell and a sidebar entry; they are compiled in at build time
    (installing a UI plugin means restarting the console). Their handlers must authorize.
    """
    from auzap_console.plugin import manager

    for plugin, contributed in manager.pages_by_plugin():
        if any(p.route == contributed.route for p in PAGES):
            continue
        page = template(
            contributed.route,
            contributed.title,
            contributed.icon,
            role=contributed.role,
            order=60,
            on_load=contributed.on_load,
            plugin=plugin,
        )
        page(contributed.component)
    for spec in PAGES:
        app.add_page(spec.component, route=spec.route, title=f"{spec.title} · {t('app.name')}", on_load=spec.on_load)
