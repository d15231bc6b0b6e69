"""Loads plugins once per process and exposes what they contribute through typed wrappers.

App code never calls `pm.hook.*` directly: it asks this module for personas, tools,
pages… Built-in plugins (`DEFAULT_PLUGINS`) are registered exactly like third-party ones,
then every entry point of group `auzap`. `AUZAP_DISABLED_PLUGINS=a,b` blocks plugins by
name everywhere; `AUZAP_TRACE_PLUGINS=1` logs every hook call. A tenant can also disable a
plugin for itself (`Tenant.settings["disabled_plugins"]`): its contributions then vanish
for that tenant only.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pluggy

from auzap_console.plugin import PROJECT, hookspecs
from auzap_console.plugin.types import (
    BookingRefusal,
    ChannelProviderSpec,
    Contribution,
    DashboardCardSpec,
    MigrationSpec,
    PageSpec,
    Persona,
    PluginSetting,
    ScheduleSpec,
    SegmentFilterSpec,
    ToolSpec,
)

log = logging.getLogger("auzap.plugins")
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (
    ("core", "auzap_console.default_plugins.core"),
    ("common_tools", "auzap_console.default_plugins.common_tools"),
    ("simulator", "auzap_console.default_plugins.simulator"),
    ("waha", "auzap_console.default_plugins.waha"),
    ("cloud", "auzap_console.default_plugins.cloud"),
    ("evolution", "auzap_console.default_plugins.evolution"),
)
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")

_lock = threading.Lock()
_pm: pluggy.PluginManager | None = None
_registry: Registry | None = None


class PluginError(Exception):
    """A plugin contributed something invalid or duplicated."""


def resolve_function(path: str) -> Callable[..., Any]:
    """`"package.module:function"` (or `package.module.function`) → the function."""
    module, _, name = path.partition(":") if ":" in path else path.rpartition(".")
    if not module or not name:
        raise ValueError("expected 'package.module:function'")
    return getattr(importlib.import_module(module), name)


@dataclass
class PluginInfo:
    """An installed plugin, as the Plugins page and `auzap plugins list` show it."""

    name: str
    distribution: str
    version: str
    builtin: bool
    contributions: list[Contribution] = field(default_factory=list)


def blocked_names() -> set[str]:
    """Plugins blocked for the whole process by `AUZAP_DISABLED_PLUGINS`."""
    return {n.strip() for n in os.environ.get("AUZAP_DISABLED_PLUGINS", "").split(",") if n.strip()}


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, loading plugins on first use."""
    global _pm
    if _pm is None:
        with _lock:
            if _pm is None:
                _pm = _load()
    return _pm


def _load() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked_names():
        pm.set_blocked(name)
    for name, module in DEFAULT_PLUGINS:
        if not pm.is_blocked(name):
            pm.register(importlib.import_module(module), name=name)
    pm.load_setuptools_entrypoints(PROJECT)
    pm.check_pending()
    if os.environ.get("AUZAP_TRACE_PLUGINS") == "1":  # pluggy's call monitoring: every hook call, with the plugins it reaches
        pm.add_hookcall_monitoring(
            lambda hook_name, impls, kwargs: log.info("plugin trace: %s -> %s", hook_name, ", ".join(i.plugin_name for i in impls)),
            lambda outcome, hook_name, impls, kwargs: None,
        )
    return pm


def load_plugins() -> pluggy.PluginManager:
    """Load plugins (idempotent) and validate every contribution; returns the manager."""
    pm = get_plugin_manager()
    registry()
    return pm


def reset() -> None:
    """Forget loaded plugins (tests that install or block plugins)."""
    global _pm, _registry
    with _lock:
        _pm, _registry = None, None


def register_plugin(plugin: object, name: str) -> None:
    """Register a plugin object at run time (tests, notebooks); contributions are re-validated."""
    global _registry
    pm = get_plugin_manager()
    pm.register(plugin, name=name)
    try:
        pm.check_pending()
        with _lock:
            _registry = None
        registry()
    except Exception:
        unregister_plugin(name)
        raise


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered by name."""
    global _registry
    pm = get_plugin_manager()
    plugin = pm.get_plugin(name)
    if plugin is not None:
        pm.unregister(plugin)
    with _lock:
        _registry = None


class Registry:
    """Every contribution, validated, de-duplicated, with the plugin that supplied it."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.items: dict[str, dict[str, Contribution]] = {}
        builders: dict[str, tuple[str, Callable[..., Any]]] = {
            "register_personas": ("persona", self._persona),
            "register_tools": ("tool", self._tool),
            "register_pages": ("page", lambda **kw: PageSpec(**kw)),
            "register_schedules": ("schedule", self._schedule),
            "register_channel_providers": ("channel_provider", lambda **kw: ChannelProviderSpec(**kw)),
            "register_migrations": ("migration", lambda **kw: MigrationSpec(**kw)),
            "register_segment_filters": ("segment_filter", self._segment_filter),
            "register_dashboard_cards": ("dashboard_card", lambda **kw: DashboardCardSpec(**kw)),
            "register_settings": ("setting", self._setting),
        }
        missing = {h for h in hookspecs.HOOK_NAMES if h.startswith("register_")} - set(builders)
        if missing:  # a new contribution hook in hookspecs needs its builder here
            raise PluginError(f"no builder for contribution hooks {sorted(missing)}")
        for hook_name, (kind, build) in builders.items():
            self._collect(hook_name, kind, build)
        self._check_tool_personas()

    @staticmethod
    def _persona(persona: Persona | None = None, **kwargs: Any) -> Persona:
        persona = persona or Persona(**kwargs)
        if not NAME_RE.match(persona.name):
            raise PluginError(f"invalid persona name {persona.name!r}")
        if persona.audience not in ("customer", "owner", "lead"):
            raise PluginError(f"persona {persona.name!r}: audience must be customer, owner or lead")
        return persona

    @staticmethod
    def _schedule(**kwargs: Any) -> ScheduleSpec:
        from croniter import croniter

        spec = ScheduleSpec(**kwargs)
        if not croniter.is_valid(spec.cron):
            raise PluginError(f"schedule {spec.name!r}: invalid cron expression {spec.cron!r}")
        try:
            resolve_function(spec.function)
        except (ImportError, AttributeError, ValueError) as exc:
            raise PluginError(f"schedule {spec.name!r}: cannot import {spec.function!r} ({exc})") from exc
        if spec.queue not in ("high", "default", "low"):
            raise PluginError(f"schedule {spec.name!r}: queue must be high, default or low")
        return spec

    @staticmethod
    def _segment_filter(**kwargs: Any) -> SegmentFilterSpec:
        spec = SegmentFilterSpec(**kwargs)
        if spec.kind not in ("number", "text"):
            raise PluginError(f"segment filter {spec.name!r}: kind must be number or text")
        return spec

    @staticmethod
    def _setting(**kwargs: Any) -> PluginSetting:
        spec = PluginSetting(**{**kwargs, "choices": tuple(kwargs.get("choices", ()))})
        if not NAME_RE.match(spec.name):
            raise PluginError(f"invalid setting name {spec.name!r}")
        if spec.kind not in ("text", "number", "bool", "choice"):
            raise PluginError(f"setting {spec.name!r}: kind must be text, number, bool or choice")
        if spec.kind == "choice" and not spec.choices:
            raise PluginError(f"setting {spec.name!r}: a choice needs choices=(...)")
        return spec

    @staticmethod
    def _tool(function: Callable[..., Any], **kwargs: Any) -> ToolSpec:
        from auzap_console.agents.tools import tool_spec

        try:
            return tool_spec(function, **kwargs)
        except (TypeError, ValueError) as exc:
            raise PluginError(str(exc)) from exc

    def _collect(self, hook_name: str, kind: str, build: Callable[..., Any]) -> None:
        """Call one contribution hook through pluggy, once per plugin, so each item is credited to its plugin.

        Each call goes through a pluggy subset caller holding just that plugin: hook wrappers,
        tracing and `tryfirst`/`trylast` ordering behave as pluggy documents.
        """
        bucket = self.items.setdefault(kind, {})
        impls = reversed(getattr(self.pm.hook, hook_name).get_hookimpls())  # registration order
        for plugin in dict.fromkeys(impl.plugin_name for impl in impls):  # once per plugin, however many impls it has

            def register(*args: Any, _plugin: str = plugin, **kwargs: Any) -> None:
                item = build(*args, **kwargs)
                key = getattr(item, "name", None) or getattr(item, "route", None) or getattr(item, "branch", None)
                if kind == "setting":  # settings are named per plugin ("assinatura" may exist in many)
                    key = f"{_plugin}.{key}"
                if key in bucket:
                    raise PluginError(f"{kind} {key!r} from plugin {_plugin!r} is already provided by {bucket[key].plugin!r}")
                bucket[key] = Contribution(kind=kind, name=key, plugin=_plugin, item=item)

            others = [p for name, p in self.pm.list_name_plugin() if name != plugin and p is not None]
            self.pm.subset_hook_caller(hook_name, remove_plugins=others)(register=register)

    def _check_tool_personas(self) -> None:
        personas = set(self.items["persona"])
        for c in self.items["tool"].values():
            unknown = set(c.item.personas) - personas
            if unknown and personas:
                log.debug("tool %s (plugin %s) names personas not installed: %s", c.name, c.plugin, sorted(unknown))

    def of(self, kind: str, disabled: Iterable[str] = ()) -> dict[str, Any]:
        """Items of one kind whose plugin is not in `disabled`."""
        off = set(disabled)
        return {name: c.item for name, c in self.items.get(kind, {}).items() if c.plugin not in off}

    def all(self) -> list[Contribution]:
        """Every contribution."""
        return [c for bucket in self.items.values() for c in bucket.values()]


def registry() -> Registry:
    """The validated contributions of the loaded plugins."""
    global _registry
    if _registry is None:
        pm = get_plugin_manager()
        with _lock:
            if _registry is None:
                _registry = Registry(pm)
    return _registry


# Typed wrappers -----------------------------------------------------------------------------


def personas(disabled: Iterable[str] = ()) -> dict[str, Persona]:
    """Personas by name."""
    return registry().of("persona", disabled)


def tools(disabled: Iterable[str] = ()) -> dict[str, ToolSpec]:
    """Tools by name."""
    return registry().of("tool", disabled)


def pages(disabled: Iterable[str] = ()) -> dict[str, PageSpec]:
    """Plugin pages by route."""
    return registry().of("page", disabled)


def pages_by_plugin() -> list[tuple[str, PageSpec]]:
    """Every plugin page with the plugin that supplied it (the console hides it from shops that switched it off)."""
    return [(c.plugin, c.item) for c in registry().items.get("page", {}).values()]


def schedules(disabled: Iterable[str] = ()) -> dict[str, ScheduleSpec]:
    """Periodic jobs by name."""
    return registry().of("schedule", disabled)


def channel_providers(disabled: Iterable[str] = ()) -> dict[str, ChannelProviderSpec]:
    """WhatsApp providers by name."""
    return registry().of("channel_provider", disabled)


def migrations() -> dict[str, MigrationSpec]:
    """Plugin migration branches (never per tenant: the schema is shared)."""
    return registry().of("migration")


def segment_filters(disabled: Iterable[str] = ()) -> dict[str, SegmentFilterSpec]:
    """Campaign segment filters by name."""
    return registry().of("segment_filter", disabled)


def dashboard_cards(disabled: Iterable[str] = ()) -> dict[str, DashboardCardSpec]:
    """Dashboard cards by name."""
    return registry().of("dashboard_card", disabled)


def _hook(hook_name: str, disabled: Iterable[str]) -> Any:
    """The pluggy caller of a hook without the plugins a tenant switched off."""
    pm = get_plugin_manager()
    off = [plugin for name in set(disabled) if (plugin := pm.get_plugin(name)) is not None]
    return pm.subset_hook_caller(hook_name, remove_plugins=off) if off else getattr(pm.hook, hook_name)


def prompt_context(*, tenant_id: int, customer_id: int | None, persona: str, disabled: Iterable[str] = ()) -> list[str]:
    """Paragraphs plugins add to the system prompt (pluggy drops the Nones)."""
    texts = _hook("prompt_context", disabled)(tenant_id=tenant_id, customer_id=customer_id, persona=persona)
    return [str(text) for text in texts if text]


def _each_plugin(hook_name: str, disabled: Iterable[str], **kwargs: Any) -> list[Any]:
    """Call a hook plugin by plugin, in pluggy's order; a failing plugin is logged and the others still answer.

    pluggy stops a hook call at the first exception, so each plugin is called through its own
    subset caller (wrappers and tracing still apply) to keep one broken plugin from silencing the rest.
    Returns the answers that are not None.
    """
    pm = get_plugin_manager()
    off = set(disabled)
    answers: list[Any] = []
    for plugin in dict.fromkeys(impl.plugin_name for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls())):
        if plugin in off:
            continue
        others = [p for name, p in pm.list_name_plugin() if name != plugin and p is not None]
        try:
            answers += pm.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs)
        except Exception:
            log.exception("plugin %s failed in %s", plugin, hook_name)
    return answers


def message_received(*, tenant_id: int, conversation_id: int, message_id: int, text: str, disabled: Iterable[str] = ()) -> None:
    """Tell plugins about an inbound message; a failing plugin is logged and the others still hear it."""
    _each_plugin("message_received", disabled, tenant_id=tenant_id, conversation_id=conversation_id, message_id=message_id, text=text)


def seed_demo(*, session: Any, tenant_id: int, today: Any) -> None:
    """Let every plugin add its demo rows to the new demo shop (a failure is logged; the demo stays usable)."""
    pm = get_plugin_manager()
    for plugin in dict.fromkeys(impl.plugin_name for impl in reversed(pm.hook.seed_demo.get_hookimpls())):
        others = [p for name, p in pm.list_name_plugin() if name != plugin and p is not None]
        try:
            with session.begin_nested():
                pm.subset_hook_caller("seed_demo", remove_plugins=others)(session=session, tenant_id=tenant_id, today=today)
        except Exception:
            log.exception("plugin %s failed in seed_demo", plugin)


def booking_refusal(
    *,
    session: Any,
    actor: Any,
    category: str,
    pet_id: int | None,
    starts_at: Any,
    ends_at: Any,
    exclude_appointment: int | None = None,
    final: bool = False,
    disabled: Iterable[str] = (),
) -> BookingRefusal | None:
    """The first refusal a plugin gives this booking, or None (a failing plugin is logged and ignored)."""
    reasons = _each_plugin(
        "booking_refusal",
        disabled,
        session=session,
        actor=actor,
        category=category,
        pet_id=pet_id,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_appointment=exclude_appointment,
        final=final,
    )
    for reason in reasons:
        if isinstance(reason, BookingRefusal) and reason.reason:
            return reason
        if reason and isinstance(reason, str):
            return BookingRefusal(reason)
    return None


def select_persona(
    *,
    tenant_id: int,
    customer_id: int | None,
    phone: str,
    default: str,
    text: str = "",
    conversation_persona: str | None = None,
    session: Any = None,
    disabled: Iterable[str] = (),
) -> str:
    """The persona for a message: the first plugin answer (`firstresult`), else `default`."""
    choice = _hook("select_persona", disabled)(
        tenant_id=tenant_id,
        customer_id=customer_id,
        phone=phone,
        default=default,
        text=text,
        conversation_persona=conversation_persona,
        session=session,
    )
    if choice is None:
        return default
    if choice not in personas(disabled):
        log.warning("a plugin chose unknown persona %r; using %r", choice, default)
        return default
    return choice


def blocked_migrations() -> dict[str, MigrationSpec]:
    """Migration branches of installed plugins blocked by `AUZAP_DISABLED_PLUGINS`.

    A blocked plugin contributes nothing, but its tables stay in the shared schema: Alembic
    must still know its revisions (`auzap db upgrade` leaves that branch as it is).
    """
    from importlib.metadata import entry_points

    found: dict[str, MigrationSpec] = {}
    blocked = blocked_names()
    for ep in entry_points(group=PROJECT):
        if ep.name not in blocked:
            continue
        try:
            module = ep.load()
        except Exception:
            log.exception("blocked plugin %s cannot be imported; its migrations are unknown", ep.name)
            continue
        hook = getattr(module, "register_migrations", None)
        if hook is not None:
            hook(register=lambda **kw: found.setdefault(kw["branch"], MigrationSpec(**kw)))
    return found


def settings_of(plugin: str) -> list[PluginSetting]:
    """The settings a plugin declares, in declaration order."""
    return [c.item for c in registry().items.get("setting", {}).values() if c.plugin == plugin]


def contributed_by(plugin: str, kind: str) -> set[str]:
    """Names of the items of one kind (e.g. "persona") that `plugin` contributed."""
    return {c.name for c in registry().all() if c.plugin == plugin and c.kind == kind}


def plugin_infos() -> list[PluginInfo]:
    """Installed plugins with their distribution, version and contributions."""
    pm = get_plugin_manager()
    builtin = {name for name, _ in DEFAULT_PLUGINS}
    dists = {pm.get_name(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist = dists.get(name)
        dist_name = dist.project_name if dist else "auzap-console"
        try:
            ver = dist.version if dist else version("auzap-console")
        except PackageNotFoundError:
            ver = ""
        infos.append(PluginInfo(name, dist_name, ver, name in builtin, [c for c in registry().all() if c.plugin == name]))
    return sorted(infos, key=lambda i: (not i.builtin, i.name))
