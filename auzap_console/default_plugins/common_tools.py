"""Tools every customer-facing persona shares: prices, opening hours, knowledge base, hand-off."""

from __future__ import annotations

from sqlmodel import select

from auzap_console.agents.tools import ToolContext
from auzap_console.i18n import money
from auzap_console.models import Conversation, Tenant
from auzap_console.plugin import hookimpl
from auzap_console.services import assignment, catalog, knowledge
from auzap_console.services.tenants import WEEKDAYS
from auzap_console.text import fold, normalize

CUSTOMER_FACING = ("customer", "lead")  # audiences, so any persona for them gets these tools
DAY_NAMES = {"mon": "Segunda", "tue": "Terça", "wed": "Quarta", "thu": "Quinta", "fri": "Sexta", "sat": "Sábado", "sun": "Domingo"}


def _tenant(ctx: ToolContext) -> Tenant:
    return ctx.session.exec(select(Tenant).where(Tenant.id == ctx.tenant_id)).one()


def list_services(ctx: ToolContext, query: str = "") -> dict:
    """Lista os serviços ativos com preço e duração; filtra pelo termo, se houver.

    Args:
        query: Parte do nome do serviço (ex.: "banho"), ou vazio para todos.
    """
    items = catalog.list_services(ctx.session, actor=ctx.actor, active_only=True)
    words = set(normalize(query).split()) - {"o", "a", "de", "do", "da", "para", "meu", "minha", "cachorro", "gato", "quanto", "esta"}
    if words:
        filtered = [s for s in items if words & set(fold(s.name).split())]
        items = filtered or items
    rows = [{"servico": s.name, "preco": money(s.price_cents), "duracao_min": s.duration_minutes} for s in items]
    lines = [f"• {r['servico']}: {r['preco']}" for r in rows]
    return {"servicos": rows, "summary": "Nossos valores:\n" + "\n".join(lines) if rows else "No momento não temos serviços cadastrados."}


def opening_hours(ctx: ToolContext) -> dict:
    """Informa o horário de funcionamento da semana."""
    hours = _tenant(ctx).business_hours or {}
    lines = []
    for day in WEEKDAYS:
        slot = hours.get(day)
        lines.append(f"• {DAY_NAMES[day]}: {slot['open']} às {slot['close']}" if slot else f"• {DAY_NAMES[day]}: fechado")
    return {"horarios": hours, "summary": "Nosso horário de funcionamento:\n" + "\n".join(lines)}


def search_knowledge(ctx: ToolContext, query: str) -> dict:
    """Procura a resposta nas perguntas frequentes e políticas do pet shop.

    Args:
        query: A pergunta do cliente.
    """
    hits = knowledge.search(ctx.session, actor=ctx.actor, query=query)
    if not hits:
        return {"found": False, "summary": ""}
    best = hits[0][0]
    return {"found": True, "artigos": [{"titulo": a.title, "texto": a.body} for a, _ in hits], "summary": best.body}


def handoff_to_human(ctx: ToolContext, reason: str = "") -> dict:
    """Passa a conversa para uma pessoa da equipe (a IA fica pausada nesta conversa).

    Args:
        reason: Motivo, em poucas palavras.
    """
    menu = ""
    if ctx.conversation_id:
        conversation = ctx.session.get(Conversation, ctx.conversation_id)
        if conversation is not None and conversation.tenant_id == ctx.tenant_id:
            conversation.ai_paused = True
            conversation.agent_state = {**(conversation.agent_state or {}), "handoff_reason": reason}
            if not conversation.waiting_human:
                menu = assignment.request_human(ctx.session, actor=ctx.actor, conversation=conversation, reason=reason)
    summary = "Certo! Vou chamar alguém da nossa equipe para falar com você. Só um instantinho. 🙋"
    return {"ok": True, "summary": f"{summary}\n\n{menu}" if menu else summary}


@hookimpl
def register_tools(register):
    """Shared by the customer assistant and the SDR."""
    register(
        list_services,
        label="tabela de preços",
        audiences=CUSTOMER_FACING,
        slots={"query": "service"},
        examples=[
            "quanto custa o banho",
            "qual o preco da tosa",
            "quanto fica o banho e tosa",
            "quanto ta a hidratacao",
            "valores dos servicos",
            "tabela de precos",
            "quanto voces cobram",
            "qual o valor da creche por dia",
            "preco do banho para porte grande",
            "quais servicos voces fazem",
            "orcamento de banho e tosa",
        ],
    )
    register(
        opening_hours,
        label="horário da loja",
        audiences=CUSTOMER_FACING,
        examples=[
            "que horas voces abrem",
            "horario de funcionamento",
            "voces abrem sabado",
            "ate que horas funciona",
            "que horas fecha hoje",
            "estao abertos domingo",
            "qual o expediente",
            "funciona feriado",
            "ate que horas fica aberto",
            "que horas fecham",
        ],
    )
    register(search_knowledge, label="base de conhecimento", audiences=CUSTOMER_FACING, slots={"query": "text"})
    register(
        handoff_to_human,
        label="chamar a equipe",
        audiences=(*CUSTOMER_FACING, "owner"),
        writes=True,
        examples=[
            "quero falar com um atendente",
            "quero falar com uma pessoa",
            "chama um humano",
            "atendimento humano por favor",
            "quero falar com o dono",
            "falar com a gerente",
            "quero fazer uma reclamacao",
            "me passa para alguem da equipe",
            "pessoa de verdade",
            "meu pet esta passando mal",
            "e uma emergencia",
            "ele esta vomitando",
        ],
    )
