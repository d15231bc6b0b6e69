"""Channels: connect a WhatsApp number (WAHA, simulator…), see its status and webhook URL, test a send."""

from __future__ import annotations

import reflex as rx

from auzap_console.components.common import empty_state, field, form_error, page_header
from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.plugin import manager
from auzap_console.services import channels as channel_service
from auzap_console.state import AuthState, FormDialogMixin, ProtectedState, guarded
from auzap_console.template import template

STATUS_COLORS = {"connected": "green", "connecting": "amber", "disconnected": "gray", "failed": "red"}


class ChannelsState(FormDialogMixin, ProtectedState):
    """The channel list and forms."""

    loaded: bool = False
    rows: list[dict[str, str]] = []
    providers: list[dict[str, str]] = []
    test_channel: str = ""

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with tenant_session(user.tenant_id) as session:
            items = channel_service.list_channels(session, actor=user.actor)
            providers = manager.channel_providers()
            titles = {name: spec.title for name, spec in providers.items()}
            self.rows = [
                {
                    "id": str(c.id),
                    "name": c.name,
                    "provider": titles.get(c.provider, c.provider),
                    "status": c.status,
                    "status_label": t(f"ch.status.{c.status}"),
                    "color": STATUS_COLORS.get(c.status, "gray"),
                    "url": channel_service.webhook_url(c),
                    "secret": c.webhook_secret if user.role == "owner" else "••••••",
                    "session": c.external_id,
                    "qr": c.qr_code,
                    "pairing": c.pairing_code,
                    "can_connect": "1" if hasattr(providers[c.provider].factory, "connect") else "",
                    "can_manage": "1" if hasattr(providers[c.provider].factory, "session_status") else "",
                }
                for c in items
            ]
        self.providers = [{"value": name, "label": spec.title} for name, spec in manager.channel_providers().items()]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load (owner and manager)."""
        await self._refresh()

    @rx.event
    @guarded
    async def open_new(self):
        """The connect form (owner)."""
        await self._user("owner")
        self.dialog, self.form_error = True, ""

    @rx.event
    @guarded
    async def create(self, form: dict):
        """Create the channel."""
        user = await self._user("owner")
        with tenant_session(user.tenant_id) as session:
            channel_service.create_channel(
                session,
                actor=user.actor,
                name=form.get("name", ""),
                provider=form.get("provider") or "waha",
                base_url=form.get("base_url", ""),
                external_id=form.get("session", ""),
                credentials={"api_key": form.get("api_key", "")} if form.get("api_key") else {},
            )
        self.dialog, self.form_error = False, ""
        await self._refresh()
        return rx.toast.success(t("ch.created"), id="toast-saved")

    @rx.event
    @guarded
    async def connect(self, form: dict):
        """Start the provider session: a QR code, or a pairing code when a phone is given."""
        user = await self._user("owner")
        with tenant_session(user.tenant_id) as session:
            channel = channel_service.connect(
                session, actor=user.actor, channel_id=int(form.get("channel_id") or 0), pairing_phone=form.get("pairing_phone", "")
            )
            status = t(f"ch.status.{channel.status}")
        await self._refresh()
        return rx.toast.info(t("ch.connected", status=status), id="toast-connect")

    @rx.event
    @guarded
    async def session_action(self, channel_id: str, action: str):
        """Refresh the session status, or stop the session."""
        user = await self._user("owner" if action == "disconnect" else "manager")
        with tenant_session(user.tenant_id) as session:
            channel = channel_service.session_action(session, actor=user.actor, channel_id=int(channel_id), action=action)
            status = t(f"ch.status.{channel.status}")
        await self._refresh()
        return rx.toast.info(t("ch.connected", status=status), id="toast-connect")

    @rx.event
    @guarded
    async def send_test(self, form: dict):
        """Send a test message through one channel."""
        user = await self._user("manager")
        with tenant_session(user.tenant_id) as session:
            provider_id = channel_service.test_send(
                session,
                actor=user.actor,
                channel_id=int(form.get("channel_id") or 0),
                phone=form.get("phone", ""),
                text_=form.get("text", ""),
            )
        self.form_error = ""
        await self._refresh()
        return rx.toast.success(t("ch.test_ok", id=provider_id or "—"), id="toast-test")


def _card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("smartphone", color="#0f766e"),
                rx.heading(row["name"], size="4"),
                rx.badge(row["provider"], variant="soft"),
                rx.badge(row["status_label"], color_scheme=row["color"]),
                rx.spacer(),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            field(t("ch.webhook"), rx.code(row["url"], size="2", class_name="webhook-url", word_break="break-all")),
            rx.cond(AuthState.is_owner, field(t("ch.secret"), rx.code(row["secret"], size="1", word_break="break-all"))),
            rx.cond(
                AuthState.is_owner & (row["can_connect"] != ""),
                rx.form(
                    rx.hstack(
                        rx.el.input(type="hidden", name="channel_id", value=row["id"]),
                        rx.input(name="pairing_phone", placeholder=t("ch.pairing_phone"), width="260px"),
                        rx.button(
                            rx.icon("qr-code", size=14), t("ch.connect"), type="submit", variant="soft", class_name="channel-connect"
                        ),
                        width="100%",
                        wrap="wrap",
                    ),
                    on_submit=ChannelsState.connect,
                    reset_on_submit=False,
                    width="100%",
                ),
            ),
            rx.cond(
                row["can_manage"] != "",
                rx.hstack(
                    rx.button(
                        rx.icon("refresh-cw", size=14),
                        t("ch.refresh"),
                        variant="soft",
                        size="1",
                        class_name="channel-refresh",
                        on_click=ChannelsState.session_action(row["id"], "status"),
                    ),
                    rx.cond(
                        AuthState.is_owner,
                        rx.button(
                            rx.icon("power", size=14),
                            t("ch.disconnect"),
                            variant="soft",
                            size="1",
                            color_scheme="red",
                            class_name="channel-disconnect",
                            on_click=ChannelsState.session_action(row["id"], "disconnect"),
                        ),
                    ),
                ),
            ),
            rx.cond(
                row["qr"] != "",
                rx.vstack(
                    rx.text(t("ch.qr_hint"), size="2"), rx.image(src=row["qr"], width="220px", height="220px", class_name="channel-qr")
                ),
            ),
            rx.cond(
                row["pairing"] != "",
                rx.hstack(
                    rx.text(t("ch.pairing_hint"), size="2"), rx.code(row["pairing"], size="4", class_name="channel-pairing"), wrap="wrap"
                ),
            ),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="channel_id", value=row["id"]),
                    rx.input(name="phone", placeholder=t("ch.test_phone"), width="180px"),
                    rx.input(name="text", placeholder=t("ch.test_text"), default_value="Teste do AuZap ✅", width="100%"),
                    rx.button(rx.icon("send", size=14), t("ch.test"), type="submit", variant="soft", class_name="channel-test"),
                    width="100%",
                    wrap="wrap",
                ),
                on_submit=ChannelsState.send_test,
                reset_on_submit=False,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="channel-card",
    )


@template("/channels", t("nav.channels"), "smartphone", role="manager", order=65, on_load=ChannelsState.load)
def channels_page() -> rx.Component:
    """The channels page."""
    return rx.vstack(
        page_header(
            t("ch.title"),
            rx.cond(
                AuthState.is_owner, rx.button(rx.icon("plus", size=16), t("ch.new"), on_click=ChannelsState.open_new, id="channel-new")
            ),
        ),
        rx.cond(
            ~ChannelsState.loaded,
            rx.center(rx.spinner(), padding="3em", width="100%"),
            rx.cond(
                ChannelsState.rows.length() > 0,
                rx.vstack(rx.foreach(ChannelsState.rows, _card), spacing="3", width="100%", id="channel-list"),
                empty_state(t("ch.empty"), "smartphone", state_id="channels-empty"),
            ),
        ),
        rx.dialog.root(
            rx.dialog.content(
                rx.dialog.title(t("ch.new")),
                rx.form(
                    rx.vstack(
                        field(t("ch.name"), rx.input(name="name", placeholder="WhatsApp da loja", id="channel-name", width="100%")),
                        field(
                            t("ch.provider"),
                            rx.select.root(
                                rx.select.trigger(id="channel-provider", width="100%"),
                                rx.select.content(
                                    rx.foreach(ChannelsState.providers, lambda p: rx.select.item(p["label"], value=p["value"]))
                                ),
                                name="provider",
                                default_value="waha",
                            ),
                        ),
                        field(
                            t("ch.base_url"),
                            rx.input(name="base_url", placeholder="https://waha.minhaloja.com.br", id="channel-url", width="100%"),
                        ),
                        field(t("ch.api_key"), rx.input(name="api_key", type="password", id="channel-key", width="100%")),
                        field(t("ch.session"), rx.input(name="session", placeholder="default", width="100%")),
                        form_error(ChannelsState.form_error),
                        rx.hstack(
                            rx.button(t("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=ChannelsState.close),
                            rx.button(t("common.save"), type="submit", id="channel-save"),
                            justify="end",
                            width="100%",
                        ),
                        spacing="3",
                    ),
                    on_submit=ChannelsState.create,
                    reset_on_submit=False,
                ),
                max_width="520px",
            ),
            open=ChannelsState.dialog,
            on_open_change=ChannelsState.close,
        ),
        width="100%",
    )
