"""Channels: connect a WhatsApp number (WAHA, simulator…), see its status and webhook URL, test a send."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import advanced, empty_state, field, form_dialog, page_header
from auzap_console.i18n import t
from auzap_console.phones import format_phone
from auzap_console.plugin import manager
from auzap_console.services import channels as channel_service
from auzap_console.state import AuthState, FormDialogMixin, Option, ProtectedState, guarded
from auzap_console.template import template

WATCH_SECONDS, WATCH_EVERY = 180, 3


def _provider_status(user, channel_id: int) -> str:
    """The channel's status as the provider reports it now ("" when it cannot say)."""
    try:
        return channel_service.session_action(actor=user.actor, channel_id=channel_id, action="status").status
    except Exception:  # a provider hiccup: try again on the next round
        return ""


STATUS_COLORS = {"connected": "green", "connecting": "amber", "disconnected": "gray", "failed": "red"}


@dataclass
class ChannelRow:
    """A channel card: its state, its webhook, and what its provider lets the owner do."""

    id: int
    name: str
    provider: str
    status: str
    status_label: str
    color: str
    url: str
    secret: str  # masked for managers
    session: str
    qr: str
    pairing: str
    can_connect: bool
    can_manage: bool
    templated: bool  # the provider sends approved templates (Cloud API)
    reminder_template: str


@dataclass
class ProviderFieldRow:
    """One input of the provider's own form (`ProviderField`, as the page renders it)."""

    key: str  # remounts the input when the provider or the edited channel changes
    name: str
    label: str
    type: str
    help: str
    placeholder: str
    value: str
    id: str


class ChannelsState(FormDialogMixin, ProtectedState):
    """The channel list and forms."""

    loaded: bool = False
    rows: list[ChannelRow] = []
    providers: list[Option] = []
    test_channel: str = ""
    provider: str = "waha"
    provider_help: str = ""
    fields: list[ProviderFieldRow] = []
    editing_id: int = 0
    saving: bool = False
    form_name: str = ""
    watching_channel: str = ""

    def _show_fields(self, provider: str, values: dict[str, str] | None = None) -> None:
        """The form fields the provider declares, with their current values."""
        spec = manager.channel_providers().get(provider)
        self.provider, self.provider_help = provider, spec.help if spec else ""
        self.fields = [
            ProviderFieldRow(
                key=f"{provider}-{f.name}-{self.editing_id}",
                name=f.name,
                label=f.label + ("" if f.required else " (opcional)"),
                type="password" if f.kind == "secret" else ("url" if f.kind == "url" else "text"),
                help=t("ch.secret_keep") if f.kind == "secret" and self.editing_id else f.help,
                placeholder=f.placeholder,
                value=(values or {}).get(f.name, ""),
                id=f"channel-{f.name.replace('_', '-')}",
            )
            for f in (spec.fields if spec else ())
        ]

    async def _refresh(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            items = channel_service.list_channels(session, actor=user.actor)
            providers = manager.channel_providers()
            titles = {name: spec.title for name, spec in providers.items()}
            self.rows = [
                ChannelRow(
                    id=c.id,
                    name=c.name,
                    provider=titles.get(c.provider, c.provider),
                    status=c.status,
                    status_label=t(f"ch.status.{c.status}"),
                    color=STATUS_COLORS.get(c.status, "gray"),
                    url=channel_service.webhook_url(c),
                    secret=c.webhook_secret if user.role == "owner" else "••••••",
                    session=c.external_id,
                    qr=c.qr_code,
                    pairing=c.pairing_code,
                    can_connect=hasattr(providers[c.provider].factory, "connect"),
                    can_manage=hasattr(providers[c.provider].factory, "session_status"),
                    templated=hasattr(providers[c.provider].factory, "send_template"),
                    reminder_template=((c.templates or {}).get("reminder") or {}).get("name", ""),
                )
                for c in items
            ]
        self.providers = [Option(name, spec.title) for name, spec in manager.channel_providers().items()]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load (owner and manager)."""
        await self._refresh()

    @rx.event
    @guarded
    async def open_new(self):
        """The connect form (owner), for the default provider."""
        await self._user("owner")
        self.editing_id, self.form_error, self.form_name = 0, "", ""
        self._show_fields("waha")
        self.dialog = True

    @rx.event
    def choose_provider(self, provider: str):
        """Show the chosen provider's own fields."""
        if not self.editing_id:
            self._show_fields(provider)

    @rx.event
    @guarded
    async def open_edit(self, channel_id: str):
        """The form filled with a channel's settings (secrets left blank: kept unless retyped)."""
        user = await self._user("owner")
        with self._session(user) as session:
            channel = channel_service.get_channel(session, actor=user.actor, channel_id=int(channel_id))
            values, provider, name = channel_service.form_values(channel), channel.provider, channel.name
        self.editing_id, self.form_error = int(channel_id), ""
        self._show_fields(provider, {**values, "name": name})
        self.form_name = name
        self.dialog = True

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Validate, check the settings with the provider (no transaction held), then save."""
        user = await self._user("owner")
        values = {f.name: form.get(f.name, "") for f in self.fields}
        with self._session(user) as session:
            draft = channel_service.prepare_channel(
                session,
                actor=user.actor,
                provider=self.provider,
                name=form.get("name", ""),
                values=values,
                channel_id=self.editing_id or None,
            )
        await asyncio.to_thread(channel_service.check_draft, draft)
        with self._session(user) as session:
            channel_service.save_channel(session, actor=user.actor, draft=draft)
        created = not self.editing_id
        self.dialog, self.form_error, self.editing_id = False, "", 0
        await self._refresh()
        return rx.toast.success(t("ch.created" if created else "ch.saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete(self, channel_id: str):
        """Remove a channel (owner)."""
        user = await self._user("owner")
        with self._session(user) as session:
            channel_service.delete_channel(session, actor=user.actor, channel_id=int(channel_id))
        await self._refresh()
        return rx.toast.success(t("ch.deleted"), id="toast-saved")

    @rx.event
    @guarded
    async def connect(self, form: dict):
        """Start the provider session: a QR code, or a pairing code when a phone is given."""
        user = await self._user("owner")
        channel = channel_service.connect(
            actor=user.actor, channel_id=int(form.get("channel_id") or 0), pairing_phone=form.get("pairing_phone", "")
        )
        status = t(f"ch.status.{channel.status}")
        waiting = channel.status == "connecting"
        await self._refresh()
        toast = rx.toast.info(t("ch.connected", status=status), id="toast-connect")
        if waiting:  # keep the QR fresh and notice the scan without a click
            self.watching_channel = str(form.get("channel_id") or "")
            return [toast, ChannelsState.watch_connection]
        return toast

    @rx.event(background=True)
    async def watch_connection(self):
        """Ask the provider every few seconds until the number is connected (or WATCH_SECONDS pass)."""
        for _ in range(WATCH_SECONDS // WATCH_EVERY):
            await asyncio.sleep(WATCH_EVERY)
            async with self:
                channel_id = self.watching_channel
                if not channel_id:
                    return
                try:
                    user = await self._user("manager")
                except Exception:
                    self.watching_channel = ""
                    return
            status = await asyncio.to_thread(_provider_status, user, int(channel_id))
            async with self:
                await self._refresh()
                if status == "connected":
                    self.watching_channel = ""
                    return rx.toast.success(t("ch.now_connected"), id="toast-connect")
        async with self:
            self.watching_channel = ""

    @rx.event
    @guarded
    async def session_action(self, channel_id: str, action: str):
        """Refresh the session status, or stop the session."""
        user = await self._user("owner" if action == "disconnect" else "manager")
        channel = channel_service.session_action(actor=user.actor, channel_id=int(channel_id), action=action)
        status = t(f"ch.status.{channel.status}")
        await self._refresh()
        return rx.toast.info(t("ch.connected", status=status), id="toast-connect")

    @rx.event
    @guarded
    async def save_template(self, form: dict):
        """The approved template reminders use outside the 24-hour window (owner); blank removes it."""
        user = await self._user("owner")
        with self._session(user) as session:
            channel_service.set_template(
                session,
                actor=user.actor,
                channel_id=int(form.get("channel_id") or 0),
                use="reminder",
                name=form.get("template-name", ""),
            )
        await self._refresh()
        return rx.toast.success(t("ch.template_saved"), id="toast-saved")

    @rx.event
    @guarded
    async def send_test(self, form: dict):
        """Send a test message through one channel."""
        user = await self._user("manager")
        phone = form.get("phone", "")
        channel_service.test_send(actor=user.actor, channel_id=int(form.get("channel_id") or 0), phone=phone, text_=form.get("text", ""))
        self.form_error = ""
        await self._refresh()
        return rx.toast.success(t("ch.test_ok", phone=format_phone(phone)), id="toast-test")


def _provider_field(f: rx.Var) -> rx.Component:
    """One field the provider declared: label, input, help."""
    return rx.vstack(
        rx.text(f.label, size="2", weight="medium"),
        rx.input(
            name=f.name,
            type=f.type,
            placeholder=f.placeholder,
            default_value=f.value,
            id=f.id,
            key=f.key,
            width="100%",
            auto_complete="off",
        ),
        rx.cond(f.help != "", rx.text(f.help, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("smartphone", color="#0f766e"),
                rx.heading(row.name, size="4"),
                rx.badge(row.provider, variant="soft"),
                rx.badge(row.status_label, color_scheme=row.color),
                rx.spacer(),
                rx.cond(
                    AuthState.is_owner,
                    rx.hstack(
                        rx.icon_button(
                            rx.icon("pencil", size=14),
                            variant="soft",
                            size="1",
                            on_click=ChannelsState.open_edit(row.id),
                            class_name="channel-edit",
                            aria_label=t("ch.edit"),
                        ),
                        rx.alert_dialog.root(
                            rx.alert_dialog.trigger(
                                rx.icon_button(
                                    rx.icon("trash-2", size=14),
                                    variant="soft",
                                    color_scheme="red",
                                    size="1",
                                    class_name="channel-delete",
                                    aria_label=t("ch.delete"),
                                )
                            ),
                            rx.alert_dialog.content(
                                rx.alert_dialog.title(t("ch.delete")),
                                rx.alert_dialog.description(t("ch.delete_confirm")),
                                rx.hstack(
                                    rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                                    rx.alert_dialog.action(
                                        rx.button(
                                            t("common.delete"),
                                            color_scheme="red",
                                            on_click=ChannelsState.delete(row.id),
                                            class_name="channel-delete-confirm",
                                        )
                                    ),
                                    justify="end",
                                    width="100%",
                                ),
                            ),
                        ),
                        spacing="2",
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            advanced(
                field(t("ch.webhook"), rx.code(row.url, size="2", class_name="webhook-url", word_break="break-all")),
                rx.cond(AuthState.is_owner, field(t("ch.secret"), rx.code(row.secret, size="1", word_break="break-all"))),
                rx.cond(
                    AuthState.is_owner & row.templated,
                    rx.form(
                        field(
                            t("ch.reminder_template"),
                            rx.hstack(
                                rx.el.input(type="hidden", name="channel_id", value=row.id),
                                rx.input(
                                    name="template-name",
                                    default_value=row.reminder_template,
                                    placeholder="lembrete_agendamento",
                                    width="240px",
                                    class_name="channel-template",
                                ),
                                rx.button(t("common.save"), type="submit", variant="soft", size="2", class_name="channel-template-save"),
                                wrap="wrap",
                            ),
                            t("ch.reminder_template_hint"),
                        ),
                        on_submit=ChannelsState.save_template,
                        reset_on_submit=False,
                        width="100%",
                    ),
                ),
            ),
            rx.cond(
                AuthState.is_owner & row.can_connect,
                rx.form(
                    rx.hstack(
                        rx.el.input(type="hidden", name="channel_id", value=row.id),
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
                row.can_manage,
                rx.hstack(
                    rx.button(
                        rx.icon("refresh-cw", size=14),
                        t("ch.refresh"),
                        variant="soft",
                        size="1",
                        class_name="channel-refresh",
                        on_click=ChannelsState.session_action(row.id, "status"),
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
                            on_click=ChannelsState.session_action(row.id, "disconnect"),
                        ),
                    ),
                ),
            ),
            rx.cond(
                row.qr != "",
                rx.vstack(rx.text(t("ch.qr_hint"), size="2"), rx.image(src=row.qr, width="220px", height="220px", class_name="channel-qr")),
            ),
            rx.cond(
                row.pairing != "",
                rx.hstack(
                    rx.text(t("ch.pairing_hint"), size="2"), rx.code(row.pairing, size="4", class_name="channel-pairing"), wrap="wrap"
                ),
            ),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="channel_id", value=row.id),
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
                empty_state(rx.cond(AuthState.is_owner, t("ch.empty"), t("ch.empty_manager")), "smartphone", state_id="channels-empty"),
            ),
        ),
        form_dialog(
            rx.cond(ChannelsState.editing_id == 0, t("ch.new"), t("ch.edit")),
            field(
                t("ch.name"),
                rx.input(
                    name="name",
                    placeholder="WhatsApp da loja",
                    id="channel-name",
                    width="100%",
                    max_length=80,
                    default_value=ChannelsState.form_name,
                    key=ChannelsState.editing_id,
                ),
            ),
            rx.cond(
                ChannelsState.editing_id == 0,
                field(
                    t("ch.provider"),
                    rx.select.root(
                        rx.select.trigger(id="channel-provider", width="100%"),
                        rx.select.content(rx.foreach(ChannelsState.providers, lambda p: rx.select.item(p.label, value=p.value))),
                        value=ChannelsState.provider,
                        on_change=ChannelsState.choose_provider,
                    ),
                ),
            ),
            rx.cond(ChannelsState.provider_help != "", rx.text(ChannelsState.provider_help, size="2", color_scheme="gray")),
            rx.foreach(ChannelsState.fields, _provider_field),
            open=ChannelsState.dialog,
            on_submit=ChannelsState.save,
            on_close=ChannelsState.close,
            error=ChannelsState.form_error,
            saving=ChannelsState.saving,
            submit_id="channel-save",
        ),
        width="100%",
    )
