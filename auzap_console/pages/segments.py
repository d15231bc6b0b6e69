"""Segments: pick who a campaign will reach, with a live count and a sample of real customers.

Managers and owners build a segment from the filters (the core's and the shop's plugins'), see at
once how many customers it reaches (opted-out ones never count) and save it for campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import empty_state, field, form_error, option_select, page_header
from auzap_console.i18n import count, t
from auzap_console.services import catalog, segments
from auzap_console.services.context import ServiceError
from auzap_console.services.segments import LEAD_STAGES, SIZES, SPECIES
from auzap_console.state import Option, ProtectedState, guarded
from auzap_console.template import template

ANY = "any"
NO_SERVICE_FILTER = "off"  # the visits row is off; ANY there means "any service"
MONTHS = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro")


@dataclass
class ExtraFilter:
    """A filter a plugin adds (hotel guests, active training plans…): its name, label and input kind."""

    name: str
    title: str
    kind: str
    hint: str


@dataclass
class SavedRow:
    """A saved segment with how many it reaches now."""

    id: int
    name: str
    reach: str


class SegmentsState(ProtectedState):
    """The builder's choices, what they reach, and the saved segments."""

    loaded: bool = False
    vip: bool = False
    tag: str = ""
    lead_stage: str = ANY
    size: str = ANY
    species: str = ANY
    inactive_days: str = ""
    birthday_month: str = ANY
    service: str = NO_SERVICE_FILTER
    service_mode: str = "not_used"
    service_days: str = "90"
    reach: int = 0
    sample: list[str] = []
    services: list[Option] = []
    saved: list[SavedRow] = []
    extra_filters: list[ExtraFilter] = []
    extra_values: dict[str, str] = {}
    saving: bool = False
    form_error: str = ""

    def _errors_inline(self, handler: str = "") -> bool:
        return True

    def _criteria(self) -> dict:
        criteria: dict = {}
        if self.vip:
            criteria["vip"] = True
        if self.tag.strip():
            criteria["tag"] = self.tag.strip()
        for name in ("lead_stage", "size", "species"):
            if getattr(self, name) != ANY:
                criteria[name] = getattr(self, name)
        if inactive := _days(self.inactive_days):
            criteria["inactive_days"] = inactive
        if self.birthday_month != ANY:
            criteria["birthday_month"] = int(self.birthday_month)
        if self.service != NO_SERVICE_FILTER:
            days = _days(self.service_days) or 90
            service_id = None if self.service == ANY else int(self.service)
            criteria[f"service_{self.service_mode}"] = {"service_id": service_id, "days": days}
        for spec in self.extra_filters:
            value = (self.extra_values.get(spec.name) or "").strip()
            if spec.kind == "number" and value.isdigit():
                criteria[spec.name] = int(value)
            elif spec.kind == "text" and value:
                criteria[spec.name] = value
        return criteria

    async def _refresh(self) -> None:
        """The live count and sample (on every filter change: two queries)."""
        user = await self._user("manager")
        with self._session(user) as session:
            found = segments.preview(session, actor=user.actor, criteria=self._criteria(), sample=6)
        self.reach, self.sample = found.count, [name for _, name in found.sample]
        self.loaded = True

    async def _load_lists(self) -> None:
        """Services for the filter and the saved segments with their reach (on opening and after saving)."""
        user = await self._user("manager")
        with self._session(user) as session:
            self.services = [Option(NO_SERVICE_FILTER, t("seg.service_off")), Option(ANY, t("seg.any_service"))] + [
                Option(str(s.id), s.name) for s in catalog.list_services(session, actor=user.actor)
            ]
            self.saved = [
                SavedRow(
                    s.id,
                    s.name,
                    count(segments.preview(session, actor=user.actor, criteria=s.criteria, sample=0).count, "cliente", "clientes"),
                )
                for s in segments.list_segments(session, actor=user.actor)
            ]
            self.extra_filters = [ExtraFilter(f.name, f.title, f.kind, f.hint) for f in segments.plugin_filters(session, actor=user.actor)]

    @rx.event
    @guarded
    async def load(self):
        """on_load."""
        await self._load_lists()
        await self._refresh()

    @rx.event
    @guarded
    async def change(self, name: str, value):
        """One filter changed: the count and sample follow at once."""
        if name in ("vip",):
            value = bool(value)
        setattr(self, name, value)
        self.form_error = ""
        await self._refresh()
        if name in ("inactive_days", "service_days") and str(value).strip() and not _days(value):
            raise ServiceError(t("err.segment_days"))  # said, not silently ignored

    @rx.event
    @guarded
    async def change_extra(self, name: str, value: str):
        """A plugin's filter changed."""
        self.extra_values = {**self.extra_values, name: value}
        self.form_error = ""
        await self._refresh()

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Save the current filters under a name."""
        user = await self._user("manager")
        if any(str(v).strip() and not _days(v) for v in (self.inactive_days, self.service_days)):
            raise ServiceError(t("err.segment_days"))
        with self._session(user) as session:
            segments.save_segment(session, actor=user.actor, name=form.get("segment-name", ""), criteria=self._criteria())
        await self._load_lists()
        return rx.toast.success(t("seg.saved"), id="toast-saved")


def _choice(label: str, name: str, value: rx.Var, options: list[tuple[str, str]], select_id: str) -> rx.Component:
    return field(
        label,
        rx.select.root(
            rx.select.trigger(id=select_id, width="100%"),
            rx.select.content(*[rx.select.item(text, value=key) for key, text in options]),
            value=value,
            on_change=lambda v: SegmentsState.change(name, v),
        ),
    )


def _days(value) -> int:
    """A day count typed in a filter: a whole number from 1 up, else 0 (the filter stays off)."""
    text = str(value).strip()
    return int(text) if text.isdigit() and int(text) > 0 else 0


def _visit_terms(s) -> rx.Component:
    """The "fizeram / não fizeram nos últimos N dias" terms, shown once a service (or any service) is picked."""
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(id="seg-service-mode"),
            rx.select.content(rx.select.item(t("seg.did_not"), value="not_used"), rx.select.item(t("seg.did"), value="used")),
            value=s.service_mode,
            on_change=lambda v: s.change("service_mode", v),
        ),
        rx.text(t("seg.in_the_last"), size="2"),
        rx.input(value=s.service_days, on_change=lambda v: s.change("service_days", v).debounce(400), width="80px", type="number"),
        rx.text(t("seg.days"), size="2"),
        wrap="wrap",
        align="center",
    )


def _extra(spec: ExtraFilter) -> rx.Component:
    return rx.vstack(
        rx.text(spec.title, size="2", weight="medium"),
        rx.input(
            value=SegmentsState.extra_values.get(spec.name, ""),
            on_change=lambda v: SegmentsState.change_extra(spec.name, v).debounce(400),
            type=rx.cond(spec.kind == "number", "number", "text"),
            placeholder=spec.hint,
            id="seg-extra-" + spec.name,
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def _builder() -> rx.Component:
    s = SegmentsState
    return rx.card(
        rx.vstack(
            rx.heading(t("seg.filters"), size="4"),
            rx.grid(
                _choice(
                    t("seg.species"), "species", s.species, [(ANY, t("seg.any")), *[(v, t(f"species.{v}")) for v in SPECIES]], "seg-species"
                ),
                _choice(t("seg.size"), "size", s.size, [(ANY, t("seg.any")), *[(v, v) for v in SIZES]], "seg-size"),
                _choice(
                    t("seg.birthday_month"),
                    "birthday_month",
                    s.birthday_month,
                    [(ANY, t("seg.any")), *[(str(n), m.capitalize()) for n, m in enumerate(MONTHS, 1)]],
                    "seg-birthday",
                ),
                _choice(
                    t("seg.lead_stage"),
                    "lead_stage",
                    s.lead_stage,
                    [(ANY, t("seg.any")), *[(v, t(f"lead.{v}")) for v in LEAD_STAGES]],
                    "seg-stage",
                ),
                field(
                    t("seg.inactive_days"),
                    rx.input(
                        value=s.inactive_days,
                        on_change=lambda v: s.change("inactive_days", v).debounce(400),
                        type="number",
                        min=1,
                        id="seg-inactive",
                    ),
                ),
                field(
                    t("seg.tag"), rx.input(value=s.tag, on_change=lambda v: s.change("tag", v).debounce(400), id="seg-tag", width="100%")
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                option_select(s.services, s.service, lambda v: s.change("service", v), select_id="seg-service"),
                rx.cond(s.service != NO_SERVICE_FILTER, _visit_terms(s)),  # off: no "não fizeram nos últimos 90 dias" that means nothing
                wrap="wrap",
                align="center",
            ),
            rx.checkbox(t("seg.vip"), checked=s.vip, on_change=lambda v: s.change("vip", v), id="seg-vip"),
            rx.cond(
                s.extra_filters.length() > 0,
                rx.grid(rx.foreach(s.extra_filters, _extra), columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _result() -> rx.Component:
    s = SegmentsState
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(s.reach.to_string(), size="8", id="seg-reach"), rx.text(t("seg.reach"), size="2"), align="end"),
            rx.text(t("seg.opt_out_hint"), size="1", color_scheme="gray"),
            rx.cond(
                s.sample.length() > 0,
                rx.vstack(rx.foreach(s.sample, lambda name: rx.text("• ", name, size="2")), spacing="0", id="seg-sample"),
                rx.text(t("seg.nobody"), size="2", color_scheme="gray"),
            ),
            rx.form(
                rx.hstack(
                    rx.input(name="segment-name", placeholder=t("seg.name_hint"), id="segment-name", max_length=80, width="100%"),
                    rx.button(t("seg.save"), type="submit", loading=s.saving, disabled=s.saving, id="segment-save"),
                    width="100%",
                ),
                on_submit=s.save,
                reset_on_submit=True,
                width="100%",
            ),
            form_error(s.form_error),
            rx.divider(),
            rx.heading(t("seg.saved_title"), size="3"),
            rx.cond(
                s.saved.length() > 0,
                rx.vstack(
                    rx.foreach(
                        s.saved,
                        lambda row: rx.hstack(
                            rx.text(row.name, weight="medium"),
                            rx.spacer(),
                            rx.badge(row.reach, variant="soft"),
                            width="100%",
                            class_name="segment-row",
                        ),
                    ),
                    width="100%",
                    spacing="2",
                ),
                empty_state(t("seg.none_saved"), "users", state_id="segments-empty"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@template("/segments", t("nav.segments"), "users-round", role="manager", order=35, on_load=SegmentsState.load)
def segments_page() -> rx.Component:
    """The segment builder."""
    return rx.vstack(
        page_header(t("seg.title")),
        rx.text(t("seg.intro"), size="2", color_scheme="gray"),
        rx.cond(
            SegmentsState.loaded,
            rx.grid(_builder(), _result(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
            rx.center(rx.spinner(), padding="3em", width="100%"),
        ),
        width="100%",
        spacing="3",
    )
