"""'Unificar cadastros': the same person twice (a WhatsApp LID and a phone, two numbers) becomes one record.

The record on screen is kept; the one chosen here moves into it (pets, visits, conversations,
memory) and disappears. Managers and owners only.
"""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import field, form_error
from auzap_console.i18n import t
from auzap_console.pages.customers.state import CustomersState
from auzap_console.phones import format_phone
from auzap_console.services import customers
from auzap_console.state import Option, ProtectedState, guarded


class MergeState(ProtectedState):
    """The merge dialog of the selected customer."""

    open: bool = False
    results: list[Option] = []
    chosen: str = ""
    chosen_label: str = ""
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return self.open

    @rx.event
    @guarded
    async def open_dialog(self):
        """Fresh search."""
        await self._user("manager")
        self.results, self.chosen, self.chosen_label, self.form_error, self.open = [], "", "", "", True

    @rx.event
    def close(self):
        """Keep both records."""
        self.open, self.form_error = False, ""

    @rx.event
    @guarded
    async def search(self, value: str):
        """Other customers by name, phone or pet."""
        user = await self._user("manager")
        record = await self.get_state(CustomersState)
        if len(value.strip()) < 2:
            self.results = []
            return
        with self._session(user) as session:
            found = customers.list_customers(session, actor=user.actor, search=value.strip(), per_page=8)
        self.results = [
            Option(str(c.id), f"{c.name} · {format_phone(c.phone)}" + (f" · {', '.join(pets)}" if pets else ""))
            for c, pets in found.rows
            if c.id != record.selected_id
        ]

    @rx.event
    def choose(self, customer_id: str, label: str):
        """The record that will move into this one."""
        self.chosen, self.chosen_label = customer_id, label

    @rx.event
    @guarded(busy="saving")
    async def merge(self):
        """Move the chosen record into the one on screen."""
        user = await self._user("manager")
        record = await self.get_state(CustomersState)
        if not self.chosen:
            return None
        with self._session(user) as session:
            customers.merge_customers(session, actor=user.actor, keep_id=record.selected_id, merge_id=int(self.chosen))
        self.open = False
        await record._refresh()
        await record._load_selected()
        return rx.toast.success(t("merge.done"), id="toast-saved")


def merge_dialog() -> rx.Component:
    """Search the other record, pick it, confirm."""
    s = MergeState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("merge.title")),
            rx.dialog.description(t("merge.hint"), size="2"),
            rx.vstack(
                field(
                    t("merge.search"),
                    rx.input(on_change=s.search.debounce(300), id="merge-search", placeholder=t("cal.customer_search"), width="100%"),
                ),
                rx.vstack(
                    rx.foreach(
                        s.results,
                        lambda o: rx.button(
                            o.label,
                            variant=rx.cond(s.chosen == o.value, "solid", "soft"),
                            size="2",
                            on_click=s.choose(o.value, o.label),
                            class_name="merge-result",
                            width="100%",
                            justify="start",
                        ),
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.cond(
                    s.chosen != "", rx.callout(t("merge.confirm", other="") + s.chosen_label, icon="git-merge", size="1", id="merge-chosen")
                ),
                form_error(s.form_error),
                rx.hstack(
                    rx.button(t("common.cancel"), variant="soft", color_scheme="gray", on_click=s.close),
                    rx.button(t("merge.do"), on_click=s.merge, disabled=(s.chosen == "") | s.saving, loading=s.saving, id="merge-confirm"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                padding_top="0.5em",
            ),
            max_width="520px",
        ),
        open=s.open,
        on_open_change=s.close,
    )
