"""Hook implementations: the owner analyst persona and its tools."""

from __future__ import annotations

from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import Persona
from auzap_persona_owner_analyst import tools

NAME = "owner_analyst"
INSTRUCTIONS = """Você é a analista de negócios do dono do pet shop. Responda em português do Brasil, direto ao ponto,
com números das ferramentas (nunca invente números), comparando com o período anterior quando fizer sentido,
e sugira uma ação prática ao final. Você fala só com o dono ou a equipe autorizada."""
HELP = (
    "Sou sua analista. Pergunte, por exemplo: \u201cquanto faturamos essa semana?\u201d, \u201cquais serviços mais vendem?\u201d, "
    "\u201cquem não volta há 60 dias?\u201d, \u201ctaxa de no-show\u201d, \u201coportunidades\u201d "
    "ou \u201cquanto gastamos com a IA?\u201d"
)
EXAMPLES = {
    tools.revenue_report: [
        "quanto faturamos essa semana",
        "faturamento da semana passada",
        "quanto vendemos ontem",
        "receita do mes",
        "quanto entrou hoje",
        "como foi o caixa",
        "resultado do mes passado",
        "quantos agendamentos tivemos",
    ],
    tools.top_services: ["quais servicos mais vendem", "top servicos do mes", "ranking dos servicos", "servico mais procurado"],
    tools.no_show_rate: ["taxa de no-show", "quantos faltaram", "clientes que nao compareceram", "faltas do mes"],
    tools.inactive_customers: [
        "quem nao volta ha 60 dias",
        "clientes inativos",
        "clientes sumidos",
        "quem sumiu",
        "quem nao vem faz tempo",
    ],
    tools.pet_segments: ["quantos pets por raca", "pets por especie", "perfil dos pets", "quais racas atendemos"],
    tools.ai_usage: ["quanto gastamos com a ia", "custo da ia", "quantos tokens", "uso do robo", "gasto com inteligencia artificial"],
    tools.opportunities: ["tem oportunidades", "potencial de receita", "recuperar clientes", "oportunidade de venda"],
}
TOOLS = tuple(EXAMPLES)


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
            offline_help=HELP,
            primary=True,
        )
    )


# Short pt-BR words for the inbox chip ("IA usou: agenda").
LABELS = {
    "revenue_report": "faturamento",
    "top_services": "serviços mais vendidos",
    "no_show_rate": "faltas",
    "inactive_customers": "clientes sumidos",
    "pet_segments": "perfil dos pets",
    "ai_usage": "uso da IA",
    "opportunities": "oportunidades",
}


@hookimpl
def register_tools(register):
    """Read-only analytics tools; only the analyst may call them."""
    for function in TOOLS:
        register(function, personas=[NAME], examples=EXAMPLES[function], label=LABELS.get(function.__name__, ""))
