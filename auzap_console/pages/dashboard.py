"""Dashboard: today's bookings, revenue, customers and open conversations; below, the period's performance (managers)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex.vars.base import Var

from auzap_console.components.common import empty_state, kpi_card, page_header
from auzap_console.i18n import count, money, t
from auzap_console.pages.dashboard_period import BRL_CENTS_JS, BRL_JS, period_section
from auzap_console.services import dashboard, health, usage
from auzap_console.state import AuthState, ProtectedState, guarded
from auzap_console.template import template

STATUS_COLORS = {
    "pending": "amber",
    "confirmed": "blue",
    "checked_in": "cyan",
    "in_service": "violet",
    "ready": "green",
    "completed": "gray",
    "cancelled": "gray",
    "no_show": "red",
}
SEVERITY_COLORS = {"low": "gray", "medium": "amber", "high": "red"}


@dataclass
class TodayRow:
    """An appointment of today's list."""

    time: str
    customer: str
    pet: str
    service: str
    status: str
    color: str


@dataclass
class FindingCard:
    """An open health finding."""

    id: int
    pet: str
    customer: str
    customer_id: int
    what: str  # "Ouvidos · Leve"
    color: str
    note: str
    when: str


class DashboardState(ProtectedState):
    """The figures shown on the dashboard."""

    loaded: bool = False
    today_count: int = 0
    revenue_week: str = ""
    revenue_month: str = ""
    week_hint: str = ""  # "desde 30/11": a week that began last month can out-earn the month
    month_hint: str = ""
    active_customers: int = 0
    customers_hint: str = ""
    open_conversations: int = 0
    today: list[TodayRow] = []
    revenue_by_week: list[dict] = []
    show_revenue: bool = False
    budget_notice: str = ""
    plugin_cards: list[dashboard.PluginCard] = []
    findings: list[FindingCard] = []
    sees_findings: bool = False

    @rx.event
    @guarded
    async def load(self):
        """Compute the figures for the logged-in user's tenant."""
        user = await self._user()
        with self._session(user) as session:
            figs = dashboard.figures(session, actor=user.actor)
            self.plugin_cards = dashboard.plugin_cards(session, actor=user.actor)
            notice = usage.budget_notice(session, user.tenant_id) if user.role in ("owner", "manager") else ""
            self.sees_findings = user.role in ("owner", "manager")
            found = health.open_findings(session, actor=user.actor) if self.sees_findings else []
        self.findings = [
            FindingCard(
                id=f.id,
                pet=f.pet,
                customer=f.customer,
                customer_id=f.customer_id,
                what=f"{t(f'health.area.{f.area}')} · {t(f'health.severity.{f.severity}')}",
                color=SEVERITY_COLORS.get(f.severity, "gray"),
                note=f.note,
                when=f.when,
            )
            for f in found
        ]
        self.today_count = figs.today_count
        self.revenue_week = money(figs.revenue_week_cents) if figs.revenue_visible else ""
        self.revenue_month = money(figs.revenue_month_cents) if figs.revenue_visible else ""
        self.week_hint = t("dash.since", day=f"{figs.week_start:%d/%m}") if figs.week_start else ""
        self.month_hint = t("dash.since", day=f"{figs.month_start:%d/%m}") if figs.month_start else ""
        self.active_customers = figs.active_customers
        self.customers_hint = t("dash.of_total", total=count(figs.total_customers, "cadastrado", "cadastrados"))
        self.open_conversations = figs.open_conversations
        self.today = [
            TodayRow(
                time=a.time,
                customer=a.customer,
                pet=a.pet,
                service=a.service,
                status=t(f"appt.status.{a.status}").capitalize(),
                color=STATUS_COLORS.get(a.status, "gray"),
            )
            for a in figs.today
        ]
        self.revenue_by_week = figs.revenue_by_week
        self.show_revenue, self.budget_notice = figs.revenue_visible, notice
        self.loaded = True

    @rx.event
    @guarded
    async def resolve(self, finding_id: int):
        """A finding was taken care of: off the list (it stays on the pet's history)."""
        user = await self._user("manager")
        with self._session(user) as session:
            health.resolve_finding(session, actor=user.actor, finding_id=int(finding_id))
        self.findings = [f for f in self.findings if f.id != int(finding_id)]
        return rx.toast.success(t("health.resolved"), id="toast-saved")


def _finding(f: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("stethoscope", size=18, color="var(--amber-10)"),
        rx.vstack(
            rx.hstack(
                rx.link(f.pet, href="/customers?c=" + f.customer_id.to_string(), weight="bold"),
                rx.badge(f.what, color_scheme=f.color, size="1"),
                wrap="wrap",
                align="center",
            ),
            rx.text(f.note, size="2"),
            rx.text(f.customer, " · ", f.when, size="1", color_scheme="gray"),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        rx.button(t("health.resolve"), size="1", variant="soft", on_click=DashboardState.resolve(f.id), class_name="finding-resolve"),
        align="start",
        width="100%",
        class_name="finding-row",
    )


def _findings_card() -> rx.Component:
    return rx.card(
        rx.heading(t("health.open_title"), size="4", margin_bottom="0.5em"),
        rx.vstack(rx.foreach(DashboardState.findings, _finding), spacing="3", width="100%"),
        width="100%",
        id="dash-findings",
    )


def _today_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.time, weight="bold")),
        rx.table.cell(
            rx.text(row.customer),
            rx.text(row.pet, " · ", row.service, size="1", color_scheme="gray", display=rx.breakpoints(initial="block", md="none")),
        ),
        rx.table.cell(row.pet, display=rx.breakpoints(initial="none", md="table-cell")),  # phones: under the customer
        rx.table.cell(row.service, display=rx.breakpoints(initial="none", md="table-cell")),
        rx.table.cell(rx.badge(row.status, color_scheme=row.color)),
    )


# Chart values are reais (floats); the browser formats them as pt-BR money on the axis and in the tooltip.


def _revenue_chart() -> rx.Component:
    return rx.card(
        rx.heading(t("dash.revenue_chart"), size="4", margin_bottom="0.5em"),
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="receita", fill="#0f766e", name=t("dash.revenue"), is_animation_active=False),
            rx.recharts.x_axis(data_key="semana"),
            rx.recharts.y_axis(tick_formatter=BRL_JS, width=80),
            rx.recharts.graphing_tooltip(custom_attrs={"formatter": Var(_js_expr=BRL_CENTS_JS)}),
            data=DashboardState.revenue_by_week,
            height=300,
            width="100%",
        ),
        width="100%",
        id="revenue-chart",
    )


@template("/", t("nav.dashboard"), "layout-dashboard", order=10, on_load=DashboardState.load)
def dashboard_page() -> rx.Component:
    """The dashboard."""
    return rx.vstack(
        page_header(t("dash.title")),
        rx.cond(
            DashboardState.loaded,
            rx.vstack(
                rx.cond(
                    DashboardState.budget_notice != "",
                    rx.callout(DashboardState.budget_notice, icon="octagon-pause", color_scheme="red", width="100%", id="budget-notice"),
                ),
                rx.grid(
                    kpi_card(t("dash.today"), DashboardState.today_count.to_string(), "calendar-check", card_id="kpi-today"),
                    rx.cond(
                        DashboardState.show_revenue,
                        rx.fragment(
                            kpi_card(
                                t("dash.revenue_week"),
                                DashboardState.revenue_week,
                                "wallet",
                                hint=DashboardState.week_hint,
                                card_id="kpi-week",
                            ),
                            kpi_card(
                                t("dash.revenue_month"),
                                DashboardState.revenue_month,
                                "trending-up",
                                hint=DashboardState.month_hint,
                                card_id="kpi-month",
                            ),
                        ),
                    ),
                    kpi_card(
                        t("dash.active_customers"),
                        DashboardState.active_customers.to_string(),
                        "users",
                        hint=DashboardState.customers_hint,
                        card_id="kpi-customers",
                    ),
                    kpi_card(
                        t("dash.open_conversations"),
                        DashboardState.open_conversations.to_string(),
                        "message-circle",
                        card_id="kpi-conversations",
                    ),
                    rx.foreach(
                        DashboardState.plugin_cards,
                        lambda card: kpi_card(card.title, card.value, card.icon, hint=card.hint, class_name="plugin-card"),
                    ),
                    columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                    spacing="4",
                    width="100%",
                ),
                rx.grid(
                    rx.card(
                        rx.hstack(
                            rx.heading(t("dash.today_list"), size="4"),
                            rx.spacer(),
                            rx.link(t("dash.open_calendar"), href="/calendar", size="2", id="dash-calendar"),
                            width="100%",
                            align="center",
                            margin_bottom="0.5em",
                        ),
                        rx.cond(
                            DashboardState.today_count > 0,
                            rx.box(
                                rx.table.root(rx.table.body(rx.foreach(DashboardState.today, _today_row)), size="1", width="100%"),
                                overflow_x="auto",
                                max_height="360px",
                                overflow_y="auto",
                            ),
                            empty_state(t("dash.today_empty"), "calendar", state_id="today-empty"),
                        ),
                        width="100%",
                    ),
                    rx.cond(DashboardState.show_revenue, _revenue_chart()),
                    rx.cond(DashboardState.findings.length() > 0, _findings_card()),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(AuthState.is_manager, period_section()),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="4em", width="100%"),
        ),
        width="100%",
    )
