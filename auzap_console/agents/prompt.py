"""The system prompt: persona + tenant + customer and pets + memory + knowledge + plugin context.

Its first lines are a small, stable header (`Agora:`, `Pet shop:`…) for a real model; the
dialogue state (pending confirmation, open offer) travels beside it as structured context.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from auzap_console.agents.policy import REFUSAL_RULES
from auzap_console.models import AgentConfig, Customer, CustomerMemory, Pet, Tenant
from auzap_console.plugin.types import Persona


def build_system_prompt(
    *,
    persona: Persona,
    config: AgentConfig,
    tenant: Tenant,
    customer: Customer | None,
    pets: list[Pet],
    memory: CustomerMemory | None,
    knowledge: list[tuple[str, str]],
    plugin_context: list[str],
    now: datetime,
) -> str:
    """Assemble the prompt for one turn."""
    local_now = now.astimezone(ZoneInfo(tenant.timezone))
    lines = [
        f"Agora: {local_now.isoformat(timespec='minutes')}",
        f"Pet shop: {tenant.name}",
        f"Assistente: {config.display_name or 'Luna'}",
    ]
    if customer is not None:
        lines.append(f"Cliente: {customer.name} ({customer.phone})")
        if pets:
            lines.append(
                "Pets: " + "; ".join(f"{p.name} ({p.species}, {p.breed or 'raça não informada'}, porte {p.size or '?'})" for p in pets)
            )
    lines += ["", persona.instructions, "", REFUSAL_RULES]
    if config.tone:
        lines.append(f"Tom de voz: {config.tone}")
    if config.instructions:
        lines += ["", "Instruções do pet shop:", config.instructions]
    if memory and (memory.facts or memory.summary):
        lines += ["", "O que já sabemos deste cliente:"] + [f"- {fact}" for fact in memory.facts]
        if memory.summary:
            lines.append(f"Resumo: {memory.summary}")
    if knowledge:
        lines += ["", "Base de conhecimento (cite se for relevante):"] + [f"### {title}\n{body}" for title, body in knowledge]
    lines += [text for text in plugin_context]
    today = format_date(local_now.date(), "EEEE, dd/MM/yyyy", locale="pt_BR")
    lines += ["", f"Datas: use o fuso {tenant.timezone}; hoje é {today}."]
    return "\n".join(lines)
