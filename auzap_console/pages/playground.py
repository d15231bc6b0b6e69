"""Playground: chat with your own agent as a simulated customer, seeing the tools it used.

It goes through the same pipeline as WhatsApp (store the inbound message, pick the persona,
run the agent turn), with a per-user test phone so it never mixes with real customers.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import empty_state, page_header
from auzap_console.i18n import t
from auzap_console.services import agents as agent_service
from auzap_console.services.playground import reset_chat, run_playground_turn
from auzap_console.state import LoginRequired, ProtectedState, guarded
from auzap_console.template import template

log = logging.getLogger("auzap.ui")
SCROLL_TO_END = rx.call_script(  # the newest line in view (after React has drawn it)
    "setTimeout(() => { const c = document.getElementById('pg-chat'); if (c) c.scrollTop = c.scrollHeight; }, 60)"
)
SKIP_REASONS = {
    "ai paused": "IA pausada: um atendente assumiu",
    "budget": "IA pausada: o limite mensal de gasto foi atingido",
    "persona disabled": "persona desativada",
    "timeout": "sem resposta a tempo; os workers estão rodando?",
}


@dataclass
class PersonaChoice:
    """A persona the tester may talk to."""

    value: str
    label: str


@dataclass
class ChatLine:
    """A bubble: the tester ('customer'), the agent ('ai') or a notice ('system')."""

    who: str
    text: str
    tools: str = ""


class PlaygroundState(ProtectedState):
    """The simulated chat."""

    personas: list[PersonaChoice] = []
    persona: str = ""
    messages: list[ChatLine] = []
    sending: bool = False
    form_error: str = ""

    @rx.event
    @guarded
    async def load(self):
        """on_load: the personas this shop has."""
        user = await self._user("staff")
        with self._session(user) as session:
            self.personas = [PersonaChoice(p.name, p.title) for p in agent_service.personas_of(session, actor=user.actor)]
        if self.personas and self.persona not in {p.value for p in self.personas}:
            self.persona = self.personas[0].value

    @rx.event
    def set_persona(self, value: str):
        """Choose who answers."""
        self.persona = value

    @rx.event
    @guarded
    async def reset_chat(self):
        """Close the test conversation: the next message starts a new one."""
        user = await self._user("staff")
        with self._session(user) as session:
            reset_chat(session, actor=user.actor, user_id=user.user_id)
        self.messages = []

    @rx.event(background=True)
    async def send(self, form: dict):
        """Send the customer's text and show the agent's answer when it arrives."""
        text = (form.get("text") or "").strip()
        async with self:
            if not text:
                self.form_error = t("err.message_empty")
                return
            try:
                user = await self._user("staff")
            except LoginRequired:
                yield rx.redirect("/login")
                return
            self.form_error, self.sending = "", True
            self.messages.append(ChatLine("customer", text))
            persona = self.persona
        yield SCROLL_TO_END
        try:
            result = await asyncio.to_thread(run_playground_turn, user.tenant_id, user.user_id, persona, text)
            reply = result.text or t("pg.skipped", reason=SKIP_REASONS.get(result.skipped, result.skipped))
            entries = [ChatLine("ai" if result.text else "system", reply, result.tools)]
            if result.model_failed:
                entries.append(ChatLine("system", t("pg.model_failed", why=result.model_failed)))
        except Exception:
            log.exception("playground turn failed")
            entries = [ChatLine("system", t("err.unexpected"))]
        async with self:
            self.messages.extend(entries)
            self.sending = False
        yield SCROLL_TO_END


def _bubble(message: rx.Var) -> rx.Component:
    mine = message.who == "customer"
    return rx.hstack(
        rx.box(
            rx.text(message.text, white_space="pre-wrap", size="2"),
            rx.cond(
                message.tools != "",
                rx.box(
                    rx.text(t("pg.tools"), size="1", weight="bold"),
                    rx.text(message.tools, size="1", white_space="pre-wrap", font_family="monospace"),
                    margin_top="0.5em",
                    padding="0.5em",
                    background="var(--gray-3)",
                    border_radius="6px",
                    class_name="tool-calls",
                ),
            ),
            background=rx.cond(mine, "#dcf8c6", rx.cond(message.who == "system", "var(--amber-3)", "white")),
            padding="0.6em 0.8em",
            border_radius="10px",
            max_width="80%",
            box_shadow="0 1px 1px rgba(0,0,0,0.08)",
            class_name=rx.cond(mine, "bubble-customer", "bubble-agent"),
        ),
        justify=rx.cond(mine, "end", "start"),
        width="100%",
    )


@template("/playground", t("nav.playground"), "message-square", order=45, on_load=PlaygroundState.load)
def playground_page() -> rx.Component:
    """The playground page."""
    return rx.vstack(
        page_header(
            t("pg.title"),
            rx.select.root(
                rx.select.trigger(id="pg-persona"),
                rx.select.content(rx.foreach(PlaygroundState.personas, lambda p: rx.select.item(p.label, value=p.value))),
                value=PlaygroundState.persona,
                on_change=PlaygroundState.set_persona,
            ),
            rx.button(rx.icon("rotate-ccw", size=16), t("pg.reset"), variant="soft", on_click=PlaygroundState.reset_chat, id="pg-reset"),
        ),
        rx.text(t("pg.hint"), size="2", color_scheme="gray"),
        rx.card(
            rx.vstack(
                rx.cond(
                    PlaygroundState.messages.length() > 0,
                    rx.vstack(rx.foreach(PlaygroundState.messages, _bubble), spacing="2", width="100%", id="pg-messages"),
                    empty_state(t("pg.empty"), "message-circle", state_id="pg-empty"),
                ),
                rx.cond(
                    PlaygroundState.sending,
                    rx.hstack(rx.spinner(size="1"), rx.text(t("pg.thinking"), size="1", color_scheme="gray"), id="pg-typing"),
                ),
                spacing="3",
                width="100%",
                min_height="320px",
                max_height="60vh",
                overflow_y="auto",
                id="pg-chat",
            ),
            width="100%",
            background="#efeae2",
        ),
        rx.form(
            rx.hstack(
                rx.input(name="text", placeholder=t("pg.placeholder"), id="pg-input", width="100%", size="3", auto_complete="off"),
                rx.button(rx.icon("send", size=16), t("pg.send"), type="submit", id="pg-send", size="3", loading=PlaygroundState.sending),
                width="100%",
            ),
            on_submit=PlaygroundState.send,
            reset_on_submit=True,
            width="100%",
        ),
        rx.cond(PlaygroundState.form_error != "", rx.text(PlaygroundState.form_error, color_scheme="red", size="2", id="form-error")),
        width="100%",
    )
