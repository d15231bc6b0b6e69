"""Per-tenant agent configuration.

Which personas are on, their tone, tools and rules, and which engine answers (the shop's own
model access or the offline engine).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session, select

from auzap_console.crypto import decrypt_json
from auzap_console.i18n import t
from auzap_console.models import AgentConfig
from auzap_console.plugin import manager
from auzap_console.plugin.types import Persona, ToolSpec
from auzap_console.services import audit
from auzap_console.services.context import Actor, ServiceError
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.tenants import get_tenant
from auzap_console.settings import get_settings

log = logging.getLogger("auzap.agents")
AUDIENCE_RANK = {"customer": 0, "lead": 1, "owner": 2}


def persona_order(persona: Persona) -> tuple[int, str]:
    """Sort key: customers first, then leads, then the owner (the order owners think in)."""
    return AUDIENCE_RANK.get(persona.audience, 9), persona.title


def tools_for(persona: Persona, disabled: list[str]) -> dict[str, ToolSpec]:
    """Every tool an enabled plugin registered for this persona (by name or by audience), in registration order.

    The order matters: the offline engine breaks ties between equally good tools by it.
    """
    return {name: spec for name, spec in manager.tools(disabled).items() if spec.allowed_for(persona)}


def model_settings(tenant_settings: dict) -> dict[str, str]:
    """The tenant's own OpenAI-compatible key (stored encrypted), base URL and default model."""
    try:
        key = decrypt_json(tenant_settings.get("openai_api_key_encrypted", "")).get("key", "")
    except ValueError:
        log.warning("tenant OpenAI key cannot be decrypted with this SECRET_KEY; using the global settings")
        key = ""
    return {"api_key": key, "base_url": tenant_settings.get("openai_base_url", ""), "model": tenant_settings.get("openai_model", "")}


def engine_label(tenant_settings: dict) -> str:
    """Which engine answers, in the owner's words: the offline one, or an OpenAI-compatible model."""
    settings = get_settings()
    own = model_settings(tenant_settings)
    if own["api_key"] or settings.openai_api_key:
        return t("agt.engine_openai", model=own["model"] or settings.openai_model)
    return t("agt.engine_offline")


def personas_of(session: Session, *, actor: Actor) -> list[Persona]:
    """The personas of the shop's enabled plugins, in the owners' order (anyone may test them)."""
    actor.require("staff")
    disabled = disabled_plugins(get_tenant(session, actor=actor))
    return sorted(manager.personas(disabled).values(), key=persona_order)


@dataclass
class PersonaSetup:
    """One persona as the Agents page shows it: the plugin's persona, the shop's config, its tools."""

    persona: Persona
    config: AgentConfig
    tools: dict[str, ToolSpec]


@dataclass
class AgentsOverview:
    """Everything the Agents page shows."""

    engine: str
    base_url: str
    model: str
    has_key: bool
    personas: list[PersonaSetup]


def overview(session: Session, *, actor: Actor) -> AgentsOverview:
    """The shop's personas (enabled plugins only, in the owners' order) with their configs and tools."""
    actor.require("manager")
    tenant = get_tenant(session, actor=actor)
    disabled = disabled_plugins(tenant)
    own = model_settings(tenant.settings or {})
    setups = [
        PersonaSetup(persona=p, config=get_config(session, actor=actor, persona=p.name), tools=dict(sorted(tools_for(p, disabled).items())))
        for p in sorted(manager.personas(disabled).values(), key=persona_order)
    ]
    return AgentsOverview(
        engine=engine_label(tenant.settings or {}),
        base_url=own["base_url"],
        model=own["model"],
        has_key=bool(own["api_key"]),
        personas=setups,
    )


def get_config(session: Session, *, actor: Actor, persona: str) -> AgentConfig:
    """The stored configuration, or an unsaved default one."""
    row = session.exec(select(AgentConfig).where(AgentConfig.tenant_id == actor.tenant_id, AgentConfig.persona == persona)).first()
    return row or AgentConfig(tenant_id=actor.tenant_id, persona=persona)


def save_config(
    session: Session,
    *,
    actor: Actor,
    persona: str,
    enabled: bool,
    display_name: str = "",
    tone: str = "",
    instructions: str = "",
    model: str = "",
    tools: list[str] | None = None,
    handoff_keywords: list[str] | None = None,
    typing_delay_ms: int = 1200,
    business_hours: dict | None = None,
    hours_only: bool = False,
) -> AgentConfig:
    """Store a persona's configuration (owner and manager); audited.

    `tools` must be tools registered for this persona by the shop's enabled plugins.
    `hours_only` answers only inside the shop's business hours (a copy of them is kept).
    """
    actor.require("manager")
    if not 0 <= typing_delay_ms <= 15000:
        raise ServiceError(t("err.typing_delay"), field="typing")
    tenant = get_tenant(session, actor=actor)
    disabled = disabled_plugins(tenant)
    spec = manager.personas(disabled).get(persona)
    if spec is None:
        raise ServiceError(t("err.not_found"))
    available = set(tools_for(spec, disabled))
    unknown = set(tools or []) - available
    if unknown:
        raise ServiceError(t("err.unknown_tools", tools=", ".join(sorted(unknown))))
    if set(tools or []) == available:
        tools = []  # every tool ticked means "all", so tools a plugin adds later are on too
    if hours_only:
        business_hours = dict(tenant.business_hours or {})
    row = get_config(session, actor=actor, persona=persona)
    row.enabled, row.display_name, row.tone = enabled, display_name.strip()[:80], tone.strip()[:200]
    row.instructions, row.model, row.tools = instructions.strip(), model.strip()[:80], list(tools or [])
    row.handoff_keywords = [k.strip().lower() for k in (handoff_keywords or []) if k.strip()]
    row.typing_delay_ms, row.business_hours = typing_delay_ms, business_hours or {}
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="agent.configure",
        entity="agent_config",
        entity_id=row.id,
        details={"persona": persona, "enabled": enabled, "tools": row.tools, "model": row.model},
    )
    return row


def save_model_settings(session: Session, *, actor: Actor, api_key: str | None, base_url: str, model: str) -> None:
    """The tenant's own model access (owner only). `api_key=None` keeps the stored key; "" removes it."""
    from auzap_console.crypto import encrypt_json

    actor.require("owner")
    base_url, model = (base_url or "").strip(), (model or "").strip()
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ServiceError(t("err.channel_base_url"))
    tenant = get_tenant(session, actor=actor)
    values = dict(tenant.settings or {})
    if api_key is not None:
        values["openai_api_key_encrypted"] = encrypt_json({"key": api_key.strip()}) if api_key.strip() else ""
    values["openai_base_url"], values["openai_model"] = base_url, model[:80]
    tenant.settings = values
    session.add(tenant)
    audit.record(
        session,
        actor=actor,
        action="agent.model_settings",
        entity="tenant",
        entity_id=tenant.id,
        details={"base_url": base_url, "model": model, "key_changed": api_key is not None},
    )
