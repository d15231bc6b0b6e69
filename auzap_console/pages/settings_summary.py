"""The Settings page's daily-summary card (owner): on or off, and at what time it goes."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import field, settings_card
from auzap_console.i18n import t
from auzap_console.services import owner_summary, tenants
from auzap_console.state import ProtectedState, guarded


class SummarySettingsState(ProtectedState):
    """The summary's switch and time as the form edits them."""

    loaded: bool = False
    enabled: bool = True
    at: str = owner_summary.DEFAULT_TIME
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return True

    @rx.event
    @guarded
    async def load(self):
        """When the card appears: the saved choice (on, 18:00, unless changed)."""
        user = await self._user("owner")
        with self._session(user) as session:
            rules = owner_summary.settings_of(tenants.get_tenant(session, actor=user.actor))
        self.enabled, self.at, self.loaded, self.form_error = rules.enabled, rules.time, True, ""

    @rx.event
    def set_enabled(self, value: bool):
        """On or off (saved with the form)."""
        self.enabled = bool(value)

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Store the choice; today's summary follows it if it has not gone yet."""
        user = await self._user("owner")
        with self._session(user) as session:
            rules = owner_summary.save_settings(
                session, actor=user.actor, enabled=self.enabled, at=(form.get("summary-time") or "").strip()
            )
        self.at = rules.time
        return rx.toast.success(t("summary.saved"), id="toast-saved")


def summary_card() -> rx.Component:
    """Owner only: the daily summary on WhatsApp."""
    s = SummarySettingsState
    return settings_card(
        t("summary.settings_title"),
        t("summary.settings_hint"),
        rx.hstack(
            rx.switch(checked=s.enabled, on_change=s.set_enabled, id="summary-enabled", name="summary-enabled"),
            rx.text(t("summary.enabled"), size="2"),
            align="center",
        ),
        field(t("summary.time"), rx.input(type="time", name="summary-time", default_value=s.at, id="summary-time")),
        loaded=s.loaded,
        on_mount=s.load,
        on_submit=s.save,
        error=s.form_error,
        saving=s.saving,
        save_id="summary-save",
        card_id="summary-card",
    )
