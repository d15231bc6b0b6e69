"""Small building blocks shared by pages: header, KPI card, empty state, pager, form dialog, delete confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from auzap_console.i18n import t


def page_header(title: str, *actions: rx.Component) -> rx.Component:
    """The page title with its actions on the right."""
    return rx.flex(
        rx.heading(title, size="6", id="page-title"),
        rx.hstack(*actions, spacing="2"),
        justify="between",
        width="100%",
        align="center",
        gap="2",
        wrap="wrap",
        margin_bottom="1.25em",
    )


def kpi_card(
    label: rx.Var | str, value: rx.Var | str, icon: rx.Var | str, *, hint: rx.Var | str = "", card_id: str = "", class_name: str = ""
) -> rx.Component:
    """A dashboard figure (plugins' cards pass Vars for the label and icon)."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(label, size="2", color_scheme="gray"),
                rx.heading(value, size="7", id=card_id or None),
                rx.text(hint, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            rx.icon(icon, size=28, color="#0f766e"),
            width="100%",
        ),
        width="100%",
        class_name=class_name or None,
    )


def empty_state(message: rx.Var | str, icon: str = "inbox", *, state_id: str = "empty-state") -> rx.Component:
    """What a list shows when it has nothing."""
    return rx.center(
        rx.vstack(rx.icon(icon, size=40, color="var(--gray-8)"), rx.text(message, color_scheme="gray", align="center"), align="center"),
        padding="3em 1em",
        width="100%",
        id=state_id,
    )


def form_error(message: rx.Var) -> rx.Component:
    """An inline validation message, shown only when there is one."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", size="1", id="form-error", width="100%"),
    )


def field(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    """A labelled form control, with an optional hint below it."""
    below = [rx.text(hint, size="1", color_scheme="gray", class_name="field-hint")] if hint else []
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, *below, spacing="1", width="100%", min_width="0")


def pager(page: rx.Var, pages: rx.Var, summary: rx.Var, on_prev, on_next) -> rx.Component:
    """Previous/next buttons with 'page X of Y'."""
    return rx.hstack(
        rx.text(summary, size="2", color_scheme="gray", id="pager-summary"),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            t("common.previous"),
            on_click=on_prev,
            disabled=page <= 1,
            variant="soft",
            size="2",
            id="page-prev",
        ),
        rx.button(
            t("common.next"),
            rx.icon("chevron-right", size=16),
            on_click=on_next,
            disabled=page >= pages,
            variant="soft",
            size="2",
            id="page-next",
        ),
        width="100%",
        align="center",
        padding_top="0.75em",
    )


def hydration_marker() -> rx.Component:
    """A hidden element present once the page is connected to the backend (browser tests wait for it)."""
    return rx.cond(rx.State.is_hydrated, rx.box(id="hydrated", display="none"))


def master_detail(list_part: rx.Component, detail_part: rx.Component, *, selected: rx.Var, on_back: Any) -> rx.Component:
    """A list and the selected item's detail: side by side on wide screens, one at a time on phones.

    On narrow screens (see `assets/console.css`) the detail replaces the list while something is
    selected, with a back arrow (`on_back` clears the selection).
    """
    back = rx.button(
        rx.icon("arrow-left", size=16), t("common.back"), variant="ghost", on_click=on_back, class_name="pane-back", id="pane-back"
    )
    return rx.grid(
        rx.box(list_part, class_name=rx.cond(selected, "pane-list has-selection", "pane-list"), width="100%", min_width="0"),
        rx.vstack(
            back,
            detail_part,
            class_name=rx.cond(selected, "pane-detail", "pane-detail no-selection"),
            width="100%",
            min_width="0",
            spacing="2",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
    )


def advanced(*children: rx.Component) -> rx.Component:
    """Technical details behind a closed 'Avançado (para técnicos)' disclosure."""
    return rx.el.details(
        rx.el.summary(t("ch.advanced"), style={"cursor": "pointer", "color": "var(--gray-11)", "font-size": "0.9em"}),
        rx.vstack(*children, spacing="2", padding_top="0.5em", width="100%"),
        width="100%",
    )


def form_dialog(
    title: rx.Var | str,
    *fields: rx.Component,
    open: rx.Var,
    on_submit: Any,
    on_close: Any,
    error: rx.Var,
    saving: rx.Var | bool = False,
    submit_id: str = "",
    submit_label: str = "",
    max_width: str = "520px",
    dialog_id: str = "",
) -> rx.Component:
    """A form in a dialog: fields, the inline error, Cancel and a Save that is busy while saving.

    Closing (Esc, outside click, Cancel) calls `on_close`; the form keeps its values when the
    server rejects them (`reset_on_submit=False`) so nothing typed is lost.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    *fields,
                    form_error(error),
                    rx.hstack(
                        rx.button(t("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=on_close),
                        rx.button(submit_label or t("common.save"), type="submit", id=submit_id or None, loading=saving, disabled=saving),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
            max_width=max_width,
            id=dialog_id or None,
        ),
        open=open,
        on_open_change=on_close,
    )


def confirm_delete(
    trigger: rx.Component,
    title: rx.Var | str,
    *,
    on_confirm: Any,
    description: rx.Var | str = "",
    confirm_id: str = "",
    confirm_label: str = "",
) -> rx.Component:
    """A destructive action behind 'are you sure?': `trigger` opens it, the red button confirms."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            *([rx.alert_dialog.description(description)] if isinstance(description, rx.Var) or description else []),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(confirm_label or t("common.delete"), color_scheme="red", on_click=on_confirm, id=confirm_id or None)
                ),
                justify="end",
                spacing="2",
                margin_top="1em",
            ),
        ),
    )


def option_select(
    options: rx.Var, value: rx.Var | None = None, on_change: Any = None, *, select_id: str, name: str = "", label: str = "", **props: Any
) -> rx.Component:
    """A select over a list of `Option`s from the state (id for tests, label for screen readers)."""
    trigger = {"aria_label": label, "title": label} if label else {}
    root: dict[str, Any] = {"name": name} if name else {}
    if on_change is not None:
        root.update(value=value, on_change=on_change)
    placeholder = props.pop("placeholder", "")
    width = props.pop("width", None)
    return rx.select.root(
        rx.select.trigger(id=select_id, placeholder=placeholder, **({"width": width} if width else {}), **trigger),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value))),
        **root,
        **props,
    )


def slot_buttons(slots: rx.Var, chosen: rx.Var, on_pick: Any, empty: rx.Var | str, list_id: str) -> rx.Component:
    """Free times as buttons (the chosen one solid), or a hint when there are none."""
    return rx.cond(
        slots.length() > 0,
        rx.flex(
            rx.foreach(
                slots,
                lambda o: rx.button(
                    o.label,
                    type="button",
                    size="1",
                    variant=rx.cond(chosen == o.value, "solid", "outline"),
                    on_click=on_pick(o.value),
                    class_name="slot-button",
                ),
            ),
            wrap="wrap",
            gap="2",
            id=list_id,
        ),
        rx.text(empty, size="2", color_scheme="gray", id=f"{list_id}-empty"),
    )


def settings_card(
    title: str,
    hint: str,
    *controls: rx.Component,
    loaded: rx.Var,
    on_mount: Any,
    on_submit: Any,
    error: rx.Var,
    saving: rx.Var,
    save_id: str,
    card_id: str,
) -> rx.Component:
    """A Settings card: title, hint, the form's controls, its inline error and Save; a spinner until loaded."""
    return rx.card(
        rx.cond(
            loaded,
            rx.form(
                rx.vstack(
                    rx.heading(title, size="4"),
                    rx.text(hint, size="2", color_scheme="gray"),
                    *controls,
                    form_error(error),
                    rx.button(t("common.save"), type="submit", id=save_id, loading=saving, disabled=saving),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
            rx.center(rx.spinner(), padding="2em"),
        ),
        on_mount=on_mount,
        width="100%",
        id=card_id,
    )


def tutor_fields(state: Any, prefix: str, *, with_pet: bool = True) -> rx.Component:
    """The tutor's phone (looked up when the field is left), their name once found, and a select of their pets.

    `state` mixes in `TutorLookupMixin`; the pet's id is submitted as `pet`. Ids: `{prefix}-phone`,
    `{prefix}-tutor`, `{prefix}-pet`.
    """
    return rx.fragment(
        field(
            t("tutor.phone"),
            rx.input(name="phone", placeholder="(11) 98888-7777", on_blur=state.find_tutor, id=f"{prefix}-phone", width="100%"),
            t("tutor.phone_hint"),
        ),
        rx.cond(state.tutor_name != "", rx.text(t("tutor.found"), " ", state.tutor_name, size="2", id=f"{prefix}-tutor")),
        *(
            [
                field(
                    t("tutor.pet"),
                    rx.select.root(
                        rx.select.trigger(id=f"{prefix}-pet", placeholder=t("tutor.pet_pick"), width="100%"),
                        rx.select.content(rx.foreach(state.pet_options, lambda o: rx.select.item(o.label, value=o.value))),
                        name="pet",
                    ),
                )
            ]
            if with_pet
            else []
        ),
    )
