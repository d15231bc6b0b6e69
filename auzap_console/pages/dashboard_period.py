"""The dashboard's period section (managers): KPIs and charts for the chosen period.

7 or 30 days, this or last month; plus the analyst's opportunities with a button that drafts
their campaign.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex.vars.base import Var

from auzap_console.components.common import kpi_card
from auzap_console.i18n import money, t
from auzap_console.services import owner_summary, performance
from auzap_console.state import ProtectedState, guarded

BRL_JS = "(value) => Number(value).toLocaleString('pt-BR', {style: 'currency', currency: 'BRL', maximumFractionDigits: 0})"
BRL_CENTS_JS = "(value) => Number(value).toLocaleString('pt-BR', {style: 'currency', currency: 'BRL'})"
NUMBER_JS = "(value) => Number(value).toLocaleString('pt-BR')"
TEAL, AMBER, SLATE, VIOLET = "#0f766e", "#d97706", "#64748b", "#7c3aed"


@dataclass
class OpportunityRow:
    """An opportunity the analyst found, and its campaign if one was drafted."""

    id: int
    title: str
    day: str
    campaign_id: int


class PeriodState(ProtectedState):
    """The chosen period's report."""

    loaded: bool = False
    period: str = "ultimos_30_dias"
    label: str = ""
    show_revenue: bool = False
    revenue: str = ""
    bookings: str = ""
    no_show_rate: str = ""
    ai_share: str = ""
    ai_share_hint: str = ""
    ai_cost: str = ""
    tokens_hint: str = ""
    campaign_revenue: str = ""
    revenue_by_day: list[dict] = []
    bookings_by_service: list[dict] = []
    bookings_by_source: list[dict] = []
    conversations_by_day: list[dict] = []
    cost_by_persona: list[dict] = []
    tokens_by_day: list[dict] = []
    funnel: list[dict] = []
    campaigns_sent: bool = False  # any campaign message in the period (else the funnel says so instead of an empty chart)
    opportunities: list[OpportunityRow] = []

    @rx.event
    @guarded
    async def load(self):
        """On opening (managers and owners only; staff never get here)."""
        await self._refresh()

    @rx.event
    @guarded
    async def set_period(self, value: str | list[str]):
        """Another period chosen."""
        value = value[0] if isinstance(value, list) and value else value
        self.period = value if value in performance.PERIODS else "ultimos_30_dias"
        await self._refresh()

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            r = performance.report(session, actor=user.actor, period=self.period)
            found = owner_summary.recent_insights(session, actor=user.actor)
        self.label, self.show_revenue = t(f"dash.period_{self.period}"), r.show_revenue  # the select's words ("Mês passado")
        self.revenue = money(r.revenue_cents)
        self.bookings = str(r.bookings)
        self.no_show_rate = f"{r.no_show_rate:.0%}".replace(".", ",")
        self.ai_share = f"{r.ai_share:.0%}"
        self.ai_share_hint = t("dash.ai_share_hint", solved=r.solved_by_ai, total=r.conversations)
        self.ai_cost = money(r.cost_cents)
        self.tokens_hint = t("dash.tokens_hint", tokens=f"{r.tokens:,}".replace(",", "."))
        self.campaign_revenue = money(r.campaign_revenue_cents)
        self.revenue_by_day, self.bookings_by_service, self.bookings_by_source = (
            r.revenue_by_day,
            r.bookings_by_service,
            r.bookings_by_source,
        )
        self.conversations_by_day, self.cost_by_persona, self.tokens_by_day = r.conversations_by_day, r.cost_by_persona, r.tokens_by_day
        self.funnel = r.funnel
        self.campaigns_sent = any(step["clientes"] for step in r.funnel)
        self.opportunities = [OpportunityRow(i.id, i.title, i.day.strftime("%d/%m"), i.campaign_id or 0) for i in found]
        self.loaded = True

    @rx.event
    @guarded
    async def draft_campaign(self, insight_id: int):
        """Draft the opportunity's campaign and open it for review."""
        user = await self._user("manager")
        with self._session(user) as session:
            campaign_id = owner_summary.create_draft(session, actor=user.actor, insight_id=int(insight_id))
        return rx.redirect(f"/campaigns?c={campaign_id}")


def _chart_card(title: str, chart: rx.Component, card_id: str) -> rx.Component:
    return rx.card(rx.heading(title, size="3", margin_bottom="0.5em"), chart, width="100%", min_width="0", id=card_id)


def _tooltip(formatter: str = NUMBER_JS) -> rx.Component:
    return rx.recharts.graphing_tooltip(custom_attrs={"formatter": Var(_js_expr=formatter)})


def _bar_chart(
    data: rx.Var,
    x: str,
    bars: list[tuple[str, str, str]],
    *,
    y_format: str = NUMBER_JS,
    stacked: bool = False,
    layout: str = "",
    interval0: bool = False,
) -> rx.Component:
    """A bar chart; `layout="vertical"` lays the bars sideways (long category names), `interval0` shows every label."""
    horizontal = layout == "vertical"
    axes = (
        [
            rx.recharts.x_axis(type_="number", tick_formatter=y_format),
            rx.recharts.y_axis(data_key=x, type_="category", width=130, interval=0, font_size=12),
        ]
        if horizontal
        else [
            rx.recharts.x_axis(data_key=x, **({"interval": 0} if interval0 else {})),
            rx.recharts.y_axis(tick_formatter=y_format, width=84),
        ]
    )
    return rx.recharts.bar_chart(
        *[
            rx.recharts.bar(data_key=key, name=name, fill=color, is_animation_active=False, **({"stack_id": "a"} if stacked else {}))
            for key, name, color in bars
        ],
        *axes,
        _tooltip(BRL_CENTS_JS if y_format in (BRL_JS, BRL_CENTS_JS) else NUMBER_JS),
        *([rx.recharts.legend()] if len(bars) > 1 else []),
        data=data,
        height=260,
        width="100%",
        **({"layout": "vertical"} if horizontal else {}),
    )


def _opportunity(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("lightbulb", size=18, color="var(--amber-10)"),
        rx.vstack(rx.text(row.title, size="2"), rx.text(row.day, size="1", color_scheme="gray"), spacing="0", flex="1", min_width="0"),
        rx.cond(
            row.campaign_id > 0,
            rx.link(rx.button(t("dash.open_campaign"), size="1", variant="soft"), href="/campaigns?c=" + row.campaign_id.to_string()),
            rx.button(t("dash.create_campaign"), size="1", on_click=PeriodState.draft_campaign(row.id), class_name="opportunity-draft"),
        ),
        width="100%",
        align="center",
        class_name="opportunity-row",
    )


def period_section() -> rx.Component:
    """KPIs and charts for the chosen period (mounted for managers and owners)."""
    s = PeriodState
    return rx.vstack(
        rx.flex(
            rx.heading(t("dash.period_title"), size="5"),
            rx.select.root(
                rx.select.trigger(id="period-select", aria_label=t("dash.period_title")),
                rx.select.content(*[rx.select.item(t(f"dash.period_{p}"), value=p) for p in performance.PERIODS]),
                value=s.period,
                on_change=s.set_period,
                size="2",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            spacing="2",
            width="100%",
        ),
        rx.cond(
            s.loaded,
            rx.vstack(
                rx.grid(
                    rx.cond(
                        s.show_revenue, kpi_card(t("dash.period_revenue"), s.revenue, "wallet", hint=s.label, card_id="kpi-period-revenue")
                    ),
                    kpi_card(t("dash.period_bookings"), s.bookings, "calendar-plus", hint=s.label, card_id="kpi-period-bookings"),
                    kpi_card(t("dash.no_show_rate"), s.no_show_rate, "user-x", card_id="kpi-no-shows"),
                    kpi_card(t("dash.ai_share"), s.ai_share, "bot", hint=s.ai_share_hint, card_id="kpi-ai-share"),
                    kpi_card(t("dash.ai_cost"), s.ai_cost, "cpu", hint=s.tokens_hint, card_id="kpi-ai-cost"),
                    columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.grid(
                    rx.cond(
                        s.show_revenue,
                        _chart_card(
                            t("dash.chart_revenue_day"),
                            _bar_chart(s.revenue_by_day, "dia", [("receita", t("dash.revenue"), TEAL)], y_format=BRL_JS),
                            "chart-revenue-day",
                        ),
                    ),
                    _chart_card(
                        t("dash.chart_conversations"),
                        _bar_chart(
                            s.conversations_by_day,
                            "dia",
                            [("ia", t("dash.solved_ai"), TEAL), ("equipe", t("dash.handed_team"), AMBER)],
                            stacked=True,
                        ),
                        "chart-conversations",
                    ),
                    _chart_card(
                        t("dash.chart_by_source"),
                        _bar_chart(s.bookings_by_source, "origem", [("agendamentos", t("dash.bookings"), TEAL)], interval0=True),
                        "chart-by-source",
                    ),
                    _chart_card(
                        t("dash.chart_by_service"),
                        _bar_chart(s.bookings_by_service, "servico", [("agendamentos", t("dash.bookings"), SLATE)], layout="vertical"),
                        "chart-by-service",
                    ),
                    _chart_card(
                        t("dash.chart_cost_persona"),
                        _bar_chart(
                            s.cost_by_persona, "persona", [("custo", t("dash.cost_brl"), VIOLET)], y_format=BRL_CENTS_JS, layout="vertical"
                        ),
                        "chart-cost-persona",
                    ),
                    _chart_card(
                        t("dash.chart_tokens_day"),
                        _bar_chart(s.tokens_by_day, "dia", [("tokens", t("dash.tokens"), VIOLET)]),
                        "chart-tokens-day",
                    ),
                    _chart_card(
                        t("dash.chart_funnel"),
                        rx.vstack(
                            rx.cond(
                                s.campaigns_sent,
                                _bar_chart(s.funnel, "etapa", [("clientes", t("dash.customers"), TEAL)], layout="vertical"),
                                rx.text(t("dash.no_campaigns"), size="2", color_scheme="gray", id="funnel-empty"),
                            ),
                            rx.cond(
                                s.show_revenue,
                                rx.text(
                                    t("dash.campaign_revenue"),
                                    " ",
                                    rx.text.strong(s.campaign_revenue),
                                    size="2",
                                    id="campaign-revenue-total",
                                ),
                            ),
                            width="100%",
                        ),
                        "chart-funnel",
                    ),
                    rx.card(
                        rx.heading(t("dash.opportunities"), size="3", margin_bottom="0.5em"),
                        rx.cond(
                            s.opportunities.length() > 0,
                            rx.vstack(rx.foreach(s.opportunities, _opportunity), spacing="3", width="100%"),
                            rx.text(t("dash.no_opportunities"), size="2", color_scheme="gray"),
                        ),
                        width="100%",
                        id="dash-opportunities",
                    ),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(), padding="2em", width="100%"),
        ),
        on_mount=s.load,
        spacing="3",
        width="100%",
        id="period-section",
    )
