"""Automations (managers): each automatic message with its switch and parameters.

Each card shows what the automation would send this week (before it is switched on) and what it
sent in the last 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import reflex as rx

from auzap_console.components.common import field, form_error, page_header
from auzap_console.i18n import t
from auzap_console.services import automations, channels, tenants
from auzap_console.state import ProtectedState, guarded
from auzap_console.template import template

ICONS = {"winback": "heart-handshake", "followup": "message-square-heart", "birthday": "cake", "vaccine_due": "syringe", "rhythm": "repeat"}
SHOWN = 5


@dataclass
class PreviewLine:
    """One message of the week's preview."""

    day: str
    customer: str
    text: str


@dataclass
class AutomationCard:
    """One automation as the page shows it."""

    kind: str
    title: str
    hint: str
    icon: str
    enabled: bool
    days: str
    review_url: str
    week_count: int
    week: list[PreviewLine]
    more: str
    sent: str
    campaign_id: int


class AutomationsState(ProtectedState):
    """The automations, their previews and what they sent."""

    loaded: bool = False
    cards: list[AutomationCard] = []
    has_channel: bool = True
    saving: str = ""
    form_error: str = ""
    error_kind: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return handler == "save"

    @rx.event
    @guarded
    async def load(self):
        """On opening: every automation, with its week and its last 30 days."""
        await self._refresh()

    async def _refresh(self) -> None:
        user = await self._user("manager")
        now = datetime.now(UTC)
        cards = []
        with self._session(user) as session:
            rules = automations.settings_of(tenants.get_tenant(session, actor=user.actor))
            self.has_channel = any(c.status == "connected" for c in channels.list_channels(session, actor=user.actor))
            for kind in automations.KINDS:
                week = automations.plan(session, actor=user.actor, kind=kind, now=now, days=7)
                sent = automations.sent_lately(session, actor=user.actor, kind=kind, now=now)
                cards.append(
                    AutomationCard(
                        kind=kind,
                        title=t(f"auto.{kind}_title"),
                        hint=t(f"auto.{kind}_hint"),
                        icon=ICONS[kind],
                        enabled=bool(rules[kind]["enabled"]),
                        days=str(rules[kind].get("days", "")),
                        review_url=rules[kind].get("review_url", ""),
                        week_count=len(week),
                        week=[PreviewLine(p.day.strftime("%d/%m"), p.customer, p.text) for p in week[:SHOWN]],
                        more=t("auto.more", n=len(week) - SHOWN) if len(week) > SHOWN else "",
                        sent=t("auto.sent_30", n=sent.count),
                        campaign_id=sent.campaign_id,
                    )
                )
        self.cards, self.loaded = cards, True

    @rx.event
    @guarded
    async def toggle(self, kind: str, enabled: bool):
        """Switch one automation on or off (saved at once)."""
        user = await self._user("manager")
        with self._session(user) as session:
            automations.save_setting(session, actor=user.actor, kind=kind, enabled=bool(enabled))
        await self._refresh()
        return rx.toast.success(t("auto.saved"), id="toast-saved")

    @rx.event
    @guarded(busy="saving", busy_key="kind")
    async def save(self, form: dict):
        """Save one automation's parameters."""
        user = await self._user("manager")
        kind = form.get("kind", "")
        self.error_kind = kind
        with self._session(user) as session:
            automations.save_setting(
                session, actor=user.actor, kind=kind, params={k: v for k, v in form.items() if k in ("days", "review_url")}
            )
        self.error_kind = ""
        await self._refresh()  # the preview follows the new parameters
        return rx.toast.success(t("auto.saved"), id="toast-saved")


def _preview(line: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(line.day, " · ", line.customer, size="1", weight="bold", color_scheme="gray"),
        rx.text(line.text, size="2"),
        background="var(--gray-2)",
        border_radius="8px",
        padding="0.5em 0.7em",
        width="100%",
        class_name="automation-preview",
    )


def _card(card: rx.Var) -> rx.Component:
    s = AutomationsState
    return rx.card(
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.icon(card.icon, size=22, color="#0f766e"),
                    rx.heading(card.title, size="4"),
                    rx.spacer(),
                    rx.text(t("auto.enabled"), size="2"),
                    rx.switch(checked=card.enabled, on_change=lambda v: s.toggle(card.kind, v), class_name="automation-enabled"),
                    width="100%",
                    align="center",
                ),
                rx.text(card.hint, size="2", color_scheme="gray"),
                rx.el.input(type="hidden", name="kind", value=card.kind),
                rx.cond(
                    card.kind == "winback",
                    field(t("auto.days"), rx.input(name="days", type="number", default_value=card.days, min=15, max=365, width="120px")),
                ),
                rx.cond(
                    card.kind == "followup",
                    field(
                        t("auto.review_url"),
                        rx.input(name="review_url", default_value=card.review_url, placeholder="https://", width="100%"),
                    ),
                ),
                rx.cond(s.error_kind == card.kind, form_error(s.form_error)),
                rx.hstack(
                    rx.text(t("auto.week_preview"), ": ", rx.text.strong(card.week_count), size="2"),
                    rx.spacer(),
                    rx.text(card.sent, size="1", color_scheme="gray"),
                    rx.cond(
                        card.campaign_id > 0,
                        rx.link(t("auto.see_campaign"), href="/campaigns?c=" + card.campaign_id.to_string(), size="1"),
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    card.week_count > 0,
                    rx.vstack(
                        rx.foreach(card.week, _preview), rx.text(card.more, size="1", color_scheme="gray"), spacing="2", width="100%"
                    ),
                    rx.text(t("auto.week_none"), size="2", color_scheme="gray"),
                ),
                rx.button(t("common.save"), type="submit", loading=s.saving == card.kind, class_name="automation-save"),
                spacing="3",
                width="100%",
            ),
            on_submit=s.save,
            reset_on_submit=False,
        ),
        width="100%",
        class_name="automation-card",
        id="automation-" + card.kind,
    )


@template("/automations", t("nav.automations"), "workflow", role="manager", order=37, on_load=AutomationsState.load)
def automations_page() -> rx.Component:
    """Automations."""
    s = AutomationsState
    return rx.vstack(
        page_header(t("auto.title")),
        rx.text(t("auto.intro"), size="2", color_scheme="gray"),
        rx.cond(~s.has_channel, rx.callout(t("auto.no_channel"), icon="info", size="1")),
        rx.cond(
            s.loaded,
            rx.grid(rx.foreach(s.cards, _card), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
            rx.center(rx.spinner(), padding="3em", width="100%"),
        ),
        width="100%",
        spacing="3",
    )
