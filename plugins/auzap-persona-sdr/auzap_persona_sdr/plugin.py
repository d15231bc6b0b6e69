"""Hook implementations: the SDR persona and its tools."""

from __future__ import annotations

from auzap_console.plugin import hookimpl
from auzap_console.plugin.types import Persona
from auzap_persona_sdr import tools

NAME = "sdr"
INSTRUCTIONS = """Você atende novos contatos do pet shop no WhatsApp. Seja acolhedora e objetiva, em português do Brasil.
Descubra o pet (nome, espécie, raça), o serviço de interesse, o bairro e a urgência, registrando com qualify_lead.
Quando houver interesse, ofereça agendar a primeira visita (book_first_visit). Se pedir para falar depois, use
schedule_followup. Nunca invente preços: use list_services. Se pedir uma pessoa, use handoff_to_human."""
HELP = "Me conta: qual o nome e a raça do seu pet, qual serviço você procura e em que bairro você mora?"
TOOLS = ((tools.qualify_lead, True), (tools.set_lead_stage, True), (tools.schedule_followup, True), (tools.book_first_visit, True))
EXAMPLES = {
    "qualify_lead": [
        "tenho um golden chamado bob",
        "meu cachorro e um shih tzu",
        "moro no tatuape",
        "sou da vila mariana",
        "queria banho pro meu dog",
        "e urgente",
        "procuro creche para minha cachorra",
        "tenho uma gata persa",
        "tenho um labrador",
        "quero saber sobre tosa",
        "sem pressa",
        "o nome dele e bob",
        "ela se chama mel",
    ],
    "schedule_followup": [
        "me chama sexta",
        "me liga depois",
        "fala comigo semana que vem",
        "agora nao posso me procura amanha",
        "volta a falar comigo",
        "me manda mensagem mais tarde",
    ],
    "book_first_visit": [
        "quero agendar a primeira visita",
        "pode ser banho segunda 10h",
        "quero marcar um banho",
        "agendar tosa sexta as 14h",
        "marca pra mim",
    ],
}


@hookimpl
def register_personas(register):
    """The SDR (new contacts and open leads)."""
    register(
        Persona(
            name=NAME,
            title="Vendas (novos contatos)",
            instructions=INSTRUCTIONS,
            audience="lead",
            default_tools=(*(f.__name__ for f, _ in TOOLS), "list_services", "opening_hours", "handoff_to_human"),
            offline_intents=("greeting", "qualify", "book", "followup", "prices", "hours", "handoff"),
            offline_help=HELP,
            primary=True,
        )
    )


# Short pt-BR words for the inbox chip ("IA usou: agenda").
LABELS = {
    "qualify_lead": "ficha do contato",
    "set_lead_stage": "funil de vendas",
    "schedule_followup": "retorno agendado",
    "book_first_visit": "primeira visita",
}


@hookimpl
def register_tools(register):
    """The SDR's own tools (prices, hours and hand-off come from the shared tools)."""
    for function, writes in TOOLS:
        register(
            function, personas=[NAME], writes=writes, examples=EXAMPLES.get(function.__name__, ()), label=LABELS.get(function.__name__, "")
        )
