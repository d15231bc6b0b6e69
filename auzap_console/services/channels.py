"""WhatsApp channels: create (credentials and webhook secret encrypted), look up by webhook key, provider adapters."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from auzap_console.channels.types import ChannelProvider, ChannelRef, ProviderError
from auzap_console.crypto import decrypt_json, encrypt_json, encrypt_text
from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Channel
from auzap_console.phones import InvalidPhone, normalize_phone
from auzap_console.plugin import manager
from auzap_console.services import audit
from auzap_console.services.context import Actor, ServiceError, get_scoped


@dataclass(frozen=True)
class NewChannel:
    """A created channel and the URL its provider must call."""

    channel: Channel
    webhook_path: str


def webhook_path(channel: Channel) -> str:
    """The path (on the console's backend) the provider posts to."""
    return f"/webhooks/{channel.webhook_key}"


def create_channel(
    session: Session,
    *,
    actor: Actor,
    name: str,
    provider: str,
    base_url: str = "",
    external_id: str = "",
    credentials: dict | None = None,
    phone: str = "",
) -> NewChannel:
    """Add a channel (owner only); returns it with its webhook path."""
    actor.require("owner")
    if provider not in manager.channel_providers():
        raise ServiceError(t("err.provider_unknown", provider=provider))
    if len((name or "").strip()) < 2:
        raise ServiceError(t("err.channel_name"))
    if provider in ("waha", "evolution") and not base_url.startswith(("http://", "https://")):
        raise ServiceError(t("err.channel_base_url"))
    if provider == "cloud" and base_url and not base_url.startswith(("http://", "https://")):
        raise ServiceError(t("err.channel_base_url"))
    channel = Channel(
        tenant_id=actor.tenant_id,
        name=name.strip(),
        provider=provider,
        base_url=base_url.strip(),
        external_id=external_id.strip() or ("default" if provider == "waha" else ""),
        phone=phone,
        credentials_encrypted=encrypt_json(credentials or {}),
        webhook_key=secrets.token_urlsafe(24),
        webhook_secret_encrypted=encrypt_text(secrets.token_urlsafe(32)),
        status="connected" if provider == "simulator" else "disconnected",
    )
    session.add(channel)
    session.flush()
    audit.record(session, actor=actor, action="channel.create", entity="channel", entity_id=channel.id, details={"provider": provider})
    return NewChannel(channel, webhook_path(channel))


@dataclass
class ChannelDraft:
    """A channel form checked against its provider's fields, not yet saved."""

    channel_id: int | None
    name: str
    provider: str
    base_url: str
    external_id: str
    credentials: dict


NAME_MAX, URL_MAX, ID_MAX, SECRET_MAX = 80, 255, 120, 1000


def prepare_channel(
    session: Session, *, actor: Actor, provider: str, name: str, values: dict[str, str], channel_id: int | None = None
) -> ChannelDraft:
    """Validate a channel form with the fields its provider declares (owner); secrets left blank on edit are kept."""
    from auzap_console.services.context import get_scoped

    actor.require("owner")
    spec = manager.channel_providers().get(provider)
    if spec is None:
        raise ServiceError(t("err.provider_unknown", provider=provider))
    name = " ".join((name or "").split())
    if len(name) < 2:
        raise ServiceError(t("err.channel_name"))
    if len(name) > NAME_MAX:
        raise ServiceError(t("err.channel_name_long"))
    existing = get_scoped(session, Channel, channel_id, actor) if channel_id else None
    stored = decrypt_json(existing.credentials_encrypted) if existing is not None else {}
    base_url = existing.base_url if existing is not None else ""
    external_id = existing.external_id if existing is not None else ""
    credentials: dict[str, str] = {}
    for field in spec.fields:
        value = (values.get(field.name) or "").strip()
        if field.kind == "secret" and not value and field.name in stored:
            value = stored[field.name]
        if not value:
            value = field.default
        if field.required and not value:
            raise ServiceError(t("err.channel_field_required", label=field.label))
        limit = {"url": URL_MAX, "secret": SECRET_MAX}.get(field.kind, ID_MAX)
        if len(value) > limit:
            raise ServiceError(t("err.channel_field_long", label=field.label, max=limit))
        if field.kind == "url" and value and not value.startswith(("http://", "https://")):
            raise ServiceError(t("err.channel_field_url", label=field.label))
        if field.name == "base_url":
            base_url = value
        elif field.name == "external_id":
            external_id = value
        elif value:
            credentials[field.name] = value
    return ChannelDraft(channel_id, name, provider, base_url, external_id, credentials)


def check_draft(draft: ChannelDraft) -> None:
    """Ask the provider whether these settings work (no transaction held: it is an HTTP call).

    Raises ServiceError with a plain pt-BR reason; providers without `check` pass.
    """
    from auzap_console.channels.types import ProviderError

    spec = manager.channel_providers()[draft.provider]
    adapter = spec.factory()
    if not hasattr(adapter, "check"):
        return
    ref = ChannelRef(draft.channel_id or 0, 0, draft.provider, draft.base_url, draft.external_id, "", draft.credentials)
    try:
        adapter.check(ref)
    except ProviderError as exc:
        if exc.kind == "unreachable":
            raise ServiceError(t("err.provider_unreachable", url=draft.base_url or spec.title)) from exc
        if exc.kind == "unauthorized":
            raise ServiceError(t("err.provider_unauthorized", provider=spec.title)) from exc
        raise ServiceError(t("err.provider_rejected", provider=spec.title, reason=str(exc)[:160])) from exc


def save_channel(session: Session, *, actor: Actor, draft: ChannelDraft) -> Channel:
    """Create or update the channel from a checked draft (owner)."""
    from auzap_console.services.context import get_scoped

    actor.require("owner")
    if draft.channel_id is None:
        return create_channel(
            session,
            actor=actor,
            name=draft.name,
            provider=draft.provider,
            base_url=draft.base_url,
            external_id=draft.external_id,
            credentials=draft.credentials,
        ).channel
    channel = get_scoped(session, Channel, draft.channel_id, actor)
    channel.name, channel.base_url, channel.external_id = draft.name, draft.base_url, draft.external_id
    channel.credentials_encrypted = encrypt_json(draft.credentials)
    session.add(channel)
    audit.record(session, actor=actor, action="channel.update", entity="channel", entity_id=channel.id)
    forget_webhook_cache()
    return channel


def delete_channel(session: Session, *, actor: Actor, channel_id: int) -> None:
    """Remove a channel (owner); its conversations stay, without a channel."""
    from auzap_console.services.context import get_scoped

    actor.require("owner")
    channel = get_scoped(session, Channel, channel_id, actor)
    audit.record(session, actor=actor, action="channel.delete", entity="channel", entity_id=channel.id, details={"name": channel.name})
    session.delete(channel)
    forget_webhook_cache()


def form_values(channel: Channel) -> dict[str, str]:
    """What the edit form shows: everything but the secrets (left blank = keep)."""
    spec = manager.channel_providers().get(channel.provider)
    stored = decrypt_json(channel.credentials_encrypted)
    values = {}
    for field in spec.fields if spec else ():
        if field.kind == "secret":
            values[field.name] = ""
        elif field.name == "base_url":
            values[field.name] = channel.base_url
        elif field.name == "external_id":
            values[field.name] = channel.external_id
        else:
            values[field.name] = str(stored.get(field.name, ""))
    return values


TEMPLATE_USES = ("reminder",)
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # Meta's rule for template names


def set_template(session: Session, *, actor: Actor, channel_id: int, use: str, name: str, language: str = "pt_BR") -> Channel:
    """Name the approved Cloud API template for `use` (e.g. reminders outside the 24-hour window); blank removes it."""
    from auzap_console.services.context import get_scoped

    actor.require("owner")
    channel = get_scoped(session, Channel, channel_id, actor)
    if use not in TEMPLATE_USES:
        raise ServiceError(t("err.template_use"))
    name, language = (name or "").strip(), (language or "pt_BR").strip()
    templates = dict(channel.templates or {})
    if not name:
        templates.pop(use, None)
    elif not _TEMPLATE_NAME.match(name):
        raise ServiceError(t("err.template_name"), field="template-name")
    else:
        templates[use] = {"name": name, "language": language}
    channel.templates = templates
    session.add(channel)
    audit.record(session, actor=actor, action="channel.template", entity="channel", entity_id=channel.id, details={use: name})
    return channel


def webhook_url(channel: Channel) -> str:
    """The full URL to configure at the provider."""
    from auzap_console.settings import get_settings

    return get_settings().webhook_base + webhook_path(channel)


def get_channel(session: Session, *, actor: Actor, channel_id: int) -> Channel:
    """One of the tenant's channels (NotFound for any other)."""
    from auzap_console.services.context import get_scoped

    return get_scoped(session, Channel, channel_id, actor)


def list_channels(session: Session, *, actor: Actor) -> list[Channel]:
    """The tenant's channels."""
    return list(session.exec(select(Channel).where(Channel.tenant_id == actor.tenant_id).order_by(Channel.id)))


def test_send(*, actor: Actor, channel_id: int, phone: str, text_: str) -> str:
    """Send a text right away through a channel (owner and manager); returns the provider's id.

    Like `connect` and `session_action`, it opens its own short transactions so that the
    provider's HTTP call never runs inside one.
    """
    actor.require("manager")
    try:
        to = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ServiceError(t("err.phone_invalid")) from exc
    if not (text_ or "").strip():
        raise ServiceError(t("err.message_empty"))
    channel = _read(actor, channel_id)
    try:
        provider_id = provider_for(channel.provider).send_text(channel_ref(channel), to, text_.strip())
    except ProviderError as exc:
        _write(actor, channel_id, status="failed")
        raise ServiceError(t("err.send_failed", reason=str(exc)[:160])) from exc
    if channel.status in ("failed", "disconnected") and channel.provider != "simulator":
        _write(actor, channel_id, status="connected")
    return provider_id


def connect(*, actor: Actor, channel_id: int, pairing_phone: str = "") -> Channel:
    """Start the provider session (owner): stores the status and the QR or pairing code to show."""
    actor.require("owner")
    channel = _read(actor, channel_id)
    provider = provider_for(channel.provider)
    if not hasattr(provider, "connect"):
        raise ServiceError(t("err.connect_unsupported"))
    try:
        phone = normalize_phone(pairing_phone) if pairing_phone else ""
    except InvalidPhone as exc:
        raise ServiceError(t("err.phone_invalid")) from exc
    try:
        update = provider.connect(channel_ref(channel), webhook_url(channel), phone)
    except ProviderError as exc:
        _write(actor, channel_id, status="failed")
        raise ServiceError(t("err.send_failed", reason=str(exc)[:160])) from exc
    return _write(
        actor, channel_id, audit_action="channel.connect", status=update.status, qr_code=update.qr_code, pairing_code=update.pairing_code
    )


def session_action(*, actor: Actor, channel_id: int, action: str) -> Channel:
    """Ask the provider for the session status ("status") or stop it ("disconnect"); owner for stop."""
    actor.require("owner" if action == "disconnect" else "manager")
    channel = _read(actor, channel_id)
    method = getattr(provider_for(channel.provider), {"status": "session_status", "disconnect": "disconnect"}[action], None)
    if method is None:
        raise ServiceError(t("err.connect_unsupported"))
    try:
        update = method(channel_ref(channel))
    except ProviderError as exc:
        raise ServiceError(t("err.send_failed", reason=str(exc)[:160])) from exc
    cleared = {"qr_code": "", "pairing_code": ""} if update.status in ("connected", "disconnected") else {}
    # A status check is audited only when it changed something (the connect page polls it).
    changed = action != "status" or update.status != channel.status
    return _write(actor, channel_id, audit_action=f"channel.{action}" if changed else "", status=update.status, **cleared)


def _read(actor: Actor, channel_id: int) -> Channel:
    """The channel, read in a short transaction of its own (before a provider call)."""
    with tenant_session(actor.tenant_id) as session:
        return get_scoped(session, Channel, channel_id, actor)


def _write(actor: Actor, channel_id: int, *, audit_action: str = "", **fields) -> Channel:
    """Store what a provider call answered, in a short transaction of its own (after the call)."""
    with tenant_session(actor.tenant_id) as session:
        channel = get_scoped(session, Channel, channel_id, actor)
        for name, value in fields.items():
            setattr(channel, name, value)
        session.add(channel)
        if audit_action:
            audit.record(session, actor=actor, action=audit_action, entity="channel", entity_id=channel.id)
        return channel


def channel_ref(channel: Channel) -> ChannelRef:
    """The provider-facing view of a channel, webhook secret and credentials decrypted."""
    return ChannelRef(
        channel.id,
        channel.tenant_id,
        channel.provider,
        channel.base_url,
        channel.external_id,
        channel.webhook_secret,
        decrypt_json(channel.credentials_encrypted),
    )


def provider_for(name: str) -> ChannelProvider:
    """An adapter instance for a provider name."""
    spec = manager.channel_providers().get(name)
    if spec is None:
        raise ServiceError(t("err.provider_unknown", provider=name))
    return spec.factory()


WEBHOOK_CACHE_SECONDS = 30.0
_webhook_cache: dict[str, tuple[float, Channel]] = {}


def find_by_webhook_key(key: str) -> Channel | None:
    """The channel a webhook URL belongs to, cached briefly (webhooks are the hot path).

    A rotated secret or a deleted channel is seen within WEBHOOK_CACHE_SECONDS.
    """
    now = time.monotonic()
    hit = _webhook_cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    channel = _lookup_webhook_key(key)
    if channel is not None:
        if len(_webhook_cache) > 10_000:
            _webhook_cache.clear()
        _webhook_cache[key] = (now + WEBHOOK_CACHE_SECONDS, channel)
    return channel


def cached_webhook_channel(key: str) -> Channel | None:
    """The channel of a webhook URL if this process looked it up recently (no database: safe on the event loop)."""
    hit = _webhook_cache.get(key)
    return hit[1] if hit and hit[0] > time.monotonic() else None


def forget_webhook_cache() -> None:
    """Drop cached lookups (after changing a channel in this process, and in tests)."""
    _webhook_cache.clear()


def _lookup_webhook_key(key: str) -> Channel | None:
    """Database lookup (before any tenant is known; SECURITY DEFINER on PostgreSQL)."""
    if not key:
        return None
    with tenant_session(None) as session:
        if session.get_bind().dialect.name == "postgresql":
            row = session.execute(text("SELECT channel_id, tenant_id FROM auzap_channel_lookup(:k)"), {"k": key}).first()
        else:
            row = session.execute(select(Channel.id, Channel.tenant_id).where(Channel.webhook_key == key)).first()
    if row is None:
        return None
    with tenant_session(row[1]) as session:
        return session.exec(select(Channel).where(Channel.id == row[0], Channel.tenant_id == row[1])).first()
