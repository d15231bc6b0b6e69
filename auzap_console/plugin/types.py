"""What plugins contribute: small frozen records the core validates and keeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Persona:
    """An AI persona: who answers, with which instructions and tools.

    Attributes:
        name: Unique id, e.g. ``"customer_assistant"`` (letters, digits, underscores).
        title: Name shown in the console, e.g. ``"Assistente de clientes"``.
        instructions: The persona's system instructions (Portuguese).
        default_tools: The tools the author built the persona around (shown for reference; every
            tool registered for the persona is enabled unless the tenant picks a list).
        audience: ``"customer"``, ``"owner"`` or ``"lead"``: who talks to it (routing and ordering).
        offline_intents: What the offline engine answers for this persona (documentation only).
    """

    name: str
    title: str
    instructions: str
    default_tools: tuple[str, ...] = ()
    audience: str = "customer"
    offline_intents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool: a typed function plus who may call it."""

    name: str
    function: Callable[..., Any]
    description: str
    parameters: dict
    personas: tuple[str, ...]
    writes: bool = False
    needs_confirmation: bool = False


@dataclass(frozen=True)
class PageSpec:
    """A console page contributed by a plugin (compiled into the frontend at build time)."""

    route: str
    title: str
    component: Callable[[], Any]
    icon: str = "puzzle"
    role: str = "staff"


@dataclass(frozen=True)
class ScheduleSpec:
    """A periodic job run by RQ's cron: `function` is a module-level function path."""

    name: str
    cron: str
    function: str
    queue: str = "low"


@dataclass(frozen=True)
class ChannelProviderSpec:
    """A WhatsApp provider (Cloud API, WAHA, Evolution, simulator…)."""

    name: str
    title: str
    factory: Callable[..., Any]


@dataclass(frozen=True)
class MigrationSpec:
    """A plugin's Alembic version directory and its branch label."""

    branch: str
    directory: str


@dataclass(frozen=True)
class SegmentFilterSpec:
    """A campaign segment filter: `apply(select, value, tenant_id)` narrows a customer query."""

    name: str
    title: str
    apply: Callable[..., Any]


@dataclass(frozen=True)
class DashboardCardSpec:
    """A dashboard figure: `compute(session, actor) -> str`."""

    name: str
    title: str
    compute: Callable[..., str]
    icon: str = "chart-bar"


@dataclass
class Contribution:
    """One item and the plugin that supplied it."""

    kind: str
    name: str
    plugin: str
    item: Any = field(repr=False)
