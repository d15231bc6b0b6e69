"""Usage and cost of the AI: this month's tokens, messages and estimated cost in R$, by assistant and day.

Owners set the dollar rate and an optional monthly budget here; managers look.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import reflex as rx
from babel.dates import format_date
from babel.numbers import format_decimal

from auzap_console.components.common import empty_state, field, form_error, kpi_card, page_header
from auzap_console.i18n import money, t
from auzap_console.plugin import manager
from auzap_console.services import usage
from auzap_console.state import AuthState, ProtectedState, guarded
from auzap_console.template import template


def _number(n: int) -> str:
    return format_decimal(n, locale="pt_BR")


def rate_text(rate: Decimal) -> str:
    """`Decimal('5.5')` → `5,50` (at least two decimals, up to four)."""
    return format_decimal(rate, format="#,##0.00##", locale="pt_BR")


@dataclass
class UsageRow:
    """A line of the per-persona or per-day table (figures already formatted in pt-BR)."""

    day: str
    persona: str
    received: str
    sent: str
    tokens: str
    cost: str


class UsageState(ProtectedState):
    """The month's figures and the owner's rate/budget form."""

    saving: bool = False
    loaded: bool = False
    month: str = ""
    tokens: str = ""
    messages: str = ""
    messages_hint: str = ""
    cost: str = ""
    cost_hint: str = ""
    budget: str = ""
    budget_hint: str = ""
    notice: str = ""
    personas: list[UsageRow] = []
    days: list[UsageRow] = []
    rate_value: str = ""
    budget_value: str = ""
    form_error: str = ""

    @rx.event
    @guarded
    async def load(self):
        """on_load: the current month in the shop's time zone (managers and up)."""
        await self._refresh(await self._user("manager"))

    async def _refresh(self, user) -> None:
        with self._session(user) as session:
            report = usage.month_usage(session, actor=user.actor)
        titles = {name: p.title for name, p in manager.personas().items()}

        def row(line: usage.UsageLine) -> UsageRow:
            return UsageRow(
                day=format_date(line.day, "dd/MM", locale="pt_BR") if line.day else "",
                persona=titles.get(line.persona, line.persona),
                received=_number(line.messages_in),
                sent=_number(line.messages_out),
                tokens=_number(line.tokens),
                cost=money(line.cost_cents),
            )

        total = report.total
        self.month = t("usage.month", month=format_date(report.month, "MMMM 'de' yyyy", locale="pt_BR"))
        self.tokens = _number(total.tokens)
        self.messages = _number(total.messages_in + total.messages_out)
        self.messages_hint = t("usage.messages_hint", received=_number(total.messages_in), sent=_number(total.messages_out))
        self.cost = money(total.cost_cents)
        self.cost_hint = t("usage.cost_hint", rate=rate_text(report.rate))
        self.budget = money(report.budget_cents) if report.budget_cents else t("usage.no_budget")
        percent = total.cost_cents * 100 // report.budget_cents if report.budget_cents else 0
        self.budget_hint = t("usage.budget_hint", percent=percent) if report.budget_cents else ""
        self.notice = t("budget.reached", budget=money(report.budget_cents)) if report.exhausted else ""
        self.personas = [row(line) for line in report.personas]
        self.days = [row(line) for line in reversed(report.days)]  # newest first
        self.rate_value = rate_text(report.rate)
        self.budget_value = (
            format_decimal(Decimal(report.budget_cents) / 100, format="#,##0.00", locale="pt_BR") if report.budget_cents else ""
        )
        self.form_error, self.loaded = "", True

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Store the dollar rate and the monthly budget (owner only)."""
        user = await self._user("owner")
        with self._session(user) as session:
            usage.update_money_settings(session, actor=user.actor, rate_text=form.get("rate", ""), budget_text=form.get("budget", ""))
        await self._refresh(user)
        return rx.toast.success(t("usage.saved"), id="toast-saved")


def _table(rows: rx.Var, columns: list[tuple[str, str]], table_id: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"usage.col.{key}")) for key, _ in columns])),
            rx.table.body(
                rx.foreach(rows, lambda r: rx.table.row(*[rx.table.cell(getattr(r, key), text_align=align) for key, align in columns]))
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        id=table_id,
    )


NUMBERS = [("received", "right"), ("sent", "right"), ("tokens", "right"), ("cost", "right")]


def _settings_card() -> rx.Component:
    return rx.card(
        rx.cond(
            AuthState.is_owner,
            rx.form(
                rx.vstack(
                    rx.heading(t("usage.settings"), size="4"),
                    field(
                        t("usage.rate"),
                        rx.input(name="rate", default_value=UsageState.rate_value, id="usage-rate", width="160px", input_mode="decimal"),
                        t("usage.rate_hint"),
                    ),
                    field(
                        t("usage.budget_field"),
                        rx.input(
                            name="budget", default_value=UsageState.budget_value, id="usage-budget", width="160px", input_mode="decimal"
                        ),
                        t("usage.budget_field_hint"),
                    ),
                    form_error(UsageState.form_error),
                    rx.button(t("common.save"), type="submit", id="usage-save", loading=UsageState.saving, disabled=UsageState.saving),
                    spacing="3",
                    width="100%",
                ),
                on_submit=UsageState.save,
                reset_on_submit=False,
            ),
            rx.vstack(
                rx.heading(t("usage.settings"), size="4"),
                field(t("usage.rate"), rx.text(UsageState.rate_value)),
                field(t("usage.budget_field"), rx.text(UsageState.budget)),
                rx.text(t("usage.readonly"), size="1", color_scheme="gray"),
                spacing="3",
            ),
        ),
        width="100%",
    )


@template("/usage", t("nav.usage"), "gauge", role="manager", order=85, on_load=UsageState.load)
def usage_page() -> rx.Component:
    """The usage page."""
    return rx.vstack(
        page_header(t("usage.title")),
        rx.cond(
            UsageState.loaded,
            rx.vstack(
                rx.text(UsageState.month, size="2", color_scheme="gray", id="usage-month"),
                rx.cond(
                    UsageState.notice != "",
                    rx.callout(UsageState.notice, icon="octagon-pause", color_scheme="red", width="100%", id="budget-notice"),
                ),
                rx.grid(
                    kpi_card(t("usage.cost"), UsageState.cost, "wallet", hint=UsageState.cost_hint, card_id="usage-cost"),
                    kpi_card(t("usage.budget"), UsageState.budget, "gauge", hint=UsageState.budget_hint, card_id="usage-budget-kpi"),
                    kpi_card(
                        t("usage.messages"), UsageState.messages, "message-circle", hint=UsageState.messages_hint, card_id="usage-messages"
                    ),
                    kpi_card(t("usage.tokens"), UsageState.tokens, "cpu", card_id="usage-tokens"),
                    columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                    spacing="4",
                    width="100%",
                ),
                rx.grid(
                    rx.card(
                        rx.heading(t("usage.by_persona"), size="4", margin_bottom="0.5em"),
                        rx.cond(
                            UsageState.personas.length() > 0,
                            _table(UsageState.personas, [("persona", "left"), *NUMBERS], "usage-personas"),
                            empty_state(t("usage.empty"), "bot", state_id="usage-empty"),
                        ),
                        width="100%",
                    ),
                    _settings_card(),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    UsageState.days.length() > 0,
                    rx.card(
                        rx.heading(t("usage.by_day"), size="4", margin_bottom="0.5em"),
                        _table(UsageState.days, [("day", "left"), ("persona", "left"), *NUMBERS], "usage-days"),
                        width="100%",
                    ),
                ),
                rx.text(t("usage.estimate"), size="1", color_scheme="gray"),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="4em", width="100%", id="usage-loading"),
        ),
        width="100%",
    )
