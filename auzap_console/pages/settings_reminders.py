"""The Settings page's reminder card (owner): on or off, how long before, and the quiet hours."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import field, settings_card
from auzap_console.i18n import t
from auzap_console.services import reminders, tenants
from auzap_console.state import ProtectedState, guarded

OFFSET_CHOICES = (48, 24, 4, 2, 1)  # hours before the appointment


class ReminderSettingsState(ProtectedState):
    """The shop's reminder rules as the form edits them."""

    loaded: bool = False
    enabled: bool = True
    offsets: list[str] = []
    quiet_start: str = ""
    quiet_end: str = ""
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return True

    @rx.event
    @guarded
    async def load(self):
        """When the card appears: the saved rules (defaults: 24 h and 2 h before, quiet 21:00–08:00)."""
        user = await self._user("owner")
        with self._session(user) as session:
            rules = reminders.settings_of(tenants.get_tenant(session, actor=user.actor))
        self.enabled, self.offsets = rules.enabled, [str(h) for h in rules.offsets_hours]
        self.quiet_start, self.quiet_end = rules.quiet_start, rules.quiet_end
        self.loaded, self.form_error = True, ""

    @rx.event
    def set_enabled(self, value: bool):
        """Reminders on or off (saved with the form)."""
        self.enabled = bool(value)

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Store the rules; appointments booked or moved from now on follow them."""
        user = await self._user("owner")
        offsets = [h for h in OFFSET_CHOICES if form.get(f"offset-{h}")]
        with self._session(user) as session:
            rules = reminders.save_settings(
                session,
                actor=user.actor,
                enabled=self.enabled,
                offsets_hours=offsets,
                quiet_start=(form.get("quiet-start") or "").strip(),
                quiet_end=(form.get("quiet-end") or "").strip(),
            )
        self.offsets = [str(h) for h in rules.offsets_hours]
        return rx.toast.success(t("rem.saved"), id="toast-saved")


def reminders_card() -> rx.Component:
    """Owner only: the reminder rules."""
    s = ReminderSettingsState
    return settings_card(
        t("rem.title"),
        t("rem.hint"),
        rx.hstack(
            rx.switch(checked=s.enabled, on_change=s.set_enabled, id="reminders-enabled", name="enabled"),
            rx.text(t("rem.enabled"), size="2"),
            align="center",
        ),
        field(
            t("rem.when"),
            rx.flex(
                *[
                    rx.checkbox(
                        t("rem.hours_before", hours=h),
                        name=f"offset-{h}",
                        default_checked=s.offsets.contains(str(h)),
                        id=f"reminder-offset-{h}",
                    )
                    for h in OFFSET_CHOICES
                ],
                wrap="wrap",
                column_gap="1.25em",
                row_gap="0.5em",
                id="reminder-offsets",
            ),
            t("rem.when_hint"),
        ),
        rx.hstack(
            field(t("rem.quiet_start"), rx.input(type="time", name="quiet-start", default_value=s.quiet_start, id="quiet-start")),
            field(t("rem.quiet_end"), rx.input(type="time", name="quiet-end", default_value=s.quiet_end, id="quiet-end")),
            spacing="3",
        ),
        loaded=s.loaded,
        on_mount=s.load,
        on_submit=s.save,
        error=s.form_error,
        saving=s.saving,
        save_id="reminders-save",
        card_id="reminders-card",
    )
