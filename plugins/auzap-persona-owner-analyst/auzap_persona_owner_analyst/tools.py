"""The owner analyst's tools: read-only figures of the owner's own shop."""

from __future__ import annotations

from typing import Literal

from auzap_console.agents.tools import ToolContext
from auzap_console.i18n import money
from auzap_console.models import Tenant
from auzap_console.services import analytics, usage

Period = Literal["hoje", "ontem", "semana", "semana_passada", "mes", "mes_passado", "ultimos_7_dias", "ultimos_30_dias"]


def _change(now: int, before: int, label: str = "período anterior") -> str:
    if before == 0:
        return "sem base de comparação" if now == 0 else f"novo em relação a {label}"
    pct = (now - before) * 100 / before
    arrow = "▲" if pct >= 0 else "▼"
    return f"{arrow} {abs(pct):.0f}% vs. {label}"


def revenue_report(ctx: ToolContext, period: Period = "semana") -> dict:
    """Faturamento (serviços concluídos) e número de agendamentos no período, comparado ao período anterior.

    Args:
        period: hoje, ontem, semana, semana_passada, mes, mes_passado, ultimos_7_dias ou ultimos_30_dias.
    """
    w = analytics.window(ctx.session, actor=ctx.actor, period=period, now=ctx.now)
    cents, bookings = analytics.revenue(ctx.session, actor=ctx.actor, w=w)
    prev = w.previous()
    prev_cents, prev_bookings = analytics.revenue(ctx.session, actor=ctx.actor, w=prev)
    return {
        "periodo": w.label,
        "receita": money(cents),
        "agendamentos": bookings,
        "receita_anterior": money(prev_cents),
        "summary": f"📊 {w.label.capitalize()}: {money(cents)} em serviços concluídos ({_change(cents, prev_cents, prev.label)}) "
        f"e {bookings} agendamentos ({_change(bookings, prev_bookings, prev.label)}).",
    }


def top_services(ctx: ToolContext, period: Period = "mes") -> dict:
    """Serviços que mais faturaram no período.

    Args:
        period: hoje, ontem, semana, semana_passada, mes, mes_passado, ultimos_7_dias ou ultimos_30_dias.
    """
    w = analytics.window(ctx.session, actor=ctx.actor, period=period, now=ctx.now)
    rows = analytics.top_services(ctx.session, actor=ctx.actor, w=w)
    if not rows:
        return {"servicos": [], "summary": f"Nenhum serviço concluído em {w.label}."}
    lines = [f"{i}. {name}: {money(cents)} ({n}x)" for i, (name, n, cents) in enumerate(rows, 1)]
    return {
        "servicos": [{"servico": n, "vezes": c, "receita": money(v)} for n, c, v in rows],
        "summary": f"🏆 Top serviços ({w.label}):\n" + "\n".join(lines),
    }


def no_show_rate(ctx: ToolContext, period: Period = "ultimos_30_dias") -> dict:
    """Taxa de não comparecimento (no-show) no período.

    Args:
        period: hoje, ontem, semana, semana_passada, mes, mes_passado, ultimos_7_dias ou ultimos_30_dias.
    """
    w = analytics.window(ctx.session, actor=ctx.actor, period=period, now=ctx.now)
    missed, due = analytics.no_show_rate(ctx.session, actor=ctx.actor, w=w)
    rate = missed * 100 / due if due else 0
    return {
        "faltas": missed,
        "agendados": due,
        "taxa": round(rate, 1),
        "summary": f"🚫 No-show ({w.label}): {missed} de {due} atendimentos ({f'{rate:.1f}'.replace('.', ',')}%).",
    }


def inactive_customers(ctx: ToolContext, days: int = 60) -> dict:
    """Clientes que já vieram mas não voltam há N dias e não têm nada agendado.

    Args:
        days: Dias sem visita (padrão 60).
    """
    days = max(7, min(days, 365))
    rows = analytics.inactive_customers(ctx.session, actor=ctx.actor, days=days, now=ctx.now)
    names = ", ".join(c.name for c in rows[:8]) + ("…" if len(rows) > 8 else "")
    return {
        "total": len(rows),
        "exemplos": [c.name for c in rows[:8]],
        "summary": f"😴 {len(rows)} clientes sem visita há {days} dias" + (f": {names}." if rows else "."),
    }


def pet_segments(ctx: ToolContext, by: Literal["species", "breed"] = "breed") -> dict:
    """Quantos pets por espécie ou raça.

    Args:
        by: species (espécie) ou breed (raça).
    """
    rows = analytics.segments(ctx.session, actor=ctx.actor, by=by)
    labels = {"dog": "cães", "cat": "gatos", "bird": "aves", "rabbit": "coelhos", "other": "outros"}
    lines = [f"• {labels.get(name, name)}: {n}" for name, n in rows]
    return {
        "segmentos": [{"nome": n, "pets": c} for n, c in rows],
        "summary": ("🐾 Pets por " + ("raça" if by == "breed" else "espécie") + ":\n" + "\n".join(lines))
        if rows
        else "Nenhum pet cadastrado.",
    }


def ai_usage(ctx: ToolContext, period: Period = "mes") -> dict:
    """Uso e custo estimado da IA no período (tokens, mensagens).

    Args:
        period: hoje, ontem, semana, semana_passada, mes, mes_passado, ultimos_7_dias ou ultimos_30_dias.
    """
    w = analytics.window(ctx.session, actor=ctx.actor, period=period, now=ctx.now)
    u = analytics.ai_usage(ctx.session, actor=ctx.actor, w=w)
    cost = money(usage.cost_cents(u["cost_micro_usd"], usage.exchange_rate(ctx.session.get(Tenant, ctx.tenant_id).settings)))
    return {
        **u,
        "summary": f"🤖 IA ({w.label}): {u['messages_in']} mensagens recebidas, {u['messages_out']} enviadas, "
        f"{u['tokens_in'] + u['tokens_out']} tokens, custo estimado {cost} (na cotação do dólar definida pelo dono).",
    }


def opportunities(ctx: ToolContext, days: int = 60) -> dict:
    """Oportunidades: raças cujos tutores sumiram há N dias, com a receita potencial de trazê-los de volta.

    Args:
        days: Dias sem visita (padrão 60).
    """
    rows = analytics.opportunities(ctx.session, actor=ctx.actor, days=days, now=ctx.now)
    if not rows:
        return {"oportunidades": [], "summary": f"Nenhum cliente sumido há {days} dias. 👏"}
    lines = [f"• {r['customers']} {r['breed']} sem visita há {days} dias, potencial {money(r['potential_cents'])}" for r in rows[:5]]
    return {"oportunidades": rows, "summary": "💡 Oportunidades:\n" + "\n".join(lines) + "\nQuer que eu prepare uma campanha para eles?"}
