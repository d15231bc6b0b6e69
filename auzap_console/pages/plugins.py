"""Plugins: what is installed, what each contributes, on/off per shop (owner), settings."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import advanced, form_error, page_header
from auzap_console.i18n import count, t
from auzap_console.plugin import manager
from auzap_console.services import limits
from auzap_console.services import plugins as plugin_service
from auzap_console.services.tenants import get_tenant
from auzap_console.state import AuthState, ProtectedState, guarded
from auzap_console.template import template

BUILTIN_TITLES = {"core": "plg.title.core", "common_tools": "plg.title.common_tools"}


def _item_label(c) -> str:
    """A contribution in the owner's words: a persona's or provider's title, a tool's label."""
    item = c.item
    return getattr(item, "title", "") or getattr(item, "display_label", "") or c.name


def _plugin_title(info) -> str:
    """A plugin's human name: its page's title (as the menu says it), else its first persona or provider title, or the built-ins' own."""
    for kinds in (("page",), ("persona", "channel_provider")):
        for c in info.contributions:
            if c.kind in kinds and getattr(c.item, "title", ""):
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
    "setting": ("configuração", "configurações"),
}


@dataclass
class SettingField:
    """One declared setting as a form field, with the shop's current value."""

    name: str
    label: str
    kind: str  # text, number, bool, choice
    value: str
    checked: bool
    help: str
    choices: list[str]


@dataclass
class PluginRow:
    """A plugin card."""

    name: str
    title: str
    labels: str
    distribution: str
    version: str
    builtin: bool
    summary: str
    contents: str  # the contribution names, for the technical details
    enabled: bool
    settings: list[SettingField]


def _field(spec, value) -> SettingField:
    return SettingField(
        name=spec.name,
        label=spec.label,
        kind=spec.kind,
        value="" if value is None or spec.kind == "bool" else str(value),
        checked=bool(value) if spec.kind == "bool" else False,
        help=spec.help,
        choices=list(spec.choices),
    )


class PluginsState(ProtectedState):
    """Installed plugins and the tenant's switches."""

    saving_plugin: str = ""
    loaded: bool = False
    rows: list[PluginRow] = []
    form_error: str = ""
    error_plugin: str = ""  # whose settings form shows `form_error`

    def _errors_inline(self, handler: str = "") -> bool:
        """A settings error shows under that plugin's form."""
        return handler == "save_settings"

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
                PluginRow(
                    name=info.name,
                    title=_plugin_title(info),
                    labels=", ".join(labels[:6]) + ("…" if len(labels) > 6 else ""),
                    distribution=info.distribution,
                    version=info.version,
                    builtin=info.builtin,
                    summary=" · ".join(count(n, *KIND_LABELS.get(k, (k, k))) for k, n in sorted(counts.items())) or "—",
                    contents=items,
                    enabled=info.name not in disabled,
                    settings=[_field(spec, settings[info.name].get(spec.name)) for spec in manager.settings_of(info.name)],
                )
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
        title = next((r.title for r in self.rows if r.name == name), name)
        return rx.toast.success(t("plg.enabled" if enabled else "plg.disabled", name=title), id="toast-saved")

    @rx.event
    @guarded(busy="saving_plugin", busy_key="plugin")
    async def save_settings(self, form: dict):
        """Store one plugin's declared settings; that plugin's Save button is busy meanwhile."""
        self.error_plugin = form.get("plugin", "")
        user = await self._user("owner")
        with self._session(user) as session:
            plugin_service.save_plugin_settings(session, actor=user.actor, plugin=form.get("plugin", ""), values=form)
        self.form_error = ""
        await self._refresh()
        return rx.toast.success(t("plg.settings_saved"), id="toast-saved")


def _card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("puzzle", color="#0f766e"),
                rx.heading(row.title, size="4"),
                rx.cond(row.builtin, rx.badge(t("plg.builtin"), color_scheme="gray")),
                rx.spacer(),
                rx.cond(
                    AuthState.is_owner & ~row.builtin,
                    rx.hstack(
                        rx.text(t("plg.active"), size="2"),
                        rx.switch(
                            checked=row.enabled,
                            on_change=lambda v: PluginsState.toggle(row.name, v),
                            id="plugin-switch-" + row.name.to(str),
                        ),
                    ),
                    rx.badge(
                        rx.cond(row.enabled, t("plg.on"), t("plg.off")),
                        color_scheme=rx.cond(row.enabled, "green", "gray"),
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.text(row.summary, size="2", weight="medium"),
            rx.cond(row.labels != "", rx.text(row.labels, size="2", color_scheme="gray")),
            advanced(
                rx.text(row.name, " · ", row.distribution + " " + row.version.to(str), size="1", font_family="monospace"),
                rx.text(row.contents, size="1", color_scheme="gray", font_family="monospace"),
            ),
            rx.cond(AuthState.is_owner & (row.settings.length() > 0), _settings_form(row)),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="plugin-card",
    )


def _setting_control(f: rx.Var) -> rx.Component:
    return rx.match(
        f.kind,
        ("bool", rx.checkbox(f.label, name=f.name, default_checked=f.checked)),
        (
            "choice",
            rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(rx.foreach(f.choices, lambda c: rx.select.item(c, value=c))),
                name=f.name,
                default_value=f.value,
            ),
        ),
        ("number", rx.input(name=f.name, type="number", default_value=f.value, width="100%")),
        rx.input(name=f.name, default_value=f.value, width="100%", max_length=limits.DESCRIPTION),
    )


def _setting_field(f: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(f.kind != "bool", rx.text(f.label, size="2", weight="medium")),
        _setting_control(f),
        rx.cond(f.help != "", rx.text(f.help, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _settings_form(row: rx.Var) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(t("plg.settings"), size="3"),
            rx.el.input(type="hidden", name="plugin", value=row.name),
            rx.foreach(row.settings, _setting_field),
            form_error(rx.cond(PluginsState.error_plugin == row.name, PluginsState.form_error, "")),
            rx.button(
                t("common.save"),
                type="submit",
                variant="soft",
                size="2",
                loading=PluginsState.saving_plugin == row.name,
                disabled=PluginsState.saving_plugin == row.name,
                class_name="plugin-settings-save",
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=PluginsState.save_settings,
        reset_on_submit=False,
        width="100%",
        class_name="plugin-settings",
    )


@template("/plugins", t("nav.plugins"), "puzzle", role="manager", order=70, on_load=PluginsState.load)
def plugins_page() -> rx.Component:
    """The plugins page."""
    return rx.vstack(
        page_header(t("plg.title")),
        rx.callout(t("plg.hint"), icon="info", size="1", width="100%"),
        rx.cond(~AuthState.is_owner, rx.callout(t("plg.owner_only"), icon="lock", size="1", color_scheme="gray", width="100%")),
        rx.cond(
            PluginsState.loaded,
            rx.vstack(rx.foreach(PluginsState.rows, _card), spacing="3", width="100%", id="plugin-list"),
            rx.center(rx.spinner(), padding="3em", width="100%"),
        ),
        width="100%",
    )
