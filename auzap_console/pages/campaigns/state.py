"""The campaigns page's state: the list, the draft editor with its preview, and a sending campaign's progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from auzap_console.i18n import count, local_datetime, money, t
from auzap_console.phones import format_phone
from auzap_console.services import campaign_text, campaigns, channels, segments
from auzap_console.services.context import ServiceError
from auzap_console.services.tenants import get_tenant
from auzap_console.state import Option, ProtectedState, guarded, poll

POLL_SECONDS = 3
PER_PAGE = 25
STATUS_COLORS = {"draft": "gray", "scheduled": "blue", "running": "green", "paused": "amber", "finished": "teal", "cancelled": "red"}
RECIPIENT_COLORS = {
    "pending": "gray",
    "sent": "blue",
    "delivered": "cyan",
    "read": "teal",
    "replied": "violet",
    "booked": "green",
    "failed": "red",
    "skipped": "amber",
}


@dataclass
class CampaignLine:
    """A campaign in the list."""

    id: int
    name: str
    status: str
    status_label: str
    color: str
    reach: str
    percent: int
    when: str


@dataclass
class PreviewLine:
    """The message as one real recipient will get it."""

    name: str
    text: str


@dataclass
class FunnelStep:
    """One figure of the progress panel."""

    key: str
    label: str
    value: str


@dataclass
class RecipientLine:
    """One recipient in the detail's list."""

    name: str
    phone: str
    status: str
    status_label: str
    color: str
    detail: str


class CampaignsState(ProtectedState):
    """Everything the page shows; every handler re-reads through the campaign service."""

    loaded: bool = False
    lines: list[CampaignLine] = []
    selected_id: int = 0
    mode: str = ""  # "", "edit" (a draft or a new one) or "view" (started)
    # the editor
    name: str = ""
    segment_id: str = ""
    channel_id: str = ""
    template: str = ""
    rate: str = str(campaigns.DEFAULT_RATE)
    when: str = ""  # datetime-local in the shop's zone; empty = now
    cloud_name: str = ""
    cloud_language: str = "pt_BR"
    cloud_params: str = ""
    segment_options: list[Option] = []
    channel_options: list[Option] = []
    cloud_channels: list[str] = []
    preview_lines: list[PreviewLine] = []
    saving: bool = False
    starting: bool = False
    form_error: str = ""
    # a started campaign
    status: str = ""
    status_label: str = ""
    percent: int = 0
    done_label: str = ""
    funnel: list[FunnelStep] = []
    revenue: str = ""
    started_label: str = ""
    recipient_lines: list[RecipientLine] = []
    recipient_filter: str = "all"
    page: int = 1
    pages: int = 1
    watching: bool = False

    def _errors_inline(self, handler: str = "") -> bool:
        return self.mode == "edit"

    @rx.var
    def is_cloud(self) -> bool:
        """The chosen channel is the Cloud API (an approved template is needed outside the 24-hour window)."""
        return self.channel_id in self.cloud_channels

    @rx.var
    def variables(self) -> list[Option]:
        """The variables a message may use, with what each becomes."""
        return [Option(f"{{{name}}}", t(key)) for name, key in campaign_text.VARIABLES.items()]

    async def _refresh_list(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            tz = get_tenant(session, actor=user.actor).timezone
            rows = campaigns.list_campaigns(session, actor=user.actor)
        self.lines = [
            CampaignLine(
                c.id,
                c.name,
                c.status,
                t(f"camp.status_{c.status}"),
                STATUS_COLORS.get(c.status, "gray"),
                count(total, "destinatário", "destinatários") if total else t("camp.not_planned"),
                round(100 * (total - pending) / total) if total else 0,
                local_datetime(c.scheduled_at, tz) if c.scheduled_at else "",
            )
            for c, total, pending in rows
        ]

    async def _load_options(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            self.segment_options = [Option(str(s.id), s.name) for s in segments.list_segments(session, actor=user.actor)]
            rows = channels.list_channels(session, actor=user.actor)
        self.channel_options = [Option(str(c.id), c.name) for c in rows]
        self.cloud_channels = [str(c.id) for c in rows if c.provider == "cloud"]

    @rx.event
    @guarded
    async def load(self):
        """on_load: the list, and the campaign named in the address (`?c=`)."""
        await self._load_options()
        await self._refresh_list()
        self.loaded = True
        wanted = self.router.url.query_parameters.get("c", "")
        if wanted.isdigit():
            return await self._open(int(wanted))
        return None

    @rx.event
    def new(self):
        """Start a new draft (the first segment and channel chosen)."""
        self.selected_id, self.mode, self.form_error = 0, "edit", ""
        self.name, self.template, self.rate, self.when = "", t("camp.example"), str(campaigns.DEFAULT_RATE), ""
        self.segment_id = self.segment_options[0].value if self.segment_options else ""
        self.channel_id = self.channel_options[0].value if self.channel_options else ""
        self.cloud_name, self.cloud_language, self.cloud_params, self.preview_lines = "", "pt_BR", "", []

    @rx.event
    def back(self):
        """Back to the list (phones)."""
        self.selected_id, self.mode = 0, ""

    @rx.event
    @guarded
    async def open(self, campaign_id: int):
        """Show one campaign: the editor for a draft, the progress for a started one."""
        return await self._open(campaign_id)

    async def _open(self, campaign_id: int):
        user = await self._user("manager")
        with self._session(user) as session:
            c = campaigns.get_campaign(session, actor=user.actor, campaign_id=campaign_id)
        self.selected_id, self.form_error, self.preview_lines = c.id, "", []
        if c.status == "draft":
            self.mode = "edit"
            self.name, self.template, self.rate, self.when = c.name, c.template, str(c.rate_per_minute), ""
            self.segment_id, self.channel_id = str(c.segment_id or ""), str(c.channel_id or "")
            cloud = c.cloud_template or {}
            self.cloud_name, self.cloud_language = cloud.get("name", ""), cloud.get("language", "pt_BR")
            self.cloud_params = ", ".join(cloud.get("params") or [])
            return None
        self.mode, self.recipient_filter, self.page = "view", "all", 1
        await self._refresh_detail()
        return CampaignsState.watch

    @rx.event
    def set_field(self, name: str, value: str):
        """One editor field changed (the preview is then out of date)."""
        setattr(self, name, value)
        self.preview_lines = []

    @rx.event
    def add_variable(self, variable: str):
        """Append a `{variable}` to the message."""
        sep = "" if not self.template or self.template.endswith((" ", "\n")) else " "
        self.template = f"{self.template}{sep}{variable}"
        self.preview_lines = []

    def _draft_fields(self) -> dict:
        return {
            "name": self.name,
            "template": self.template,
            "segment_id": int(self.segment_id) if self.segment_id.isdigit() else None,
            "channel_id": int(self.channel_id) if self.channel_id.isdigit() else None,
            "rate_per_minute": int(self.rate) if self.rate.strip().isdigit() else 0,
            "cloud_template": {"name": self.cloud_name, "language": self.cloud_language, "params": self.cloud_params.split(",")}
            if self.is_cloud
            else {},
        }

    async def _save(self) -> int:
        user = await self._user("manager")
        with self._session(user) as session:
            saved = campaigns.save_draft(session, actor=user.actor, campaign_id=self.selected_id or None, **self._draft_fields())
            self.selected_id = saved.id
        return self.selected_id

    @rx.event
    @guarded
    async def preview(self):
        """Render the message for the first three real recipients."""
        fields = self._draft_fields()
        user = await self._user("manager")
        with self._session(user) as session:
            shown = campaigns.preview(
                session, actor=user.actor, template=fields["template"], segment_id=fields["segment_id"], channel_id=fields["channel_id"]
            )
        self.preview_lines = [PreviewLine(name, text) for name, text in shown]
        if not shown:
            raise ServiceError(t("err.camp_no_recipients"), field="campaign-segment")

    @rx.event
    @guarded(busy="saving")
    async def save(self):
        """Keep the draft."""
        await self._save()
        await self._refresh_list()
        return rx.toast.success(t("camp.saved"), id="toast-saved")

    @rx.event
    @guarded(busy="starting")
    async def start(self):
        """Save, plan the recipients and start now or at the chosen time (shop's zone)."""
        campaign_id = await self._save()
        user = await self._user("manager")
        with self._session(user) as session:
            at = None
            if self.when:
                try:
                    at = datetime.fromisoformat(self.when).replace(tzinfo=ZoneInfo(get_tenant(session, actor=user.actor).timezone))
                except ValueError as exc:
                    raise ServiceError(t("err.camp_when"), field="campaign-when") from exc
            planned = campaigns.schedule(session, actor=user.actor, campaign_id=campaign_id, at=at)
        await self._refresh_list()
        result = await self._open(campaign_id)
        return [rx.toast.success(t("camp.started", n=count(planned, "destinatário", "destinatários")), id="toast-saved"), result]

    @rx.event
    @guarded
    async def delete(self):
        """Throw away the draft."""
        user = await self._user("manager")
        with self._session(user) as session:
            campaigns.delete_draft(session, actor=user.actor, campaign_id=self.selected_id)
        self.selected_id, self.mode = 0, ""
        await self._refresh_list()

    @rx.event
    @guarded
    async def control(self, action: str):
        """Pause, resume or cancel."""
        user = await self._user("manager")
        with self._session(user) as session:
            campaigns.control(session, actor=user.actor, campaign_id=self.selected_id, action=action)
        await self._refresh_detail()
        await self._refresh_list()
        return CampaignsState.watch if action == "resume" else None

    @rx.event
    @guarded
    async def filter_recipients(self, value: str):
        """Show recipients of one status."""
        self.recipient_filter, self.page = value, 1
        await self._refresh_detail()

    @rx.event
    @guarded
    async def turn_page(self, delta: int):
        """Previous/next page of recipients."""
        self.page = min(max(1, self.page + delta), self.pages)
        await self._refresh_detail()

    async def _refresh_detail(self) -> None:
        user = await self._user("manager")
        with self._session(user) as session:
            c = campaigns.get_campaign(session, actor=user.actor, campaign_id=self.selected_id)
            tz = get_tenant(session, actor=user.actor).timezone
            p = campaigns.progress(session, actor=user.actor, campaign_id=c.id)
            status = "" if self.recipient_filter == "all" else self.recipient_filter
            rows, total = campaigns.recipients(
                session, actor=user.actor, campaign_id=c.id, status=status, page=self.page, per_page=PER_PAGE
            )
        self.name, self.status, self.status_label = c.name, c.status, t(f"camp.status_{c.status}")
        self.percent = p.percent
        self.done_label = t("camp.done_of", done=p.done, total=p.total)
        self.funnel = [
            FunnelStep("sent", t("camp.funnel_sent"), str(p.reached("sent"))),
            FunnelStep("read", t("camp.funnel_read"), str(p.reached("read"))),
            FunnelStep("replied", t("camp.funnel_replied"), str(p.reached("replied"))),
            FunnelStep("booked", t("camp.funnel_booked"), str(p.counts["booked"])),
            FunnelStep("failed", t("camp.funnel_failed"), str(p.counts["failed"])),
            FunnelStep("skipped", t("camp.funnel_skipped"), str(p.counts["skipped"])),
        ]
        self.revenue = money(p.revenue_cents)
        moment = c.started_at or c.scheduled_at
        self.started_label = t("camp.when_label", when=local_datetime(moment, tz)) if moment else ""
        self.pages = max(1, -(-total // PER_PAGE))
        self.recipient_lines = [
            RecipientLine(
                r.name, format_phone(r.phone), r.status, t(f"camp.rstatus_{r.status}"), RECIPIENT_COLORS.get(r.status, "gray"), r.detail
            )
            for r in rows
        ]

    @rx.event(background=True)
    async def watch(self):
        """Refresh the progress (and the list) every few seconds while a sending campaign is on screen."""

        async def refresh() -> None:
            await self._refresh_detail()
            await self._refresh_list()

        await poll(
            self,
            path="/campaigns",
            seconds=POLL_SECONDS,
            refresh=refresh,
            keep_going=lambda: self.mode == "view" and self.status in ("scheduled", "running"),
        )
