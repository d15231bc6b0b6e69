"""Per-tenant plugin switches and settings (kept in `Tenant.settings`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Tenant
from auzap_console.plugin import manager
from auzap_console.plugin.types import PluginSetting
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError
from auzap_console.services.routing import reroute_open_conversations
from auzap_console.services.tenants import get_tenant, tenant_ids

CORE_PLUGINS = {"core", "common_tools", "simulator"}


def disabled_plugins(tenant: Tenant) -> list[str]:
    """Names of the plugins this tenant switched off."""
    return list((tenant.settings or {}).get("disabled_plugins", []))


def shops_with(plugin: str) -> list[int]:
    """The shops that have `plugin` on: what a plugin's schedule walks (each in its own `tenant_session`)."""
    shops = []
    for tenant_id in tenant_ids():
        with tenant_session(tenant_id) as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is not None and plugin not in disabled_plugins(tenant):
                shops.append(tenant_id)
    return shops


def set_enabled(session: Session, *, actor: Actor, plugin: str, enabled: bool) -> list[str]:
    """Switch a plugin on or off for the actor's tenant (owner only); returns the disabled list."""
    actor.require("owner")
    known = {info.name for info in manager.plugin_infos()}
    if plugin not in known:
        raise ServiceError(t("err.plugin_unknown", name=plugin))
    if plugin in CORE_PLUGINS and not enabled:
        raise ServiceError(t("err.plugin_core"))
    tenant = get_tenant(session, actor=actor)
    disabled = set(disabled_plugins(tenant))
    disabled.discard(plugin) if enabled else disabled.add(plugin)
    tenant.settings = {**(tenant.settings or {}), "disabled_plugins": sorted(disabled)}
    session.add(tenant)
    moved = 0
    if not enabled:  # its personas' open conversations move to the shop's persona for the same audience
        moved = reroute_open_conversations(
            session, actor=actor, plugin_personas=manager.contributed_by(plugin, "persona"), disabled=sorted(disabled)
        )
    audit.record(
        session,
        actor=actor,
        action="plugin.enable" if enabled else "plugin.disable",
        entity="plugin",
        entity_id=None,
        details={"plugin": plugin, "conversations_moved": moved},
    )
    return sorted(disabled)


def plugin_settings(tenant: Tenant, plugin: str) -> dict[str, Any]:
    """A plugin's settings for this shop: every declared setting, the stored value or its default."""
    stored = (tenant.settings or {}).get("plugin_settings", {}).get(plugin, {})
    return {spec.name: stored.get(spec.name, spec.default) for spec in manager.settings_of(plugin)}


def settings_for(session: Session, *, actor: Actor, plugin: str) -> dict[str, Any]:
    """What a plugin reads at run time (a tool: `settings_for(ctx.session, actor=ctx.actor, plugin="mine")`)."""
    return plugin_settings(get_tenant(session, actor=actor), plugin)


def _coerce(spec: PluginSetting, raw: Any) -> Any:
    """A form value (text, or absent for an unticked box) as the setting's type; ServiceError names the field."""
    text = "" if raw is None else str(raw).strip()
    if spec.kind == "bool":
        return text.lower() in ("on", "true", "1", "sim")
    if spec.kind == "number":
        if not text:
            return spec.default
        try:
            return int(text)
        except ValueError as exc:
            raise ServiceError(t("err.setting_number", label=spec.label), field=spec.name) from exc
    if spec.kind == "choice":
        if text not in spec.choices:
            raise ServiceError(t("err.setting_choice", label=spec.label), field=spec.name)
        return text
    return limits.bounded(text, limits.DESCRIPTION, spec.label, field=spec.name)


def save_plugin_settings(session: Session, *, actor: Actor, plugin: str, values: dict) -> dict[str, Any]:
    """Validate and store a plugin's declared settings for the actor's shop (owner only); audited."""
    actor.require("owner")
    specs = manager.settings_of(plugin)
    if not specs:
        raise ServiceError(t("err.plugin_no_settings"))
    clean = {spec.name: _coerce(spec, values.get(spec.name)) for spec in specs}
    tenant = get_tenant(session, actor=actor)
    all_settings = dict((tenant.settings or {}).get("plugin_settings", {}))
    all_settings[plugin] = clean
    tenant.settings = {**(tenant.settings or {}), "plugin_settings": all_settings}
    session.add(tenant)
    audit.record(session, actor=actor, action="plugin.settings", entity="plugin", entity_id=None, details={"plugin": plugin, **clean})
    return clean
