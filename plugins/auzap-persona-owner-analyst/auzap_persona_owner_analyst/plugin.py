"""Hook implementations: the owner analyst persona and its tools."""

from __future__ import annotations

from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import Persona
from auzap_persona_owner_analyst import tools

NAME = "owner_analyst"
INSTRUCTIONS = """Você é a analista de negócios do dono do pet shop. Responda em português do Brasil, direto ao ponto,
com números das ferramentas (nunca invente números), comparando com o período anterior quando fizer sentido,
e sugira uma ação prática ao final. Você fala só com o dono ou a equipe autorizada."""
TOOLS = (
    tools.revenue_report,
    tools.top_services,
    tools.no_show_rate,
    tools.inactive_customers,
    tools.pet_segments,
    tools.ai_usage,
    tools.opportunities,
)


@hookimpl
def register_personas(register):
    """The owner analyst (reachable from authorized owner numbers and the console)."""
    register(
        Persona(
            name=NAME,
            title="Analista do dono",
            instructions=INSTRUCTIONS,
            audience="owner",
            default_tools=tuple(f.__name__ for f in TOOLS),
            offline_intents=("revenue", "top_services", "no_show", "inactive", "segments", "ai_usage", "opportunities"),
        )
    )


@hookimpl
def register_tools(register):
    """Read-only analytics tools; only the analyst may call them."""
    for function in TOOLS:
        register(function, personas=[NAME])
