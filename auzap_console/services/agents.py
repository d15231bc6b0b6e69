"""Per-tenant agent configuration: which personas are on, their tone, tools and rules."""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.i18n import t
from auzap_console.models import AgentConfig
from auzap_console.services import audit
from auzap_console.services.context import Actor, ServiceError


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
    known_tools: set[str] | None = None,
) -> AgentConfig:
    """Store a persona's configuration (owner and manager); audited."""
    actor.require("manager")
    if not 0 <= typing_delay_ms <= 15000:
        raise ServiceError(t("err.typing_delay"))
    if known_tools is not None and tools and set(tools) - known_tools:
        raise ServiceError(t("err.unknown_tools", tools=", ".join(sorted(set(tools) - known_tools))))
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
    from auzap_console.services.tenants import get_tenant

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
