"""Plugins: what is installed, what each contributes, on/off per shop (owner), settings."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import advanced, page_header
from auzap_console.i18n import count, t
from auzap_console.plugin import manager
from auzap_console.services import plugins as plugin_service
from auzap_console.services.context import ServiceError
from auzap_console.services.tenants import get_tenant
from auzap_console.state import AuthState, ProtectedState, guarded
from auzap_console.template import template

BUILTIN_TITLES = {"core": "plg.title.core", "common_tools": "plg.title.common_tools"}


def _item_label(c) -> str:
    """A contribution in the owner's words: a persona's or provider's title, a tool's label."""
    item = c.item
    return getattr(item, "title", "") or getattr(item, "display_label", "") or c.name


def _plugin_title(info) -> str:
    """A plugin's human name: its first persona or provider title, or the built-ins' own."""
    for c in info.contributions:
        if c.kind in ("persona", "channel_provider") and getattr(c.item, "title", ""):
            return c.item.title
    return t(BUILTIN_TITLES[info.name]) if info.name in BUILTIN_TITLES else info.name


KIND_LABELS = {  # (one, many)
    "persona": ("persona", "personas"),
    "tool": ("ferramenta", "ferramentas"),
    "page": ("página", "páginas"),
    "schedule": ("rotina", "rotinas"),
    "channel_provider": ("canal", "canais"),
    "migration": ("conjunto de tabelas", "conjuntos de tabelas"),
    "segment_filter": ("filtro", "filtros"),
    "dashboard_card": ("card", "cards"),
}


def _parse_settings(text: str) -> dict[str, str]:
    values = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ServiceError(t("err.plugin_settings_line", line=number))
        values[key.strip()] = value.strip()
    return values


class PluginsState(ProtectedState):
    """Installed plugins and the tenant's switches."""

    saving_plugin: str = ""
    loaded: bool = False
    rows: list[dict[str, str]] = []
    form_error: str = ""

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            tenant = get_tenant(session, actor=user.actor)
            disabled = set(plugin_service.disabled_plugins(tenant))
            settings = {i.name: plugin_service.plugin_settings(tenant, i.name) for i in manager.plugin_infos()}
        rows = []
        for info in manager.plugin_infos():
            counts: dict[str, int] = {}
            for c in info.contributions:
                counts[c.kind] = counts.get(c.kind, 0) + 1
            items = ", ".join(c.name for c in info.contributions[:8]) + ("…" if len(info.contributions) > 8 else "")
            labels = list(dict.fromkeys(_item_label(c) for c in info.contributions if c.kind in ("persona", "tool")))
            rows.append(
                {
                    "name": info.name,
                    "title": _plugin_title(info),
                    "labels": ", ".join(labels[:6]) + ("…" if len(labels) > 6 else ""),
                    "distribution": info.distribution,
                    "version": info.version,
                    "builtin": "1" if info.builtin else "",
                    "summary": " · ".join(count(n, *KIND_LABELS.get(k, (k, k))) for k, n in sorted(counts.items())) or "—",
                    "items": items,
                    "enabled": "" if info.name in disabled else "1",
                    "settings": "\n".join(f"{k}={v}" for k, v in settings[info.name].items()),
                }
            )
        self.rows, self.loaded = rows, True

    @rx.event
    @guarded
    async def load(self):
        """on_load (managers see, owners change)."""
        await self._refresh()

    @rx.event
    @guarded
    async def toggle(self, name: str, enabled: bool):
        """Switch a plugin on or off for this shop."""
        user = await self._user("owner")
        with self._session(user) as session:
            plugin_service.set_enabled(session, actor=user.actor, plugin=name, enabled=enabled)
        await self._refresh()
        title = next((r["title"] for r in self.rows if r["name"] == name), name)
        return rx.toast.success(t("plg.enabled" if enabled else "plg.disabled", name=title), id="toast-saved")

    @rx.event
    async def save_settings(self, form: dict):
        """Store one plugin's settings (key=value lines); that plugin's Save button is busy meanwhile."""
        self.saving_plugin = form.get("plugin", "")
        yield
        try:
            yield await self._save_settings(form)
        finally:
            self.saving_plugin = ""

    @guarded
    async def _save_settings(self, form: dict):
        user = await self._user("owner")
        values = _parse_settings(form.get("settings", ""))
        with self._session(user) as session:
            plugin_service.save_plugin_settings(session, actor=user.actor, plugin=form.get("plugin", ""), values=values)
        self.form_error = ""
        await self._refresh()
        return rx.toast.success(t("plg.settings_saved"), id="toast-saved")


def _card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("puzzle", color="#0f766e"),
                rx.heading(row["title"], size="4"),
                rx.cond(row["builtin"] != "", rx.badge(t("plg.builtin"), color_scheme="gray")),
                rx.spacer(),
                rx.cond(
                    AuthState.is_owner & (row["builtin"] == ""),
                    rx.hstack(
                        rx.text(t("plg.active"), size="2"),
                        rx.switch(
                            checked=row["enabled"] != "",
                            on_change=lambda v: PluginsState.toggle(row["name"], v),
                            id="plugin-switch-" + row["name"].to(str),
                        ),
                    ),
                    rx.badge(
                        rx.cond(row["enabled"] != "", t("plg.on"), t("plg.off")),
                        color_scheme=rx.cond(row["enabled"] != "", "green", "gray"),
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.text(row["summary"], size="2", weight="medium"),
            rx.cond(row["labels"] != "", rx.text(row["labels"], size="2", color_scheme="gray")),
            advanced(
                rx.text(row["name"], " · ", row["distribution"] + " " + row["version"].to(str), size="1", font_family="monospace"),
                rx.text(row["items"], size="1", color_scheme="gray", font_family="monospace"),
                rx.cond(AuthState.is_owner & (row["builtin"] == ""), _settings_form(row)),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="plugin-card",
    )


def _settings_form(row: rx.Var) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="plugin", value=row["name"]),
            rx.text_area(name="settings", default_value=row["settings"], placeholder=t("plg.settings_hint"), rows="2", width="100%"),
            rx.button(
                t("common.save"),
                type="submit",
                variant="soft",
                size="2",
                loading=PluginsState.saving_plugin == row["name"],
                disabled=PluginsState.saving_plugin == row["name"],
            ),
            width="100%",
            align="end",
        ),
        on_submit=PluginsState.save_settings,
        reset_on_submit=False,
        width="100%",
    )


@template("/plugins", t("nav.plugins"), "puzzle", role="manager", order=70, on_load=PluginsState.load)
def plugins_page() -> rx.Component:
    """The plugins page."""
    return rx.vstack(
        page_header(t("plg.title")),
        rx.callout(t("plg.hint"), icon="info", size="1", width="100%"),
        rx.cond(
            PluginsState.loaded,
            rx.vstack(rx.foreach(PluginsState.rows, _card), spacing="3", width="100%", id="plugin-list"),
            rx.center(rx.spinner(), padding="3em", width="100%"),
        ),
        width="100%",
    )
