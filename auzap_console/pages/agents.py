"""Agents: per persona, on/off, name, tone, instructions, model, tools, hand-off rules, typing delay."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import advanced, empty_state, field, form_error, page_header
from auzap_console.i18n import t
from auzap_console.services import agents as agent_service
from auzap_console.services.context import ServiceError
from auzap_console.state import AuthState, ProtectedState, guarded
from auzap_console.template import template


@dataclass
class PersonaRow:
    """One persona's card: the plugin's persona and the shop's settings for it."""

    name: str
    title: str
    audience: str
    enabled: bool
    display_name: str
    tone: str
    instructions: str
    model: str
    handoff: str
    typing: str  # seconds, pt-BR ("1,5")
    hours_only: bool


@dataclass
class ToolRow:
    """A tool a persona may use, with the owner's words for it."""

    persona: str
    name: str
    label: str  # the owner's words (the tool's pt-BR label)
    description: str  # what the model reads; shown as a tooltip
    checked: bool


@dataclass
class ModelForm:
    """The shop's own model access (the key itself never leaves the server)."""

    base_url: str = ""
    model: str = ""
    has_key: bool = False


class AgentsState(ProtectedState):
    """Persona configurations of the tenant."""

    saving_persona: str = ""
    saving_model: bool = False
    loaded: bool = False
    engine: str = ""
    rows: list[PersonaRow] = []
    tool_rows: list[ToolRow] = []
    form_error: str = ""
    saved_persona: str = ""
    model_form: ModelForm = ModelForm()

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            view = agent_service.overview(session, actor=user.actor)
        self.engine = view.engine
        self.model_form = ModelForm(base_url=view.base_url, model=view.model, has_key=view.has_key)
        self.rows = [
            PersonaRow(
                name=p.persona.name,
                title=p.persona.title,
                audience=t(f"agt.audience.{p.persona.audience}"),
                enabled=p.config.enabled,
                display_name=p.config.display_name,
                tone=p.config.tone,
                instructions=p.config.instructions,
                model=p.config.model,
                handoff=", ".join(p.config.handoff_keywords),
                typing=f"{p.config.typing_delay_ms / 1000:.1f}".replace(".", ","),
                hours_only=bool(p.config.business_hours),
            )
            for p in view.personas
        ]
        self.tool_rows = [
            ToolRow(
                persona=p.persona.name,
                name=name,
                label=spec.display_label[:1].upper() + spec.display_label[1:],
                description=spec.description,
                checked=not p.config.tools or name in p.config.tools,  # no list chosen yet: every tool is on
            )
            for p in view.personas
            for name, spec in p.tools.items()
        ]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load (owner and manager)."""
        await self._refresh()

    @rx.event
    @guarded(busy="saving_model")
    async def save_model(self, form: dict):
        """Store the shop's own model access (owner): key kept when left blank, removed when asked."""
        user = await self._user("owner")
        key = form.get("api_key", "")
        api_key = "" if form.get("remove_key") else (key if key.strip() else None)
        with self._session(user) as session:
            agent_service.save_model_settings(
                session, actor=user.actor, api_key=api_key, base_url=form.get("base_url", ""), model=form.get("model", "")
            )
        await self._refresh()
        return rx.toast.success(t("agt.model_saved"), id="toast-saved")

    @rx.event
    @guarded(busy="saving_persona", busy_key="persona")
    async def save(self, form: dict):
        """Store one persona's form; that persona's Save button is busy meanwhile."""
        user = await self._user("manager")
        persona = form.get("persona", "")
        try:  # the form speaks seconds ("1,5"); the config keeps milliseconds
            typing = round(float((form.get("typing") or "0").replace(",", ".")) * 1000)
        except ValueError as exc:
            raise ServiceError(t("err.typing_delay"), field="typing") from exc
        chosen = [k.removeprefix("tool__") for k, v in form.items() if k.startswith("tool__") and v]
        if not chosen and any(r.persona == persona for r in self.tool_rows):
            raise ServiceError(t("err.tools_none"))  # none ticked would read as "all": say so instead
        with self._session(user) as session:
            agent_service.save_config(
                session,
                actor=user.actor,
                persona=persona,
                enabled=bool(form.get("enabled")),
                display_name=form.get("display_name", ""),
                tone=form.get("tone", ""),
                instructions=form.get("instructions", ""),
                model=form.get("model", ""),
                tools=chosen,
                handoff_keywords=form.get("handoff", "").split(","),
                typing_delay_ms=typing,
                hours_only=bool(form.get("hours_only")),
            )
        self.form_error, self.saved_persona = "", persona
        await self._refresh()
        return rx.toast.success(t("agt.saved"), id="toast-saved")


def _tool_checkbox(tool: rx.Var, persona: rx.Var) -> rx.Component:
    return rx.cond(
        tool.persona == persona,
        rx.hstack(
            rx.checkbox(
                tool.label,
                name="tool__" + tool.name.to(str),
                default_checked=tool.checked,
                size="2",
                title=tool.description,
            ),
            align="center",
            wrap="wrap",
        ),
    )


def _persona_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.icon("bot", color="#0f766e"),
                    rx.heading(row.title, size="4"),
                    rx.badge(row.audience, variant="soft"),
                    rx.spacer(),
                    rx.checkbox(t("agt.enabled"), name="enabled", default_checked=row.enabled, id="agent-enabled-" + row.name.to(str)),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.el.input(type="hidden", name="persona", value=row.name),
                rx.grid(
                    field(
                        t("agt.display_name"),
                        rx.input(
                            name="display_name",
                            default_value=row.display_name,
                            placeholder="Luna",
                            id="agent-name-" + row.name.to(str),
                            width="100%",
                        ),
                    ),
                    field(
                        t("agt.tone"),
                        rx.input(name="tone", default_value=row.tone, placeholder="simpática, usa emojis com moderação", width="100%"),
                    ),
                    field(
                        t("agt.typing"),
                        rx.input(name="typing", default_value=row.typing, width="100%", input_mode="decimal", max_length=5),
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                field(
                    t("agt.instructions"),
                    rx.text_area(
                        name="instructions",
                        default_value=row.instructions,
                        rows="3",
                        width="100%",
                        placeholder="Ex.: ofereça hidratação para cães de pelo longo.",
                    ),
                ),
                field(
                    t("agt.handoff"),
                    rx.input(name="handoff", default_value=row.handoff, placeholder="reclamação, procon, gerente", width="100%"),
                ),
                rx.checkbox(
                    t("agt.hours_only"),
                    name="hours_only",
                    default_checked=row.hours_only,
                    id="agent-hours-" + row.name.to(str),
                ),
                rx.text(t("agt.tools"), size="2", weight="medium"),
                rx.vstack(rx.foreach(AgentsState.tool_rows, lambda tool: _tool_checkbox(tool, row.name)), spacing="1"),
                advanced(field(t("agt.model"), rx.input(name="model", default_value=row.model, placeholder="gpt-4o-mini", width="100%"))),
                form_error(rx.cond(AgentsState.saved_persona == row.name, AgentsState.form_error, "")),
                rx.cond(
                    AuthState.is_manager,
                    rx.button(
                        t("common.save"),
                        type="submit",
                        id="agent-save-" + row.name.to(str),
                        loading=AgentsState.saving_persona == row.name,
                        disabled=AgentsState.saving_persona == row.name,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=AgentsState.save,
            reset_on_submit=False,
        ),
        width="100%",
        class_name="agent-card",
    )


def _model_card() -> rx.Component:
    f = AgentsState.model_form
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(t("agt.model_title"), size="3"),
                rx.text(t("agt.model_hint"), size="1", color_scheme="gray"),
                rx.grid(
                    field(
                        t("agt.api_key"),
                        rx.input(
                            name="api_key",
                            type="password",
                            id="model-key",
                            width="100%",
                            placeholder=rx.cond(f.has_key, t("agt.key_kept"), "sk-…"),
                        ),
                    ),
                    field(
                        t("agt.base_url"),
                        rx.input(
                            name="base_url",
                            default_value=f.base_url,
                            id="model-url",
                            width="100%",
                            placeholder="https://api.openai.com/v1",
                        ),
                    ),
                    field(t("agt.default_model"), rx.input(name="model", default_value=f.model, width="100%", placeholder="gpt-4o-mini")),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.hstack(
                    rx.cond(f.has_key, rx.checkbox(t("agt.remove_key"), name="remove_key")),
                    rx.spacer(),
                    rx.button(
                        t("common.save"),
                        type="submit",
                        id="model-save",
                        loading=AgentsState.saving_model,
                        disabled=AgentsState.saving_model,
                    ),
                    width="100%",
                    align="center",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=AgentsState.save_model,
            reset_on_submit=False,
        ),
        width="100%",
    )


@template("/agents", t("nav.agents"), "bot", role="manager", order=40, on_load=AgentsState.load)
def agents_page() -> rx.Component:
    """The agents page."""
    return rx.vstack(
        page_header(
            t("agt.title"), rx.link(rx.button(rx.icon("message-square", size=16), t("nav.playground"), variant="soft"), href="/playground")
        ),
        rx.cond(AgentsState.engine != "", rx.callout(AgentsState.engine, icon="cpu", size="1", width="100%", id="agent-engine")),
        rx.cond(AuthState.is_owner, _model_card()),
        rx.cond(
            ~AgentsState.loaded,
            rx.center(rx.spinner(), padding="3em", width="100%"),
            rx.cond(
                AgentsState.rows.length() > 0,
                rx.vstack(rx.foreach(AgentsState.rows, _persona_card), spacing="4", width="100%"),
                empty_state(t("agt.empty"), "bot", state_id="agents-empty"),
            ),
        ),
        width="100%",
    )
